/** `glassbox reward serve`: the HTTP reward service for RL trainers (OpenRLHF /get_reward, generic /score). */
import {readFileSync} from "node:fs";
import {isIP} from "node:net";
import {sandboxedCodeRunner} from "../../backends/verifier/code-runner.js";
import {ArgumentError, InputError} from "../../errors.js";
import type {Backend} from "../../model/backend-spec.js";
import {backendProbabilityScorer} from "../../rewards/backend-probability-scorer.js";
import {buildRewardRouter, defaultRewardConfig, parseRewardConfig, type RewardConfig} from "../../rewards/config.js";
import {startRewardServer} from "../../server/reward-http-server.js";
import {defineCommand} from "../command.js";
import {modelOptionSpecs} from "../input-files.js";
import {openModelFromOptions} from "./model-support.js";

export function readRewardConfig(path: string): RewardConfig {
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (error) {
        throw new InputError(`cannot read the reward configuration ${path}`, {
            received: (error as {code?: string}).code ?? String(error),
            hint: "pass --config FILE.json",
        });
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new InputError(`the reward configuration ${path} is not valid JSON`, {hint: "see docs/rl.md for an example"});
    }
    return parseRewardConfig(value, `the reward configuration ${path}`);
}

function isLoopback(host: string): boolean {
    if (host === "localhost") return true;
    if (isIP(host) === 4) return host.startsWith("127.");
    return host === "::1";
}

export const rewardServeCommand = defineCommand({
    name: "reward serve",
    summary: "Serve reward functions over HTTP for RL trainers (OpenRLHF /get_reward, generic /score).",
    usage: "reward serve [--config FILE.json] [--host 127.0.0.1] [--port 8100] [--concurrency N] [--item-timeout-ms MS] [--model PATH.gguf]",
    options: {
        "config": {
            kind: "string",
            valueName: "FILE.json",
            description: "Reward functions and weights (default: the math-answer reward alone). See docs/rl.md.",
        },
        "host": {kind: "string", valueName: "HOST", default: "127.0.0.1", description: "Address to bind; only loopback addresses are accepted."},
        "port": {kind: "integer", valueName: "N", min: 0, max: 65535, default: 8100, description: "Port (0 picks a free one)."},
        "concurrency": {kind: "integer", valueName: "N", min: 1, max: 1024, default: 8, description: "Items scored at the same time, across requests."},
        "item-timeout-ms": {
            kind: "integer",
            valueName: "MS",
            min: 10,
            max: 3_600_000,
            default: 30_000,
            description: "Per-item limit; an item still running is scored 0 with a note.",
        },
        "max-body-mb": {kind: "number", valueName: "MB", min: 0.001, max: 1024, default: 16, description: "Largest request body; larger ones get 413."},
        "model": {
            kind: "string",
            valueName: "PATH.gguf",
            description: "Scoring model for the probability reward (GGUF file or a scoring server); needed only when the configuration uses it.",
        },
        "context-size": modelOptionSpecs["context-size"],
        "threads": modelOptionSpecs.threads,
        "fast": modelOptionSpecs.fast,
    },
    details: [
        "Routes: POST /get_reward {query, prompts, labels} → {rewards, scores, extra_logs} (OpenRLHF's remote",
        "reward shape); POST /score {items: [{id?, prompt, completion, ground_truth?, data_source?, extra_info?}]}",
        "→ {results: [{id, score, extra}]}; GET /health. Shims for verl and TRL are in docs/rl.md.",
        "",
        "examples:",
        "  glassbox reward serve --port 8100",
        "  glassbox reward serve --config rewards.json --model organisms/arith-faithful.gguf",
    ].join("\n"),
    async run({options, io}) {
        const host = options.host;
        if (!isLoopback(host)) {
            throw new ArgumentError(`refusing to serve rewards on ${host}`, {
                expected: "a loopback address (127.0.0.1, ::1, localhost)",
                hint: "put a reverse proxy with authentication in front for remote trainers",
            });
        }
        const config = options.config === undefined ? defaultRewardConfig : readRewardConfig(options.config);
        const specs = [...config.rewards, ...Object.values(config.dataSources ?? {}).flat()];
        const needsModel = specs.some((spec) => spec.type === "probability");
        if (needsModel && options.model === undefined) {
            throw new ArgumentError("the configuration uses the probability reward, which needs a scoring model", {hint: "pass --model PATH.gguf"});
        }
        let backend: Backend | undefined;
        if (needsModel) backend = (await openModelFromOptions(options, "reward serve", io)).backend;
        const router = buildRewardRouter(config, {
            codeRunner: sandboxedCodeRunner(),
            ...(backend === undefined ? {} : {probabilityScorer: backendProbabilityScorer(backend)}),
        });
        const running = await startRewardServer(
            {
                router,
                concurrency: options.concurrency,
                itemTimeoutMs: options["item-timeout-ms"],
                maxBodyBytes: Math.round(options["max-body-mb"] * (1 << 20)),
            },
            host,
            options.port,
        ).catch(async (error: unknown) => {
            await backend?.dispose();
            throw new ArgumentError(`cannot listen on ${host}:${String(options.port)}`, {
                received: (error as {code?: string}).code ?? String(error),
                hint: "pick another --port",
            });
        });
        const names = specs.map((spec) => `${spec.type}×${spec.weight}`).join(", ");
        io.stdout.write(`glassbox reward serve: listening on ${running.url} (rewards: ${names})\n`);
        await new Promise<void>((resolve) => {
            process.once("SIGINT", () => resolve());
            process.once("SIGTERM", () => resolve());
        });
        await running.close();
        await backend?.dispose();
        return 0;
    },
});
