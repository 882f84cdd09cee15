/**
 * Declared options: the spec of each flag and the type of the parsed values, inferred from the
 * specs ({@link OptionValues}). The CLI parses argv against them; a check definition declares its
 * settings with them, so the command made from it reads typed values with no casts.
 */

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
    /** The command refuses to run without it (checked after --help). */
    required?: boolean;
    /** May be given several times; the value is then the list of strings, empty when absent. */
    multiple?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The value of one flag given its spec, before absence is taken into account. */
type SingleValue<Spec> = Spec extends {kind: "boolean"}
    ? boolean
    : Spec extends {kind: "integer" | "number"}
      ? number
      : Spec extends {choices: readonly (infer Choice)[]}
        ? Choice
        : string;

type FlagValue<Spec> = Spec extends {multiple: true} ? string[] : SingleValue<Spec>;

/** Whether a parsed flag always has a value: booleans, lists, flags with a default and required flags. */
type AlwaysPresent<Spec> = Spec extends {kind: "boolean"}
    ? true
    : Spec extends {multiple: true}
      ? true
      : Spec extends {default: string | number | boolean}
        ? true
        : Spec extends {required: true}
          ? true
          : false;

/** The parsed values of a command's flags, inferred from its option specs. */
export type OptionValues<Specs extends OptionSpecs> = {
    -readonly [Name in keyof Specs]: AlwaysPresent<Specs[Name]> extends true ? FlagValue<Specs[Name]> : FlagValue<Specs[Name]> | undefined;
};
