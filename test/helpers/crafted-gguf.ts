/**
 * Small llama-architecture GGUF files built to order: a valid structure by default (a "llama"
 * tokenizer with the 256 byte pieces, consistent hyperparameters and tensor shapes), with any
 * field overridden to produce exactly one defect.
 */
import {writeTestGguf, type TestMetadataValue, type TestTensor} from "../backends/gguf-writer.js";

export interface CraftedShape {
    embedding: number;
    heads: number;
    kvHeads: number;
    blocks: number;
    /** Blocks whose tensors are written (default: `blocks`). */
    blocksPresent?: number;
    feedForward: number;
    context: number;
    /** Rows of token_embd.weight (default: the vocabulary size). */
    embeddingRows?: number;
    /** Shape overrides by tensor name. */
    shapes?: Record<string, number[]>;
}

export const defaultCraftedShape: CraftedShape = {embedding: 8, heads: 2, kvHeads: 2, blocks: 2, feedForward: 16, context: 256};

export function craftedVocabulary(): string[] {
    const bytes = Array.from({length: 256}, (_, byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    return ["<unk>", "<s>", "</s>", ...bytes, "▁a", "▁b", "▁c"];
}

export function craftLlamaGguf(overrides: Partial<CraftedShape> = {}, extraMetadata: Record<string, TestMetadataValue> = {}): Buffer {
    const shape = {...defaultCraftedShape, ...overrides};
    const vocabulary = craftedVocabulary();
    const headLength = shape.heads > 0 ? Math.floor(shape.embedding / shape.heads) : 1;
    const tensor = (name: string, dimensions: number[]): TestTensor => {
        const actual = shape.shapes?.[name] ?? dimensions;
        return {name, dimensions: actual, values: new Array<number>(actual.reduce((product, value) => product * value, 1)).fill(0.01)};
    };
    const tensors: TestTensor[] = [
        tensor("token_embd.weight", [shape.embedding, shape.embeddingRows ?? vocabulary.length]),
        tensor("output_norm.weight", [shape.embedding]),
    ];
    for (let block = 0; block < (shape.blocksPresent ?? shape.blocks); block++) {
        tensors.push(
            tensor(`blk.${block}.attn_norm.weight`, [shape.embedding]),
            tensor(`blk.${block}.attn_q.weight`, [shape.embedding, shape.heads * headLength]),
            tensor(`blk.${block}.attn_k.weight`, [shape.embedding, shape.kvHeads * headLength]),
            tensor(`blk.${block}.attn_v.weight`, [shape.embedding, shape.kvHeads * headLength]),
            tensor(`blk.${block}.attn_output.weight`, [shape.heads * headLength, shape.embedding]),
            tensor(`blk.${block}.ffn_norm.weight`, [shape.embedding]),
            tensor(`blk.${block}.ffn_gate.weight`, [shape.embedding, shape.feedForward]),
            tensor(`blk.${block}.ffn_up.weight`, [shape.embedding, shape.feedForward]),
            tensor(`blk.${block}.ffn_down.weight`, [shape.feedForward, shape.embedding]),
        );
    }
    return writeTestGguf(
        {
            "general.architecture": "llama",
            "llama.context_length": shape.context,
            "llama.embedding_length": shape.embedding,
            "llama.feed_forward_length": shape.feedForward,
            "llama.attention.head_count": shape.heads,
            "llama.attention.head_count_kv": shape.kvHeads,
            "llama.block_count": shape.blocks,
            "llama.rope.dimension_count": headLength,
            "llama.attention.layer_norm_rms_epsilon": {f32Value: 1e-5},
            "tokenizer.ggml.model": "llama",
            "tokenizer.ggml.tokens": vocabulary,
            "tokenizer.ggml.scores": {f32: vocabulary.map(() => 0)},
            "tokenizer.ggml.token_type": {i32: vocabulary.map((_, index) => (index === 0 ? 2 : index < 3 ? 3 : index < 259 ? 6 : 1))},
            "tokenizer.ggml.bos_token_id": 1,
            "tokenizer.ggml.eos_token_id": 2,
            "tokenizer.ggml.unknown_token_id": 0,
            ...extraMetadata,
        },
        tensors,
    );
}
