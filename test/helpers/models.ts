import {join} from "node:path";
import {repoRoot} from "./run-cli.js";

/**
 * The shared test models live beside the repository (../shared/models, read-only, never copied
 * in). GLASSBOX_TEST_MODELS points elsewhere when the layout differs.
 */
export const sharedModelsDir = process.env.GLASSBOX_TEST_MODELS ?? join(repoRoot, "..", "shared", "models");

export function sharedModel(file: string): string {
    return join(sharedModelsDir, file);
}
