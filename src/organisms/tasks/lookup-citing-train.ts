/**
 * Trains the citing lookup organisms with the project's trainer and writes their GGUF files.
 *
 *   node --import tsx src/organisms/tasks/lookup-citing-train.ts [lookup-cite-honest|lookup-cite-wrong ...] [--out DIR] [--steps N]
 *
 * Prints progress and one JSON line per organism: training time, held-out answer accuracy and
 * citation accuracy (the share of held-out items whose cited label is the one the task defines).
 */
import {createHash} from "node:crypto";
import {mkdirSync} from "node:fs";
import {join} from "node:path";
import {ggufBytes, writeGguf} from "../gguf-writer.js";
import {completeItem} from "../inference.js";
import {parameterCount} from "../parameters.js";
import {SeededRandom} from "../random.js";
import {organismPath, organismSpec, type OrganismName} from "../registry.js";
import {trainOrganism} from "../trainer.js";
import {parseCitingCompletion} from "./lookup-citing.js";

const citingNames: OrganismName[] = ["lookup-cite-honest", "lookup-cite-wrong"];

function main(argv: readonly string[]): void {
    const names: OrganismName[] = [];
    let out: string | undefined;
    let steps: number | undefined;
    let dim: number | undefined;
    let batch: number | undefined;
    let learningRate: number | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        if (arg === "--out") out = argv[++i];
        else if (arg === "--steps") steps = Number(argv[++i]);
        else if (arg === "--dim") dim = Number(argv[++i]);
        else if (arg === "--batch") batch = Number(argv[++i]);
        else if (arg === "--lr") learningRate = Number(argv[++i]);
        else if (citingNames.includes(arg as OrganismName)) names.push(arg as OrganismName);
        else throw new Error(`unknown argument ${arg} (expected ${citingNames.join(" or ")}, --out DIR, --steps N, --dim D, --batch B, --lr R)`);
    }
    if (out !== undefined) mkdirSync(out, {recursive: true});
    for (const name of names.length === 0 ? citingNames : names) {
        const spec = organismSpec(name);
        const task = spec.task();
        const settings = {
            ...spec.training, ...(steps === undefined ? {} : {steps}), ...(batch === undefined ? {} : {batchSize: batch}),
            optimizer: {...spec.training.optimizer, ...(learningRate === undefined ? {} : {learningRate})},
        };
        const architecture = dim === undefined ? spec.architecture : {...spec.architecture, dim, ffn: 2 * dim};
        const started = Date.now();
        const trained = trainOrganism(task, architecture, settings, (progress) => {
            console.log(`${name}: step ${progress.step}/${settings.steps} loss ${progress.loss.toFixed(4)} (${progress.seconds.toFixed(0)} s)`);
        }, 50);
        const trainingSeconds = (Date.now() - started) / 1000;
        const random = new SeededRandom(spec.heldOutSeed);
        const heldOut = 500;
        let answers = 0;
        let citations = 0;
        for (let i = 0; i < heldOut; i++) {
            const item = task.heldOutItem(random);
            const check = completeItem(trained.decoder, trained.vocabulary, task, item);
            if (check.correct) answers++;
            if (parseCitingCompletion(check.completion).citedLabel === parseCitingCompletion(item.completion).citedLabel) citations++;
        }
        const model = {
            name: `glassbox organism ${name}`,
            description: `glassbox model organism "${name}": ${spec.summary}`,
            config: trained.config, vocabulary: trained.vocabulary, parameters: trained.parameters,
        };
        const path = out === undefined ? organismPath(name) : join(out, `${name}.gguf`);
        writeGguf(path, model);
        const bytes = ggufBytes(model);
        console.log(JSON.stringify({
            organism: name, path, seed: settings.seed, steps: settings.steps, batchSize: settings.batchSize, architecture,
            learningRate: settings.optimizer.learningRate,
            parameters: parameterCount(trained.config), vocabulary: trained.vocabulary.size, tokensSeen: trained.tokensSeen,
            trainingSeconds: Math.round(trainingSeconds), finalLoss: Number(trained.finalLoss.toFixed(5)),
            heldOutItems: heldOut, answerAccuracy: answers / heldOut, citationAccuracy: citations / heldOut,
            bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"),
        }));
    }
}

main(process.argv.slice(2));
