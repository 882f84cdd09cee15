/** How a CLI command is declared: its flags (typed and validated here) and what it runs. */

export type OptionKind = "string" | "boolean" | "integer" | "number";

export interface OptionSpec {
    kind: OptionKind;
    /** One line for --help. */
    description: string;
    /** Placeholder in --help ("PATH", "N"). */
    valueName?: string;
    short?: string;
    /** Allowed values for a string option. */
    choices?: readonly string[];
    /** Inclusive bounds for numeric options. */
    min?: number;
    max?: number;
    default?: string | number | boolean;
    multiple?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

export type ParsedOptions = Record<string, string | number | boolean | string[] | undefined>;

export interface CommandIo {
    stdout: NodeJS.WritableStream & {isTTY?: boolean; columns?: number};
    stderr: NodeJS.WritableStream & {isTTY?: boolean};
    /** Whether colour may be used on stdout. */
    color: boolean;
    /** Progress reporting on stderr (no-op when stderr is not a terminal and not forced). */
    progress: (message: string) => void;
    /** Clear any progress line. */
    progressDone: () => void;
}

export interface CommandContext {
    options: ParsedOptions;
    positionals: string[];
    io: CommandIo;
    debug: boolean;
}

export interface Command {
    /** Name as typed; subcommands are space separated ("runs list"). */
    name: string;
    summary: string;
    /** Usage line(s) after "glassbox". */
    usage: string;
    options: OptionSpecs;
    /** Longer help text: examples, notes. */
    details?: string;
    /** Names of positional arguments accepted (for help and arity checks); undefined = none. */
    positionals?: {name: string; required: boolean; variadic?: boolean}[];
    run(context: CommandContext): Promise<number>;
}
