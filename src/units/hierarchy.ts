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
    /** Short description: the unit kind and the start of its text. */
    label?: string;
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

export function buildUnitHierarchy(
    input: StructuredInput,
    levels: readonly UnitKind[] = defaultHierarchyLevels(input),
    options: SegmentOptions = {},
): UnitHierarchy {
    if (levels.length === 0) throw new Error("a hierarchy needs at least one level");
    const segmentations = levels.map((kind) => segmentInput(input, kind, options));
    const leaves = segmentations[segmentations.length - 1] as SegmentedInput;
    // parentOf[d][i]: index (in level d) of the parent of unit i of level d + 1.
    const parentOf = segmentations
        .slice(0, -1)
        .map((parents, depth) => (segmentations[depth + 1] as SegmentedInput).units.map((child) => parentIndex(parents.units, child)));
    const root: UnitTreeNode = {kind: "root", players: leaves.units.map((unit) => unit.index), children: []};
    const build = (depth: number, unitIndexes: readonly number[]): UnitTreeNode[] => {
        const segmentation = segmentations[depth] as SegmentedInput;
        if (depth === segmentations.length - 1) {
            return unitIndexes.map((index) => {
                const unit = segmentation.units[index] as Unit;
                return {kind: unit.kind, label: nodeLabel(unit), unit, players: [unit.index], children: []};
            });
        }
        const links = parentOf[depth] as number[];
        return unitIndexes.flatMap((index) => {
            const unit = segmentation.units[index] as Unit;
            const childIndexes = links.flatMap((parent, child) => (parent === index ? [child] : []));
            const children = build(depth + 1, childIndexes);
            const players = children.flatMap((child) => child.players).sort((a, b) => a - b);
            return players.length === 0 ? [] : [{kind: unit.kind, label: nodeLabel(unit), unit, players, children}];
        });
    };
    root.children = build(
        0,
        (segmentations[0] as SegmentedInput).units.map((unit) => unit.index),
    );
    return {leaves, root, levels: [...levels]};
}

function nodeLabel(unit: Unit): string {
    const text = unit.text.replace(/\s+/gu, " ").trim();
    return `${unit.kind} ${unit.index + 1}: ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`;
}

/**
 * Levels for a hierarchy whose leaves are `leaf` units: the input's top level, then sentences,
 * words and tokens, cut after `leaf`. A leaf kind outside that chain (line, span, ...) gives a
 * one-level hierarchy.
 */
export function hierarchyLevelsFor(input: StructuredInput, leaf: UnitKind): UnitKind[] {
    const chain: UnitKind[] = [...defaultHierarchyLevels(input), "token"];
    const position = chain.indexOf(leaf);
    return position < 0 ? [leaf] : chain.slice(0, position + 1);
}

/** The root's top level, skipping levels where the root has a single child (one paragraph, one sentence). */
export function collapseSingleChildren(root: UnitTreeNode): UnitTreeNode {
    let node = root;
    while (node.children.length === 1 && (node.children[0]?.children.length ?? 0) > 0) {
        node = {...root, children: (node.children[0] as UnitTreeNode).children};
    }
    return node;
}

/**
 * The parent of `child`: among the parents from the same source, the last one that starts at or
 * before the child's first non-blank character (so " was", a token with a leading space, belongs
 * to the word "was"); the source's first parent when none does. Every child gets exactly one parent.
 */
function parentIndex(parents: readonly Unit[], child: Unit): number {
    const leading = child.text.length - child.text.trimStart().length;
    const anchor = child.start + Math.min(leading, Math.max(0, child.text.length - 1));
    let chosen = -1;
    for (const parent of parents) {
        if (!sameSource(parent.source, child.source)) continue;
        if (chosen < 0 || parent.start <= anchor) chosen = parent.index;
    }
    return chosen;
}
