/** Bad model files and context sizes, through the CLI: one line, the right exit code, never a signal. */
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {runBattery, type BatteryCase} from "../helpers/battery.js";
import {craftLlamaGguf, type CraftedShape} from "../helpers/crafted-gguf.js";

function withModel(overrides: Partial<CraftedShape>): (dir: string) => void {
    return (dir) => writeFileSync(join(dir, "model.gguf"), craftLlamaGguf(overrides));
}

const score = ["score", "--model", "{dir}/model.gguf", "--prompt", "a b", "--target", " c"];
const serve = ["serve", "--model", "{dir}/model.gguf", "--port", "0"];

const crafted: [string, Partial<CraftedShape>, string][] = [
    ["zero heads", {heads: 0}, "llama.attention.head_count is 0"],
    ["zero key/value heads", {kvHeads: 0}, "llama.attention.head_count_kv is 0"],
    ["heads not dividing the width", {heads: 3}, "does not divide llama.embedding_length"],
    ["too many blocks", {blocks: 1000, blocksPresent: 2}, "more than llama.cpp's limit of 512"],
    ["fewer blocks than declared", {blocks: 5, blocksPresent: 2}, "block_count = 5 but the file holds tensors for 2 blocks"],
    ["mismatched attention shape", {shapes: {"blk.0.attn_k.weight": [8, 2]}}, '"blk.0.attn_k.weight" is [8 × 2]'],
    ["vocabulary / embedding mismatch", {embeddingRows: 300}, "token_embd.weight has 300 rows"],
];

const cases: BatteryCase[] = [
    ...crafted.map(([name, overrides, message]): BatteryCase => ({name: `score: ${name}`, args: score, setup: withModel(overrides), code: 1, message})),
    ...crafted
        .slice(0, 4)
        .map(([name, overrides, message]): BatteryCase => ({name: `serve: ${name}`, args: serve, setup: withModel(overrides), code: 1, message})),
    {
        name: "explain: zero heads",
        args: ["explain", "--model", "{dir}/model.gguf", "--prompt", "a b c"],
        setup: withModel({heads: 0}),
        code: 1,
        message: "head_count is 0",
    },
    {
        name: "context beyond the trained context",
        args: [...score, "--context-size", "1000000000"],
        setup: withModel({}),
        code: 2,
        message: "--context-size 1000000000 is beyond the 256-token context model.gguf was trained with",
    },
    {
        name: "huge context with the override: KV bytes stated",
        args: [...score, "--context-size", "1000000000", "--allow-long-context"],
        setup: withModel({}),
        code: 2,
        message: /needs [\d.]+ GiB of KV cache \(128000000000 bytes\)/,
    },
    {name: "serve: huge context", args: [...serve, "--context-size", "100000000"], setup: withModel({}), code: 2, message: "beyond the 256-token context"},
    {
        name: "a GGUF with no data at all",
        args: score,
        setup: (dir) => writeFileSync(join(dir, "model.gguf"), ""),
        code: 1,
        message: "model.gguf is truncated or malformed: the file ends inside the GGUF magic",
    },
    {name: "a text file as model", args: score, setup: (dir) => writeFileSync(join(dir, "model.gguf"), "hello"), code: 1, message: "not a GGUF file"},
    {name: "a missing model", args: score, code: 1, message: "does not exist"},
    {name: "a directory as model", args: ["score", "--model", "{dir}", "--prompt", "a", "--target", "b"], code: 1, message: "is not a file"},
];

runBattery("model files", cases);
