/** The white-box analysis commands, registered together. */
import type {Command} from "../command.js";
import {lensCommand} from "./lens.js";
import {patchCommand} from "./patch.js";
import {probeCommand} from "./probe.js";

export const whiteBoxCommands: Command[] = [patchCommand, lensCommand, probeCommand];
