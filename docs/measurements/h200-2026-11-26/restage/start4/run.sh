#!/bin/bash
# Ninth device session, fourth start: which shader text keeps nn/nt at their old speed with the
# faster tn? exp = previous kernel; s1 = the first shipped text; v2 = the transposed staging
# inside stage_a; v3 = the experiment's text with the masked loads. 4096 and 8192, two rounds.
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f $icd ] && export VK_DRIVER_FILES=$icd
export XDG_RUNTIME_DIR=/tmp COMFY_REQUIRE_GPU=1
tar -C .dev -xJf .dev/bins.tar.xz
B=.dev/bin
mkdir -p $OUT/t
timeout 60 $B/kernels_s1 --json --square 2048 --only square --backends wgpu > /dev/null 2>&1
show() { grep -o '"gflops":[0-9.]*\|"m":[0-9]*\|"op":"[a-z_]*"' $1 | paste -sd' ' | sed 's/"gflops"/\n/g' | tr '\n' '|'; echo; }
for r in 1 2; do
  for v in exp s1 v2 v3; do
    COMFY_MATMUL_RESTAGE_A=0 timeout 100 $B/kernels_$v --json --square 4096,8192 --only square --backends wgpu > $OUT/t/r${r}_$v.jsonl 2>/dev/null
    echo "round $r $v"; show $OUT/t/r${r}_$v.jsonl
  done
done
tar -C $OUT -czf $OUT/text.tgz t && rm -rf $OUT/t
