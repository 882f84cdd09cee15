/**
 * `glassbox reward serve`: the reward service over node:http. Routes: GET /health, POST /get_reward
 * (OpenRLHF), POST /score (generic batch). Bodies are JSON, at most `maxBodyBytes` (413 beyond);
 * items are scored by a shared {@link RewardScheduler} (bounded concurrency, per-item limit).
 */
import type {IncomingMessage, Server} from "node:http";
import {InputError} from "../errors.js";
import type {RewardRouter} from "../rewards/config.js";
import {batchRewardRoute, openRlhfRewardRoute, type RewardRouteContext} from "./reward-routes.js";
import {RewardScheduler, type RewardSchedulerOptions} from "./reward-scheduler.js";
import {listenJson} from "./json-listener.js";
import {errorResult, type RouteResult} from "./route-support.js";

export interface RewardServerOptions extends RewardSchedulerOptions {
    router: RewardRouter;
    /** Largest request body in bytes (default 16 MiB). */
    maxBodyBytes?: number;
}

export interface RunningRewardServer {
    server: Server;
    url: string;
    scheduler: RewardScheduler;
    close(): Promise<void>;
}

const routes: Record<string, (context: RewardRouteContext, body: unknown) => Promise<RouteResult>> = {
    "/get_reward": openRlhfRewardRoute,
    "/score": batchRewardRoute,
};

export async function startRewardServer(options: RewardServerOptions, host = "127.0.0.1", port = 0): Promise<RunningRewardServer> {
    const scheduler = new RewardScheduler(options);
    const context: RewardRouteContext = {router: options.router, scheduler};
    const maxBodyBytes = options.maxBodyBytes ?? 16 << 20;

    const handle = async (request: IncomingMessage): Promise<RouteResult> => {
        const path = (request.url ?? "/").split("?")[0] ?? "/";
        if (request.method === "GET" && path === "/health") return {status: 200, body: {status: "ok", ...scheduler.stats}};
        const route = routes[path];
        if (route === undefined)
            return errorResult(
                new InputError(`no route ${request.method ?? "?"} ${path}`, {
                    fields: {status: 404},
                    hint: "routes: POST /get_reward, POST /score, GET /health",
                }),
            );
        if (request.method !== "POST") return errorResult(new InputError(`${path} takes POST`, {fields: {status: 405}}));
        const body = await readJsonBody(request, maxBodyBytes);
        return route(context, body);
    };

    const {server, url} = await listenJson(handle, host, port, {requestTimeout: 0});
    return {
        server,
        scheduler,
        url,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}

function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
        request.resume();
        return Promise.reject(
            new InputError(`request body of ${declared} bytes is larger than the limit of ${limit} bytes`, {
                fields: {status: 413},
                hint: "send smaller batches or raise --max-body-mb",
            }),
        );
    }
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let rejected = false;
        request.on("data", (chunk: Buffer) => {
            if (rejected) return;
            size += chunk.length;
            if (size > limit) {
                rejected = true;
                chunks.length = 0;
                reject(
                    new InputError(`request body larger than the limit of ${limit} bytes`, {
                        fields: {status: 413},
                        hint: "send smaller batches or raise --max-body-mb",
                    }),
                );
                return;
            }
            chunks.push(chunk);
        });
        request.on("error", reject);
        request.on("end", () => {
            if (rejected) return;
            const text = Buffer.concat(chunks).toString("utf8");
            try {
                resolve(text === "" ? {} : JSON.parse(text));
            } catch {
                reject(new InputError("the request body is not valid JSON", {fields: {param: "(body)"}}));
            }
        });
    });
}
