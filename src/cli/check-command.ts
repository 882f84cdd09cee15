/**
 * Turns a check definition (src/checks/check-definition.ts) into its CLI command: the dataset and
 * model flags plus the check's own, help, reading the dataset, opening the model and any helper
 * models, the run store with progress and Ctrl-C, the text report with the run footer or the
 * `--json` document, exit codes, and disposal of every model opened.
 */
import type {AnyCheckDefinition, CheckSettingsContext, CheckSetupContext} from "../checks/check-definition.js";
import {verifierFromSpec} from "../backends/verifier/script-verifier.js";
import {existsSync} from "node:fs";
import {GlassboxError, InputError} from "../errors.js";
import type {Backend} from "../model/backend-spec.js";
import {defineCommand, type Command} from "./command.js";
import {jsonDocument, jsonKinds, type JsonKind} from "./json-output.js";
import {checkOutputOptions, writeResultKept} from "./output-options.js";
import {readTextFile} from "./text-files.js";
import {
    datasetOptionSpecs,
    exitCodeFor,
    loadDataset,
    openCheckModel,
    openSecondModel,
    runCheck,
    runFooter,
    type CheckOutcome,
} from "./commands/check-support.js";

/** The command of a check. */
export function checkCommand(definition: AnyCheckDefinition): Command {
    const name = definition.name;
    const kind = jsonKinds.find((entry): entry is JsonKind => entry === name);
    if (kind === undefined) {
        throw new GlassboxError("internal", `check "${name}" has no --json kind`, {hint: "add its name to jsonKinds in src/cli/json-output.ts"});
    }
    return defineCommand({
        name,
        summary: definition.summary,
        usage: definition.usage,
        details: definition.details,
        options: {...datasetOptionSpecs, ...definition.options},
        ...(definition.parameterFlags === undefined ? {} : {parameterFlags: definition.parameterFlags}),
        async run({options, io}) {
            const settingsContext: CheckSettingsContext = {
                readTextFile,
                readDataset: (path) => loadDataset({dataset: path, input: undefined, limit: undefined}, name).items,
                verifier: (spec, timeoutMs) => {
                    const script = spec.startsWith("script:") ? spec.slice("script:".length) : undefined;
                    if (script !== undefined && !existsSync(script)) {
                        throw new InputError(`verifier script ${script} does not exist`, {hint: "pass --verifier script:PATH with an existing file"});
                    }
                    return verifierFromSpec(spec, timeoutMs);
                },
            };
            const settings = definition.settings(options, settingsContext);
            const dataset = loadDataset(options, name);
            const values: Record<string, unknown> = options;
            checkOutputOptions(values, definition.outputFlags ?? []);
            const model = await openCheckModel(options, name, io, definition.needsScoring === true);
            const helpers: Backend[] = [];
            let outputsKept = true;
            try {
                const setupContext: CheckSetupContext = {
                    model,
                    items: dataset.items,
                    openModel: async (flag, path) => {
                        const helper = await openSecondModel(options, flag, path, name, io);
                        helpers.push(helper);
                        return helper;
                    },
                    progress: (message) => io.progress(message),
                    progressDone: () => io.progressDone(),
                    writeOutput: (flag, path, text) => {
                        const kept = writeResultKept(io, flag, path, text);
                        outputsKept &&= kept;
                        return kept;
                    },
                };
                const session = await definition.setup(settings, setupContext);
                const outcome = await runCheck({
                    command: name,
                    options,
                    io,
                    model,
                    dataset,
                    keyOptions: definition.keyOptions(session),
                    evaluate: (item, signal) => definition.evaluate(item, {session, model, signal}),
                    summarize: (records, malformed) => definition.summarize(records, {session, malformedLines: malformed.length}),
                });
                const summary = outcome.result.summary;
                if (options.json) {
                    io.stdout.write(jsonDocument(kind, jsonBody(definition, session, outcome)));
                } else {
                    const records = outcome.records;
                    const lines = [...definition.render(summary, {session, modelName: model.name, records}), ...runFooter(outcome)];
                    io.stdout.write(`${lines.join("\n")}\n`);
                }
                const code = exitCodeFor(outcome);
                return code === 0 && !outputsKept ? 1 : code;
            } finally {
                for (const helper of helpers) await helper.dispose();
                await model.dispose();
            }
        },
    });
}

/** The `--json` body: leading fields, run, status, db, resumed items, fields before the summary, summary, problems, malformed lines. */
function jsonBody(definition: AnyCheckDefinition, session: unknown, outcome: CheckOutcome<unknown, unknown, unknown>): Record<string, unknown> {
    const layout = definition.json ?? {};
    const {result} = outcome;
    const problems = result.items
        .filter((item) => item.status === "unparseable" || item.status === "error" || item.error !== undefined)
        .map((item) => ({id: item.itemId, status: item.status, error: item.error ?? null}));
    return {
        ...(layout.leading?.(session) ?? {}),
        run: result.run.id,
        status: result.run.status,
        db: outcome.db,
        ...(layout.resumedItems === false ? {} : {resumedItems: result.skipped}),
        ...(layout.beforeSummary?.(session) ?? {}),
        summary: result.summary,
        ...(layout.problems === true ? {problems} : {}),
        malformed: result.malformed,
    };
}
