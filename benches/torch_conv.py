#!/usr/bin/env python3
"""PyTorch's CPU convolutions on the layers of the DCGAN that `examples/kernels.rs --conv` times.

Each layer of the MNIST DCGAN (G: z(100) -> ConvT 256 k4 -> ConvT 128 k3 s2 p1 -> ConvT 64 k4 s2
p1 -> ConvT 1 k4 s2 p1; D: Conv 64 k4 s2 p1 -> Conv 128 k4 s2 p1 -> Conv 256 k4 s2 p1 -> Conv 1
k3), at one batch size, three ways: the forward pass, the gradient with respect to the layer's
input, and the gradient with respect to its weight (aten.convolution_backward with one output
asked for), NCHW float32 tensors as a PyTorch user has them, no bias.

    .venv-torch/bin/python benches/torch_conv.py [--batch 64] [--threads 2] [--samples 7] [--sample-ms 40]

Prints one JSON line per (layer, op): `layer`, `op` (`forward`, `input_grad`, `weight_grad`),
`batch`, `ms`, `gflops` (2 x the layer's multiply-adds / time), `backend` = `torch`. Each figure
is the median (or with --best the fastest) of the samples, each sample long enough to time.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

# name, transposed, in channels, out channels, kernel, stride, padding, input size
LAYERS = [
    ("G1", True, 100, 256, 4, 1, 0, 1),
    ("G2", True, 256, 128, 3, 2, 1, 4),
    ("G3", True, 128, 64, 4, 2, 1, 7),
    ("G4", True, 64, 1, 4, 2, 1, 14),
    ("D1", False, 1, 64, 4, 2, 1, 28),
    ("D2", False, 64, 128, 4, 2, 1, 14),
    ("D3", False, 128, 256, 4, 2, 1, 7),
    ("D4", False, 256, 1, 3, 1, 0, 3),
]


def per_call(fn, samples, sample_ms, best):
    fn()
    t = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t, 1e-7)
    reps = max(1, min(10000, int(sample_ms / 1e3 / once)))
    times = []
    for _ in range(samples):
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t) / reps)
    return min(times) if best else statistics.median(times)


def layer_ops(batch, transposed, cin, cout, k, s, p, size):
    g = torch.Generator().manual_seed(0)
    x = torch.rand(batch, cin, size, size, generator=g) * 2 - 1
    if transposed:
        w = torch.rand(cin, cout, k, k, generator=g) * 2 - 1
        y = F.conv_transpose2d(x, w, stride=s, padding=p)
        # The convolution it is the transpose of: out (y's size, cout channels) -> in (x's).
        macs = batch * size * size * cin * cout * k * k
        fwd = lambda: F.conv_transpose2d(x, w, stride=s, padding=p)
    else:
        w = torch.rand(cout, cin, k, k, generator=g) * 2 - 1
        y = F.conv2d(x, w, stride=s, padding=p)
        macs = batch * y.shape[2] * y.shape[3] * cin * cout * k * k
        fwd = lambda: F.conv2d(x, w, stride=s, padding=p)
    dy = torch.rand(y.shape, generator=g) * 2 - 1

    def grad(mask):
        return lambda: torch.ops.aten.convolution_backward(
            dy, x, w, None, [s, s], [p, p], [1, 1], transposed, [0, 0], 1, mask)

    return macs, [("forward", fwd), ("input_grad", grad([True, False, False])),
                  ("weight_grad", grad([False, True, False]))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--samples", type=int, default=7)
    ap.add_argument("--sample-ms", type=float, default=40.0)
    ap.add_argument("--best", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with torch.no_grad():
        for name, transposed, cin, cout, k, s, p, size in LAYERS:
            macs, ops = layer_ops(a.batch, transposed, cin, cout, k, s, p, size)
            for op, fn in ops:
                secs = per_call(fn, a.samples, a.sample_ms, a.best)
                print(json.dumps({"backend": "torch", "torch": torch.__version__, "layer": name, "op": op,
                                  "batch": a.batch, "ms": round(secs * 1e3, 4),
                                  "gflops": round(2 * macs / secs / 1e9, 2)}), flush=True)


if __name__ == "__main__":
    main()
