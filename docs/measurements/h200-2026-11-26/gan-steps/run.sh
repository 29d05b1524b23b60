#!/bin/bash
# Eighth device session: the shipped kernel's whole GAN step, re-timed (the previous session's
# single batch-64 figure was an outlier): kernels --gan twice after a warm-up pass, gan_speed on
# the GPU and on the CPU backend, PyTorch's CUDA step.
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f $icd ] && export VK_DRIVER_FILES=$icd
export XDG_RUNTIME_DIR=/tmp COMFY_REQUIRE_GPU=1
tar -C .dev -xJf .dev/bins.tar.xz
B=.dev/bin
mkdir -p $OUT/r
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > $OUT/r/gpu.txt
timeout 60 $B/kernels --json --gan --only gan64 --backends wgpu > /dev/null 2>&1
for r in 1 2; do timeout 90 $B/kernels --json --gan --only gan64 --backends wgpu,cpu 2>/dev/null | grep gan_step; done > $OUT/r/kernels_gan.jsonl
cat $OUT/r/kernels_gan.jsonl
timeout 120 $B/gan_speed --device gpu --steps 200 > $OUT/r/gan_speed_gpu.jsonl 2> $OUT/r/gan_speed_gpu.err
timeout 120 $B/gan_speed --device cpu --steps 200 > $OUT/r/gan_speed_cpu.jsonl 2> $OUT/r/gan_speed_cpu.err
cat $OUT/r/gan_speed_*.jsonl; tail -2 $OUT/r/gan_speed_gpu.err
timeout 150 python3 benches/torch_matmul.py --sizes 1024 > $OUT/r/torch.jsonl 2> $OUT/r/torch.err; tail -2 $OUT/r/torch.err
grep gan $OUT/r/torch.jsonl
tar -C $OUT -czf $OUT/all.tgz r && rm -rf $OUT/r
