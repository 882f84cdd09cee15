/** glassbox: the library entry point. */
export * from "./errors.js";
export type * from "./model/contract.js";
export type * from "./evaluator/types.js";
export type * from "./attribution/game.js";
export {glassboxVersion, resultSchemaVersion} from "./version.js";
