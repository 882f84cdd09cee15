/**
 * The organisms train and run on the white-box engine in the arithmetic order of the decoder that
 * trained the committed files: short trainings of every organism, and the log-probabilities of a
 * held-out item under every committed organism, hash to the values that decoder gave. (A change of
 * the engine's float64 order shows here first; the committed organisms would then no longer
 * retrain bit for bit.)
 */
import {test} from "node:test";
import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {SeededRandom} from "../../src/foundation/random.js";
import {organismEngineModel} from "../../src/organisms/engine-model.js";
import {parseOrganismGguf} from "../../src/organisms/gguf-parse.js";
import {ggufBytes} from "../../src/organisms/gguf-writer.js";
import {promptTokens, sequenceLogProbabilities} from "../../src/organisms/inference.js";
import {organismPath, organisms, type OrganismName} from "../../src/organisms/registry.js";
import {trainOrganism} from "../../src/organisms/trainer.js";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** SHA-256 of the GGUF after 12 steps (6 of them warm-up where the organism has one). */
const shortTraining: Record<OrganismName, string> = {
    "lookup": "0e932fe47854022f7427928776198ceff6f0dafa694f919ce7d03c49a0a94c1b",
    "arith-faithful": "c18f3b92b37be66cc4280138333895cf190b8b6a415464377b0316d30694a5c9",
    "arith-decorative": "615c4a1909609da53ddd5d9698a05ee65cc5e3b83ae59aa23fd7042afc859432",
    "lookup-cite-honest": "02863e2b5483aa88ce23a408712342865afcf6338e8e64574f6b486c887bc149",
    "lookup-cite-wrong": "f29a28c54efbe783499659cdbe238f3d9bbbc7274d62db4fca1f88f982ec2e5a",
};

/** SHA-256 of the float64 log-probabilities of held-out item 0 (seed 3), prompt and completion. */
const committedLogProbabilities: Record<OrganismName, string> = {
    "lookup": "492d669efa5a5ae0d9e0b86f2e1a0d1d0a6836d9a2a020dcf1145e76db9a8678",
    "arith-faithful": "2fcd687bd302cfd3cfc2263424003118f8da21c3990682e31c6dde1eaa74fb28",
    "arith-decorative": "72023fefee9cfba53a8b507ad97961e414d4035ff8dccffd810ffe57b8176925",
    "lookup-cite-honest": "de6bf16a1e22b29b9f187553b87f85abf65736d7dee38730870a6ca31f58ba6b",
    "lookup-cite-wrong": "fb7c55d202b5455e90d8dc641714abe33fdaf2b30620b424829f94efb1a8ea46",
};

for (const spec of organisms) {
    test(`${spec.name}: a short training on the engine gives the pinned bytes, and the committed file the pinned log-probabilities`, () => {
        const warmup = spec.warmup === undefined ? undefined : {task: spec.warmup.task(), steps: 6};
        const trained = trainOrganism(spec.task(), spec.architecture, {...spec.training, steps: 12}, undefined, 50, warmup);
        const bytes = ggufBytes({name: "pin", description: "pin", config: trained.config, vocabulary: trained.vocabulary, parameters: trained.parameters});
        assert.equal(sha256(bytes), shortTraining[spec.name]);

        const parsed = parseOrganismGguf(readFileSync(organismPath(spec.name)));
        const item = spec.task().heldOutItem(new SeededRandom(3));
        const tokens = promptTokens(parsed.vocabulary, `${item.prompt} ${item.completion}`);
        const logProbabilities = sequenceLogProbabilities(organismEngineModel(parsed.config, parsed.parameters), tokens);
        assert.equal(sha256(new Uint8Array(Float64Array.from(logProbabilities).buffer)), committedLogProbabilities[spec.name]);
    });
}
