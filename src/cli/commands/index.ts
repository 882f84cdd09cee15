import type {Command} from "../command.js";
import {explainCommand} from "./explain.js";
import {generateCommand} from "./generate.js";
import {reportCommand} from "./report.js";
import {scoreCommand} from "./score.js";
import {serveCommand} from "./serve.js";
import {viewCommand} from "./view.js";

/** Every CLI command, in the order `glassbox --help` lists them. */
export const commands: Command[] = [
    scoreCommand,
    generateCommand,
    explainCommand,
    serveCommand,
    reportCommand,
    viewCommand,
];
