import {spawn} from "node:child_process";
import {fileURLToPath} from "node:url";

export interface CliResult {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const entry = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Run the CLI from source (through tsx) as a user would, capturing output and exit code. */
export function runCli(args: readonly string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number} = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
            cwd: options.cwd ?? repoRoot,
            // Plain progress lines appear only after an hour here, so a slow machine does not add lines to stderr.
            env: {...process.env, NO_COLOR: "1", GLASSBOX_PROGRESS_INTERVAL_MS: "3600000", ...options.env},
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
        child.on("error", reject);
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({code, signal, stdout, stderr});
        });
        child.stdin.end(options.input ?? "");
    });
}
