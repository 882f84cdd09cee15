/**
 * Output paths are checked before any model call: every case names a model file that does not
 * exist, so an output problem reported first proves the check ran before the model was touched.
 */
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {runBattery, type BatteryCase} from "../helpers/battery.js";

const absentModel = "{dir}/absent.gguf";
const explain = ["explain", "--model", absentModel, "--prompt", "Lily had a red ball. She lost it."];
const item = `${JSON.stringify({id: "a", prompt: "The film was great. Sentiment:", options: ["negative", "positive"], label: "positive"})}\n`;
const withDataset = (dir: string): void => writeFileSync(join(dir, "items.jsonl"), item);
const withFile = (dir: string): void => writeFileSync(join(dir, "file.txt"), "x");

const cases: BatteryCase[] = [
    {name: "explain --out in a missing folder", args: [...explain, "--out", "{dir}/missing/result.json"], code: 2, message: "the folder"},
    {name: "explain --out a directory", args: [...explain, "--out", "{dir}"], code: 2, message: "is a directory"},
    {name: "explain --out under a file", args: [...explain, "--out", "{dir}/file.txt/result.json"], setup: withFile, code: 2, message: "is not a folder"},
    {name: "explain --out under /proc", args: [...explain, "--out", "/proc/glassbox-result.json"], code: 2, message: "cannot be written"},
    {
        name: "explain --format html --out a missing folder",
        args: [...explain, "--format", "html", "--out", "{dir}/no/report.html"],
        code: 2,
        message: "does not exist",
        noFiles: ["no"],
    },
    {name: "explain --cache a directory", args: [...explain, "--cache", "{dir}"], code: 2, message: "--cache"},
    {name: "explain --cache in a missing folder", args: [...explain, "--cache", "{dir}/no/scores.jsonl"], code: 2, message: "does not exist", noFiles: ["no"]},
    {name: "explain --out empty", args: [...explain, "--out", ""], code: 2, message: "--out is empty"},
    {
        name: "amplify --prompt-out in a missing folder",
        args: ["amplify", "--model", absentModel, "--train", "{dir}/items.jsonl", "--dataset", "{dir}/items.jsonl", "--prompt-out", "{dir}/no/prompt.txt"],
        setup: withDataset,
        code: 2,
        message: "--prompt-out",
    },
    {
        name: "check self-explanation --db a directory",
        args: ["check", "self-explanation", "--model", absentModel, "--dataset", "{dir}/items.jsonl", "--db", "{dir}"],
        setup: withDataset,
        code: 2,
        message: "--db",
    },
    {
        name: "check cot --db in a missing folder",
        args: ["check", "cot", "--model", absentModel, "--dataset", "{dir}/items.jsonl", "--db", "{dir}/no/runs.db"],
        setup: withDataset,
        code: 2,
        message: "does not exist",
        noFiles: ["no"],
    },
    {
        name: "bench validity --markdown in a missing folder",
        args: ["bench", "validity", "--markdown", "{dir}/no/BENCHMARKS.md"],
        code: 2,
        message: "--markdown",
    },
    {name: "bench validity --markdown a directory", args: ["bench", "validity", "--markdown", "{dir}"], code: 2, message: "is a directory"},
    {name: "demo --out under /proc does not spin", args: ["demo", "--out", "/proc/glassbox-demo"], code: 2, message: "cannot be created or written"},
    {name: "demo --out under a file", args: ["demo", "--out", "{dir}/file.txt/demo"], setup: withFile, code: 2, message: "is not a folder"},
    {
        name: "demo --out an existing file",
        args: ["demo", "--out", "{dir}/file.txt"],
        setup: (dir) => {
            withFile(dir);
            mkdirSync(join(dir, "unused"));
        },
        code: 2,
        message: "is not a folder",
    },
];

runBattery("output paths", cases);
