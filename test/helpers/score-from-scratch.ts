import type {Backend, ScoreRequest, ScoreResult} from "../../src/model/backend-spec.js";

/**
 * Each request scored alone on lane 0 after the lane was reset to BOS: the backend's own reading of
 * the probabilities with no prefix reused beyond BOS (the reference for reuse tests and the
 * single-pass baseline of the scoring benchmark).
 */
export async function scoreFromScratch(backend: Backend, requests: readonly ScoreRequest[]): Promise<ScoreResult[]> {
    const bos = backend.vocabulary.bos ?? 1;
    const results: ScoreResult[] = [];
    for (const request of requests) {
        await backend.score({context: [bos], target: [bos]}, 0);
        results.push(await backend.score(request, 0));
    }
    return results;
}
