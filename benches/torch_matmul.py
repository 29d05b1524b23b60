#!/usr/bin/env python3
"""The vendor-library column beside `cargo run --release --example kernels` on a CUDA GPU.

Times `torch.matmul` in fp32 (TF32 off: the same arithmetic as Comfy's WGSL kernels) and, for
context, with TF32 tensor cores allowed, on square sizes in the three layouts the kernels
example uses (nn: A·B, nt: A·Bᵀ, tn: Aᵀ·B), and one MLP-GAN training step (the architecture of
`comfy_nodes::gan`, Adam, BCE with logits) at batch 64 and 256.

    python3 benches/torch_matmul.py [--sizes 1024 2048 4096 8192] [--no-gan]

Prints one JSON object per line: `op`, `backend` (`torch_fp32` / `torch_tf32`), `m`, `k`, `n`,
`gflops`, `ms`; GAN steps: `op` = `gan_step`, `backend` = `torch_cuda`, `batch`, `ms`.
Each figure is the median of seven timed samples (CUDA events) after warm-up.
"""
import argparse
import json
import statistics

import torch
import torch.nn as nn
import torch.nn.functional as F


def median_ms(fn, reps):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    samples = []
    for _ in range(7):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(reps):
            fn()
        end.record()
        torch.cuda.synchronize()
        samples.append(start.elapsed_time(end) / reps)
    return statistics.median(samples)


def matmuls(sizes):
    gen = torch.Generator(device="cuda").manual_seed(0)
    for s in sizes:
        a = torch.rand(s, s, device="cuda", generator=gen) * 2 - 1
        b = torch.rand(s, s, device="cuda", generator=gen) * 2 - 1
        layouts = {"matmul_nn": lambda: a @ b, "matmul_nt": lambda: a @ b.t(), "matmul_tn": lambda: a.t() @ b}
        for tf32 in (False, True):
            torch.backends.cuda.matmul.allow_tf32 = tf32
            for op, fn in layouts.items():
                reps = max(1, int(2e11 / (2 * s**3)))
                ms = median_ms(fn, reps)
                print(json.dumps({
                    "op": op, "backend": "torch_tf32" if tf32 else "torch_fp32", "m": s, "k": s, "n": s,
                    "gflops": round(2 * s**3 / ms / 1e6, 1), "ms": round(ms, 4),
                }), flush=True)
    torch.backends.cuda.matmul.allow_tf32 = False


def mlp(sizes, last):
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers += [nn.Linear(a, b), nn.LeakyReLU(0.2) if i < len(sizes) - 2 else last]
    return nn.Sequential(*layers).cuda()


def gan_step_ms(batch):
    torch.manual_seed(0)
    g = mlp([100, 256, 512, 1024, 784], nn.Tanh())
    d = mlp([784, 512, 256, 1], nn.Identity())
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(batch, 784, device="cuda") * 2 - 1
    ones, zeros = torch.ones(batch, 1, device="cuda"), torch.zeros(batch, 1, device="cuda")

    def step():
        fake = g(torch.randn(batch, 100, device="cuda"))
        loss_d = F.binary_cross_entropy_with_logits(d(real), ones) + \
            F.binary_cross_entropy_with_logits(d(fake.detach()), zeros)
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = F.binary_cross_entropy_with_logits(d(fake), ones)
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()

    return median_ms(step, 50)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", type=int, nargs="+", default=[1024, 2048, 4096, 8192])
    p.add_argument("--no-gan", action="store_true")
    args = p.parse_args()
    print(json.dumps({"device": torch.cuda.get_device_name(), "torch": torch.__version__}), flush=True)
    matmuls(args.sizes)
    if not args.no_gan:
        for batch in (64, 256):
            ms = gan_step_ms(batch)
            print(json.dumps({"op": "gan_step", "backend": "torch_cuda", "batch": batch, "ms": round(ms, 3)}), flush=True)


if __name__ == "__main__":
    main()
