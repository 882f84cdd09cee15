/**
 * Attribution benchmarks. `npm run bench:attribution [-- part...]` runs the parts (default all)
 * and writes each part's section into BENCHMARKS.md under its own heading, leaving every other
 * section alone.
 *
 * Part 1, "Attribution: sample efficiency": relative L2 error ‖φ̂ − φ‖/‖φ‖ against exact Shapley
 * values for each estimator at budgets 64…4096, median over seeds, on three analytic games
 * (n = 10, 12, 14) and on games recorded from real models, read from bench/fixtures/model-games.json
 * (v(S) = log p(target | kept units) for all 2^n coalitions; `node --import tsx
 * bench/record-model-games.ts` re-records them through the project's own model game): four prompts
 * on stories260K (learned behaviour, n = 10…12) and three held-out items of the lookup organism
 * (a sparse mechanism known by construction; players are the key and value words of 5, 6, 7
 * documents, n = 10, 12, 14). Deterministic: rerunning gives the same table.
 *
 * Per game it also reports the Fourier energy of the game by interaction order (what paired
 * designs cannot see is the odd part of order ≥ 3) and an oracle: the Gaussian posterior mean of
 * φ given the same coalitions as KernelSHAP, under a prior whose variance per interaction order is
 * the game's own energy — Bayes-optimal for that prior and design, and unusable in practice
 * (it needs the whole table). Where even the oracle misses 5 %, the budget is too small for the
 * game's high-order structure.
 *
 * To add a part, append a {@link BenchmarkPart} to `parts`: its `run` returns the markdown body
 * of its section.
 */

import {readFileSync, writeFileSync, existsSync} from "node:fs";
import {z} from "zod";
import {harsanyiGame, pairwiseInteractionGame, weightedVotingGame, type AnalyticGame, type Interaction} from "../src/attribution/analytic-games.js";
import {exactShapley} from "../src/attribution/exact-shapley.js";
import type {Coalition, Game, GameOutcome} from "../src/attribution/game.js";
import {comparisons, familyLines, organismParagraph, percent, whyParagraph, type GameFamily, type GameSummary} from "./attribution-report.js";
import {coefficientsHolding, fourierEnergyByOrder, maskOf, oracleEstimate, valueTable} from "./attribution-spectrum.js";
import {createRandom} from "../src/attribution/random.js";
import {attributionMethods} from "../src/attribution/registry.js";

export interface BenchmarkPart {
    /** Heading of its section in BENCHMARKS.md (level 2). */
    heading: string;
    /** Short name to select it on the command line. */
    name: string;
    run(): Promise<string>;
}

const benchmarksFile = new URL("../BENCHMARKS.md", import.meta.url);
const modelGamesFile = new URL("./fixtures/model-games.json", import.meta.url);

/** Replaces the body under `## heading` (up to the next level-2 heading) or appends the section. */
export function replaceSection(markdown: string, heading: string, body: string): string {
    const section = `## ${heading}\n\n${body.trim()}\n`;
    const lines = markdown.split("\n");
    const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
    if (start < 0) return `${markdown.trimEnd()}${markdown.trim() === "" ? "" : "\n\n"}${section}`;
    let end = lines.findIndex((line, index) => index > start && /^## /.test(line));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join("\n");
    const after = lines.slice(end).join("\n");
    return `${before}${before === "" ? "" : "\n"}${section}${after === "" ? "" : `\n${after}`}`;
}

// ---- Part 1: sample efficiency on analytic games -------------------------------------------

interface BenchGame {
    label: string;
    game: Game;
    note: string;
    family: GameFamily;
}

function pairwiseBenchGame(): BenchGame {
    const random = createRandom(101);
    const n = 10;
    const weights = Array.from({length: n}, () => random.normal() * 0.5);
    const pairs: Interaction[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (random.next() < 0.3) pairs.push({players: [i, j], weight: 2 * random.normal()});
    const game = pairwiseInteractionGame(weights, pairs);
    return {
        label: `pairwise interactions (n = ${n}, ${pairs.length} pairs)`,
        game,
        note: "LOO counts each pair's surplus in full for both players; Shapley splits it",
        family: "synthetic",
    };
}

function harsanyiBenchGame(): BenchGame {
    const random = createRandom(202);
    const n = 12;
    const dividends: Interaction[] = [];
    for (let player = 0; player < n; player++) dividends.push({players: [player], weight: random.normal() * 0.3});
    for (let t = 0; t < 10; t++) {
        const size = 2 + random.integer(3); // orders 2 to 4
        const members = new Set<number>();
        while (members.size < size) members.add(random.integer(n));
        dividends.push({players: [...members], weight: 1.5 * random.normal()});
    }
    return {label: `Harsanyi dividends of order 1–4 (n = ${n})`, game: harsanyiGame(n, dividends), note: "higher-order interactions", family: "synthetic"};
}

function votingBenchGame(): BenchGame {
    const weights = [12, 10, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1, 1];
    const quota = 37; // simple majority of 73 seats
    // Shapley–Shubik indices come from exact enumeration below; the placeholder is unused.
    const game = weightedVotingGame("parliament", weights, quota, new Array<number>(weights.length).fill(0));
    return {label: `weighted voting, 14 parties, quota 37 of 73 seats`, game, note: "a 0/1 game with many thresholds", family: "synthetic"};
}

const fixtureSchema = z.object({
    model: z.string(),
    games: z.array(
        z.object({
            name: z.string(),
            /** Set on games played by a model other than the fixture's (stories260K). */
            model: z.string().optional(),
            /** Set on games recorded from a model organism: its name and the item's document count. */
            organism: z.string().optional(),
            documents: z.number().int().min(1).optional(),
            unit: z.string(),
            prompt: z.string(),
            target: z.string(),
            units: z.array(z.string()),
            playerCount: z.number().int().min(1).max(20),
            valueKind: z.literal("logprob"),
            encoding: z.literal("float32-le-base64"),
            values: z.string(),
        }),
    ),
});

/** The recorded model games: a value table per prompt, played back as a game. */
function recordedBenchGames(): BenchGame[] {
    const fixture = fixtureSchema.parse(JSON.parse(readFileSync(modelGamesFile, "utf8")));
    return fixture.games.map((recorded) => {
        const bytes = Buffer.from(recorded.values, "base64");
        const n = recorded.playerCount;
        if (bytes.byteLength !== 4 * 2 ** n) throw new Error(`${recorded.name}: ${bytes.byteLength} bytes for ${n} players`);
        const table = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        const game: Game = {
            playerCount: n,
            evaluate: async (coalitions: readonly Coalition[]): Promise<GameOutcome[]> =>
                coalitions.map((coalition) => ({value: table[maskOf(coalition)] as number})),
        };
        const shown = recorded.prompt.length > 90 ? `${recorded.prompt.slice(0, 87)}…` : recorded.prompt;
        if (recorded.organism !== undefined) {
            const documents = recorded.documents === undefined ? "" : ` of ${recorded.documents} documents`;
            return {
                label: `${recorded.organism} organism: n = ${n} (key and value words${documents}) → ${JSON.stringify(recorded.target)}`,
                game,
                note:
                    `${recorded.model ?? fixture.model}, a sparse mechanism known by construction: log p(${JSON.stringify(recorded.target)} | kept key and value words of ${JSON.stringify(shown)}), ` +
                    'dropped words deleted, each document\'s "." and the question always kept',
                family: "organism",
            };
        }
        return {
            label: `${recorded.model ?? fixture.model}: ${n} ${recorded.unit}s → ${JSON.stringify(recorded.target)}`,
            game,
            note: `log p(${JSON.stringify(recorded.target)} | kept ${recorded.unit}s of ${JSON.stringify(shown)}), dropped units deleted`,
            family: "stories260K",
        };
    });
}

interface Estimator {
    label: string;
    method: string;
    options?: Record<string, unknown>;
}

const estimators: Estimator[] = [
    {label: "shapley", method: "shapley"},
    {label: "kernelshap, design shap (old default)", method: "kernelshap", options: {design: "shap"}},
    {label: "kernelshap", method: "kernelshap"},
    {label: "kernelshap3", method: "kernelshap3"},
    {label: "lime", method: "lime"},
    {label: "surrogate", method: "surrogate"},
];
const budgets = [64, 128, 256, 512, 1024, 2048, 4096];
const seeds = Array.from({length: Number(process.env["BENCH_SEEDS"] ?? 21)}, (_, index) => index + 1);

function relativeError(estimate: readonly number[], truth: readonly number[]): number {
    return Math.hypot(...estimate.map((value, index) => value - (truth[index] as number))) / Math.hypot(...truth);
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function sampleEfficiency(): Promise<string> {
    const games = [pairwiseBenchGame(), harsanyiBenchGame(), votingBenchGame(), ...recordedBenchGames()];
    const lines: string[] = [];
    lines.push(
        `Median relative L2 error ‖φ̂ − φ‖ / ‖φ‖ against exact Shapley values (2^n enumeration) over ${seeds.length} seeds`,
        `(1…${seeds.length}); budget = distinct coalitions evaluated, v(N) and v(∅) included. "¼ captum" is a quarter of`,
        "captum's default for Shapley sampling, ⌊25(n+1)/4⌋ evaluations. LOO costs n + 2 whatever the budget.",
        "Estimators at their defaults: shapley = antithetic permutation sampling; kernelshap = size-stratified",
        "paired sampling without replacement, exact efficiency (its default design now; the previous default,",
        'shap-style sampling, is kept as `design: "shap"` and shown in the row above it); kernelshap3 =',
        "the same pairs with ridge-penalized third-order interaction terms; lime = cosine kernel σ 0.25 + ridge;",
        "surrogate = LASSO α 0.01 on half-ablations (ContextCite), 20 % held out. LIME and the surrogate",
        "estimate other quantities (a local linear model, Banzhaf-like coefficients), so their error floor is",
        "not sampling noise. KernelSHAP and kernelshap3 enumerate every coalition once the budget reaches 2^n,",
        "so they are exact from there. Antithetic permutations and paired designs cancel pairwise interactions",
        'exactly, hence the zeros on the first game. "oracle" is the Gaussian posterior mean of φ given',
        "kernelshap's coalitions under a prior matched to the game's own energy per interaction order",
        "(Bayes-optimal for that prior and those coalitions; needs the whole table, so not a usable method).",
        "The model games are read from bench/fixtures/model-games.json (recorded by bench/record-model-games.ts",
        "through ModelGame, dropped units deleted) and are of two kinds, kept apart below: four prompts on",
        "stories260K, learned TinyStories behaviour with higher-order interactions between words, and three",
        "held-out items of the lookup organism (organisms/lookup.gguf), which copies its answer from one gold",
        "document, a sparse mechanism known by construction; its players are the key and value words of every",
        "document. Generated by `npm run bench:attribution` (deterministic: no timings).",
        "",
    );
    const verdicts: string[] = [];
    const summary: string[][] = [];
    const perGame: GameSummary[] = [];
    for (const {label, game, note, family} of games) {
        const n = game.playerCount;
        const truth = (await exactShapley(game)).values;
        if ("shapleyValues" in game && (game as AnalyticGame).shapleyValues.some((value) => value !== 0)) {
            const closedForm = (game as AnalyticGame).shapleyValues;
            if (relativeError(closedForm, truth) > 1e-9) throw new Error(`closed form and enumeration disagree on ${label}`);
        }
        const table = await valueTable(game);
        const {energy, oddHighOrder} = fourierEnergyByOrder(n, table);
        const varying = energy.slice(1).reduce((total, value) => total + value, 0);
        const share = (from: number, to: number, odd = false): string =>
            percent(energy.slice(from, to + 1).reduce((total, value, index) => total + (odd && (from + index) % 2 === 0 ? 0 : value), 0) / varying);
        const quarter = Math.floor((25 * (n + 1)) / 4);
        const columns = [quarter, ...budgets].sort((a, b) => a - b);
        const header = ["estimator", ...columns.map((budget) => (budget === quarter ? `${budget} (¼ captum)` : String(budget)))];
        lines.push(
            `### ${label}`,
            "",
            `${note}. Energy by interaction order: 1: ${share(1, 1)}, 2: ${share(2, 2)}, 3: ${share(3, 3)}, ≥ 4: ${share(4, n)}; odd orders ≥ 3 (what paired designs must resolve): ${share(3, n, true)}` +
                (oddHighOrder.some((value) => value > 0)
                    ? `, ${oddHighOrder.length} coefficients, of which the largest ${coefficientsHolding(oddHighOrder, 0.5)} hold half of that energy and ${coefficientsHolding(oddHighOrder, 0.8)} hold 80 %.`
                    : "."),
            "",
            `| ${header.join(" | ")} |`,
            `|${header.map(() => "---").join("|")}|`,
        );
        const atQuarter: {estimator: string; error: number}[] = [];
        const firstWithinTarget: string[] = [];
        for (const estimator of estimators) {
            let reached: number | undefined;
            const cells: string[] = [estimator.label];
            for (const budget of columns) {
                const errors: number[] = [];
                for (const seed of seeds) {
                    const result = await attributionMethods[estimator.method]!.run(game, {...estimator.options, budget, seed});
                    errors.push(relativeError(result.values, truth));
                }
                const error = median(errors);
                if (budget === quarter) atQuarter.push({estimator: estimator.label, error});
                if (reached === undefined && error <= 0.05) reached = budget;
                cells.push(percent(error));
            }
            lines.push(`| ${cells.join(" | ")} |`);
            firstWithinTarget.push(`${estimator.label} ${reached === undefined ? "not within 4096" : `at ${reached}`}`);
        }
        const loo = await attributionMethods.loo!.run(game);
        lines.push(`| loo (n + 2 = ${n + 2}) | ${columns.map(() => percent(relativeError(loo.values, truth))).join(" | ")} |`);
        const oracle = median(seeds.map((seed) => relativeError(oracleEstimate(n, table, energy, quarter, seed), truth)));
        lines.push(`| oracle (not a method) | ${columns.map((budget) => (budget === quarter ? percent(oracle) : "—")).join(" | ")} |`, "");
        const best = [...atQuarter].sort((a, b) => a.error - b.error)[0]!;
        verdicts.push(
            `- ${label}: at ${quarter} evaluations the best estimator is ${best.estimator} with ${percent(best.error)} (oracle ${percent(oracle)}) — ${best.error <= 0.05 ? "**target met**" : "**target not met**"}. First budget with ≤ 5 %: ${firstWithinTarget.join(", ")}.`,
        );
        perGame.push({
            label,
            family,
            atQuarter,
            best,
            oracle,
            playerCount: n,
            fullValue: table[2 ** n - 1]!,
            valueSpan: table[2 ** n - 1]! - table[0]!,
            lowOrderShare: (energy[1]! + (energy[2] ?? 0)) / varying,
            oddHighOrderShare: energy.slice(3).reduce((total, value, index) => total + (index % 2 === 0 ? value : 0), 0) / varying,
        });
        summary.push([
            label,
            String(quarter),
            ...estimatorsAtQuarter(atQuarter),
            percent(oracle),
            ...firstWithinTarget.slice(0, 4).map((entry) => entry.replace(/^.* (not within 4096|at \d+)$/, "$1")),
        ]);
        process.stderr.write(`${label} done\n`);
    }
    const shown = ["shapley", "kernelshap (old design)", "kernelshap", "kernelshap3"];
    const summaryHeader = ["game", "¼ captum", ...shown.map((name) => `${name} at ¼`), "oracle at ¼", ...shown.map((name) => `${name}: first ≤ 5 %`)];
    lines.push(
        "### Target: ≤ 5 % error with at most a quarter of captum's default budget",
        "",
        `| ${summaryHeader.join(" | ")} |`,
        `|${summaryHeader.map(() => "---").join("|")}|`,
        ...summary.map((row) => `| ${row.join(" | ")} |`),
        "",
        ...verdicts,
        "",
        ...comparisons(perGame),
        "",
        ...familyLines(perGame),
        "",
        ...whyParagraph,
        "",
        ...organismParagraph(perGame),
        "",
    );
    return lines.join("\n");
}

function estimatorsAtQuarter(atQuarter: readonly {estimator: string; error: number}[]): string[] {
    return estimators.slice(0, 4).map((estimator) => percent(atQuarter.find((entry) => entry.estimator === estimator.label)?.error ?? Number.NaN));
}

const parts: BenchmarkPart[] = [{name: "sample-efficiency", heading: "Attribution: sample efficiency", run: sampleEfficiency}];

async function main(): Promise<void> {
    const selected = process.argv.slice(2);
    const chosen = parts.filter((part) => selected.length === 0 || selected.includes(part.name));
    if (chosen.length === 0) {
        console.error(`unknown benchmark part; choose from: ${parts.map((part) => part.name).join(", ")}`);
        process.exit(2);
    }
    for (const part of chosen) {
        const started = Date.now();
        const body = await part.run();
        const current = existsSync(benchmarksFile) ? readFileSync(benchmarksFile, "utf8") : "# Benchmarks\n";
        writeFileSync(benchmarksFile, replaceSection(current, part.heading, body));
        console.log(body);
        console.log(`(${part.name}: ${((Date.now() - started) / 1000).toFixed(1)} s, written to BENCHMARKS.md)`);
    }
}

await main();
