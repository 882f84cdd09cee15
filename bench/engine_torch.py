"""The engine benchmark's PyTorch arm: the same llama shape (random weights; timing does not
depend on the values) on the CPU, forward over all positions, or forward + backward of log p of
one target to the input embeddings with frozen weights. Prints one JSON line:
{"seconds": [...], "cpuSeconds": [...], "maxRssMiB": ...}. Run by bench/engine.bench.ts; needs Debian's python3-torch.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F


def peak_resident_mib():
    # VmHWM of this process image (getrusage's maxrss carries the parent's peak across fork and exec).
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rotate_pairs(x, cos, sin):
    # x: [heads, length, head_dim]; dimensions (2j, 2j+1) rotate together (llama layout).
    even, odd = x[..., 0::2], x[..., 1::2]
    return torch.stack((even * cos - odd * sin, even * sin + odd * cos), dim=-1).flatten(-2)


def main():
    parser = argparse.ArgumentParser()
    for name in ("dim", "layers", "heads", "ffn", "vocab", "length", "reps", "threads"):
        parser.add_argument(f"--{name}", type=int, required=True)
    parser.add_argument("--mode", choices=("forward", "forward-backward", "peak"), required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.mode == "peak":
        # The best float32 matrix product this CPU gives PyTorch's BLAS: 1024³, seconds per product.
        a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
        seconds, cpu_seconds = [], []
        for repetition in range(args.reps + 3):
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(5):
                torch.mm(a, b)
            if repetition >= 3:
                seconds.append((time.perf_counter() - start) / 5)
                cpu_seconds.append((time.process_time() - cpu_start) / 5)
        print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "maxRssMiB": peak_resident_mib()}))
        return
    torch.manual_seed(0)
    d, h, f, v, t = args.dim, args.heads, args.ffn, args.vocab, args.length
    hd = d // h
    scale = 1 / d ** 0.5

    def matrix(rows, columns):
        return torch.randn(rows, columns) / columns ** 0.5

    embedding = torch.randn(v, d)
    layers = [dict(n1=torch.ones(d), q=matrix(d, d), k=matrix(d, d), v=matrix(d, d), o=matrix(d, d) * scale,
                   n2=torch.ones(d), gate=matrix(f, d), up=matrix(f, d), down=matrix(d, f) * scale) for _ in range(args.layers)]
    final_norm, output = torch.ones(d), matrix(v, d)
    positions = torch.arange(t, dtype=torch.float32)[:, None]
    frequencies = 10000.0 ** (-torch.arange(0, hd, 2, dtype=torch.float32) / hd)
    cos, sin = torch.cos(positions * frequencies), torch.sin(positions * frequencies)
    mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
    tokens = torch.tensor([3 + (i * 7919 + 11) % (v - 3) for i in range(t)])

    def forward(x):
        for layer in layers:
            a = rms_norm(x, layer["n1"], 1e-5)
            q = (a @ layer["q"].T).view(t, h, hd).transpose(0, 1)
            k = (a @ layer["k"].T).view(t, h, hd).transpose(0, 1)
            value = (a @ layer["v"].T).view(t, h, hd).transpose(0, 1)
            scores = rotate_pairs(q, cos, sin) @ rotate_pairs(k, cos, sin).transpose(1, 2) / hd ** 0.5
            z = torch.softmax(scores + mask, dim=-1) @ value
            x = x + z.transpose(0, 1).reshape(t, d) @ layer["o"].T
            m = rms_norm(x, layer["n2"], 1e-5)
            x = x + (F.silu(m @ layer["gate"].T) * (m @ layer["up"].T)) @ layer["down"].T
        return rms_norm(x, final_norm, 1e-5) @ output.T

    seconds, cpu_seconds = [], []
    for repetition in range(args.reps + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        if args.mode == "forward":
            with torch.inference_mode():
                forward(embedding[tokens])
        else:
            x = embedding[tokens].clone().requires_grad_(True)
            logits = forward(x)
            torch.log_softmax(logits[-1], dim=-1)[7].backward()
            assert x.grad is not None
        if repetition > 0:
            seconds.append(time.perf_counter() - start)
            cpu_seconds.append(time.process_time() - cpu_start)
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "maxRssMiB": peak_resident_mib()}))


if __name__ == "__main__":
    main()
