/**
 * Child process for the resumability test: runs a 12-item dataset through runDataset with a slow
 * evaluator and prints "stored ID" after each item's commit. argv: DB_PATH [MS_PER_ITEM].
 */
import {runDataset} from "../../src/checks/run-dataset.js";
import {RunStore} from "../../src/store/run-store.js";

const [path, delay] = process.argv.slice(2);
if (path === undefined) throw new Error("usage: slow-run-child.ts DB [MS]");
const store = RunStore.open(path);
const items = Array.from({length: 12}, (_, index) => ({id: `item-${index}`, hash: `h${index}`, value: index}));
const result = await runDataset({
    store,
    spec: {command: "test slow", model: {name: "none", id: "none"}, dataset: "memory", options: {square: true}, seed: 0, versions: {test: "1"}},
    items,
    concurrency: 2,
    evaluate: async (item) => {
        await new Promise((resolve) => setTimeout(resolve, Number(delay ?? 150)));
        return {status: "ok", verdict: {value: item.value, square: item.value * item.value}};
    },
    onItemStored: (record) => process.stdout.write(`stored ${record.itemId}\n`),
    summarize: (stored) => ({count: stored.length, sum: stored.reduce((total, item) => total + (item.verdict as {square: number}).square, 0)}),
});
process.stdout.write(`done skipped=${result.skipped} evaluated=${result.evaluated} summary=${JSON.stringify(result.summary)}\n`);
store.close();
