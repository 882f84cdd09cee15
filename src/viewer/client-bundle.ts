/**
 * The page script: the render functions' own source text, so the browser runs exactly the code
 * that Node type-checks, tests and uses to pre-render. Each listed function may call only the
 * others listed here. TypeScript loaders that compile modules to CommonJS on the fly (tsx) name
 * helpers and imports in the function text: `__name(fn, "fn")` and `(0, import_basics.escapeHtml)`.
 * The prelude defines `__name` as the identity and every `import_*` name it finds as a table of
 * all the listed functions (their names are unique), so the same text runs either way.
 */
import {
    aggregateValues,
    csvLink,
    escapeHtml,
    formatNumber,
    formatSigned,
    formatTime,
    largestMagnitude,
    shadeClass,
    shorten,
    visibleToken,
} from "./render/basics.js";
import {renderMatrix, renderTopUnits, tableOrder, topUnits} from "./render/value-table.js";
import {startExplainView} from "./render/client-explain.js";
import {
    describeUnit,
    explainLevelData,
    renderLegend,
    renderExplainBody,
    renderExplainControls,
    renderExplainExtras,
    renderExplainMain,
    renderFacts,
    renderShadedSources,
    rationaleGroups,
} from "./render/explain-html.js";
import {renderGenericBody, renderTable} from "./render/generic-html.js";
import {renderEvidenceBody, renderEvidenceSection, renderEvidenceText} from "./render/evidence-html.js";
import {barStep, niceTicks, renderPlot, seriesColor} from "./render/plot.js";
import {startReportPage} from "./render/client-report.js";
import {startViewerApp} from "./render/client-app.js";

const sharedFunctions: readonly ((...args: never[]) => unknown)[] = [
    escapeHtml,
    formatNumber,
    formatSigned,
    formatTime,
    csvLink,
    largestMagnitude,
    shadeClass,
    aggregateValues,
    niceTicks,
    seriesColor,
    renderPlot,
    barStep,
    explainLevelData,
    renderLegend,
    renderExplainBody,
    renderExplainControls,
    renderExplainMain,
    renderShadedSources,
    rationaleGroups,
    renderMatrix,
    renderTopUnits,
    tableOrder,
    topUnits,
    renderExplainExtras,
    renderFacts,
    describeUnit,
    visibleToken,
    shorten,
    renderGenericBody,
    renderTable,
    renderEvidenceBody,
    renderEvidenceSection,
    renderEvidenceText,
    startExplainView,
];

function bundle(functions: readonly ((...args: never[]) => unknown)[], start: string): string {
    const sources = functions.map((fn) => fn.toString());
    const aliases = [...new Set(sources.join("\n").match(/\bimport_[A-Za-z0-9_$]+/g) ?? [])];
    const table = `var __functions = {${functions.map((fn) => fn.name).join(", ")}};\n${aliases.map((alias) => `var ${alias} = __functions;`).join("\n")}`;
    const prelude = '"use strict";\nvar __name = function (target) { return target; };\n';
    return `(function () {\n${prelude}${sources.join("\n")}\n${table}\n${start}\n})();`;
}

/** Script of a self-contained report: renders the embedded result and wires it up. */
export function reportScript(): string {
    return bundle([...sharedFunctions, startReportPage], "startReportPage(document);");
}

/** Script of the view app: hash routes over the JSON API. */
export function appScript(): string {
    return bundle([...sharedFunctions, startViewerApp], "startViewerApp(document, window);");
}
