/**
 * Child process for the store concurrency test. For each trial t it prints "ready t", waits for
 * the file DIR/go-t, then opens DIR/store-t.db (creating the schema when it is first), begins
 * and ends a run of its own and lists the runs; prints "ok t" or "fail t MESSAGE". argv: DIR TRIALS SLOT.
 */
import {existsSync} from "node:fs";
import {join} from "node:path";
import {RunStore} from "../../src/store/run-store.js";

const [directory, trialsText, slot] = process.argv.slice(2);
if (directory === undefined || trialsText === undefined || slot === undefined) throw new Error("usage: open-store-child.ts DIR TRIALS SLOT");
for (let trial = 0; trial < Number(trialsText); trial++) {
    process.stdout.write(`ready ${trial}\n`);
    while (!existsSync(join(directory, `go-${trial}`))) await new Promise((resolve) => setTimeout(resolve, 2));
    try {
        const store = RunStore.open(join(directory, `store-${trial}.db`));
        const {run} = store.beginRun({command: `slot ${slot}`, model: {name: "none", id: "none"}, options: {}, seed: 0, versions: {}});
        store.recordItem(run.id, {itemId: "a", ordinal: 0, inputHash: "h", status: "ok", verdict: {slot}}, 1);
        store.endRun(run.id, "finished", {summary: {}});
        store.listRuns();
        store.close();
        process.stdout.write(`ok ${trial}\n`);
    } catch (error) {
        process.stdout.write(`fail ${trial} ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}\n`);
    }
}
