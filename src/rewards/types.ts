/**
 * What a reward function sees and returns. An item is one rollout: the prompt, the completion and
 * whatever the trainer passes along (ground truth, data source, extra info). A result is a score
 * and `extra` fields for the trainer's logs; a reward that cannot decide (no answer found, an
 * unparseable test list) scores 0 and says why in `extra.reason`, it never throws.
 */

export interface RewardItem {
    prompt: string;
    completion: string;
    groundTruth?: string | undefined;
    dataSource?: string | undefined;
    extraInfo?: Record<string, unknown> | undefined;
}

export interface RewardResult {
    score: number;
    extra: Record<string, unknown>;
}

export interface RewardContext {
    /** Aborted when the item's time limit passes; long-running rewards stop and score 0. */
    signal?: AbortSignal;
}

export interface RewardFunction {
    readonly name: string;
    score(item: RewardItem, context?: RewardContext): RewardResult | Promise<RewardResult>;
}

export interface WeightedReward {
    reward: RewardFunction;
    weight: number;
}

/** A reward's result when it cannot score the item. */
export function unscored(reason: string, extra: Record<string, unknown> = {}): RewardResult {
    return {score: 0, extra: {...extra, reason}};
}

/**
 * Σ weight·score over the components. `extra` holds each component's score under its name and the
 * components' own extra fields under `name.field`.
 */
export function combineRewards(name: string, components: readonly WeightedReward[]): RewardFunction {
    return {
        name,
        async score(item, context) {
            let total = 0;
            const extra: Record<string, unknown> = {};
            for (const {reward, weight} of components) {
                const result = await reward.score(item, context);
                total += weight * result.score;
                extra[reward.name] = result.score;
                for (const [key, value] of Object.entries(result.extra)) extra[`${reward.name}.${key}`] = value;
            }
            return {score: total, extra};
        },
    };
}
