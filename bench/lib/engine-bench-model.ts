/**
 * The engine benchmark's model: a random-weight llama GGUF written with the organisms' GGUF
 * writer (width 512, 8 layers, 8 heads, SwiGLU 1024, untied output, about 32k tokens, F32), cached
 * under the system's temporary folder so repeated runs reuse it.
 */
import {existsSync, mkdirSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ggufBytes} from "../../src/organisms/gguf-writer.js";
import {initialParameters, parameterCount, type ModelConfig} from "../../src/organisms/parameters.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {WordVocabulary} from "../../src/organisms/vocabulary.js";

/** Distinct four-letter words in order ("aaaa", "aaab", …). */
function words(count: number): string[] {
    const letters = "abcdefghijklmnopqrstuvwxyz";
    return Array.from({length: count}, (_, index) => {
        let word = "";
        for (let position = 0, rest = index; position < 4; position++, rest = Math.floor(rest / 26)) word = letters[rest % 26]! + word;
        return word;
    });
}

export const benchWordCount = 30_400;

export function benchModelConfig(vocabSize: number): ModelConfig {
    return {vocabSize, dim: 512, layers: 8, heads: 8, ffn: 1024, contextLength: 1024, ropeBase: 10000, normEps: 1e-5};
}

/** The model's file, written on first use (building its vocabulary takes about half a minute). */
export function benchModelPath(): string {
    const directory = join(tmpdir(), "glassbox-bench");
    const path = join(directory, `engine-random-llama-512x8-${benchWordCount}-words.gguf`);
    if (!existsSync(path)) {
        mkdirSync(directory, {recursive: true});
        const vocabulary = new WordVocabulary(words(benchWordCount));
        const config = benchModelConfig(vocabulary.size);
        const parameters = initialParameters(config, new SeededRandom(2026));
        writeFileSync(path, ggufBytes({name: "engine benchmark", description: "random-weight llama for the engine benchmark", config, vocabulary, parameters}));
    }
    return path;
}
