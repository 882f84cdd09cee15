import {parseArgs} from "node:util";
import {ArgumentError} from "../errors.js";
import type {Command, OptionSpec, ParsedOptions} from "./command.js";

/** Flags every command accepts. */
export const globalOptions = {
    help: {kind: "boolean", description: "Show help for this command.", short: "h"},
    debug: {kind: "boolean", description: "Show stack traces and internal detail on errors."},
} as const satisfies Record<string, OptionSpec>;

export interface ParsedCommandLine {
    options: ParsedOptions;
    positionals: string[];
    help: boolean;
    debug: boolean;
}

/** Parse and validate argv for one command; every problem becomes one ArgumentError line. */
export function parseCommandLine(command: Command, argv: readonly string[]): ParsedCommandLine {
    const specs: Record<string, OptionSpec> = {...globalOptions, ...command.options};
    const parseOptions: Record<string, {type: "string" | "boolean"; short?: string; multiple?: boolean}> = {};
    for (const [name, spec] of Object.entries(specs)) {
        parseOptions[name] = {
            type: spec.kind === "boolean" ? "boolean" : "string",
            ...(spec.short === undefined ? {} : {short: spec.short}),
            ...(spec.multiple === true ? {multiple: true} : {}),
        };
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
        parsed = parseArgs({args: [...argv], options: parseOptions, strict: true, allowPositionals: true});
    } catch (error) {
        throw translateParseError(command, error);
    }
    const raw = parsed.values as Record<string, string | boolean | string[] | undefined>;
    const options: ParsedOptions = {};
    for (const [name, spec] of Object.entries(specs)) {
        const value = raw[name];
        if (value === undefined) {
            options[name] = spec.default;
            continue;
        }
        if (Array.isArray(value)) {
            options[name] = value.map((item) => String(convertValue(name, spec, item)));
            continue;
        }
        options[name] = convertValue(name, spec, value);
    }
    const help = options.help === true;
    const debug = options.debug === true;
    const positionals = parsed.positionals;
    if (!help) checkPositionals(command, positionals);
    return {options, positionals, help, debug};
}

function convertValue(name: string, spec: OptionSpec, value: string | boolean): string | number | boolean {
    if (spec.kind === "boolean") return value === true;
    const text = String(value);
    if (spec.kind === "string") {
        if (spec.choices !== undefined && !spec.choices.includes(text)) {
            throw new ArgumentError(`--${name} does not accept "${text}"`, {
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
        const missing = declared.filter((item) => item.required).slice(positionals.length).map((item) => item.name);
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

function translateParseError(command: Command, error: unknown): ArgumentError {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as {code?: string} | null)?.code;
    const flag = /'(-{1,2}[^'\s]+)/.exec(message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
        return new ArgumentError(`glassbox ${command.name} has no flag ${flag ?? message}`, {
            hint: `see glassbox ${command.name} --help`,
        });
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
        const name = flag ?? "a flag";
        return message.includes("argument missing")
            ? new ArgumentError(`${name} needs a value`, {hint: `see glassbox ${command.name} --help`})
            : new ArgumentError(`${name} does not take a value`, {hint: `see glassbox ${command.name} --help`});
    }
    return new ArgumentError(message.split("\n")[0] ?? message, {hint: `see glassbox ${command.name} --help`});
}
