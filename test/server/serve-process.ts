/** Starts `glassbox serve` as a child process on a free loopback port (tests and benchmarks). */
import {spawn, type ChildProcess} from "node:child_process";
import {fileURLToPath} from "node:url";

const entry = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ServeProcess {
    url: string;
    child: ChildProcess;
    output: () => string;
    /** SIGTERM and wait for exit (SIGKILL after 5 s). */
    stop(): Promise<void>;
    /** A real, immediate kill (fault injection). */
    kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startServeProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", entry, "serve", "--port", "0", ...args], {
        cwd: root,
        env: {...process.env, NO_COLOR: "1", ...env},
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const waitExit = async (signal: NodeJS.Signals): Promise<void> => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill(signal);
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
    };
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`glassbox serve did not start within 120 s: ${output}`));
        }, 120_000);
        const onData = (chunk: Buffer): void => {
            output += chunk.toString("utf8");
            const match = /listening on (http:\/\/[^\s]+)/.exec(output);
            if (match !== null) {
                clearTimeout(timer);
                resolve({
                    url: match[1] as string,
                    child,
                    output: () => output,
                    stop: () => waitExit("SIGTERM"),
                    kill: (signal = "SIGKILL") => waitExit(signal),
                });
            }
        };
        child.stdout?.on("data", onData);
        child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        child.once("exit", (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`glassbox serve exited (${code ?? signal}) before listening: ${output}`));
        });
    });
}
