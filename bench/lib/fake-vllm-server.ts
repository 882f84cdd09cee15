/**
 * A zero-work stand-in for a vLLM server (run as its own process by bench/remote.bench.ts): it
 * answers /v1/models, /tokenize and echo scoring (one prompt or a list) after a fixed latency,
 * so that the client's own cost can be measured apart from any model. Usage:
 * node --import tsx bench/lib/fake-vllm-server.ts LATENCY_MS  → prints "listening on URL".
 */
import {createServer} from "node:http";
import type {AddressInfo} from "node:net";

const latencyMs = Number(process.argv[2] ?? 0);
const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
        const body = chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString("utf8")) as {prompt?: number[] | number[][]});
        let answer: unknown;
        if (request.url === "/v1/models") answer = {data: [{id: "fake", max_model_len: 4096}]};
        else if (request.url === "/tokenize") answer = {tokens: [1], max_model_len: 4096};
        else {
            const raw = body.prompt ?? [[1]];
            const prompts = typeof raw[0] === "number" ? [raw as number[]] : (raw as number[][]);
            answer = {
                choices: prompts.map((prompt, index) => ({
                    index,
                    text: "",
                    finish_reason: "length",
                    logprobs: {
                        tokens: prompt.map((token) => `token_id:${token}`),
                        token_logprobs: prompt.map((_, position) => (position === 0 ? null : -0.5)),
                        top_logprobs: prompt.map((token, position) => (position === 0 ? null : {[`token_id:${token}`]: -0.5})),
                    },
                })),
            };
        }
        const send = (): void => {
            response.writeHead(200, {"content-type": "application/json"});
            response.end(JSON.stringify(answer));
        };
        if (latencyMs > 0) setTimeout(send, latencyMs);
        else send();
    });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
