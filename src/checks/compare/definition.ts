/** `compare` declared: a base and a tuned model sampled n times per problem; pass@k, maj@k, coverage and support. */
import {ArgumentError, InputError} from "../../errors.js";
import {answerExtractor, answerExtractorNames} from "../../reasoning/answers.js";
import {compareItem, summarizeCompare} from "../../reasoning/compare.js";
import {defaultKs} from "../../reasoning/pass-at-k.js";
import {backendReasoningModel} from "../../reasoning/reasoning-model.js";
import {defineCheck} from "../check-definition.js";
import {itemPromptText, itemSeed} from "../item-fields.js";
import {formatRate, itemProblem} from "../report-text.js";

/** Parses --k "1,4,16" and refuses any k above n with the reason. */
export function parseKs(text: string | undefined, samples: number): number[] {
    if (text === undefined) return defaultKs(samples);
    const ks = text
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== "")
        .map(Number);
    if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) {
        throw new ArgumentError("--k must list positive integers", {received: JSON.stringify(text), hint: "pass --k 1,4,16"});
    }
    const tooLarge = ks.filter((k) => k > samples);
    if (tooLarge.length > 0) {
        throw new ArgumentError(
            `--k ${tooLarge.join(",")} exceeds --samples ${samples}: pass@k needs k samples out of the n drawn per problem, so k must not exceed n`,
            {
                expected: `k ≤ ${samples}`,
                hint: `raise --samples to at least ${Math.max(...tooLarge)} or lower --k`,
            },
        );
    }
    return [...new Set(ks)].sort((a, b) => a - b);
}

export const compareCheck = defineCheck({
    name: "compare",
    summary: "Compare a base and a tuned model by sampling: pass@k curves, maj@k, coverage, support preservation/expansion/shrinkage.",
    usage: "compare --model BASE.gguf --tuned TUNED.gguf --dataset FILE.jsonl [--samples N] [--k 1,4,16] [--verifier exact|numeric|script:PATH] [--db PATH] [--json]",
    options: {
        "tuned": {kind: "string", valueName: "PATH.gguf", required: true, description: "The tuned (e.g. RL) model compared with --model (the base)."},
        "samples": {kind: "integer", valueName: "N", min: 1, max: 100000, default: 16, description: "Samples per problem and model (n)."},
        "k": {kind: "string", valueName: "LIST", description: "Comma-separated k of the pass@k and maj@k curves, each ≤ n (default: powers of 2 and n)."},
        "verifier": {
            kind: "string",
            valueName: "V",
            default: "numeric",
            description: "exact, numeric, or script:PATH (stdin {answer, gold, id, completion}; exit 0 correct, 1 wrong).",
        },
        "verifier-timeout": {
            kind: "integer",
            valueName: "MS",
            min: 1,
            default: 10000,
            description: "Time limit of one verifier script run; a script still running is killed and the sample marked.",
        },
        "extract": {kind: "string", valueName: "E", choices: answerExtractorNames, default: "auto", description: "How answers are read from a sample."},
        "temperature": {kind: "number", valueName: "T", min: 0, max: 2, default: 1, description: "Sampling temperature."},
        "max-tokens": {kind: "integer", valueName: "N", min: 1, default: 256, description: "Most tokens of one sample."},
        "json": {kind: "boolean", description: "Print the run summary as JSON."},
    },
    details: [
        'Each item needs a prompt and a gold "label". pass@k uses the unbiased estimator 1 − C(n−c,k)/C(n,k) in product form;',
        "maj@k is the majority answer of the first k samples; coverage is the share of problems solved at least once.",
        "Support (The Invisible Leash): a correct answer in both models' samples is preserved, only the tuned model's is expansion,",
        "only the base model's is shrinkage; SRR = P/(P+S), NDR = E/(P+E), SDS their harmonic mean, NSCR = (E−S)/(P+E+S).",
        "",
        "examples:",
        "  glassbox compare --model organisms/arith-decorative.gguf --tuned organisms/arith-faithful.gguf --dataset data/reasoning/arith.jsonl --samples 8 --extract marker",
        "  glassbox compare --model base.gguf --tuned rl.gguf --dataset math.jsonl --samples 64 --k 1,8,64 --verifier script:check.py --json",
    ].join("\n"),
    settings(values, context) {
        const samples = values.samples;
        const ks = parseKs(values.k, samples);
        const timeout = values["verifier-timeout"];
        return {
            samples,
            ks,
            timeout,
            tunedPath: values.tuned,
            verifier: context.verifier(values.verifier, timeout),
            extractName: values.extract,
            maxTokens: values["max-tokens"],
            temperature: values.temperature,
            seed: values.seed,
        };
    },
    async setup(settings, {model, openModel}) {
        const tuned = await openModel("tuned", settings.tunedPath);
        return {
            ...settings,
            tuned,
            baseModel: backendReasoningModel(model),
            tunedModel: backendReasoningModel(tuned),
            sampling: {
                samples: settings.samples,
                maxTokens: settings.maxTokens,
                temperature: settings.temperature,
                extract: answerExtractor(settings.extractName),
                verifier: settings.verifier,
            },
        };
    },
    keyOptions: (session) => ({
        tuned: session.tuned.id,
        samples: session.samples,
        verifier: session.verifier.name,
        verifierTimeout: session.timeout,
        extract: session.extractName,
        temperature: session.temperature,
        maxTokens: session.maxTokens,
    }),
    async evaluate(item, {session}) {
        if (item.label === undefined) throw new InputError(`item ${item.id}: glassbox compare needs a gold "label"`, {hint: 'add "label": the correct answer'});
        const verdict = await compareItem(
            session.baseModel,
            session.tunedModel,
            {id: item.id, prompt: itemPromptText(item, "compare"), gold: item.label},
            {...session.sampling, seed: itemSeed(session.seed, item.id)},
        );
        const timeouts = verdict.base.timeouts + verdict.tuned.timeouts;
        const errors = verdict.base.errors + verdict.tuned.errors;
        const notes = [timeouts > 0 ? `${timeouts} verifier runs killed at ${session.timeout} ms` : "", errors > 0 ? `${errors} verifier errors` : ""].filter(
            (note) => note !== "",
        );
        return {status: "ok", verdict, ...(notes.length > 0 ? {error: notes.join("; ")} : {})};
    },
    summarize: (records, {session}) =>
        summarizeCompare(
            records.flatMap((record) => (record.status === "ok" ? [{id: record.itemId, verdict: record.verdict}] : [])),
            session.ks,
            session.samples,
        ),
    render(summary, {session, modelName, records}) {
        const curve = (points: readonly {k: number; value: number}[]): string => points.map((point) => `@${point.k} ${formatRate(point.value)}`).join("  ");
        const s = summary.support;
        const flagged = records.filter((record) => record.status === "ok" && record.error !== undefined);
        return [
            `compare on ${summary.problems} problems, n = ${session.samples} samples each: base ${modelName}, tuned ${session.tuned.name}`,
            `pass@k   base:  ${curve(summary.base.passAtK.map((point) => ({k: point.k, value: point.passAtK})))}`,
            `pass@k   tuned: ${curve(summary.tuned.passAtK.map((point) => ({k: point.k, value: point.passAtK})))}`,
            `maj@k    base:  ${curve(summary.base.majAtK.map((point) => ({k: point.k, value: point.majAtK})))}`,
            `maj@k    tuned: ${curve(summary.tuned.majAtK.map((point) => ({k: point.k, value: point.majAtK})))}`,
            `coverage: base ${formatRate(summary.base.coverage)}, tuned ${formatRate(summary.tuned.coverage)}; ΔSE = pass@n(base) − pass@1(tuned) = ${formatRate(summary.deltaSe)}`,
            `support: preservation ${s.preservation}, expansion ${s.expansion}, shrinkage ${s.shrinkage}, out of support ${s.outOfSupport} (ε = ${summary.supportEpsilon.toExponential(2)})`,
            `SRR ${formatRate(s.srr)}, NDR ${formatRate(s.ndr)}, SDS ${formatRate(s.sds)}, NSCR ${formatRate(s.nscr)}`,
            `samples without an answer: base ${summary.base.noAnswer}, tuned ${summary.tuned.noAnswer}; verifier timeouts: base ${summary.base.timeouts}, tuned ${summary.tuned.timeouts}`,
            ...flagged.map((record) => `marked: ${itemProblem(record.itemId, record.error ?? "")}`),
        ];
    },
    json: {problems: true},
});
