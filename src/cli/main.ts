#!/usr/bin/env node
import {realpathSync} from "node:fs";
import {pathToFileURL} from "node:url";
import {isGlassboxError} from "../errors.js";
import {glassboxVersion} from "../foundation/version.js";
import {parseCommandLine} from "./args.js";
import type {Command} from "./command.js";
import {commands} from "./commands/index.js";
import {commandHelp, programHelp} from "./help.js";
import {processIo} from "./io.js";

/** Exit codes: 0 success, 1 failure of the work, 2 bad usage or input. */
export const exitCodes = {ok: 0, failure: 1, usage: 2} as const;

export async function main(argv: readonly string[]): Promise<number> {
    const io = processIo();
    const debug = argv.includes("--debug");
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
        io.stdout.write(programHelp(commands, glassboxVersion));
        return exitCodes.ok;
    }
    if (argv[0] === "--version" || argv[0] === "-v") {
        io.stdout.write(`${glassboxVersion}\n`);
        return exitCodes.ok;
    }
    const match = findCommand(argv);
    if (match === undefined) {
        io.stderr.write(`glassbox: unknown command "${argv[0]}" (run glassbox --help to list the commands)\n`);
        return exitCodes.usage;
    }
    const {command, rest} = match;
    try {
        const parsed = parseCommandLine(command, rest);
        if (parsed.help) {
            io.stdout.write(commandHelp(command));
            return exitCodes.ok;
        }
        return await command.run({options: parsed.options, positionals: parsed.positionals, io, debug: parsed.debug});
    } catch (error) {
        io.progressDone();
        return reportError(error, debug, io.stderr);
    }
}

function findCommand(argv: readonly string[]): {command: Command; rest: readonly string[]} | undefined {
    // Longest match first, so "runs list" wins over "runs".
    const sorted = [...commands].sort((a, b) => b.name.split(" ").length - a.name.split(" ").length);
    for (const command of sorted) {
        const words = command.name.split(" ");
        if (words.every((word, index) => argv[index] === word)) return {command, rest: argv.slice(words.length)};
    }
    return undefined;
}

function reportError(error: unknown, debug: boolean, stderr: NodeJS.WritableStream): number {
    if (isGlassboxError(error)) {
        stderr.write(`glassbox: ${error.message}\n`);
        if (debug && error.stack !== undefined) stderr.write(`${error.stack}\n`);
        return error.code === "invalid-argument" || error.code === "invalid-input" ? exitCodes.usage : exitCodes.failure;
    }
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`glassbox: unexpected error: ${message.split("\n")[0]}${debug ? "" : " (run with --debug for details)"}\n`);
    if (debug && error instanceof Error && error.stack !== undefined) stderr.write(`${error.stack}\n`);
    return exitCodes.failure;
}

function invokedAsScript(): boolean {
    const script = process.argv[1];
    if (script === undefined) return false;
    try {
        return pathToFileURL(realpathSync(script)).href === import.meta.url;
    } catch {
        return false;
    }
}

if (invokedAsScript()) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    }, (error: unknown) => {
        process.stderr.write(`glassbox: ${String(error)}\n`);
        process.exitCode = 1;
    });
}
