import {join} from "node:path";
import {fileURLToPath} from "node:url";

/**
 * The shared test models live beside the repository (../shared/models, read-only);
 * GLASSBOX_TEST_MODELS points elsewhere when the layout differs.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const sharedModelsDir = process.env.GLASSBOX_TEST_MODELS ?? join(repoRoot, "..", "shared", "models");

export function sharedModel(file: string): string {
    return join(sharedModelsDir, file);
}
