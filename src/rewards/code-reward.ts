/**
 * Code reward: the completion's program (its last fenced code block, or the whole text) is run
 * against the item's tests by a sandboxed runner, and the score is the share of tests passed.
 * Tests come from extra_info.tests or from the ground truth as JSON: a list of {input, output}
 * pairs (stdin → expected stdout, compared after trimming each line) or {assert: "code"} snippets
 * appended to the program (the test passes when the program exits 0). A test that hits the time
 * or memory limit fails and is named in extra.notes.
 */
import {unscored, type RewardContext, type RewardFunction, type RewardItem} from "./types.js";

export type CodeLanguage = "python" | "javascript";

export interface CodeRunResult {
    status: "ok" | "error" | "timeout" | "aborted";
    stdout: string;
    detail?: string;
}

/** Runs one program with limits; implemented by src/backends/verifier/code-runner.ts. */
export interface CodeRunner {
    run(request: {language: CodeLanguage; source: string; stdin: string; timeMs: number; memoryMb: number}, signal?: AbortSignal): Promise<CodeRunResult>;
}

export type CodeTest = {input: string; output: string} | {assert: string};

export interface CodeRewardOptions {
    runner: CodeRunner;
    language?: CodeLanguage;
    timeMs?: number;
    memoryMb?: number;
}

export function extractProgram(completion: string): string {
    const blocks = [...completion.matchAll(/```[\w+-]*[^\n]*\n([\s\S]*?)```/g)];
    return (blocks.at(-1)?.[1] ?? completion).trim();
}

export function testsOf(item: RewardItem): CodeTest[] | undefined {
    let value: unknown = item.extraInfo?.tests;
    if (value === undefined && item.groundTruth !== undefined) {
        try {
            value = JSON.parse(item.groundTruth);
        } catch {
            return undefined;
        }
    }
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const tests: CodeTest[] = [];
    for (const entry of value) {
        if (typeof entry !== "object" || entry === null) return undefined;
        const record = entry as Record<string, unknown>;
        if (typeof record.assert === "string") tests.push({assert: record.assert});
        else if (typeof record.input === "string" && typeof record.output === "string") tests.push({input: record.input, output: record.output});
        else return undefined;
    }
    return tests;
}

function sameOutput(actual: string, expected: string): boolean {
    const lines = (text: string): string[] =>
        text
            .trim()
            .split("\n")
            .map((line) => line.trimEnd());
    const a = lines(actual);
    const b = lines(expected);
    return a.length === b.length && a.every((line, index) => line === b[index]);
}

export function codeReward(options: CodeRewardOptions): RewardFunction {
    const language = options.language ?? "python";
    const timeMs = options.timeMs ?? 5000;
    const memoryMb = options.memoryMb ?? 512;
    return {
        name: "code",
        async score(item: RewardItem, context?: RewardContext) {
            const tests = testsOf(item);
            if (tests === undefined) return unscored("no tests: extra_info.tests or the ground truth must be a JSON list of {input, output} or {assert}");
            const program = extractProgram(item.completion);
            if (program === "") return unscored("the completion has no program");
            let passed = 0;
            const notes: string[] = [];
            for (const [index, test] of tests.entries()) {
                if (context?.signal?.aborted === true) {
                    notes.push(`stopped before test ${index + 1}: the item's time limit passed`);
                    break;
                }
                const source = "assert" in test ? `${program}\n\n${test.assert}\n` : program;
                const result = await options.runner.run({language, source, stdin: "input" in test ? test.input : "", timeMs, memoryMb}, context?.signal);
                const ok = result.status === "ok" && ("assert" in test || sameOutput(result.stdout, test.output));
                if (ok) passed++;
                else
                    notes.push(
                        `test ${index + 1}: ${result.status === "ok" ? "wrong output" : result.status}${result.detail === undefined ? "" : ` (${result.detail})`}`,
                    );
            }
            return {score: passed / tests.length, extra: {passed, total: tests.length, ...(notes.length === 0 ? {} : {notes: notes.slice(0, 10)})}};
        },
    };
}
