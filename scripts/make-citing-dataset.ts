/**
 * Writes held-out items of the citing lookup task as a JSONL dataset (docs/datasets.md).
 *
 *   node --import tsx scripts/make-citing-dataset.ts [COUNT] [SEED] > items.jsonl
 */
import {citingDatasetLines} from "../src/organisms/tasks/lookup-citing-dataset.js";

const count = Number(process.argv[2] ?? 100);
const seed = Number(process.argv[3] ?? 2026);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    process.stderr.write("usage: make-citing-dataset.ts [COUNT ≥ 1] [SEED]\n");
    process.exit(2);
}
process.stdout.write(`${citingDatasetLines(count, seed).join("\n")}\n`);
