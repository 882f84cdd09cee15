/**
 * A hierarchy of units for hierarchical attribution: coarse groups (documents, messages or
 * paragraphs) contain sentences, which contain words. The players of the game are the finest
 * units (the leaves); every node lists the leaf players it covers, so a method can evaluate
 * coalitions that keep or drop whole groups and refine only where it matters.
 */
import {segmentInput, type SegmentedInput, type SegmentOptions} from "./segmented-input.js";
import {sameSource, type StructuredInput, type Unit, type UnitKind} from "./types.js";

export interface UnitTreeNode {
    kind: UnitKind | "root";
    /** The unit this node stands for (undefined for the root). */
    unit?: Unit;
    /** Leaf player indices covered by this node, ascending. */
    players: number[];
    children: UnitTreeNode[];
}

export interface UnitHierarchy {
    /** The finest segmentation: its units are the game's players. */
    leaves: SegmentedInput;
    root: UnitTreeNode;
    /** Unit kinds from the top level down to the leaves. */
    levels: UnitKind[];
}

/** Default levels: documents → sentences → words; messages → sentences → words; paragraphs → sentences → words. */
export function defaultHierarchyLevels(input: StructuredInput): UnitKind[] {
    const top: UnitKind = input.kind === "documents" ? "document" : input.kind === "chat" ? "message" : "paragraph";
    return [top, "sentence", "word"];
}

export function buildUnitHierarchy(input: StructuredInput, levels: readonly UnitKind[] = defaultHierarchyLevels(input), options: SegmentOptions = {}): UnitHierarchy {
    if (levels.length === 0) throw new Error("a hierarchy needs at least one level");
    const segmentations = levels.map((kind) => segmentInput(input, kind, options));
    const leaves = segmentations[segmentations.length - 1] as SegmentedInput;
    const root: UnitTreeNode = {kind: "root", players: leaves.units.map((unit) => unit.index), children: []};
    const build = (parent: UnitTreeNode, parentUnit: Unit | undefined, depth: number): void => {
        const segmentation = segmentations[depth];
        if (segmentation === undefined) return;
        const isLeafLevel = depth === segmentations.length - 1;
        for (const unit of segmentation.units) {
            if (parentUnit !== undefined && !contains(parentUnit, unit)) continue;
            const players = isLeafLevel ? [unit.index] : leaves.units.filter((leaf) => contains(unit, leaf)).map((leaf) => leaf.index);
            if (players.length === 0) continue;
            const node: UnitTreeNode = {kind: unit.kind, unit, players, children: []};
            if (!isLeafLevel) build(node, unit, depth + 1);
            parent.children.push(node);
        }
    };
    build(root, undefined, 0);
    return {leaves, root, levels: [...levels]};
}

function contains(outer: Unit, inner: Unit): boolean {
    return sameSource(outer.source, inner.source) && inner.start >= outer.start && inner.start < outer.end;
}
