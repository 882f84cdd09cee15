/**
 * How a CLI command is declared: its flags and what it runs. The type of the parsed flag values is
 * inferred from the option specs ({@link OptionValues}), so a command reads `options.budget` as
 * `number | undefined` and `options.method` as a union of its choices, with no casts.
 */

import type {OptionSpecs, OptionValues} from "../foundation/option-specs.js";

export type {OptionKind, OptionSpec, OptionSpecs, OptionValues} from "../foundation/option-specs.js";

/** Parsed values as the parser produces them, before they are given their command's type. */
export type ParsedOptions = Record<string, string | number | boolean | string[] | undefined>;

export interface CommandIo {
    stdout: NodeJS.WritableStream & {isTTY?: boolean; columns?: number};
    stderr: NodeJS.WritableStream & {isTTY?: boolean};
    /** Whether colour may be used on stdout. */
    color: boolean;
    /** A status line on stderr (a terminal line, or a plain line at most every 10 s elsewhere; nothing with --quiet). */
    progress: (message: string) => void;
    /** Progress of counted work: a bar with rate and ETA on a terminal, "done/total, rate, ETA" lines elsewhere. */
    progressCount: (label: string, done: number, total: number, detail?: string) => void;
    /** Clear any progress line. */
    progressDone: () => void;
    /**
     * A line of its own on stderr (a terminal progress line is cleared first and redrawn by the
     * next update): warnings always, "progress" notices not with --quiet.
     */
    notice: (message: string, kind: "warning" | "progress") => void;
}

export interface PositionalSpec {
    name: string;
    required: boolean;
    variadic?: boolean;
}

export interface CommandContext<Options> {
    options: Options;
    positionals: string[];
    io: CommandIo;
    debug: boolean;
}

interface CommandShape<Specs extends OptionSpecs> {
    /** Name as typed; subcommands are space separated ("runs list"). */
    name: string;
    summary: string;
    /** Usage line(s) after "glassbox". */
    usage: string;
    options: Specs;
    /** Longer help text: examples, notes. */
    details?: string;
    /** Positional arguments accepted (for help and arity checks); undefined = none. */
    positionals?: PositionalSpec[];
    /**
     * Flags named by core error parameters that are not the kebab-case of the parameter, e.g.
     * {maxTokens: "max-explanation-tokens"}; consulted when an error names a parameter.
     */
    parameterFlags?: Record<string, string>;
}

export interface CommandDefinition<Specs extends OptionSpecs> extends CommandShape<Specs> {
    run(context: CommandContext<OptionValues<Specs>>): Promise<number>;
}

/** A declared command with its flag types erased, as the dispatcher holds it. */
export interface Command extends CommandShape<OptionSpecs> {
    run(context: CommandContext<ParsedOptions>): Promise<number>;
}

/**
 * Declares a command: `options` fixes the flags, and `run` receives their values typed from the
 * specs. The parser (args.ts) guarantees the values match the specs, which is what makes the one
 * conversion below sound.
 */
export function defineCommand<const Specs extends OptionSpecs>(definition: CommandDefinition<Specs>): Command {
    return {
        ...definition,
        run: (context) => definition.run({...context, options: context.options as OptionValues<Specs>}),
    };
}
