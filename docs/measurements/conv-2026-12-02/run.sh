#!/bin/sh
# The DCGAN step, Comfy and PyTorch alternating in one session, and the kernels conv rows.
# Run from the repository root after `cargo build --release --example gan_speed --example
# kernels`; every command takes the exclusive benchmark lock. Output: this folder's *.jsonl.
set -e
out=docs/measurements/conv-2026-12-02
py=${PYTHON:-.venv-torch/bin/python}
rounds=${ROUNDS:-2}
steps=${STEPS:-60}
for r in $(seq "$rounds"); do
    for malloc in padded glibc; do
        flock -x /tmp/cpu.lock target/release/examples/gan_speed --model dcgan --batch 64 256 \
            --steps "$steps" --warmup 5 --malloc "$malloc" | sed "s/}\$/, \"round\": $r}/" >> "$out/dcgan_step.jsonl"
    done
    flock -x /tmp/cpu.lock "$py" benches/torch_dcgan_bench.py --batch 64 256 --steps "$steps" --warmup 5 \
        | sed "s/}\$/, \"round\": $r}/" >> "$out/dcgan_step.jsonl"
done
flock -x /tmp/cpu.lock target/release/examples/kernels --only conv --rounds 2 --torch "$py" --json >> "$out/kernels_conv.jsonl"
flock -x /tmp/cpu.lock target/release/examples/kernels --only conv --rounds 1 --torch "$py" > "$out/kernels_conv.txt"
