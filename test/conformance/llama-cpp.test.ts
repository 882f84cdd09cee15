import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import {registerConformanceTests} from "../../src/testing/index.js";
import {sharedModel} from "../helpers/models.js";

const prompts = [
    "Once upon a time, there was a little girl named Lily. She loved to play",
    "Once upon a time, there was a big dog. The dog liked to run",
    "One day, Tom went to the park with his mom and saw a bird",
    "Once upon a time, there was a little boy who",
];

for (const file of ["stories260K.gguf", "llama-2-tiny-random.gguf"]) {
    registerConformanceTests({
        name: `llama.cpp ${file} (exact)`,
        open: (lanes) => openLlamaCppModel(sharedModel(file), {lanes, contextSize: 256}),
        prompts,
        tolerance: 1e-5,
        generationTolerance: 1e-4,
    });
}

// Scoring reads the target's logit and the total logit weight by default (target-reading.ts);
// the full-distribution reading must conform too.
registerConformanceTests({
    name: "llama.cpp llama-2-tiny-random.gguf (exact, full-distribution reading)",
    open: (lanes) => openLlamaCppModel(sharedModel("llama-2-tiny-random.gguf"), {lanes, contextSize: 256, targetReading: "full-distribution"}),
    prompts,
    tolerance: 1e-5,
    generationTolerance: 1e-4,
});
