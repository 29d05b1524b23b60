// The weight gradient from conv.wgsl's split partial sums: w[co, ci, t] = Σ_z part[z, co, t·Cin + ci],
// the splits added in order (so the result does not depend on scheduling), written in PyTorch's
// [Cout, Cin, kh, kw] layout.
struct Params {
    len: u32,
    splits: u32,
    in_c: u32,
    taps: u32,
}

@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let i = (wid.y * nwg.x + wid.x) * 256u + lid;
    if (i >= p.len) {
        return;
    }
    let t = i % p.taps;
    let ci = (i / p.taps) % p.in_c;
    let co = i / (p.taps * p.in_c);
    let cols = p.taps * p.in_c;
    let per_split = p.len;
    var sum = 0.0;
    for (var z = 0u; z < p.splits; z++) {
        sum += part[z * per_split + co * cols + t * p.in_c + ci];
    }
    out[i] = sum;
}
