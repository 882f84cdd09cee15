/** The run store: SQLite rows for runs and item verdicts, resumable runs, exports. */
export {
    RunStore,
    runKey,
    type ItemRecord,
    type ItemStatus,
    type ItemVerdict,
    type RunListEntry,
    type RunRecord,
    type RunSpec,
    type RunStatus,
} from "./run-store.js";
export {defaultRunStorePath} from "./paths.js";
export {runExportCsv, runExportJson, flattenRecord, csvCell} from "./export.js";
export {FileScoreCache} from "./score-cache-file.js";
export {recordExplanation, explanationSummary, explanationItemId, type RecordExplanationOptions} from "./explanation-run.js";
