/**
 * The shared conformance suite against `glassbox serve` over loopback, through the vLLM backend
 * (/v1/completions echo scoring) and the SGLang backend (/generate with logprob_start_len).
 */
import {after} from "node:test";
import {openSglangModel} from "../../../src/backends/sglang/sglang-backend.js";
import {openVllmModel} from "../../../src/backends/vllm/vllm-backend.js";
import {registerConformanceTests} from "../../../src/testing/index.js";
import {startServeProcess} from "../../server/serve-process.js";
import {sharedModel} from "../../helpers/models.js";

const prompts = [
    "Once upon a time, there was a little girl named Lily. She loved to play",
    "Once upon a time, there was a big dog. The dog liked to run",
    "One day, Tom went to the park with his mom and saw a bird",
    "Once upon a time, there was a little boy who",
];

const models = (process.env["GLASSBOX_REMOTE_MODELS"] ?? "stories260K.gguf,llama-2-tiny-random.gguf").split(",");
for (const file of models) {
    const server = await startServeProcess(["--model", sharedModel(file), "--context-size", "256", "--lanes", "3"]);
    after(() => server.stop());
    registerConformanceTests({
        name: `vllm: glassbox serve ${file} over loopback`,
        open: (lanes) => openVllmModel({baseUrl: `${server.url}/v1`, concurrency: lanes}),
        prompts,
        tolerance: 1e-5,
        generationTolerance: 1e-4,
    });
    registerConformanceTests({
        name: `sglang: glassbox serve ${file} over loopback`,
        open: (lanes) => openSglangModel({baseUrl: server.url, concurrency: lanes}),
        prompts,
        tolerance: 1e-5,
        generationTolerance: 1e-4,
    });
}
