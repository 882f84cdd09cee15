import type {Command} from "../command.js";
import {amplifyCommand} from "./amplify.js";
import {benchValidityCommand} from "./bench.js";
import {demoCommand} from "./demo.js";
import {checkCounterfactualCommand, checkSelfExplanationCommand} from "./check.js";
import {analyzeConfidenceCommand, analyzeSubthoughtsCommand} from "./analyze.js";
import {analyzeRolloutsCommand} from "./analyze-rollouts.js";
import {checkBiasCommand} from "./check-bias.js";
import {checkCotCommand} from "./check-cot.js";
import {compareCommand} from "./compare.js";
import {explainCommand} from "./explain.js";
import {generateCommand} from "./generate.js";
import {refineCommand} from "./refine.js";
import {reportCommand} from "./report.js";
import {rewardServeCommand} from "./reward-serve.js";
import {runsExportCommand, runsListCommand, runsShowCommand} from "./runs.js";
import {scoreCommand} from "./score.js";
import {serveCommand} from "./serve.js";
import {viewCommand} from "./view.js";
import {whiteBoxCommands} from "./white-box-commands.js";

/** Every CLI command, in the order `glassbox --help` lists them. */
export const commands: Command[] = [
    demoCommand,
    scoreCommand,
    generateCommand,
    explainCommand,
    serveCommand,
    rewardServeCommand,
    reportCommand,
    viewCommand,
    checkSelfExplanationCommand,
    checkCounterfactualCommand,
    checkCotCommand,
    checkBiasCommand,
    analyzeSubthoughtsCommand,
    analyzeConfidenceCommand,
    analyzeRolloutsCommand,
    compareCommand,
    refineCommand,
    benchValidityCommand,
    amplifyCommand,
    ...whiteBoxCommands,
    runsListCommand,
    runsShowCommand,
    runsExportCommand,
];
