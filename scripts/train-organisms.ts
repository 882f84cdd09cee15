/**
 * Retrains the shipped organisms from their seeds and writes organisms/NAME.gguf.
 *
 *   npm run organisms:train                      # all organisms
 *   npm run organisms:train -- lookup            # some of them
 *   npm run organisms:train -- --out /tmp/org    # somewhere else
 *   npm run organisms:train -- --steps 100       # a short run (for trying the pipeline)
 *   npm run organisms:train -- --eval-every 200  # also print held-out accuracy (100 items) while training
 *
 * Training is single-threaded and deterministic: the same seed gives the same bytes. Prints
 * progress and, per organism, one JSON line with the training time and held-out accuracy.
 */
import {createHash} from "node:crypto";
import {mkdirSync} from "node:fs";
import {join} from "node:path";
import {ggufBytes} from "../src/organisms/gguf-writer.js";
import {heldOutAccuracy} from "../src/organisms/inference.js";
import {probeChains} from "../src/organisms/probes.js";
import {SeededRandom} from "../src/foundation/random.js";
import {organismPath, organisms, organismSpec, type OrganismSpec} from "../src/organisms/registry.js";
import {trainOrganism} from "../src/organisms/trainer.js";
import {writeGguf} from "../src/store/organism-file.js";
import {parameterCount} from "../src/organisms/parameters.js";
import {WordVocabulary} from "../src/organisms/vocabulary.js";

interface Options {
    names: string[];
    out: string | undefined;
    steps: number | undefined;
    heldOut: number;
    evalEvery: number;
}

function parseOptions(argv: readonly string[]): Options {
    const options: Options = {names: [], out: undefined, steps: undefined, heldOut: 1000, evalEvery: 0};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        const value = (): string => {
            const next = argv[++i];
            if (next === undefined) throw new Error(`${arg} needs a value`);
            return next;
        };
        if (arg === "--out") options.out = value();
        else if (arg === "--steps") options.steps = Number(value());
        else if (arg === "--held-out") options.heldOut = Number(value());
        else if (arg === "--eval-every") options.evalEvery = Number(value());
        else if (arg.startsWith("--")) throw new Error(`unknown option ${arg} (expected --out DIR, --steps N, --held-out N, --eval-every N)`);
        else options.names.push(arg);
    }
    return options;
}

function train(spec: OrganismSpec, options: Options): void {
    const task = spec.task();
    const settings = options.steps === undefined ? spec.training : {...spec.training, steps: options.steps};
    const started = Date.now();
    const cpuStarted = process.cpuUsage();
    const vocabulary = new WordVocabulary(task.words);
    const trained = trainOrganism(
        task,
        spec.architecture,
        settings,
        (progress, model) => {
            const evaluate = options.evalEvery > 0 && progress.step % options.evalEvery === 0;
            const accuracy = evaluate ? ` held-out ${heldOutAccuracy(model, vocabulary, task, new SeededRandom(spec.heldOutSeed + 5), 100)}` : "";
            console.log(`${spec.name}: step ${progress.step}/${settings.steps} loss ${progress.loss.toFixed(4)} (${progress.seconds.toFixed(0)} s)${accuracy}`);
        },
        100,
        spec.warmup === undefined ? undefined : {task: spec.warmup.task(), steps: spec.warmup.steps},
    );
    const trainingSeconds = (Date.now() - started) / 1000;
    const trainingCpuSeconds = process.cpuUsage(cpuStarted).user / 1e6;
    const accuracy = heldOutAccuracy(trained.model, trained.vocabulary, task, new SeededRandom(spec.heldOutSeed), options.heldOut);
    const probes = !spec.name.startsWith("arith")
        ? undefined
        : probeChains(trained.model, trained.vocabulary, task, new SeededRandom(spec.heldOutSeed + 1), options.heldOut);
    const model = {
        name: `glassbox organism ${spec.name}`,
        description: `glassbox model organism "${spec.name}": ${spec.summary}`,
        config: trained.config,
        vocabulary: trained.vocabulary,
        parameters: trained.parameters,
    };
    const path = options.out === undefined ? organismPath(spec.name) : join(options.out, `${spec.name}.gguf`);
    writeGguf(path, model);
    const bytes = ggufBytes(model);
    console.log(
        JSON.stringify({
            organism: spec.name,
            path,
            seed: settings.seed,
            steps: settings.steps,
            batchSize: settings.batchSize,
            parameters: parameterCount(trained.config),
            vocabulary: trained.vocabulary.size,
            tokensSeen: trained.tokensSeen,
            trainingSeconds: Math.round(trainingSeconds),
            trainingCpuSeconds: Math.round(trainingCpuSeconds),
            finalLoss: Number(trained.finalLoss.toFixed(5)),
            heldOutItems: options.heldOut,
            heldOutAccuracy: accuracy,
            ...(probes === undefined ? {} : {probes}),
            bytes: bytes.length,
            sha256: createHash("sha256").update(bytes).digest("hex"),
        }),
    );
}

function main(): void {
    const options = parseOptions(process.argv.slice(2));
    const specs = options.names.length === 0 ? organisms : options.names.map((name) => organismSpec(name));
    if (options.out !== undefined) mkdirSync(options.out, {recursive: true});
    for (const spec of specs) train(spec, options);
}

try {
    main();
} catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
}
