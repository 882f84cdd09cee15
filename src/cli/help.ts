import {globalOptions} from "./args.js";
import type {Command, OptionSpec} from "./command.js";

export function commandHelp(command: Command): string {
    const lines = [`glassbox ${command.name}: ${command.summary}`, "", `usage: glassbox ${command.usage}`];
    const specs: [string, OptionSpec][] = [...Object.entries(command.options), ...Object.entries(globalOptions)];
    if (specs.length > 0) {
        lines.push("", "options:");
        const rendered = specs.map(([name, spec]) => [flagLabel(name, spec), optionDescription(spec)] as const);
        const width = Math.min(34, Math.max(...rendered.map(([label]) => label.length)) + 2);
        for (const [label, description] of rendered) {
            lines.push(label.length + 2 > width ? `  ${label}\n  ${" ".repeat(width)}${description}` : `  ${label.padEnd(width)}${description}`);
        }
    }
    if (command.details !== undefined) lines.push("", command.details.trimEnd());
    return lines.join("\n") + "\n";
}

export function programHelp(commands: readonly Command[], version: string): string {
    const width = Math.max(...commands.map((command) => command.name.length)) + 2;
    const lines = [
        `glassbox ${version}: why a language model produced its output, and whether its stated reasons can be trusted.`,
        "",
        "usage: glassbox <command> [options]",
        "",
        "commands:",
        ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
        "",
        "Run glassbox <command> --help for a command's options. Global flags: --help, --version, --quiet, --debug.",
    ];
    return lines.join("\n") + "\n";
}

/** What `glassbox check` (a group name alone) prints: its subcommands. */
export function commandGroupHelp(group: string, commands: readonly Command[]): string {
    const names = commands.map((command) => command.name.slice(group.length + 1));
    const width = Math.max(...names.map((name) => name.length)) + 2;
    return (
        [
            `glassbox ${group} <subcommand> [options]`,
            "",
            "subcommands:",
            ...commands.map((command, index) => `  ${(names[index] ?? "").padEnd(width)}${command.summary}`),
            "",
            `Run glassbox ${group} <subcommand> --help for its options.`,
        ].join("\n") + "\n"
    );
}

function flagLabel(name: string, spec: OptionSpec): string {
    const short = spec.short === undefined ? "" : `-${spec.short}, `;
    const value = spec.kind === "boolean" ? "" : ` ${spec.valueName ?? (spec.kind === "string" ? "TEXT" : "N")}`;
    return `${short}--${name}${value}${spec.multiple === true ? " (repeatable)" : ""}`;
}

/** The description, then the choices and the default (string defaults quoted, so " ..." shows its space). */
export function optionDescription(spec: OptionSpec): string {
    let text = spec.description;
    if (spec.choices !== undefined) text += ` One of: ${spec.choices.join(", ")}.`;
    if (spec.required === true) text += " Required.";
    if (spec.default !== undefined && spec.kind !== "boolean") {
        text += ` Default: ${typeof spec.default === "string" ? JSON.stringify(spec.default) : String(spec.default)}.`;
    }
    return text;
}
