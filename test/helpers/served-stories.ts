/**
 * stories260K twice: once in process (the reference) and once behind an in-process
 * `glassbox serve` on a loopback port (two lanes), for tests that compare the two.
 */
import {openLlamaCppModel, type LlamaCppBackend} from "../../src/backends/llama-cpp/backend.js";
import {startGlassboxServer, type RunningServer} from "../../src/server/http-server.js";
import {sharedModel} from "./models.js";

export interface ServedStories {
    /** The model in process, for reference numbers. */
    local: LlamaCppBackend;
    /** The server in front of a second copy of the model. */
    server: RunningServer;
    close(): Promise<void>;
}

export async function serveStories(): Promise<ServedStories> {
    const local = await openLlamaCppModel(sharedModel("stories260K.gguf"), {contextSize: 256});
    const served = await openLlamaCppModel(sharedModel("stories260K.gguf"), {contextSize: 256, lanes: 2});
    const server = await startGlassboxServer({backend: served, modelName: "stories"});
    return {
        local,
        server,
        close: async () => {
            await server.close();
            await served.dispose();
            await local.dispose();
        },
    };
}
