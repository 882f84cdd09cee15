/**
 * Multinomial logistic regression for linear probes: features standardised on the training set,
 * weights from zero, full-batch gradient descent on the mean cross-entropy plus an L2 penalty. No
 * randomness: the same data give the same probe bit for bit.
 */

export interface LogisticRegressionOptions {
    /** Gradient-descent steps (default 400). */
    iterations?: number;
    /** Step size (default 0.5). */
    learningRate?: number;
    /** L2 penalty on the weights, not the biases (default 1e-3). */
    l2?: number;
}

export interface LogisticRegression {
    classes: number;
    mean: Float64Array;
    scale: Float64Array;
    /** `[class][feature]`, on standardised features. */
    weights: Float64Array[];
    biases: Float64Array;
}

export function trainLogisticRegression(
    features: readonly Float64Array[],
    labels: readonly number[],
    classes: number,
    options: LogisticRegressionOptions = {},
): LogisticRegression {
    const iterations = options.iterations ?? 400;
    const learningRate = options.learningRate ?? 0.5;
    const l2 = options.l2 ?? 1e-3;
    const count = features.length;
    const width = features[0]?.length ?? 0;
    const mean = new Float64Array(width);
    const scale = new Float64Array(width);
    for (const row of features) for (let i = 0; i < width; i++) mean[i] = mean[i]! + row[i]! / count;
    for (const row of features) for (let i = 0; i < width; i++) scale[i] = scale[i]! + (row[i]! - mean[i]!) ** 2 / count;
    for (let i = 0; i < width; i++) scale[i] = scale[i]! > 1e-24 ? 1 / Math.sqrt(scale[i]!) : 0;
    const inputs = features.map((row) => row.map((value, i) => (value - mean[i]!) * scale[i]!));
    const model: LogisticRegression = {
        classes,
        mean,
        scale,
        weights: Array.from({length: classes}, () => new Float64Array(width)),
        biases: new Float64Array(classes),
    };
    const weightGradient = Array.from({length: classes}, () => new Float64Array(width));
    const biasGradient = new Float64Array(classes);
    for (let step = 0; step < iterations; step++) {
        for (const gradient of weightGradient) gradient.fill(0);
        biasGradient.fill(0);
        inputs.forEach((input, index) => {
            const probabilities = softmaxScores(model, input);
            for (let c = 0; c < classes; c++) {
                const error = (probabilities[c]! - (labels[index] === c ? 1 : 0)) / count;
                biasGradient[c] = biasGradient[c]! + error;
                const gradient = weightGradient[c]!;
                for (let i = 0; i < width; i++) gradient[i] = gradient[i]! + error * input[i]!;
            }
        });
        for (let c = 0; c < classes; c++) {
            const weights = model.weights[c]!;
            const gradient = weightGradient[c]!;
            for (let i = 0; i < width; i++) weights[i] = weights[i]! - learningRate * (gradient[i]! + l2 * weights[i]!);
            model.biases[c] = model.biases[c]! - learningRate * biasGradient[c]!;
        }
    }
    return model;
}

/** The most probable class of one raw (unstandardised) feature vector; ties go to the lower class. */
export function predictClass(model: LogisticRegression, features: Float64Array): number {
    const input = features.map((value, i) => (value - model.mean[i]!) * model.scale[i]!);
    const probabilities = softmaxScores(model, input);
    let best = 0;
    for (let c = 1; c < model.classes; c++) if (probabilities[c]! > probabilities[best]!) best = c;
    return best;
}

function softmaxScores(model: LogisticRegression, input: Float64Array): Float64Array {
    const scores = new Float64Array(model.classes);
    let largest = -Infinity;
    for (let c = 0; c < model.classes; c++) {
        let total = model.biases[c]!;
        const weights = model.weights[c]!;
        for (let i = 0; i < input.length; i++) total += weights[i]! * input[i]!;
        scores[c] = total;
        largest = Math.max(largest, total);
    }
    let sum = 0;
    for (let c = 0; c < model.classes; c++) {
        scores[c] = Math.exp(scores[c]! - largest);
        sum += scores[c]!;
    }
    for (let c = 0; c < model.classes; c++) scores[c] = scores[c]! / sum;
    return scores;
}
