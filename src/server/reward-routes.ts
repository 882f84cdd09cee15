/**
 * The reward service's routes. `POST /get_reward` takes OpenRLHF's remote reward request
 * {query, prompts, labels} and answers {rewards, scores, extra_logs}; `POST /score` takes a batch
 * of items {id?, prompt, completion, ground_truth?, data_source?, extra_info?} and answers one
 * {id, score, extra} each. A malformed envelope is a 400 naming the field; in /score a malformed
 * item gets {score: null, error: {field, message}} while the rest of the batch is scored.
 */
import {z} from "zod";
import type {RewardRouter} from "../rewards/config.js";
import type {RewardItem, RewardResult} from "../rewards/types.js";
import type {RewardScheduler} from "./reward-scheduler.js";
import {parseBody, type RouteResult} from "./route-support.js";

export interface RewardRouteContext {
    router: RewardRouter;
    scheduler: RewardScheduler;
}

const openRlhfSchema = z
    .object({
        query: z.array(z.string()),
        prompts: z.array(z.string()).optional(),
        labels: z.array(z.string().nullable()).optional(),
    })
    .passthrough()
    .superRefine((body, context) => {
        for (const key of ["prompts", "labels"] as const) {
            const list = body[key];
            if (list !== undefined && list.length !== body.query.length) {
                context.addIssue({code: "custom", path: [key], message: `has ${list.length} entries for ${body.query.length} queries`});
            }
        }
    });

/** OpenRLHF's query is prompt + response; the response is what follows the prompt. */
function responseOf(query: string, prompt: string | undefined): string {
    return prompt !== undefined && query.startsWith(prompt) ? query.slice(prompt.length) : query;
}

export async function openRlhfRewardRoute(context: RewardRouteContext, raw: unknown): Promise<RouteResult> {
    const body = parseBody(openRlhfSchema, raw);
    const results = await Promise.all(
        body.query.map((query, index) => {
            const prompt = body.prompts?.[index];
            const label = body.labels?.[index];
            const item: RewardItem = {prompt: prompt ?? "", completion: responseOf(query, prompt), groundTruth: label ?? undefined};
            return context.scheduler.score(context.router.forDataSource(undefined), item);
        }),
    );
    const rewards = results.map((result) => result.score);
    return {status: 200, body: {rewards, scores: rewards.map((reward) => Math.min(1, Math.max(0, reward))), extra_logs: numericLogs(results)}};
}

/** Numeric extra fields as one list per key (0 where an item lacks the key), as OpenRLHF logs them. */
function numericLogs(results: readonly RewardResult[]): Record<string, number[]> {
    const keys = new Set<string>();
    for (const result of results) {
        for (const [key, value] of Object.entries(result.extra)) if (typeof value === "number" && Number.isFinite(value)) keys.add(key);
    }
    const logs: Record<string, number[]> = {};
    for (const key of [...keys].sort()) {
        logs[key] = results.map((result) => {
            const value = result.extra[key];
            return typeof value === "number" && Number.isFinite(value) ? value : 0;
        });
    }
    return logs;
}

const messageSchema = z.object({role: z.string(), content: z.string()}).passthrough();
const textOrMessages = z.union([z.string(), z.array(messageSchema)]);

const itemSchema = z
    .object({
        id: z.union([z.string(), z.number()]).optional(),
        prompt: textOrMessages.default(""),
        completion: textOrMessages,
        ground_truth: z.union([z.string(), z.number()]).nullable().optional(),
        data_source: z.string().nullable().optional(),
        extra_info: z.record(z.string(), z.unknown()).nullable().optional(),
    })
    .passthrough();

const batchSchema = z.object({items: z.array(z.unknown()).min(1)}).passthrough();

function joined(value: string | {role: string; content: string}[], roles: readonly string[] | undefined): string {
    if (typeof value === "string") return value;
    return value
        .filter((message) => roles === undefined || roles.includes(message.role))
        .map((message) => message.content)
        .join("\n");
}

export async function batchRewardRoute(context: RewardRouteContext, raw: unknown): Promise<RouteResult> {
    const body = parseBody(batchSchema, raw);
    let invalid = 0;
    const results = await Promise.all(
        body.items.map(async (entry, index) => {
            const parsed = itemSchema.safeParse(entry);
            if (!parsed.success) {
                invalid++;
                const issue = parsed.error.issues[0];
                const field = ["items", index, ...(issue?.path ?? [])].map(String).join(".");
                const id = typeof entry === "object" && entry !== null && "id" in entry ? (entry as {id: unknown}).id : undefined;
                return {...(id === undefined ? {} : {id}), score: null, error: {field, message: issue?.message ?? "invalid"}};
            }
            const value = parsed.data;
            const item: RewardItem = {
                prompt: joined(value.prompt, undefined),
                completion: joined(value.completion, ["assistant"]),
                groundTruth: value.ground_truth === undefined || value.ground_truth === null ? undefined : String(value.ground_truth),
                dataSource: value.data_source ?? undefined,
                extraInfo: value.extra_info ?? undefined,
            };
            const result = await context.scheduler.score(context.router.forDataSource(item.dataSource), item);
            return {...(value.id === undefined ? {} : {id: value.id}), score: result.score, extra: result.extra};
        }),
    );
    return {status: 200, body: {results, invalid}};
}
