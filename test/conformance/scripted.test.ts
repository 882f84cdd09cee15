import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {scriptedVocabularySize} from "../../src/backends/scripted/tokenizer.js";
import {registerConformanceTests} from "../../src/testing/index.js";

registerConformanceTests({
    name: "scripted",
    open: async (lanes) => new ScriptedBackend({capabilities: {lanes, maxTopLogprobs: scriptedVocabularySize, contextSize: 256}}),
    prompts: [
        "Once upon a time, there was a little girl",
        "Once upon a time, there was a big dog",
        "One day, Tom went to the park",
        "Once upon a time, there was a boy",
    ],
    tolerance: 0,
    generationTolerance: 1e-12,
});
