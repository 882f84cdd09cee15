/** The run store as the read-only commands see it: never a foreign file written, one line for each problem. */
import assert from "node:assert/strict";
import {readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import Database from "better-sqlite3";
import {runBattery, type BatteryCase} from "../helpers/battery.js";

function foreignDatabase(dir: string): void {
    const database = new Database(join(dir, "other.db"));
    database.exec("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ada');");
    database.close();
}

function tablesOf(path: string): string[] {
    const database = new Database(path, {readonly: true});
    try {
        return (database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {name: string}[]).map((row) => row.name);
    } finally {
        database.close();
    }
}

const untouched = (_result: unknown, dir: string): void => assert.deepEqual(tablesOf(join(dir, "other.db")), ["people"]);
const foreign = "{dir}/other.db";
const question = `${JSON.stringify({id: "a", question: "What is 2+3?"})}\n`;

const cases: BatteryCase[] = [
    {
        name: "runs list on a foreign SQLite file",
        args: ["runs", "list", "--db", foreign],
        setup: foreignDatabase,
        code: 2,
        message: "other.db is not a glassbox run store; expected a SQLite file with the tables meta, runs, items; received tables people",
        check: untouched,
    },
    {
        name: "runs show on a foreign SQLite file",
        args: ["runs", "show", "1", "--db", foreign],
        setup: foreignDatabase,
        code: 2,
        message: "is not a glassbox run store",
        check: untouched,
    },
    {
        name: "runs export on a foreign SQLite file",
        args: ["runs", "export", "1", "--db", foreign],
        setup: foreignDatabase,
        code: 2,
        message: "is not a glassbox run store",
        check: untouched,
    },
    {
        name: "view on a foreign SQLite file",
        args: ["view", "--db", foreign, "--port", "0"],
        setup: foreignDatabase,
        code: 2,
        message: "is not a glassbox run store",
        check: untouched,
    },
    {
        name: "a check on a foreign SQLite file adds no tables to it",
        args: ["check", "cot", "--model", "scripted:no-answer", "--dataset", "{dir}/items.jsonl", "--db", foreign],
        setup: (dir) => {
            foreignDatabase(dir);
            writeFileSync(join(dir, "items.jsonl"), question);
        },
        code: 2,
        message: "is not a glassbox run store",
        check: untouched,
    },
    {
        name: "explain --db on a foreign SQLite file: refused before the model is used, no tables added",
        args: ["explain", "--model", "scripted:honest-explainer", "--prompt", "Lily had a ball.", "--target", " yes", "--db", foreign],
        setup: foreignDatabase,
        code: 2,
        message: "other.db is not a glassbox run store",
        check: untouched,
    },
    {
        name: "explain --db a folder",
        args: ["explain", "--model", "scripted:honest-explainer", "--prompt", "Lily had a ball.", "--target", " yes", "--db", "{dir}"],
        code: 2,
        message: "is a directory; expected a file path",
    },
    {
        name: "runs list on a text file",
        args: ["runs", "list", "--db", "{dir}/notes.db"],
        setup: (dir) => writeFileSync(join(dir, "notes.db"), "x".repeat(4096)),
        code: 2,
        message: "notes.db is not a SQLite database",
        check: (_result, dir) => assert.equal(readFileSync(join(dir, "notes.db"), "utf8"), "x".repeat(4096)),
    },
    {
        name: "runs list on an empty SQLite file",
        args: ["runs", "list", "--db", "{dir}/empty.db"],
        setup: (dir) => writeFileSync(join(dir, "empty.db"), ""),
        code: 2,
        message: "received an empty database",
    },
    {name: "runs list on a missing store", args: ["runs", "list", "--db", "{dir}/none.db"], code: 2, message: "no run store at", noFiles: ["none.db"]},
    {name: "runs show on a missing store", args: ["runs", "show", "1", "--db", "{dir}/none.db"], code: 2, message: "no run store at", noFiles: ["none.db"]},
    {name: "view --db a folder", args: ["view", "--db", "{dir}"], code: 2, message: "is a folder"},
];

runBattery("run store", cases);
