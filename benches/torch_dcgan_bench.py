#!/usr/bin/env python3
"""PyTorch reference for Comfy's DCGAN step: the MNIST DCGAN of issue 14 on the bundled MNIST, CPU.

  G: z(100) -> ConvT(100->256, k4) 4x4 -> ConvT(256->128, k3, s2, p1) 7x7 -> ConvT(128->64, k4, s2, p1)
     14x14 -> ConvT(64->1, k4, s2, p1) 28x28; BatchNorm + ReLU between, Tanh; no biases
  D: Conv(1->64, k4, s2, p1) -> Conv(64->128, k4, s2, p1) + BN -> Conv(128->256, k4, s2, p1) + BN ->
     Conv(256->1, k3) -> Flatten; LeakyReLU(0.2) between; no biases
  DCGAN init: conv weights N(0, 0.02), BN gamma N(1, 0.02), beta 0
  BCE-with-logits; D loss = bce(D(x),1) + bce(D(G(z).detach()),0); G loss = bce(D(G(z)),1), same G(z)
  Adam lr 2e-4, betas (0.5, 0.999); data scaled to [-1, 1]; one step = one D update + one G update
  (the same losses, optimizer and step as ../shared/anchors/torch_gan_bench.py for the MLP GAN)

Run:  .venv-torch/bin/python benches/torch_dcgan_bench.py [--batch 64 256] [--steps 100] [--warmup 10]
      [--threads 2]
Prints one JSON line per batch size: median step time, steps/s, images/s. Run it in the same
session, alternating with `cargo run --release --example gan_speed -- --model dcgan`, and compare
the ratio: this machine's speed drifts.
"""
import argparse, gzip, json, os, statistics, struct, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mnist")


def load_images(path):
    with gzip.open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803, hex(magic)
        x = np.frombuffer(f.read(n * rows * cols), np.uint8).reshape(n, 1, rows, cols)
    return torch.from_numpy(x.astype(np.float32) / 127.5 - 1.0)


def generator(z=100, w=64):
    return nn.Sequential(
        nn.ConvTranspose2d(z, 4 * w, 4, 1, 0, bias=False), nn.BatchNorm2d(4 * w), nn.ReLU(True),
        nn.ConvTranspose2d(4 * w, 2 * w, 3, 2, 1, bias=False), nn.BatchNorm2d(2 * w), nn.ReLU(True),
        nn.ConvTranspose2d(2 * w, w, 4, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(True),
        nn.ConvTranspose2d(w, 1, 4, 2, 1, bias=False), nn.Tanh())


def discriminator(w=64):
    return nn.Sequential(
        nn.Conv2d(1, w, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(w, 2 * w, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * w), nn.LeakyReLU(0.2, True),
        nn.Conv2d(2 * w, 4 * w, 4, 2, 1, bias=False), nn.BatchNorm2d(4 * w), nn.LeakyReLU(0.2, True),
        nn.Conv2d(4 * w, 1, 3, 1, 0, bias=False), nn.Flatten())


def dcgan_init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


class GAN:
    def __init__(self, seed):
        torch.manual_seed(seed)
        self.G, self.D = generator(), discriminator()
        self.G.apply(dcgan_init)
        self.D.apply(dcgan_init)
        self.oG = torch.optim.Adam(self.G.parameters(), lr=2e-4, betas=(0.5, 0.999))
        self.oD = torch.optim.Adam(self.D.parameters(), lr=2e-4, betas=(0.5, 0.999))

    def step(self, x):
        b = x.shape[0]
        ones, zeros = torch.ones(b, 1), torch.zeros(b, 1)
        fake = self.G(torch.randn(b, 100, 1, 1))
        loss_d = (F.binary_cross_entropy_with_logits(self.D(x), ones) +
                  F.binary_cross_entropy_with_logits(self.D(fake.detach()), zeros))
        self.oD.zero_grad(set_to_none=True); loss_d.backward(); self.oD.step()
        loss_g = F.binary_cross_entropy_with_logits(self.D(fake), ones)
        self.oG.zero_grad(set_to_none=True); loss_g.backward(); self.oG.step()
        return loss_d.item(), loss_g.item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, nargs="+", default=[64, 256])
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default=DATA)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    X = load_images(os.path.join(a.data, "train-images-idx3-ubyte.gz"))
    g = torch.Generator().manual_seed(0)
    for batch in a.batch:
        gan, times = GAN(0), []
        for i in range(a.warmup + a.steps):
            x = X[torch.randint(0, len(X), (batch,), generator=g)]
            t0 = time.perf_counter(); gan.step(x); t1 = time.perf_counter()
            if i >= a.warmup:
                times.append(t1 - t0)
        med = statistics.median(times)
        print(json.dumps({"impl": "pytorch", "model": "dcgan", "torch": torch.__version__, "threads": a.threads,
                          "batch": batch, "median_step_ms": round(med * 1e3, 3),
                          "steps_per_s": round(1 / med, 2), "images_per_s": round(batch / med)}), flush=True)


if __name__ == "__main__":
    main()
