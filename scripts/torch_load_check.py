#!/usr/bin/env python3
"""Loads a Comfy GAN run's generator into PyTorch with load_state_dict(strict=True) and checks
that it draws the same images as Comfy did.

Run:  .venv-torch/bin/python scripts/torch_load_check.py out/mnist_gan
      (needs torch and safetensors: pip install torch safetensors numpy)

It rebuilds the generator from the layer list Comfy records in the model file's metadata
(`comfy.architecture`) as torch.nn.Sequential — the same modules the README shows — loads
checkpoint/generator.safetensors with strict=True, draws from checkpoint/fixed_z.safetensors in
eval mode, and compares with final_samples.png: the largest difference of a pixel (0..255).
"""
import json, struct, sys, zlib

import numpy as np
import torch
import torch.nn as nn
from safetensors import safe_open
from safetensors.torch import load_file


def activation(f):
    if f == "Relu":
        return nn.ReLU()
    if f == "Tanh":
        return nn.Tanh()
    if f == "Sigmoid":
        return nn.Sigmoid()
    if f == "Identity":
        return nn.Identity()
    if isinstance(f, dict) and "LeakyRelu" in f:
        return nn.LeakyReLU(f["LeakyRelu"])
    raise ValueError(f"activation {f}")


def module(layer):
    kind = layer["type"]
    if kind == "Linear":
        return nn.Linear(layer["in_features"], layer["out_features"], bias=layer["bias"])
    if kind == "Conv2d":
        return nn.Conv2d(layer["in_channels"], layer["out_channels"], layer["kernel_size"],
                         layer["stride"], layer["padding"], layer.get("dilation", [1, 1]), bias=layer["bias"])
    if kind == "ConvTranspose2d":
        return nn.ConvTranspose2d(layer["in_channels"], layer["out_channels"], layer["kernel_size"],
                                  layer["stride"], layer["padding"], layer["output_padding"],
                                  bias=layer["bias"], dilation=layer.get("dilation", [1, 1]))
    if kind == "BatchNorm2d":
        return nn.BatchNorm2d(layer["num_features"], layer["eps"], layer["momentum"])
    if kind == "BatchNorm1d":
        return nn.BatchNorm1d(layer["num_features"], layer["eps"], layer["momentum"])
    if kind == "Act":
        return activation(layer["function"])
    if kind == "Flatten":
        return nn.Flatten()
    if kind == "Unflatten":
        return nn.Unflatten(1, (layer["channels"], layer["height"], layer["width"]))
    raise ValueError(f"layer {kind} (a conditional model joins its label first: not handled here)")


def read_png_gray(path):
    data = open(path, "rb").read()
    pos, idat, (w, h) = 8, b"", (0, 0)
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = 1 + 3 * w
    rows, prev = [], bytearray(3 * w)
    for r in range(h):
        f, line = raw[r * stride], bytearray(raw[r * stride + 1:(r + 1) * stride])
        for i in range(len(line)):
            a = line[i - 3] if i >= 3 else 0
            b, c = prev[i], prev[i - 3] if i >= 3 else 0
            p = [0, a, b, (a + b) // 2, a + b - c][f] if f < 4 else None
            if f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + p) & 255
        rows.append(bytes(line))
        prev = line
    return np.frombuffer(b"".join(rows), np.uint8).reshape(h, w, 3)[:, :, 0]


def main():
    run = sys.argv[1] if len(sys.argv) > 1 else "out/mnist_gan"
    path = f"{run}/checkpoint/generator.safetensors"
    with safe_open(path, "pt") as f:
        arch = json.loads(f.metadata()["comfy.architecture"])
    g = nn.Sequential(*[module(l) for l in arch["layers"]])
    state = load_file(path)
    g.load_state_dict(state, strict=True)
    g.eval()
    z = load_file(f"{run}/checkpoint/fixed_z.safetensors")["z"]
    inp = arch["input"]
    if "image" in inp:
        z = z.reshape(len(z), inp["image"]["channels"], inp["image"]["height"], inp["image"]["width"])
    with torch.no_grad():
        images = g(z).reshape(len(z), 28, 28)
    ours = read_png_gray(f"{run}/final_samples.png")
    cols = 8
    worst = 0
    for i, im in enumerate(images):
        r, c = divmod(i, cols)
        cell = ours[2 + r * 30:2 + r * 30 + 28, 2 + c * 30:2 + c * 30 + 28].astype(int)
        theirs = ((im.clamp(-1, 1) + 1) * 0.5 * 255).round().numpy().astype(int)
        worst = max(worst, int(np.abs(cell - theirs).max()))
    print(json.dumps({"strict": True, "modules": len(g), "images": len(z), "max_pixel_difference": worst}))


if __name__ == "__main__":
    main()
