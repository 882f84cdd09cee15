/**
 * Runs untrusted programs for the code reward: python3 (isolated mode) or node, in their own
 * process group, without network (a fresh network namespace through `unshare -rn` where the
 * kernel allows it), with an address-space limit (`ulimit -v`) and a wall-clock limit after which
 * the whole group is killed — the same kill discipline as the script verifier. Sources go to a
 * private temporary directory that is removed afterwards.
 */
import {spawn, spawnSync} from "node:child_process";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {CodeLanguage, CodeRunner, CodeRunResult} from "../../rewards/code-reward.js";

const maxOutputBytes = 1 << 20;

let networkIsolation: boolean | undefined;

/** Whether `unshare -rn` works here (checked once). */
export function canIsolateNetwork(): boolean {
    networkIsolation ??= spawnSync("unshare", ["-rn", "true"], {stdio: "ignore", timeout: 5000}).status === 0;
    return networkIsolation;
}

let pythonPath: string | undefined;

/** The interpreter binary itself (version-manager shims cost seconds per start). */
function resolvedPython(): string {
    if (pythonPath === undefined) {
        const probe = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], {encoding: "utf8", timeout: 30_000});
        const path = probe.status === 0 ? probe.stdout.trim() : "";
        pythonPath = path === "" ? "python3" : path;
    }
    return pythonPath;
}

function interpreter(language: CodeLanguage, file: string): string {
    return language === "python" ? `exec ${JSON.stringify(resolvedPython())} -I -S ${file}` : `exec "${process.execPath}" --max-old-space-size=256 ${file}`;
}

export function sandboxedCodeRunner(options: {isolateNetwork?: boolean} = {}): CodeRunner {
    const isolate = options.isolateNetwork ?? canIsolateNetwork();
    resolvedPython();
    return {
        async run(request, signal): Promise<CodeRunResult> {
            const directory = await mkdtemp(join(tmpdir(), "glassbox-code-"));
            const file = join(directory, request.language === "python" ? "main.py" : "main.mjs");
            await writeFile(file, request.source, "utf8");
            // node reserves far more address space than it uses, so its limit is on the heap instead.
            const limit = request.language === "python" ? `ulimit -v ${Math.round(request.memoryMb * 1024)}; ` : "";
            const script = `${limit}${interpreter(request.language, JSON.stringify(file))}`;
            const [command, args] = isolate ? (["unshare", ["-rn", "sh", "-c", script]] as const) : (["sh", ["-c", script]] as const);
            try {
                return await new Promise<CodeRunResult>((resolve) => {
                    let stdout = "";
                    let stderr = "";
                    let settled = false;
                    const child = spawn(command, [...args], {
                        cwd: directory,
                        stdio: ["pipe", "pipe", "pipe"],
                        detached: true,
                        env: {PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: directory},
                    });
                    const killGroup = (): void => {
                        try {
                            if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
                        } catch {
                            child.kill("SIGKILL");
                        }
                    };
                    const finish = (result: CodeRunResult): void => {
                        if (settled) return;
                        settled = true;
                        clearTimeout(timer);
                        signal?.removeEventListener("abort", onAbort);
                        resolve(result);
                    };
                    const onAbort = (): void => {
                        killGroup();
                        finish({status: "aborted", stdout, detail: "the item's time limit passed"});
                    };
                    const timer = setTimeout(() => {
                        killGroup();
                        finish({status: "timeout", stdout, detail: `killed after ${request.timeMs} ms`});
                    }, request.timeMs);
                    if (signal?.aborted === true) onAbort();
                    signal?.addEventListener("abort", onAbort, {once: true});
                    child.stdout.on("data", (chunk: Buffer) => {
                        if (stdout.length < maxOutputBytes) stdout += chunk.toString("utf8");
                    });
                    child.stderr.on("data", (chunk: Buffer) => {
                        if (stderr.length < 4000) stderr += chunk.toString("utf8");
                    });
                    child.on("error", (error) => finish({status: "error", stdout, detail: `cannot start ${command}: ${error.message}`}));
                    child.on("close", (code) => {
                        const lastLine = stderr.trim().split("\n").at(-1) ?? "";
                        finish(
                            code === 0
                                ? {status: "ok", stdout}
                                : {status: "error", stdout, detail: `exit ${String(code)}${lastLine === "" ? "" : `: ${lastLine.slice(0, 200)}`}`},
                        );
                    });
                    child.stdin.on("error", () => undefined);
                    child.stdin.end(request.stdin);
                });
            } finally {
                await rm(directory, {recursive: true, force: true});
            }
        },
    };
}
