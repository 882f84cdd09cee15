/**
 * A user script as verifier, run in a subprocess (I/O, so it lives with the backends). The script
 * gets one JSON object on stdin, {"answer", "gold", "id", "completion"}, and answers with its exit
 * code: 0 correct, 1 incorrect, anything else an error. A script still running at its time limit
 * is killed (with its process group) and the sample is marked "timeout". `verifierFromSpec` reads
 * the --verifier option: exact, numeric or script:PATH.
 */
import {spawn} from "node:child_process";
import {ArgumentError} from "../../errors.js";
import {exactVerifier, numericVerifier, type Verifier, type VerifierVerdict} from "../../reasoning/verifiers.js";

/** Command used to run a script file: node for .js/.mjs/.cjs, python3 for .py, the file itself otherwise. */
function scriptCommand(path: string): {command: string; args: string[]} {
    if (/\.(?:m|c)?js$/.test(path)) return {command: process.execPath, args: [path]};
    if (path.endsWith(".py")) return {command: "python3", args: [path]};
    return {command: path, args: []};
}

export function scriptVerifier(path: string, timeoutMs: number): Verifier {
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
        throw new ArgumentError("the verifier time limit must be positive", {
            received: String(timeoutMs),
            hint: "give a time limit in milliseconds",
            parameter: "verifierTimeout",
        });
    return {
        name: `script:${path}`,
        verify(input) {
            if (input.answer === undefined) return Promise.resolve({verdict: "no-answer" as const});
            const {command, args} = scriptCommand(path);
            return new Promise((resolve) => {
                let settled = false;
                let stderr = "";
                const finish = (result: {verdict: VerifierVerdict; detail?: string}): void => {
                    if (settled) return;
                    settled = true;
                    clearTimeout(timer);
                    resolve(result);
                };
                const child = spawn(command, args, {stdio: ["pipe", "ignore", "pipe"], detached: true});
                const timer = setTimeout(() => {
                    try {
                        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
                    } catch {
                        child.kill("SIGKILL");
                    }
                    finish({verdict: "timeout", detail: `killed after ${timeoutMs} ms`});
                }, timeoutMs);
                child.stderr.on("data", (chunk: Buffer) => {
                    if (stderr.length < 2000) stderr += chunk.toString("utf8");
                });
                child.on("error", (error) => finish({verdict: "error", detail: `cannot run ${path}: ${error.message}`}));
                child.on("close", (code) => {
                    if (code === 0) finish({verdict: "correct"});
                    else if (code === 1) finish({verdict: "incorrect"});
                    else finish({verdict: "error", detail: `exit ${String(code)}${stderr.trim() === "" ? "" : `: ${stderr.trim().split("\n")[0]}`}`});
                });
                child.stdin.on("error", () => undefined);
                child.stdin.end(JSON.stringify({id: input.id, answer: input.answer, gold: input.gold, completion: input.completion}));
            });
        },
    };
}

/** "exact", "numeric" or "script:PATH". */
export function verifierFromSpec(spec: string, timeoutMs: number): Verifier {
    if (spec === "exact") return exactVerifier;
    if (spec === "numeric") return numericVerifier;
    if (spec.startsWith("script:") && spec.length > "script:".length) return scriptVerifier(spec.slice("script:".length), timeoutMs);
    throw new ArgumentError(`unknown verifier "${spec}"`, {expected: "exact, numeric or script:PATH", parameter: "verifier"});
}
