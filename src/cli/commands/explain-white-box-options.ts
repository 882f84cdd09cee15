/** The flags of `glassbox explain` that only white-box methods take, and their checks. */
import {ArgumentError} from "../../errors.js";
import {integrationMethods, type IntegratedGradientsBaseline} from "../../explain/white-box/integration.js";
import type {WhiteBoxExplainOptions} from "../../explain/white-box/explain-white-box.js";
import type {WhiteBoxMethodName} from "../../explain/white-box/methods.js";

export const whiteBoxOptionSpecs = {
    "baseline": {
        kind: "string",
        valueName: "BASELINE",
        description: "--method ig: where the path starts at the units' tokens: mean (the mean token embedding, default), zero, or token:ID.",
    },
    "steps": {kind: "integer", valueName: "N", min: 1, description: "--method ig: integration steps (default 32)."},
    "tolerance": {
        kind: "number",
        valueName: "R",
        min: 0,
        description: "--method ig: refine the path until |delta| ≤ R × |f(x) − f(baseline)| (default 0.01; 0: the plain rule).",
    },
    "integration": {
        kind: "string",
        valueName: "RULE",
        choices: integrationMethods,
        description: "--method ig: gauss-legendre (default) or riemann (midpoint).",
    },
    "lrp-rules": {
        kind: "string",
        valueName: "RULES",
        choices: ["attnlrp", "cplrp"],
        description: "--method attnlrp: the engine's rule preset (default attnlrp).",
    },
    "attention": {
        kind: "string",
        valueName: "MODE",
        choices: ["raw", "rollout"],
        description: "--method attention: the last layer (raw, default) or the rollout.",
    },
} as const;

interface WhiteBoxFlags {
    "budget": number | undefined;
    "baseline": string | undefined;
    "steps": number | undefined;
    "tolerance": number | undefined;
    "integration": (typeof integrationMethods)[number] | undefined;
    "lrp-rules": "attnlrp" | "cplrp" | undefined;
    "attention": "raw" | "rollout" | undefined;
}

const owners: Record<Exclude<keyof WhiteBoxFlags, "budget">, WhiteBoxMethodName> = {
    "baseline": "ig",
    "steps": "ig",
    "tolerance": "ig",
    "integration": "ig",
    "lrp-rules": "attnlrp",
    "attention": "attention",
};

/** The white-box settings of the flags; refuses a flag given to a method that does not take it. */
export function whiteBoxExplainSettings(flags: WhiteBoxFlags, method: WhiteBoxMethodName | undefined): Partial<WhiteBoxExplainOptions> {
    if (method !== undefined && flags.budget !== undefined) {
        throw new ArgumentError(`--budget counts coalitions, which the white-box method ${method} does not evaluate`, {
            hint: "drop --budget (ig takes --steps)",
            parameter: "budget",
        });
    }
    for (const flag of ["baseline", "steps", "tolerance", "integration", "lrp-rules", "attention"] as const) {
        const owner = owners[flag];
        if (flags[flag] !== undefined && method !== owner) {
            throw new ArgumentError(`--${flag} applies to --method ${owner} only`, {
                received: `--method ${method ?? "(default)"}`,
                hint: `drop --${flag} or use --method ${owner}`,
            });
        }
    }
    return {
        ...(flags.baseline === undefined ? {} : {baseline: parseBaseline(flags.baseline)}),
        ...(flags.steps === undefined ? {} : {steps: flags.steps}),
        ...(flags.tolerance === undefined ? {} : {tolerance: flags.tolerance}),
        ...(flags.integration === undefined ? {} : {integration: flags.integration}),
        ...(flags["lrp-rules"] === undefined ? {} : {lrpRules: flags["lrp-rules"]}),
        ...(flags.attention === undefined ? {} : {attention: flags.attention}),
    };
}

function parseBaseline(text: string): IntegratedGradientsBaseline {
    if (text === "mean" || text === "zero") return {kind: text};
    const match = /^token:(\d+)$/u.exec(text);
    if (match !== null) return {kind: "token", token: Number(match[1])};
    throw new ArgumentError(`--baseline ${JSON.stringify(text)} is not a baseline`, {
        expected: "mean, zero or token:ID (a token id of the model)",
        received: text,
        hint: "e.g. --baseline mean",
        parameter: "baseline",
    });
}
