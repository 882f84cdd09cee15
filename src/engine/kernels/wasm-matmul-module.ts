/**
 * The bytes of a small WebAssembly module (SIMD, 128-bit) with one function,
 * `tile(x, w, y, rows, inBytes, outDim, outStart, outEnd)`: y[t, o] = Σ_i x[t, i] · w[o, i] for
 * every t < rows and outStart ≤ o < outEnd, all float32 in the imported memory. It walks tiles of
 * 2 rows × 4 outputs with eight 4-lane accumulators; the caller pads so that rows is even,
 * outEnd − outStart a multiple of 4 and inBytes a multiple of 16. Encoded here directly (no
 * toolchain): each helper below emits one instruction.
 */

const i32 = 0x7f,
    v128 = 0x7b;

function unsignedLeb(value: number): number[] {
    const bytes: number[] = [];
    do {
        let byte = value & 0x7f;
        value >>>= 7;
        if (value !== 0) byte |= 0x80;
        bytes.push(byte);
    } while (value !== 0);
    return bytes;
}

function signedLeb(value: number): number[] {
    const bytes: number[] = [];
    for (;;) {
        const byte = value & 0x7f;
        value >>= 7;
        if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
            bytes.push(byte);
            return bytes;
        }
        bytes.push(byte | 0x80);
    }
}

const vector = (bytes: number[]): number[] => [...unsignedLeb(bytes.length), ...bytes];
const section = (id: number, bytes: number[]): number[] => [id, ...vector(bytes)];
const simd = (opcode: number, ...rest: number[]): number[] => [0xfd, ...unsignedLeb(opcode), ...rest];

// Parameters 0–7, then locals.
const [X, W, Y, ROWS, IN_BYTES, OUT_DIM, OUT_START, OUT_END] = [0, 1, 2, 3, 4, 5, 6, 7];
const [T, O, K, X0, X1, W0, W1, W2, W3, Y0] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
const ACC = 18; // a0..a7 at 18..25
const [XA, XB, WV] = [26, 27, 28];

const get = (local: number): number[] => [0x20, ...unsignedLeb(local)];
const set = (local: number): number[] => [0x21, ...unsignedLeb(local)];
const constant = (value: number): number[] => [0x41, ...signedLeb(value)];
const add = [0x6a],
    mul = [0x6c],
    lessThan = [0x49];
const loadVector = (address: number): number[] => [...get(address), ...get(K), ...add, ...simd(0x00, 0x00, 0x00)];
const zeroVector = simd(0x0c, ...new Array<number>(16).fill(0));
const multiplyAdd = (accumulator: number, left: number, right: number): number[] => [
    ...get(accumulator),
    ...get(left),
    ...get(right),
    ...simd(0xe6),
    ...simd(0xe4),
    ...set(accumulator),
];
const horizontalSum = (accumulator: number): number[] => [
    ...get(accumulator),
    ...simd(0x1f, 0),
    ...get(accumulator),
    ...simd(0x1f, 1),
    0x92,
    ...get(accumulator),
    ...simd(0x1f, 2),
    0x92,
    ...get(accumulator),
    ...simd(0x1f, 3),
    0x92,
];
/** f32.store of the sum of an accumulator at y0 + offset. */
const storeSum = (accumulator: number, offset: number): number[] => [...get(Y0), ...horizontalSum(accumulator), 0x38, 0x02, ...unsignedLeb(offset)];

function body(): number[] {
    const code: number[] = [];
    const emit = (...parts: number[][]): void => {
        for (const part of parts) code.push(...part);
    };
    emit(constant(0), set(T));
    emit([0x03, 0x40]); // loop over row pairs
    emit(get(OUT_START), set(O));
    emit([0x03, 0x40]); // loop over output quads
    emit(get(X), get(T), get(IN_BYTES), mul, add, set(X0));
    emit(get(X0), get(IN_BYTES), add, set(X1));
    emit(get(W), get(O), get(IN_BYTES), mul, add, set(W0));
    emit(get(W0), get(IN_BYTES), add, set(W1));
    emit(get(W1), get(IN_BYTES), add, set(W2));
    emit(get(W2), get(IN_BYTES), add, set(W3));
    for (let a = 0; a < 8; a++) emit(zeroVector, set(ACC + a));
    emit(constant(0), set(K));
    emit([0x03, 0x40]); // loop over the inner dimension, 4 floats at a time
    emit(loadVector(X0), set(XA), loadVector(X1), set(XB));
    [W0, W1, W2, W3].forEach((row, c) => emit(loadVector(row), set(WV), multiplyAdd(ACC + c, XA, WV), multiplyAdd(ACC + 4 + c, XB, WV)));
    emit(get(K), constant(16), add, set(K));
    emit(get(K), get(IN_BYTES), lessThan, [0x0d, 0x00], [0x0b]);
    emit(get(Y), get(T), get(OUT_DIM), mul, get(O), add, constant(4), mul, add, set(Y0));
    for (let c = 0; c < 4; c++) emit(storeSum(ACC + c, 4 * c));
    emit(get(Y0), get(OUT_DIM), constant(4), mul, add, set(Y0));
    for (let c = 0; c < 4; c++) emit(storeSum(ACC + 4 + c, 4 * c));
    emit(get(O), constant(4), add, set(O));
    emit(get(O), get(OUT_END), lessThan, [0x0d, 0x00], [0x0b]);
    emit(get(T), constant(2), add, set(T));
    emit(get(T), get(ROWS), lessThan, [0x0d, 0x00], [0x0b]);
    emit([0x0b]); // end of function
    return code;
}

export function matmulModuleBytes(): Uint8Array<ArrayBuffer> {
    const locals = [...unsignedLeb(2), ...unsignedLeb(10), i32, ...unsignedLeb(11), v128];
    const functionBody = vector([...locals, ...body()]);
    const name = (text: string): number[] => vector([...new TextEncoder().encode(text)]);
    const bytes = [
        0x00,
        0x61,
        0x73,
        0x6d,
        0x01,
        0x00,
        0x00,
        0x00,
        ...section(1, [1, 0x60, ...vector(new Array<number>(8).fill(i32)), 0]),
        ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 0x01]),
        ...section(3, [1, 0]),
        ...section(7, [1, ...name("tile"), 0x00, 0]),
        ...section(10, [1, ...functionBody]),
    ];
    return Uint8Array.from(bytes);
}
