/**
 * Linear probes per layer with a control task (Hewitt & Liang 2019). Each example is a feature
 * vector per layer, a class label and a token type (the token the features were read at). One
 * seeded split into training and held-out examples serves every layer. The control task gives each
 * token type a random label drawn from the labels' empirical distribution; a probe that reaches
 * the same accuracy on it is memorising token types, not reading the property. Selectivity is the
 * held-out accuracy minus the control's.
 */
import {InputError} from "../errors.js";
import {SeededRandom} from "../foundation/random.js";
import {predictClass, trainLogisticRegression, type LogisticRegressionOptions} from "./logistic-regression.js";

export interface ProbeExample {
    /** One feature vector per layer, all examples with the same layers and widths. */
    features: readonly Float64Array[];
    label: string;
    tokenType: number;
}

export interface ProbeOptions extends LogisticRegressionOptions {
    seed?: number;
    /** Share of examples held out (default 0.25). */
    heldOut?: number;
}

export interface LayerProbe {
    layer: number;
    /** Held-out accuracy on the real labels. */
    accuracy: number;
    trainingAccuracy: number;
    /** Held-out accuracy on the control labels. */
    controlAccuracy: number;
    selectivity: number;
}

export interface ProbeResult {
    classes: string[];
    trainingCount: number;
    heldOutCount: number;
    /** Held-out accuracy of always answering the most frequent training label. */
    majorityAccuracy: number;
    layers: LayerProbe[];
}

export function probeLayers(examples: readonly ProbeExample[], options: ProbeOptions = {}): ProbeResult {
    const classes = [...new Set(examples.map((example) => example.label))].sort();
    if (classes.length < 2) {
        throw new InputError(`a probe needs at least two classes; the dataset has ${classes.length === 0 ? "none" : `only ${JSON.stringify(classes[0])}`}`, {
            parameter: "dataset",
            expected: "examples with at least two different labels",
            received: `${examples.length} example${examples.length === 1 ? "" : "s"}, ${classes.length} class${classes.length === 1 ? "" : "es"}`,
            hint: "add examples of the other classes to the dataset",
        });
    }
    const heldOutShare = options.heldOut ?? 0.25;
    const heldOutCount = Math.round(examples.length * heldOutShare);
    if (!(heldOutShare > 0 && heldOutShare < 1) || heldOutCount < 1 || examples.length - heldOutCount < 2) {
        throw new InputError("too few examples to hold some out", {
            parameter: "dataset",
            expected: "enough examples for at least two training and one held-out example (held-out share in (0, 1))",
            received: `${examples.length} examples, held-out share ${heldOutShare}`,
        });
    }
    const layerCount = examples[0]!.features.length;
    const random = new SeededRandom(options.seed ?? 0);
    const order = random.shuffled(examples.map((_, index) => index));
    const heldOut = order.slice(0, heldOutCount);
    const training = order.slice(heldOutCount);
    const labels = examples.map((example) => classes.indexOf(example.label));
    const controlOf = new Map<number, number>();
    for (const example of examples) if (!controlOf.has(example.tokenType)) controlOf.set(example.tokenType, -1);
    for (const tokenType of [...controlOf.keys()].sort((a, b) => a - b)) controlOf.set(tokenType, labels[random.integer(labels.length)]!);
    const controls = examples.map((example) => controlOf.get(example.tokenType)!);
    const majority = mostFrequent(
        training.map((index) => labels[index]!),
        classes.length,
    );
    const accuracy = (indices: readonly number[], predict: (index: number) => number, truth: readonly number[]): number =>
        indices.filter((index) => predict(index) === truth[index]).length / indices.length;
    const layers = Array.from({length: layerCount}, (_, layer): LayerProbe => {
        const featuresOf = (index: number): Float64Array => examples[index]!.features[layer]!;
        const fit = (truth: readonly number[]) =>
            trainLogisticRegression(
                training.map(featuresOf),
                training.map((index) => truth[index]!),
                classes.length,
                options,
            );
        const probe = fit(labels);
        const control = fit(controls);
        const real = accuracy(heldOut, (index) => predictClass(probe, featuresOf(index)), labels);
        const controlAccuracy = accuracy(heldOut, (index) => predictClass(control, featuresOf(index)), controls);
        return {
            layer,
            accuracy: real,
            trainingAccuracy: accuracy(training, (index) => predictClass(probe, featuresOf(index)), labels),
            controlAccuracy,
            selectivity: real - controlAccuracy,
        };
    });
    return {
        classes,
        trainingCount: training.length,
        heldOutCount,
        majorityAccuracy: accuracy(heldOut, () => majority, labels),
        layers,
    };
}

function mostFrequent(labels: readonly number[], classes: number): number {
    const counts = new Array<number>(classes).fill(0);
    for (const label of labels) counts[label] = counts[label]! + 1;
    return counts.indexOf(Math.max(...counts));
}
