#!/usr/bin/env node
import {realpathSync} from "node:fs";
import {pathToFileURL} from "node:url";
import {glassboxVersion} from "../foundation/version.js";
import {parseCommandLine} from "./args.js";
import type {Command} from "./command.js";
import {commands} from "./commands/index.js";
import {exitCodes, printable, reportError} from "./error-output.js";
import {commandGroupHelp, commandHelp, programHelp} from "./help.js";
import {processIo} from "./io.js";
import {didYouMean} from "./suggest.js";

export {exitCodes} from "./error-output.js";

export async function main(argv: readonly string[]): Promise<number> {
    const quiet = argv.includes("--quiet") || argv.includes("-q");
    const io = processIo({quiet});
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
    if (match === undefined) return reportUnknownCommand(argv, io.stdout, io.stderr);
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
        return reportError(error, command, debug, io.stderr);
    } finally {
        io.progressDone();
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

/** A command group alone lists its subcommands; a near miss gets "did you mean". */
function reportUnknownCommand(argv: readonly string[], stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): number {
    const first = argv[0] ?? "";
    const second = argv[1];
    const group = commands.filter((command) => command.name.startsWith(`${first} `));
    if (group.length > 0) {
        if (second === "--help" || second === "-h") {
            stdout.write(commandGroupHelp(first, group));
            return exitCodes.ok;
        }
        const subcommands = group.map((command) => command.name.slice(first.length + 1));
        const problem =
            second === undefined || second.startsWith("-")
                ? `${first} needs a subcommand`
                : `${first} has no subcommand "${printable(second)}"${didYouMean(second, subcommands, (name) => `"${first} ${name}"`)}`;
        stderr.write(`glassbox: ${problem}\n\n${commandGroupHelp(first, group)}`);
        return exitCodes.usage;
    }
    const topLevel = [...new Set(commands.map((command) => command.name.split(" ")[0] as string))];
    const spelled = commands.map((command) => command.name);
    const twoWords = second === undefined ? "" : didYouMean(`${first} ${second}`, spelled, (name) => `"${name}"`);
    const suggestion = twoWords !== "" ? twoWords : didYouMean(first, topLevel, (name) => `"${name}"`);
    stderr.write(`glassbox: unknown command "${printable(first)}"${suggestion} (run glassbox --help to list the commands)\n`);
    return exitCodes.usage;
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
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            process.stderr.write(`glassbox: ${String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
