/**
 * Hierarchical attribution in the spirit of TextGenSHAP: attribute coarse groups first, then
 * spend the rest of one budget refining only the groups that matter.
 *
 * The game's players are the finest units (e.g. words); a tree groups them (documents →
 * sentences → words). Every node lists the players it covers, so keeping or dropping a node
 * keeps or drops all of them: no second game is needed, and `UnitTreeNode` from src/units fits
 * {@link PlayerTreeNode} as it is.
 *
 * Round 0 estimates Shapley values of the top-level groups by antithetic permutation sampling.
 * Each later round refines, in one batch, the groups found significant in the round before:
 *   |mean| − standard error ≥ threshold · |v(N) − v(∅)|   (TextGenSHAP's mean − sd/√P rule),
 * or, with `topK`, the k groups of largest |value| in that round. A group's children are valued
 * by Owen-style sampling: a random context (for every ancestor level, the siblings that precede
 * the ancestor in a random order are present) and a random order of the children; a child's
 * marginal is its contribution on top of the context and the children before it. Children's
 * means are shifted equally so they sum to their parent's value, keeping Σφ = v(N) − v(∅) exact.
 * A group left unrefined passes its value to its players in equal shares.
 */

import {InputError} from "../errors.js";
import {resolveBudget, requirePlayers} from "./budget.js";
import {CoalitionCache, coalitionKey, emptyCoalition} from "./coalitions.js";
import type {Coalition, Game, GameOutcome} from "./game.js";
import {assembleResult, withEndPoints} from "./method-support.js";
import {drawSamplePairs, pairedMeanAndError, sampleMarginals, type UnitSample} from "./permutation-engine.js";
import {createRandom, randomPermutation, validateSeed, type RandomSource} from "./random.js";
import type {AttributionOptions, AttributionResult, HierarchyNodeAttribution} from "./result.js";

export interface PlayerTreeNode {
    /** Base-game players the node covers (a node's players are the union of its children's). */
    readonly players: readonly number[];
    readonly children: readonly PlayerTreeNode[];
    readonly label?: string;
}

export interface HierarchicalOptions extends AttributionOptions {
    /** Root of the tree; its children are the top-level players. Default: contiguous groups of ⌈√n⌉ players. */
    tree?: PlayerTreeNode;
    /** Refinement rule: significance threshold as a share of |v(N) − v(∅)| (default 0.1). */
    threshold?: number;
    /** Refinement rule: refine the k largest |values| of each round instead of using the threshold. */
    topK?: number;
    /** Antithetic pairs per attributed group (default: 40 % of the budget on the top level, 2 to 50). */
    pairsPerNode?: number;
}

export function contiguousTree(playerCount: number, groupSize = Math.ceil(Math.sqrt(playerCount))): PlayerTreeNode {
    const groups: PlayerTreeNode[] = [];
    for (let start = 0; start < playerCount; start += groupSize) {
        const players = Array.from({length: Math.min(groupSize, playerCount - start)}, (_, k) => start + k);
        groups.push({players, children: players.map((player) => ({players: [player], children: []}))});
    }
    return {players: Array.from({length: playerCount}, (_, k) => k), children: groups};
}

export function hierarchicalMinimumBudget(topLevelCount: number): number {
    return topLevelCount <= 1 ? 2 : 2 + 4 * (topLevelCount - 1);
}

interface Frame {
    node: PlayerTreeNode;
    /** The node's siblings, itself included. */
    siblings: readonly PlayerTreeNode[];
    path: number[];
    /** Ancestors from the top-level group down to the node's parent, with their sibling lists. */
    lineage: {node: PlayerTreeNode; siblings: readonly PlayerTreeNode[]}[];
    value: number;
    standardError: number;
    /** The node's value for each outcome component (when outcomes carry components). */
    components: number[];
    refined: boolean;
}

function validateTree(root: PlayerTreeNode, playerCount: number): void {
    const seen = new Uint8Array(playerCount);
    for (const group of root.children) {
        for (const player of group.players) {
            if (!Number.isInteger(player) || player < 0 || player >= playerCount) {
                throw new InputError("the hierarchy names a player the game does not have", {
                    expected: `players 0..${playerCount - 1}`,
                    received: String(player),
                });
            }
            if (seen[player] === 1)
                throw new InputError("the hierarchy's top-level groups overlap", {
                    expected: "each player in one top-level group",
                    received: `player ${player} twice`,
                });
            seen[player] = 1;
        }
    }
    const missing = seen.indexOf(0);
    if (missing >= 0)
        throw new InputError("the hierarchy's top-level groups do not cover every player", {
            expected: `all ${playerCount} players`,
            received: `player ${missing} missing`,
        });
}

/** A context for refining `frame`: for each level, the siblings before the ancestor in a random order. */
function drawOwenContext(frame: Frame, playerCount: number, random: RandomSource): Coalition {
    const context = emptyCoalition(playerCount);
    for (const level of [...frame.lineage, {node: frame.node, siblings: frame.siblings}]) {
        const order = randomPermutation(level.siblings.length, random);
        for (const index of order) {
            const sibling = level.siblings[index] as PlayerTreeNode;
            if (sibling === level.node) break;
            for (const player of sibling.players) context[player] = 1;
        }
    }
    return context;
}

export async function hierarchical(game: Game, options: HierarchicalOptions = {}): Promise<AttributionResult> {
    const n = game.playerCount;
    requirePlayers("hierarchical", n);
    const seed = validateSeed(options.seed);
    const tree = options.tree ?? contiguousTree(n);
    validateTree(tree, n);
    const top = tree.children;
    const budget = resolveBudget(
        "hierarchical",
        n,
        options.budget,
        hierarchicalMinimumBudget(top.length),
        Math.max(hierarchicalMinimumBudget(top.length), 8 * (n + 1)),
    );
    const threshold = options.threshold ?? 0.1;
    const pairs = options.pairsPerNode ?? Math.min(50, Math.max(2, Math.floor((0.4 * (budget - 2)) / (2 * Math.max(1, top.length - 1)))));
    const random = createRandom(seed);
    const cache = new CoalitionCache(game);
    const known = new Set<string>();
    const endPoints = withEndPoints(n, []);
    for (const coalition of endPoints) known.add(coalitionKey(coalition));

    // Round 0: the top level, context empty, as plain permutation sampling over groups.
    const topUnits = top.map((group) => [...group.players]);
    const drawnTop = drawSamplePairs(topUnits, () => emptyCoalition(n), random, known, budget - 2, pairs);
    const outcomes0 = await cache.evaluate([...endPoints, ...drawnTop.chains.flat()]);
    const full = outcomes0[0] as GameOutcome;
    const empty = outcomes0[1] as GameOutcome;
    const total = full.value - empty.value;
    const componentCount = full.components?.length ?? 0;
    const topChains = splitChains(outcomes0.slice(2), drawnTop.chains);
    const topEstimate = estimate(drawnTop.samples, topChains, top.length);
    const topComponents = componentMeans(drawnTop.samples, topChains, top.length, componentCount);
    let frames: Frame[] = top.map((node, index) => ({
        node,
        siblings: top,
        path: [index],
        lineage: [],
        value: topEstimate.mean[index] as number,
        standardError: topEstimate.standardError[index] as number,
        components: topComponents.map((means) => means[index] as number),
        refined: false,
    }));
    const record: Frame[] = [...frames];

    while (frames.length > 0) {
        // Pass single-child chains through at no cost.
        const candidates: Frame[] = [];
        for (const frame of frames) {
            let current = frame;
            while (current.node.children.length === 1) {
                current.refined = true;
                const child: Frame = {
                    node: current.node.children[0] as PlayerTreeNode,
                    siblings: current.node.children,
                    path: [...current.path, 0],
                    lineage: [...current.lineage, {node: current.node, siblings: current.siblings}],
                    value: current.value,
                    standardError: current.standardError,
                    components: current.components,
                    refined: false,
                };
                record.push(child);
                current = child;
            }
            if (current.node.children.length > 1) candidates.push(current);
        }
        const ranked = [...candidates].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
        const chosen =
            options.topK !== undefined
                ? ranked.slice(0, options.topK)
                : ranked.filter((frame) => Math.abs(frame.value) - frame.standardError >= threshold * Math.abs(total));
        const plans: {frame: Frame; samples: UnitSample[]; chains: Coalition[][]}[] = [];
        for (const frame of chosen) {
            const remaining = budget - known.size;
            const units = frame.node.children.map((child) => [...child.players]);
            if (remaining < 4 * (units.length + 1)) continue;
            const drawn = drawSamplePairs(units, (source) => drawOwenContext(frame, n, source), random, known, remaining, pairs);
            if (drawn.samples.length < 4) {
                for (const chain of drawn.chains) for (const coalition of chain) known.delete(coalitionKey(coalition));
                continue;
            }
            plans.push({frame, samples: drawn.samples, chains: drawn.chains});
        }
        if (plans.length === 0) break;
        const outcomes = await cache.evaluate(plans.flatMap((plan) => plan.chains.flat()));
        let offset = 0;
        const next: Frame[] = [];
        for (const plan of plans) {
            const count = plan.chains.reduce((sum, chain) => sum + chain.length, 0);
            const chainOutcomes = splitChains(outcomes.slice(offset, offset + count), plan.chains);
            offset += count;
            const children = plan.frame.node.children;
            const result = estimate(plan.samples, chainOutcomes, children.length);
            const shift = (plan.frame.value - result.mean.reduce((sum, value) => sum + value, 0)) / children.length;
            const childComponents = componentMeans(plan.samples, chainOutcomes, children.length, componentCount).map((means, c) => {
                const componentShift = ((plan.frame.components[c] as number) - means.reduce((sum, value) => sum + value, 0)) / children.length;
                return means.map((mean) => mean + componentShift);
            });
            plan.frame.refined = true;
            children.forEach((child, index) => {
                const frame: Frame = {
                    node: child,
                    siblings: children,
                    path: [...plan.frame.path, index],
                    lineage: [...plan.frame.lineage, {node: plan.frame.node, siblings: plan.frame.siblings}],
                    value: (result.mean[index] as number) + shift,
                    standardError: result.standardError[index] as number,
                    components: childComponents.map((means) => means[index] as number),
                    refined: false,
                };
                record.push(frame);
                next.push(frame);
            });
        }
        frames = next;
    }
    const values = new Array<number>(n).fill(0);
    const standardErrors = new Array<number>(n).fill(0);
    const componentValues = Array.from({length: componentCount}, () => new Array<number>(n).fill(0));
    for (const frame of record) {
        if (frame.refined) continue;
        const size = frame.node.players.length;
        for (const player of frame.node.players) {
            values[player] = frame.value / size;
            standardErrors[player] = frame.standardError / size;
            componentValues.forEach((row, c) => (row[player] = (frame.components[c] as number) / size));
        }
    }
    const componentsComplete = componentCount > 0 && componentValues.every((row) => row.every(Number.isFinite));
    const hierarchy: HierarchyNodeAttribution[] = record.map((frame) => ({
        path: frame.path,
        depth: frame.path.length,
        value: frame.value,
        standardError: frame.standardError,
        players: [...frame.node.players],
        refined: frame.refined,
        ...(frame.node.label === undefined ? {} : {label: frame.node.label}),
    }));
    return assembleResult({
        method: "hierarchical",
        game,
        cache,
        budget,
        seed,
        full,
        empty,
        series: componentsComplete ? {values, componentValues} : {values},
        standardErrors,
        diagnostics: {hierarchy, permutations: 2 * pairs},
    });
}

function splitChains(outcomes: readonly GameOutcome[], chains: readonly Coalition[][]): GameOutcome[][] {
    const result: GameOutcome[][] = [];
    let offset = 0;
    for (const chain of chains) {
        result.push(outcomes.slice(offset, offset + chain.length));
        offset += chain.length;
    }
    return result;
}

/** Per component, the mean marginal of each unit (NaN where an outcome lacks the component). */
function componentMeans(samples: readonly UnitSample[], chainOutcomes: readonly GameOutcome[][], unitCount: number, componentCount: number): number[][] {
    return Array.from(
        {length: componentCount},
        (_, c) =>
            pairedMeanAndError(
                sampleMarginals(samples, chainOutcomes, unitCount, (outcome) => outcome.components?.[c] ?? NaN),
                unitCount,
            ).mean,
    );
}

function estimate(samples: readonly UnitSample[], chainOutcomes: readonly GameOutcome[][], unitCount: number): {mean: number[]; standardError: number[]} {
    return pairedMeanAndError(
        sampleMarginals(samples, chainOutcomes, unitCount, (outcome) => outcome.value),
        unitCount,
    );
}
