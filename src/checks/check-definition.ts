/**
 * A check declared once, the way a command is: its name and help, its settings (option specs and
 * the typed settings read from them), the capabilities it needs, a per-item evaluation, a summary
 * over the stored items and a text rendering of the summary. The CLI turns a definition into its
 * command (src/cli/check-command.ts): dataset flags, the run store, progress, Ctrl-C, `--json`,
 * exit codes and disposal are the same for every check.
 *
 * Phases: `settings` reads the flag values before anything is loaded (refusing bad values early),
 * `setup` runs once the dataset is read and the model is open (helper models, prompts built from
 * other data), then `evaluate` runs per item and `summarize` and `render` once at the end. Files,
 * helper models and output files are reached through the contexts the CLI passes in, never directly.
 */
import type {DatasetItem} from "../datasets/item.js";
import type {OptionSpecs, OptionValues} from "../foundation/option-specs.js";
import type {Backend} from "../model/backend-spec.js";
import type {Verifier} from "../reasoning/verifiers.js";
import type {ItemEvaluation} from "./run-dataset.js";
import type {CheckRecord} from "./run-records.js";

/** The settings a check reads: its own flags, plus the run's seed (a dataset flag every check has). */
export type CheckValues<Specs extends OptionSpecs> = OptionValues<Specs> & {seed: number};

/** What `settings` may use before the dataset and the model are loaded. */
export interface CheckSettingsContext {
    /** The text of a file another flag names; an unreadable file is an input error naming `what`. */
    readTextFile(path: string, what: string, expected: string): string;
    /** The items of a JSONL dataset another flag names (--train), read like --dataset. */
    readDataset(path: string): DatasetItem[];
    /** A verifier from its spec (exact, numeric, script:PATH); a missing script is an input error. */
    verifier(spec: string, timeoutMs: number): Verifier;
}

/** What `setup` may use once the dataset is read and the model is open. */
export interface CheckSetupContext {
    model: Backend;
    /** The items the run will evaluate. */
    items: readonly DatasetItem[];
    /** Opens the model another flag names (--proxy, --tuned) with the same model settings; it is disposed after the run. */
    openModel(flag: string, path: string): Promise<Backend>;
    /** A status line while setup works; `progressDone` clears it. */
    progress(message: string): void;
    progressDone(): void;
    /** Writes a file another flag names; false when it could not be kept (the command then exits 1). */
    writeOutput(flag: string, path: string, text: string): boolean;
}

export interface ItemContext<Session> {
    session: Session;
    model: Backend;
    signal: AbortSignal | undefined;
}

export interface SummaryContext<Session> {
    session: Session;
    /** Lines of the dataset that could not be read as items. */
    malformedLines: number;
}

export interface RenderContext<Session, Verdict, Unparsed> {
    session: Session;
    /** The run's model (--model). */
    modelName: string;
    records: readonly CheckRecord<Verdict, Unparsed>[];
}

/** How the `--json` document of a check is laid out around run, status, db, summary and malformed. */
export interface CheckJsonLayout<Session> {
    /** Fields before `run` (e.g. refine's feedback and rounds). */
    leading?(session: Session): Record<string, unknown>;
    /** Fields between `db` and `summary` (amplify's prompt prefix). */
    beforeSummary?(session: Session): Record<string, unknown>;
    /** `resumedItems` after `db` (default true). */
    resumedItems?: boolean;
    /** `problems` (items unparseable, failed or flagged) after `summary` (default false). */
    problems?: boolean;
}

export interface CheckDefinition<Specs extends OptionSpecs, Settings, Session, Verdict, Unparsed, Summary> {
    /** The command name ("check bias"); also the run's command and the `--json` kind. */
    name: string;
    /** One line for `glassbox --help`. */
    summary: string;
    /** Usage after "glassbox". */
    usage: string;
    /** Longer help: what it needs, how it decides, examples. */
    details: string;
    /** The check's own flags (the dataset and model flags are added by the CLI). */
    options: Specs;
    /** Core error parameters that are not the kebab-case of their flag ({maxExplanationTokens: "max-tokens"}). */
    parameterFlags?: Record<string, string>;
    /** The model must score prompt tokens (generation is always needed). */
    needsScoring?: boolean;
    /** Flags naming output files, checked before the model loads. */
    outputFlags?: readonly string[];
    /** Typed settings from the flag values; throws an ArgumentError for values that do not go together. */
    settings(values: CheckValues<Specs>, context: CheckSettingsContext): Settings;
    /** What the items are evaluated with: helper models, prompts, capability checks. */
    setup(settings: Settings, context: CheckSetupContext): Promise<Session>;
    /** The settings that change results: with the command, model, dataset and seed they key the stored run. */
    keyOptions(session: Session): Record<string, unknown>;
    evaluate(item: DatasetItem, context: ItemContext<Session>): Promise<ItemEvaluation<Verdict, Unparsed>>;
    /** The summary from every stored item, so a resumed run summarises like an uninterrupted one. */
    summarize(records: readonly CheckRecord<Verdict, Unparsed>[], context: SummaryContext<Session>): Summary;
    /** The summary as text lines (the CLI adds the run footer and prints them). */
    render(summary: Summary, context: RenderContext<Session, Verdict, Unparsed>): string[];
    json?: CheckJsonLayout<Session>;
}

/**
 * A definition with its types erased, as the registry holds it. Every definition is assignable to
 * it because its members are methods (their parameters are compared bivariantly); the erasure is
 * sound because the CLI only hands a definition values it produced itself (settings → setup →
 * evaluate → summarize → render) or parsed against its own option specs.
 */
export type AnyCheckDefinition = CheckDefinition<OptionSpecs, unknown, unknown, unknown, unknown, unknown>;

/** Declares a check: the types of settings, session, verdicts and summary are inferred from its members. */
export function defineCheck<const Specs extends OptionSpecs, Settings, Session, Verdict, Unparsed, Summary>(
    definition: CheckDefinition<Specs, Settings, Session, Verdict, Unparsed, Summary>,
): CheckDefinition<Specs, Settings, Session, Verdict, Unparsed, Summary> {
    return definition;
}

/** The verdicts of items that finished (ok or unparseable), for a summary. */
export function finishedVerdicts<Verdict, Unparsed>(records: readonly CheckRecord<Verdict, Unparsed>[]): (Verdict | Unparsed)[] {
    return records.flatMap((record) => (record.status === "error" ? [] : [record.verdict]));
}

/** The verdicts of items whose answer was read. */
export function okVerdicts<Verdict, Unparsed>(records: readonly CheckRecord<Verdict, Unparsed>[]): Verdict[] {
    return records.flatMap((record) => (record.status === "ok" ? [record.verdict] : []));
}
