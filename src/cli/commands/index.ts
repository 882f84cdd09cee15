import {checkDefinitions} from "../../checks/registry.js";
import {checkCommand} from "../check-command.js";
import type {Command} from "../command.js";
import {benchValidityCommand} from "./bench.js";
import {demoCommand} from "./demo.js";
import {analyzeRolloutsCommand} from "./analyze-rollouts.js";
import {explainCommand} from "./explain.js";
import {generateCommand} from "./generate.js";
import {reportCommand} from "./report.js";
import {rewardServeCommand} from "./reward-serve.js";
import {runsExportCommand, runsListCommand, runsShowCommand} from "./runs.js";
import {scoreCommand} from "./score.js";
import {serveCommand} from "./serve.js";
import {viewCommand} from "./view.js";
import {whiteBoxCommands} from "./white-box-commands.js";

/** Every CLI command, in the order `glassbox --help` lists them; the checks come from their registry (src/checks/registry.ts). */
export const commands: Command[] = [
    demoCommand,
    scoreCommand,
    generateCommand,
    explainCommand,
    serveCommand,
    rewardServeCommand,
    reportCommand,
    viewCommand,
    ...checkDefinitions.map(checkCommand),
    analyzeRolloutsCommand,
    benchValidityCommand,
    ...whiteBoxCommands,
    runsListCommand,
    runsShowCommand,
    runsExportCommand,
];
