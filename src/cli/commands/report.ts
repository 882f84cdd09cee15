/** `glassbox report RESULT.json --out FILE.html`: one self-contained HTML page for any result. */
import {writeFileSync} from "node:fs";
import {basename} from "node:path";
import {ArgumentError, InputError} from "../../errors.js";
import {buildPageView, renderReportHtml} from "../../viewer/page.js";
import {parseViewableResultText, understoodSchemaVersions, type ViewableResult} from "../../viewer/result-file.js";
import {defineCommand} from "../command.js";
import {readTextFile} from "../text-files.js";

export const reportCommand = defineCommand({
    name: "report",
    summary: "Write a self-contained HTML report (opens from disk, no network) for a result file.",
    usage: "report RESULT.json [--out FILE.html] [--title TEXT]",
    positionals: [{name: "RESULT.json", required: true}],
    options: {
        out: {kind: "string", valueName: "FILE.html", description: "Write the report here. Default: print it (redirect to a file)."},
        title: {kind: "string", valueName: "TEXT", description: "Page title. Default: the result file's name."},
    },
    details: [
        `Reads any glassbox result (explain, score, generate, checks) of schemaVersion ${understoodSchemaVersions.join(", ")}.`,
        "The page embeds the result and its script: units shaded on a blue–orange scale, unit levels",
        "re-aggregated in the page, per-target-token shading, faithfulness curves (docs/viewer.md).",
        "",
        "examples:",
        '  glassbox explain --model m.gguf --prompt "Lily had a red ball." --out result.json',
        "  glassbox report result.json --out result.html",
    ].join("\n"),
    async run({options, positionals, io}) {
        const [path = ""] = positionals;
        const out = options.out;
        if (out === undefined && io.stdout.isTTY === true) {
            throw new ArgumentError("glassbox report writes HTML: pass --out FILE.html (or redirect the output to a file)", {
                hint: `glassbox report ${path} --out report.html`,
            });
        }
        const viewable = readResultFile(path);
        const title = options.title ?? basename(path);
        const html = renderReportHtml(buildPageView(viewable, title));
        if (out === undefined) {
            io.stdout.write(html);
            return 0;
        }
        writeHtmlFile(out, html);
        io.stdout.write(`wrote ${out}\n`);
        return 0;
    },
});

/** Read and validate a result file; every problem is one InputError naming the path. */
export function readResultFile(path: string): ViewableResult {
    return parseViewableResultText(readTextFile(path, "result file", resultFileExpected), path);
}

export const resultFileExpected = "a JSON file written by --json or --out";

export function writeHtmlFile(path: string, html: string): void {
    try {
        writeFileSync(path, html);
    } catch (error) {
        const code = (error as {code?: string}).code;
        throw new InputError(`cannot write ${path} (${code ?? "error"})`, {hint: "check the --out path", cause: error});
    }
}
