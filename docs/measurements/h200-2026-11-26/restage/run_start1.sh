#!/bin/bash
# Ninth device session: does staging a transposed A in the untransposed slab layout
# (COMFY_MATMUL_RESTAGE_A=1) lift matmul_tn at 2048-8192? Two alternating rounds of the square
# products per variant (checked against the CPU backend in round 1), then the GAN step per variant.
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f $icd ] && export VK_DRIVER_FILES=$icd
export XDG_RUNTIME_DIR=/tmp COMFY_REQUIRE_GPU=1
tar -C .dev -xJf .dev/bins.tar.xz
B=.dev/bin
mkdir -p $OUT/r
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > $OUT/r/gpu.txt
timeout 60 $B/kernels --json --square 2048 --only square --backends wgpu > /dev/null 2>&1
for r in 1 2; do
  chk=""; [ $r = 1 ] && chk="--check"
  for v in 0 1; do
    COMFY_MATMUL_RESTAGE_A=$v timeout 150 $B/kernels --json $chk --square 1024,2048,4096,8192 --only square --backends wgpu > $OUT/r/sq_r${r}_v$v.jsonl 2> $OUT/r/sq_r${r}_v$v.err
    echo "round $r restage $v"; grep -o '"gflops":[0-9.]*\|"m":[0-9]*\|"op":"[a-z_]*"' $OUT/r/sq_r${r}_v$v.jsonl | paste -sd' ' | sed 's/"gflops"/\n/g' | head -20
  done
done
grep -h check $OUT/r/*.err | sort -t= -k2 -g | tail -3
COMFY_MATMUL_RESTAGE_A=1 timeout 90 $B/kernels --json --check --gan --backends wgpu > $OUT/r/gan_check_v1.jsonl 2> $OUT/r/gan_check_v1.err
grep -h check $OUT/r/gan_check_v1.err | sort -t= -k2 -g | tail -2
for v in 0 1 0 1; do COMFY_MATMUL_RESTAGE_A=$v timeout 100 $B/gan_speed --device gpu --steps 200 2>/dev/null | sed "s/^/v$v /"; done | tee $OUT/r/gan_speed.txt
tar -C $OUT -czf $OUT/all.tgz r && rm -rf $OUT/r
