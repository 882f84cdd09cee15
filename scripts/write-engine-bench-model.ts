/**
 * Writes the engine benchmark's random-weight llama GGUF (width 512, 8 layers, 32,000-piece
 * vocabulary, tied output: 43.6 million parameters) to a temporary directory, or to --out.
 *
 *   node --import tsx scripts/write-engine-bench-model.ts                 # F32 and Q8_0
 *   node --import tsx scripts/write-engine-bench-model.ts --type Q4_K --out /tmp/bench
 *
 * Prints one JSON line per file: its path, type, parameters, bytes and SHA-256. The same seed
 * gives the same bytes; the files are not committed.
 */
import {createHash} from "node:crypto";
import {mkdirSync, readFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {weightTypes, type WeightType} from "../src/organisms/decoder-gguf.js";
import {benchmarkDecoderShape, decoderParameterCount, randomDecoderModel} from "../src/organisms/random-decoder.js";
import {writeDecoderGguf} from "../src/store/decoder-file.js";

export const benchmarkSeed = 40;

function parseOptions(argv: readonly string[]): {types: WeightType[]; out: string} {
    const types: WeightType[] = [];
    let out = join(tmpdir(), "glassbox-engine-bench");
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        const value = argv[++i];
        if (value === undefined) throw new Error(`${arg} needs a value`);
        if (arg === "--out") out = value;
        else if (arg === "--type" && (weightTypes as readonly string[]).includes(value)) types.push(value as WeightType);
        else throw new Error(`unknown option ${arg} ${value} (expected --type ${weightTypes.join("|")}, --out DIR)`);
    }
    return {types: types.length === 0 ? ["F32", "Q8_0"] : types, out};
}

function main(): void {
    const {types, out} = parseOptions(process.argv.slice(2));
    mkdirSync(out, {recursive: true});
    const model = randomDecoderModel(benchmarkDecoderShape, benchmarkSeed, "glassbox engine benchmark llama 43.6M");
    for (const type of types) {
        const path = join(out, `bench-llama-43m-${type.toLowerCase()}.gguf`);
        const bytes = writeDecoderGguf(path, model, type);
        const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
        console.log(JSON.stringify({path, type, parameters: decoderParameterCount(benchmarkDecoderShape), bytes, sha256}));
    }
}

try {
    main();
} catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
}
