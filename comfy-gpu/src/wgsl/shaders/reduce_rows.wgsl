// Reduction over the rows of a rows × cols matrix: out[j] = fold_i x[i * cols + j] (a bias
// gradient). A 16 × 16 workgroup owns 16 columns; its 16 lanes per column stride down the rows
// and then fold their partial results in workgroup memory. The fold is the pipeline constant
// OP: 0 sum, 1 max.
override OP: u32 = 0u;

struct Params {
    rows: u32,
    cols: u32,
    // The bits of -inf (0xff800000): a literal infinity is not a valid WGSL constant.
    neg_inf_bits: u32,
    _pad0: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

var<workgroup> partial: array<f32, 256>;

fn fold(a: f32, b: f32) -> f32 {
    if (OP == 0u) {
        return a + b;
    }
    return max(a, b);
}

fn identity() -> f32 {
    if (OP == 0u) {
        return 0.0;
    }
    return bitcast<f32>(p.neg_inf_bits);
}

@compute @workgroup_size(16, 16)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
) {
    // No early return: every invocation must reach the barriers below.
    let j = (wid.y * nwg.x + wid.x) * 16u + lid.x;
    var acc = identity();
    if (j < p.cols) {
        for (var i = lid.y; i < p.rows; i += 16u) {
            acc = fold(acc, x[i * p.cols + j]);
        }
    }
    let slot = lid.y * 16u + lid.x;
    partial[slot] = acc;
    for (var half = 8u; half > 0u; half >>= 1u) {
        workgroupBarrier();
        if (lid.y < half) {
            partial[slot] = fold(partial[slot], partial[slot + half * 16u]);
        }
    }
    if (lid.y == 0u && j < p.cols) {
        out[j] = partial[lid.x];
    }
}
