/**
 * Every check glassbox runs over a dataset, one line each, in the order `glassbox --help` lists
 * them. The CLI makes each one's command (src/cli/check-command.ts).
 */
import {amplifyCheck} from "./amplify/definition.js";
import {biasCheck} from "./bias/definition.js";
import type {AnyCheckDefinition} from "./check-definition.js";
import {compareCheck} from "./compare/definition.js";
import {confidenceCheck} from "./confidence/definition.js";
import {cotCheck} from "./cot/definition.js";
import {counterfactualCheck} from "./counterfactual/definition.js";
import {refineCheck} from "./refine/definition.js";
import {selfExplanationCheck} from "./self-explanation/definition.js";
import {subthoughtsCheck} from "./subthoughts/definition.js";

export const checkDefinitions: readonly AnyCheckDefinition[] = [
    selfExplanationCheck,
    counterfactualCheck,
    cotCheck,
    biasCheck,
    subthoughtsCheck,
    confidenceCheck,
    compareCheck,
    refineCheck,
    amplifyCheck,
];
