/** The layout of a batch's attention tensors: sequences × heads × positions, grouped key/value heads. */
export interface AttentionShape {
    sequences: number;
    length: number;
    heads: number;
    kvHeads: number;
    headDim: number;
}
