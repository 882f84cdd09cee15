// The engine benchmark's TensorFlow.js arm (WebAssembly backend with SIMD): the same llama shape
// as the engine (random weights), forward over all positions, or forward + backward of log p of
// one target to the input embeddings. bench/engine.bench.ts copies this file into a scratch
// folder holding @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm (never the repository's
// dependencies) and runs it there. Prints one JSON line: {"seconds": [...], "cpuSeconds": [...], "maxRssMiB": ...}.
import {readFileSync} from "node:fs";
import {parseArgs} from "node:util";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

const {values} = parseArgs({options: Object.fromEntries(["dim", "layers", "heads", "ffn", "vocab", "length", "reps", "mode"].map((name) => [name, {type: "string"}]))});
const [d, layersCount, h, f, v, t, reps] = ["dim", "layers", "heads", "ffn", "vocab", "length", "reps"].map((name) => Number(values[name]));
const mode = values.mode;
await tf.setBackend("wasm");
const hd = d / h;
const matrix = (rows, columns, scale = 1) => tf.randomNormal([rows, columns], 0, scale / Math.sqrt(columns));
const embedding = tf.randomNormal([v, d]);
const layers = Array.from({length: layersCount}, () => ({
    n1: tf.ones([d]), q: matrix(d, d), k: matrix(d, d), v: matrix(d, d), o: matrix(d, d, 0.25),
    n2: tf.ones([d]), gate: matrix(f, d), up: matrix(f, d), down: matrix(d, f, 0.25),
}));
const finalNorm = tf.ones([d]), output = matrix(v, d);
const positions = tf.range(0, t).reshape([t, 1]);
const frequencies = tf.pow(10000, tf.div(tf.range(0, hd, 2), -hd)).reshape([1, hd / 2]);
const angles = tf.mul(positions, frequencies);
const cos = tf.cos(angles), sin = tf.sin(angles);
const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9);
const tokens = tf.tensor1d(Array.from({length: t}, (_, i) => 3 + ((i * 7919 + 11) % (v - 3))), "int32");

const rms = (x, weight) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-5))), weight);
function rotate(x) {
    const pairs = x.reshape([h, t, hd / 2, 2]);
    const [even, odd] = tf.unstack(pairs, 3);
    return tf.stack([tf.sub(tf.mul(even, cos), tf.mul(odd, sin)), tf.add(tf.mul(even, sin), tf.mul(odd, cos))], 3).reshape([h, t, hd]);
}
const heads = (x) => x.reshape([t, h, hd]).transpose([1, 0, 2]);
function forward(x) {
    for (const layer of layers) {
        const a = rms(x, layer.n1);
        const q = rotate(heads(tf.matMul(a, layer.q, false, true)));
        const k = rotate(heads(tf.matMul(a, layer.k, false, true)));
        const value = heads(tf.matMul(a, layer.v, false, true));
        const pattern = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), mask));
        const z = tf.matMul(pattern, value).transpose([1, 0, 2]).reshape([t, d]);
        x = tf.add(x, tf.matMul(z, layer.o, false, true));
        const m = rms(x, layer.n2);
        x = tf.add(x, tf.matMul(tf.mul(tf.mul(tf.matMul(m, layer.gate, false, true), tf.sigmoid(tf.matMul(m, layer.gate, false, true))), tf.matMul(m, layer.up, false, true)), layer.down, false, true));
    }
    return tf.matMul(rms(x, finalNorm), output, false, true);
}
const objective = (x) => tf.logSoftmax(forward(x).slice([t - 1, 0], [1, v])).reshape([v]).slice([7], [1]).sum();
const seconds = [], cpuSeconds = [];
for (let repetition = 0; repetition <= reps; repetition++) {
    const start = process.hrtime.bigint(), cpuStart = process.cpuUsage();
    tf.tidy(() => {
        const x = tf.gather(embedding, tokens);
        if (mode === "forward") forward(x).dataSync();
        else tf.grad(objective)(x).dataSync();
    });
    const cpu = process.cpuUsage(cpuStart);
    if (repetition > 0) {
        seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
        cpuSeconds.push((cpu.user + cpu.system) / 1e6);
    }
}
console.log(JSON.stringify({seconds, cpuSeconds, maxRssMiB: Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024, backend: tf.getBackend()}));
