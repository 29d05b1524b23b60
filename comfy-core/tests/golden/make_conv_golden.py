#!/usr/bin/env python3
"""Makes conv_golden.json: PyTorch's values for fixed inputs, checked by the Rust tests with no
Python (comfy-core/tests/golden_conv.rs on the reference backend, comfy-gpu/tests/golden_conv.rs
on the CPU and WGSL backends).

    .venv-torch/bin/python comfy-core/tests/golden/make_conv_golden.py   # rewrites the JSON

Contents (images NHWC as Comfy keeps them, weights in PyTorch's layouts, float32 values):
  conv2d / conv_transpose2d: x, w, dy -> y = F.conv2d(x, w) (or conv_transpose2d), dx, dw
  batch_norm: x, gamma, beta, running stats, dy -> training-mode y, dx, dgamma, dbeta and the
    running stats after F.batch_norm(training=True, momentum=0.1); evaluation-mode y
  dcgan: a small DCGAN (z = 8, width 4, batch 3) in torch.nn.Sequential: its state_dict,
    z, G(z), D(G(z)), the BCE-with-logits loss against ones, every parameter's gradient, and
    the running statistics after that one training-mode pass.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def flat(t):
    # The shortest decimal that reads back as the same float32 (half the file of a double's).
    return [float(str(v)) for v in t.detach().reshape(-1).numpy().astype(np.float32)]


def nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous()


def rand(*shape):
    return torch.rand(*shape) * 2 - 1


def conv_case(n, cin, cout, h, w, k, s, p, d, transposed, op=0):
    x = rand(n, cin, h, w).requires_grad_()
    wt = (rand(cin, cout, k, k) if transposed else rand(cout, cin, k, k)).requires_grad_()
    if transposed:
        y = F.conv_transpose2d(x, wt, stride=s, padding=p, output_padding=op, dilation=d)
    else:
        y = F.conv2d(x, wt, stride=s, padding=p, dilation=d)
    dy = rand(*y.shape)
    y.backward(dy)
    return {
        "stride": s, "padding": p, "dilation": d, "output_padding": op,
        "x_shape": list(nhwc(x).shape), "x": flat(nhwc(x)),
        "w_shape": list(wt.shape), "w": flat(wt),
        "y_shape": list(nhwc(y).shape), "y": flat(nhwc(y)), "dy": flat(nhwc(dy)),
        "dx": flat(nhwc(x.grad)), "dw": flat(wt.grad),
    }


def batch_norm_case(n, c, h, w):
    x = (rand(n, c, h, w) * 3 + 1).requires_grad_()
    gamma, beta = (rand(c) + 1.5).requires_grad_(), rand(c).requires_grad_()
    rm, rv = rand(c) * 0.5, rand(c) * 0.5 + 1.0
    rm0, rv0 = rm.clone(), rv.clone()
    y = F.batch_norm(x, rm, rv, gamma, beta, training=True, momentum=0.1, eps=1e-5)
    dy = rand(*y.shape)
    y.backward(dy)
    y_eval = F.batch_norm(x.detach(), rm0.clone(), rv0.clone(), gamma.detach(), beta.detach(), training=False, eps=1e-5)
    return {
        "x_shape": list(nhwc(x).shape), "x": flat(nhwc(x)), "gamma": flat(gamma), "beta": flat(beta),
        "running_mean": flat(rm0), "running_var": flat(rv0), "dy": flat(nhwc(dy)),
        "y": flat(nhwc(y)), "dx": flat(nhwc(x.grad)), "dgamma": flat(gamma.grad), "dbeta": flat(beta.grad),
        "running_mean_after": flat(rm), "running_var_after": flat(rv), "y_eval": flat(nhwc(y_eval)),
    }


def dcgan(z_len, w, batch):
    g = nn.Sequential(
        nn.ConvTranspose2d(z_len, 4 * w, 4, 1, 0, bias=False), nn.BatchNorm2d(4 * w), nn.ReLU(),
        nn.ConvTranspose2d(4 * w, 2 * w, 3, 2, 1, bias=False), nn.BatchNorm2d(2 * w), nn.ReLU(),
        nn.ConvTranspose2d(2 * w, w, 4, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(),
        nn.ConvTranspose2d(w, 1, 4, 2, 1, bias=False), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(1, w, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
        nn.Conv2d(w, 2 * w, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * w), nn.LeakyReLU(0.2),
        nn.Conv2d(2 * w, 4 * w, 4, 2, 1, bias=False), nn.BatchNorm2d(4 * w), nn.LeakyReLU(0.2),
        nn.Conv2d(4 * w, 1, 3, 1, 0, bias=False), nn.Flatten())
    for net in (g, d):
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):  # not the default 1 and 0, so that they matter
                nn.init.normal_(m.weight, 1.0, 0.2)
                nn.init.normal_(m.bias, 0.0, 0.2)
    state = lambda net: {k: {"shape": list(v.shape), "values": flat(v)} for k, v in net.state_dict().items()}
    before = {"g": state(g), "d": state(d)}
    z = torch.randn(batch, z_len, 1, 1)
    img = g(z)
    logit = d(img)
    loss = F.binary_cross_entropy_with_logits(logit, torch.ones_like(logit))
    loss.backward()
    grads = {f"{net}.{k}": flat(p.grad) for net, m in (("g", g), ("d", d)) for k, p in m.named_parameters()}
    after = {k: flat(v) for net, m in (("g", g), ("d", d)) for k, v in
             ((f"{net}.{k}", v) for k, v in m.state_dict().items()) if "running" in k or "tracked" in k}
    return {
        "latent": z_len, "width": w, "batch": batch, "state": before, "z": flat(z),
        "image": flat(nhwc(img)), "logit": flat(logit), "loss": float(loss.detach()), "grads": grads, "buffers_after": after,
    }


def main():
    torch.manual_seed(0)
    out = {
        "torch": torch.__version__,
        "conv2d": [
            conv_case(2, 3, 4, 7, 6, 3, 2, 1, 1, False),
            conv_case(1, 1, 5, 9, 9, 4, 2, 1, 1, False),
            conv_case(2, 4, 3, 8, 7, 5, 1, 2, 1, False),
            conv_case(1, 2, 3, 9, 8, 3, 1, 2, 2, False),
            conv_case(3, 6, 1, 3, 3, 3, 1, 0, 1, False),
        ],
        "conv_transpose2d": [
            conv_case(2, 4, 3, 4, 4, 3, 2, 1, 1, True),
            conv_case(2, 5, 2, 1, 1, 4, 1, 0, 1, True),
            conv_case(1, 3, 1, 5, 6, 4, 2, 1, 1, True),
            conv_case(1, 2, 3, 3, 4, 3, 2, 0, 1, True, op=1),
            conv_case(1, 2, 2, 4, 3, 3, 3, 1, 2, True, op=2),
        ],
        "batch_norm": [batch_norm_case(4, 3, 3, 2), batch_norm_case(3, 5, 1, 2)],
        "dcgan": dcgan(8, 4, 3),
    }
    with open(os.path.join(HERE, "conv_golden.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
