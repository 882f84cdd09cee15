/**
 * The command-line parser: `--name VALUE`, `--name=VALUE`, boolean `--name`, `-h`, and `--` before
 * positionals that start with a dash. Values are converted and range-checked against the specs;
 * every problem becomes one ArgumentError line naming the flag at fault.
 */
import {ArgumentError} from "../errors.js";
import type {Command, OptionSpec, OptionSpecs, ParsedOptions} from "./command.js";
import {didYouMean} from "./suggest.js";

/** Flags every command accepts. */
export const globalOptions = {
    help: {kind: "boolean", description: "Show help for this command.", short: "h"},
    quiet: {kind: "boolean", short: "q", description: "No progress output on stderr."},
    debug: {kind: "boolean", description: "Show stack traces and internal detail on errors."},
} as const satisfies OptionSpecs;

export interface ParsedCommandLine {
    options: ParsedOptions;
    positionals: string[];
    help: boolean;
    debug: boolean;
    quiet: boolean;
}

/** A value such as -1, -0.5 or -.5e3: read as a value after a flag, never as a flag itself. */
export function isNegativeNumber(text: string): boolean {
    return /^-(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text);
}

/** Parse and validate argv for one command. */
export function parseCommandLine(command: Command, argv: readonly string[]): ParsedCommandLine {
    const specs: OptionSpecs = {...globalOptions, ...command.options};
    const raw = readFlags(command, specs, argv);
    const options: ParsedOptions = {};
    for (const [name, spec] of Object.entries(specs)) {
        const values = raw.flags.get(name);
        if (spec.multiple === true) {
            options[name] = (values ?? []).map((value) => String(convertValue(name, spec, value)));
        } else if (values === undefined) {
            options[name] = spec.kind === "boolean" ? (spec.default ?? false) : spec.default;
        } else {
            options[name] = convertValue(name, spec, values[0] ?? "");
        }
    }
    const help = options.help === true;
    if (!help) {
        for (const [name, spec] of Object.entries(command.options)) {
            if (spec.required === true && options[name] === undefined) {
                throw new ArgumentError(`glassbox ${command.name} needs --${name} ${spec.valueName ?? "VALUE"}`, {hint: `see glassbox ${command.name} --help`});
            }
        }
        checkPositionals(command, raw.positionals);
    }
    return {options, positionals: raw.positionals, help, debug: options.debug === true, quiet: options.quiet === true};
}

/** Splits argv into flag values (as text; `true` for booleans) and positionals. */
function readFlags(command: Command, specs: OptionSpecs, argv: readonly string[]): {flags: Map<string, string[]>; positionals: string[]} {
    const flags = new Map<string, string[]>();
    const positionals: string[] = [];
    const seeHelp = `see glassbox ${command.name} --help`;
    let index = 0;
    while (index < argv.length) {
        const arg = argv[index++] as string;
        if (arg === "--") {
            positionals.push(...argv.slice(index));
            break;
        }
        const long = arg.startsWith("--");
        if (!long && (!arg.startsWith("-") || arg === "-" || isNegativeNumber(arg))) {
            positionals.push(arg);
            continue;
        }
        const equals = arg.indexOf("=");
        const typed = long ? arg.slice(2, equals === -1 ? undefined : equals) : arg.slice(1);
        const inline = long && equals !== -1 ? arg.slice(equals + 1) : undefined;
        const name = long ? typed : Object.entries(specs).find(([, spec]) => spec.short === typed)?.[0];
        const spec = name === undefined ? undefined : specs[name];
        if (name === undefined || spec === undefined) {
            const known = Object.keys(specs).map((flag) => `--${flag}`);
            throw new ArgumentError(`glassbox ${command.name} has no flag ${long ? `--${typed}` : arg}${didYouMean(long ? `--${typed}` : arg, known)}`, {
                hint: seeHelp,
            });
        }
        let value: string;
        if (spec.kind === "boolean") {
            if (inline !== undefined)
                throw new ArgumentError(`--${name} does not take a value`, {received: JSON.stringify(inline), hint: `write --${name} alone`});
            value = "true";
        } else if (inline !== undefined) {
            value = inline;
        } else {
            const next = argv[index];
            if (next === undefined || (next.startsWith("-") && next !== "-" && !isNegativeNumber(next))) {
                throw new ArgumentError(`--${name} needs a value`, {
                    expected: spec.valueName ?? (spec.kind === "string" ? "TEXT" : "N"),
                    ...(next === undefined
                        ? {received: "nothing"}
                        : {received: JSON.stringify(next), hint: `a value that starts with "-" is written --${name}=${next}`}),
                });
            }
            value = next;
            index++;
        }
        const previous = flags.get(name);
        if (previous !== undefined && spec.multiple !== true && spec.kind !== "boolean") {
            throw new ArgumentError(`--${name} is given more than once`, {
                received: `${JSON.stringify(previous[0])} and ${JSON.stringify(value)}`,
                hint: `give --${name} once`,
            });
        }
        flags.set(name, [...(previous ?? []), value]);
    }
    return {flags, positionals};
}

function convertValue(name: string, spec: OptionSpec, text: string): string | number | boolean {
    if (spec.kind === "boolean") return text === "true";
    if (spec.kind === "string") {
        if (spec.choices !== undefined && !spec.choices.includes(text)) {
            throw new ArgumentError(`--${name} does not accept "${text}"${didYouMean(text, spec.choices, (choice) => `"${choice}"`)}`, {
                expected: `one of ${spec.choices.join(", ")}`,
                received: JSON.stringify(text),
            });
        }
        return text;
    }
    const trimmed = text.trim();
    const number = trimmed === "" ? Number.NaN : Number(trimmed);
    const wantInteger = spec.kind === "integer";
    if (!Number.isFinite(number) || (wantInteger && !Number.isInteger(number))) {
        throw new ArgumentError(`--${name} needs ${wantInteger ? "an integer" : "a number"}`, {
            expected: describeRange(spec, wantInteger ? "an integer" : "a number"),
            received: JSON.stringify(text),
        });
    }
    if ((spec.min !== undefined && number < spec.min) || (spec.max !== undefined && number > spec.max)) {
        throw new ArgumentError(`--${name} is out of range`, {
            expected: describeRange(spec, wantInteger ? "an integer" : "a number"),
            received: String(number),
        });
    }
    return number;
}

function describeRange(spec: OptionSpec, noun: string): string {
    if (spec.min !== undefined && spec.max !== undefined) return `${noun} from ${spec.min} to ${spec.max}`;
    if (spec.min !== undefined) return `${noun} ≥ ${spec.min}`;
    if (spec.max !== undefined) return `${noun} ≤ ${spec.max}`;
    return noun;
}

function checkPositionals(command: Command, positionals: readonly string[]): void {
    const declared = command.positionals ?? [];
    const variadic = declared.some((item) => item.variadic === true);
    const required = declared.filter((item) => item.required).length;
    if (positionals.length < required) {
        const missing = declared
            .filter((item) => item.required)
            .slice(positionals.length)
            .map((item) => item.name);
        throw new ArgumentError(`glassbox ${command.name} is missing ${missing.join(", ")}`, {
            hint: `usage: glassbox ${command.usage}`,
        });
    }
    if (!variadic && positionals.length > declared.length) {
        const extra = positionals.slice(declared.length);
        throw new ArgumentError(`glassbox ${command.name} got an unexpected argument "${extra[0]}"`, {
            hint: `usage: glassbox ${command.usage}; see glassbox ${command.name} --help`,
        });
    }
}
