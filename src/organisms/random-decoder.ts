/**
 * Random-weight decoders of any supported architecture and shape, with a synthetic
 * SentencePiece-style vocabulary, for testing llama.cpp against the engine without downloads and
 * for the engine benchmark. Deterministic: the same seed gives the same weights.
 */
import {decoderTensorShapes, type DecoderGgufModel, type DecoderShape} from "./decoder-gguf.js";
import {SeededRandom} from "../foundation/random.js";
import {tokenType, type VocabularyPiece} from "./vocabulary.js";

const spaceMark = "\u2581";
const letters = "abcdefghijklmnopqrstuvwxyz";

/**
 * `size` pieces: `<unk>`, `<s>`, `</s>`, the 256 byte pieces, `▁` and the 26 letters, then
 * `▁`-prefixed letter strings in order of length (`▁a`…`▁z`, `▁aa`…), each scored by its
 * length, so that every prefix of a piece is a piece and llama.cpp's merges rebuild each word.
 */
export function syntheticPieces(size: number): VocabularyPiece[] {
    const pieces: VocabularyPiece[] = [
        {text: "<unk>", score: 0, type: tokenType.unknown},
        {text: "<s>", score: 0, type: tokenType.control},
        {text: "</s>", score: 0, type: tokenType.control},
    ];
    for (let byte = 0; byte < 256; byte++) pieces.push({text: `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`, score: 0, type: tokenType.byte});
    for (const character of [spaceMark, ...letters]) pieces.push({text: character, score: -1000, type: tokenType.normal});
    let frontier = [""];
    while (pieces.length < size) {
        const next: string[] = [];
        for (const stem of frontier) {
            for (const letter of letters) {
                if (pieces.length >= size) break;
                const word = stem + letter;
                next.push(word);
                pieces.push({text: spaceMark + word, score: word.length + 1, type: tokenType.normal});
            }
        }
        frontier = next;
    }
    return pieces.slice(0, size);
}

/** A word of the synthetic vocabulary (the piece `▁word` exists), for building test text. */
export function syntheticWord(pieces: readonly VocabularyPiece[], id: number): string {
    const piece = pieces[id];
    if (piece === undefined || !piece.text.startsWith(spaceMark) || piece.text.length < 2) throw new RangeError(`piece ${id} is not a word`);
    return piece.text.slice(1);
}

/**
 * Random weights: matrices N(0, 1/columns) (the two that write into the residual stream further
 * scaled by 1/sqrt(2·layers)), the token embedding N(0, 1/dim) so that tied logits have unit
 * scale, norm weights 1 + 0.1·N(0, 1), biases 0.1·N(0, 1).
 */
export function randomDecoderModel(shape: DecoderShape, seed: number, name = `random ${shape.architecture}`): DecoderGgufModel {
    const random = new SeededRandom(seed);
    const residualScale = 1 / Math.sqrt(2 * shape.layers);
    const tensors = decoderTensorShapes(shape).map(({name: tensorName, shape: tensorShape}) => {
        const values = new Float32Array(tensorShape.reduce((a, b) => a * b, 1));
        const columns = tensorShape[tensorShape.length - 1]!;
        if (tensorName.endsWith(".bias")) {
            for (let i = 0; i < values.length; i++) values[i] = 0.1 * random.normal();
        } else if (tensorShape.length === 1) {
            for (let i = 0; i < values.length; i++) values[i] = 1 + 0.1 * random.normal();
        } else {
            let std = 1 / Math.sqrt(columns);
            if (tensorName.endsWith("attn_output.weight") || tensorName.endsWith("ffn_down.weight")) std *= residualScale;
            for (let i = 0; i < values.length; i++) values[i] = std * random.normal();
        }
        return {name: tensorName, shape: tensorShape, values};
    });
    return {
        shape,
        name,
        description: `glassbox random-weight ${shape.architecture} decoder (seed ${seed}): no learned behaviour`,
        tokenizer: {pieces: syntheticPieces(shape.vocabSize), bosId: 1, eosId: 2, unknownId: 0, addBos: true, addEos: false, addSpacePrefix: true},
        tensors,
    };
}

/**
 * The engine benchmark's model: a llama decoder of width 512, 8 layers of 8 heads, SwiGLU 1536,
 * a 32,000-piece vocabulary and tied output: 43.6 million parameters.
 */
export const benchmarkDecoderShape: DecoderShape = {
    architecture: "llama",
    vocabSize: 32000,
    dim: 512,
    layers: 8,
    heads: 8,
    kvHeads: 8,
    ffn: 1536,
    contextLength: 1024,
    ropeBase: 10000,
    normEps: 1e-5,
    tiedOutput: true,
};

export function decoderParameterCount(shape: DecoderShape): number {
    return decoderTensorShapes(shape).reduce((total, tensor) => total + tensor.shape.reduce((a, b) => a * b, 1), 0);
}
