/**
 * The view app's HTTP handler, on web-standard Request/Response so that tests call it in memory
 * (no port). Routes and bodies: docs/viewer-api.md. Errors are JSON `{error: {code, message}}`:
 * 400 bad query or body, 404 unknown run, item or path, 405 wrong method, 422 a stored result
 * that cannot be drawn.
 */
import {z} from "zod";
import {isGlassboxError} from "../errors.js";
import {agreementMetrics, type AgreementReport} from "../metrics/agreement.js";
import {buildPageView, renderAppHtml} from "../viewer/page.js";
import {aggregateValues, shorten} from "../viewer/render/basics.js";
import {parseViewableResult} from "../viewer/result-file.js";
import type {PageView, PlotSpec} from "../viewer/view-model.js";
import type {ItemRecord, RunFilter, RunStoreReader} from "./viewer-store.js";

export type ViewerHandler = (request: Request) => Promise<Response>;

export interface ViewerHandlerOptions {
    /** Host names accepted in the Host header (DNS-rebinding guard); undefined accepts any. */
    allowedHosts?: readonly string[];
}

class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

const refSchema = z.union([z.string().min(1), z.object({run: z.string().min(1), item: z.string().min(1).optional()}).strict()]);
const compareBodySchema = z.object({a: refSchema, b: refSchema, k: z.number().int().min(1).optional()}).strict();
const filterSchema = z
    .object({
        kind: z.string().max(200).optional(),
        model: z.string().max(200).optional(),
        method: z.string().max(200).optional(),
        q: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(10_000).optional(),
    })
    .strict();

export function createViewerHandler(store: RunStoreReader, options: ViewerHandlerOptions = {}): ViewerHandler {
    return async (request) => {
        try {
            checkHost(request, options.allowedHosts);
            return await route(store, request);
        } catch (error) {
            if (error instanceof HttpError) return json(error.status, {error: {code: error.code, message: error.message}});
            const message = error instanceof Error ? (error.message.split("\n")[0] ?? "error") : String(error);
            return json(500, {error: {code: "internal", message}});
        }
    };
}

async function route(store: RunStoreReader, request: Request): Promise<Response> {
    const url = new URL(request.url);
    const parts = url.pathname
        .split("/")
        .filter((part) => part !== "")
        .map(safeDecode);
    const method = request.method.toUpperCase();
    if (parts.length === 0) {
        allow(method, ["GET"]);
        return new Response(renderAppHtml(store.describe()), {status: 200, headers: {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}});
    }
    if (parts[0] !== "api") throw new HttpError(404, "not-found", `no page at ${url.pathname}; the app lives at /`);
    if (parts[1] === "runs" && parts.length === 2) {
        allow(method, ["GET"]);
        const filter = parseFilter(url.searchParams);
        const runs = await store.listRuns(filter);
        const kinds = [...new Set((await store.listRuns({})).map((run) => run.kind))].sort();
        return json(200, {runs, kinds});
    }
    if (parts[1] === "runs" && parts.length === 3) {
        allow(method, ["GET"]);
        return json(200, {run: await requireRun(store, parts[2]!)});
    }
    if (parts[1] === "runs" && parts.length === 4 && parts[3] === "items") {
        allow(method, ["GET"]);
        const items = await store.listItems(parts[2]!);
        if (items === undefined) throw notFoundRun(parts[2]!);
        return json(200, {items});
    }
    if (parts[1] === "runs" && parts.length === 5 && parts[3] === "items") {
        allow(method, ["GET"]);
        const item = await requireItem(store, parts[2]!, parts[4]!);
        return json(200, {item: {runId: item.runId, id: item.id, label: item.label}, result: item.result, view: viewOf(item)});
    }
    if (parts[1] === "compare" && parts.length === 2) {
        allow(method, ["GET", "POST"]);
        if (method === "GET") {
            const a = url.searchParams.get("a");
            const b = url.searchParams.get("b");
            if (a === null || a === "" || b === null || b === "") throw new HttpError(400, "bad-request", "compare needs ?a=RUN[/ITEM]&b=RUN[/ITEM]");
            return json(200, await compare(store, a, b, undefined));
        }
        const body = await readJsonBody(request);
        const parsed = compareBodySchema.safeParse(body);
        if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new HttpError(
                400,
                "bad-request",
                `bad compare body${issue === undefined ? "" : ` at ${issue.path.join(".") || "top level"}: ${issue.message}`}; expected {"a": "RUN[/ITEM]", "b": "RUN[/ITEM]", "k"?: integer ≥ 1}`,
            );
        }
        const ref = (value: z.infer<typeof refSchema>): string =>
            typeof value === "string" ? value : value.item === undefined ? value.run : `${value.run}/${value.item}`;
        return json(200, await compare(store, ref(parsed.data.a), ref(parsed.data.b), parsed.data.k));
    }
    throw new HttpError(404, "not-found", `no API route ${method} ${url.pathname}; see docs/viewer-api.md`);
}

function parseFilter(params: URLSearchParams): RunFilter {
    const raw: Record<string, string> = {};
    for (const [key, value] of params) raw[key] = value;
    const parsed = filterSchema.safeParse(raw);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new HttpError(
            400,
            "bad-request",
            `bad runs query${issue === undefined ? "" : `: ${issue.path.join(".") || "parameter"} ${issue.message}`}; parameters are kind, model, method, q, limit`,
        );
    }
    const {kind, model, method, q, limit} = parsed.data;
    return {
        ...(kind === undefined ? {} : {kind}),
        ...(model === undefined ? {} : {model}),
        ...(method === undefined ? {} : {method}),
        ...(q === undefined ? {} : {text: q}),
        ...(limit === undefined ? {} : {limit}),
    };
}

interface CompareSide {
    ref: string;
    view: PageView;
}

async function compare(
    store: RunStoreReader,
    a: string,
    b: string,
    k: number | undefined,
): Promise<{a: CompareSide; b: CompareSide; agreement: AgreementReport | null; plot?: PlotSpec; note: string | null}> {
    const [itemA, itemB] = [await resolveRef(store, a), await resolveRef(store, b)];
    const sideA = {ref: `${itemA.runId}/${itemA.id}`, view: viewOf(itemA)};
    const sideB = {ref: `${itemB.runId}/${itemB.id}`, view: viewOf(itemB)};
    if (sideA.view.type !== "explain" || sideB.view.type !== "explain") {
        return {a: sideA, b: sideB, agreement: null, note: "agreement is computed between two explanations"};
    }
    const common = commonLevel(sideA.view, sideB.view);
    if (common === undefined) {
        return {
            a: sideA,
            b: sideB,
            agreement: null,
            note: `the two explanations share no unit level (${sideA.view.units.length} and ${sideB.view.units.length} units); agreement needs units of the same input`,
        };
    }
    const valuesA = common.valuesA;
    const valuesB = common.valuesB;
    if (valuesA.some((value) => value === null) || valuesB.some((value) => value === null)) {
        return {a: sideA, b: sideB, agreement: null, note: "an explanation has non-finite values; agreement needs finite ones"};
    }
    if (k !== undefined && k > valuesA.length) throw new HttpError(400, "bad-request", `k is ${k} but the explanations have ${valuesA.length} units`);
    const agreement = agreementMetrics(valuesA as number[], valuesB as number[], k === undefined ? {} : {k});
    const reaggregated = common.kind !== sideA.view.levels[0]!.kind || common.kind !== sideB.view.levels[0]!.kind;
    const points = valuesA.map((value, index): [number, number] => [value as number, valuesB[index] as number]);
    const low = Math.min(...points.flat());
    const high = Math.max(...points.flat());
    const plot: PlotSpec = {
        title: "A against B, per unit",
        xLabel: `A: ${sideA.view.title}`,
        yLabel: `B: ${sideB.view.title}`,
        kind: "scatter",
        series: [
            {label: `${common.kind} units`, points, pointLabels: common.labels},
            {
                label: "A = B",
                points: [
                    [low, low],
                    [high, high],
                ],
            },
        ],
        xDomain: null,
        caption: "Each point is one unit; points on the diagonal got the same value from both.",
    };
    return {a: sideA, b: sideB, agreement, plot, note: `compared over ${valuesA.length} ${common.kind} units${reaggregated ? " (re-aggregated)" : ""}`};
}

type ExplainPageView = Extract<PageView, {type: "explain"}>;

/** The finest unit level both views have with the same groups of the same texts, and its totals. */
function commonLevel(
    a: ExplainPageView,
    b: ExplainPageView,
): {kind: string; valuesA: (number | null)[]; valuesB: (number | null)[]; labels: string[]} | undefined {
    const texts = (view: ExplainPageView, groups: ExplainPageView["units"]): string =>
        JSON.stringify(groups.map((group) => [view.sources[group.source]?.text.slice(group.start, group.end).trim() ?? "", group.source]));
    for (const levelA of a.levels) {
        for (const levelB of b.levels) {
            if (levelA.groups.length !== levelB.groups.length || texts(a, levelA.groups) !== texts(b, levelB.groups)) continue;
            return {
                kind: levelA.kind,
                valuesA: aggregateValues(a.rows[0]!.values, null, levelA.unitGroup, levelA.groups.length).values,
                valuesB: aggregateValues(b.rows[0]!.values, null, levelB.unitGroup, levelB.groups.length).values,
                labels: levelA.groups.map(
                    (group, index) => `${levelA.kind} ${index + 1} “${shorten(a.sources[group.source]?.text.slice(group.start, group.end) ?? "", 40)}”`,
                ),
            };
        }
    }
    return undefined;
}

async function resolveRef(store: RunStoreReader, ref: string): Promise<ItemRecord> {
    const slash = ref.indexOf("/");
    const runId = slash < 0 ? ref : ref.slice(0, slash);
    const itemId = slash < 0 ? undefined : ref.slice(slash + 1);
    if (itemId !== undefined) return requireItem(store, runId, itemId);
    const items = await store.listItems(runId);
    if (items === undefined) throw notFoundRun(runId);
    const first = items[0];
    if (first === undefined) throw new HttpError(404, "not-found", `run ${runId} has no items`);
    return requireItem(store, runId, first.id);
}

function viewOf(item: ItemRecord): PageView {
    try {
        return buildPageView(parseViewableResult(item.result, `item ${item.id} of run ${item.runId}`), `${item.runId} · item ${item.id}`);
    } catch (error) {
        if (isGlassboxError(error)) throw new HttpError(422, "unviewable", error.message);
        throw error;
    }
}

async function requireRun(store: RunStoreReader, id: string) {
    const run = await store.getRun(id);
    if (run === undefined) throw notFoundRun(id);
    return run;
}

async function requireItem(store: RunStoreReader, runId: string, itemId: string): Promise<ItemRecord> {
    const item = await store.getItem(runId, itemId);
    if (item !== undefined) return item;
    if ((await store.getRun(runId)) === undefined) throw notFoundRun(runId);
    throw new HttpError(404, "not-found", `run ${runId} has no item ${JSON.stringify(itemId)}`);
}

function notFoundRun(id: string): HttpError {
    return new HttpError(404, "not-found", `no run ${JSON.stringify(id)}; GET /api/runs lists them`);
}

function allow(method: string, methods: readonly string[]): void {
    if (!methods.includes(method)) throw new HttpError(405, "method-not-allowed", `${method} is not allowed here; use ${methods.join(" or ")}`);
}

async function readJsonBody(request: Request): Promise<unknown> {
    const text = await request.text();
    if (text.length > 1_000_000) throw new HttpError(413, "too-large", "the body is larger than 1 MB");
    try {
        return JSON.parse(text);
    } catch {
        throw new HttpError(400, "bad-request", "the body is not valid JSON");
    }
}

function checkHost(request: Request, allowed: readonly string[] | undefined): void {
    if (allowed === undefined) return;
    const host = request.headers.get("host");
    if (host === null) return;
    const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : (host.split(":")[0] ?? host);
    if (!allowed.includes(name.toLowerCase()))
        throw new HttpError(403, "forbidden-host", `host ${JSON.stringify(name)} is not served; open the address glassbox view printed`);
}

function safeDecode(part: string): string {
    try {
        return decodeURIComponent(part);
    } catch {
        throw new HttpError(400, "bad-request", `the path segment ${JSON.stringify(part)} is not valid percent-encoding`);
    }
}

function json(status: number, body: unknown): Response {
    return new Response(
        JSON.stringify(body, (_key, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? null : value)),
        {
            status,
            headers: {"content-type": "application/json; charset=utf-8", "cache-control": "no-store"},
        },
    );
}
