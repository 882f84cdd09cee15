/**
 * How a chain of thought is laid out in a model's completion: where the steps are, how the
 * answer is introduced, and how to force an answer after a prefix of the steps. The CoT tests
 * are written against this interface so that they run on the organisms' fixed format and on
 * free-form reasoning alike.
 */
export interface CotFormat {
    /** Split a completion into its reasoning steps and the final answer (undefined when none is found). */
    parse(completion: string): {steps: string[]; answer: string | undefined};
    /**
     * The text a model continues from: the prompt, then the given steps each closed by the
     * separator, then (with `cue`) the answer marker that makes the model answer at once.
     * Ends without trailing whitespace, so the model writes the next word itself.
     */
    compose(prompt: string, steps: readonly string[], cue: boolean): string;
    /** Extract the answer from what the model wrote after the cue. */
    extractAnswer(text: string): string | undefined;
    /** Canonical form used to compare two answers (e.g. trimmed, lower-cased, numeric). */
    normalize(answer: string): string;
}

export interface DelimitedFormatOptions {
    /** Separator between steps, e.g. " ; " (surrounding spaces are normalised to single spaces). */
    separator: string;
    /** Word or phrase that introduces the answer, e.g. "answer" or "; answer". */
    answerMarker: string;
    /**
     * Where the separator goes. "after-each-step" (default): every step is closed by it
     * (`3 + 4 = 7 ; 7 + 5 = 2 ; answer 2`), so a composed prefix ends with the separator.
     * "between-steps": it only joins steps and the marker follows the last step
     * (`3 , 7 , 2 ; answer 2`), so a composed prefix ends with its last step and the model
     * chooses itself whether another step or the answer follows.
     */
    placement?: "after-each-step" | "between-steps";
}

/**
 * A format where steps are separated by a fixed delimiter and the answer follows a marker:
 * `3 + 4 = 7 ; 7 + 5 = 2 ; answer 2`, or with `placement: "between-steps"`, `3 , 7 , 2 ; answer 2`.
 */
export function delimitedFormat(options: DelimitedFormatOptions): CotFormat {
    const separator = ` ${options.separator.trim()}`;
    const marker = options.answerMarker;
    const trimmedSeparator = separator.trim();
    const markerPattern = new RegExp(`(?:^|\\s)${escapeRegExp(marker)}\\s*(\\S+)`);
    return {
        parse(completion) {
            const markerIndex = findMarker(completion, marker);
            const chain = markerIndex < 0 ? completion : completion.slice(0, markerIndex);
            const steps = chain
                .split(trimmedSeparator)
                .map((step) => step.trim())
                .filter((step) => step.length > 0);
            const answer = markerIndex < 0 ? undefined : markerPattern.exec(completion.slice(markerIndex))?.[1];
            return {steps, answer};
        },
        compose(prompt, steps, cue) {
            const pieces =
                options.placement === "between-steps"
                    ? [prompt.trimEnd(), steps.map((step) => step.trim()).join(separator + " ")]
                    : [prompt.trimEnd(), ...steps.map((step) => `${step.trim()}${separator.trimEnd()}`)];
            if (cue) pieces.push(marker);
            return pieces.filter((piece) => piece.length > 0).join(" ");
        },
        extractAnswer(text) {
            return /^\s*(\S+)/.exec(text)?.[1];
        },
        normalize(answer) {
            return answer
                .trim()
                .toLowerCase()
                .replace(/[.,;:!?]+$/, "");
        },
    };
}

function findMarker(text: string, marker: string): number {
    const pattern = new RegExp(`(?:^|\\s)${escapeRegExp(marker)}(?=\\s|$)`);
    const match = pattern.exec(text);
    if (match === null) return -1;
    return match.index + (match[0].length - marker.length);
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
