// Reduction along each row of a rows × cols matrix: out[i] = fold_j x[i * cols + j], skipping
// flat indices >= len (a last, partial row when the whole tensor is folded in chunks). One
// 256-wide workgroup per row strides along it, then folds in workgroup memory. The fold is the
// pipeline constant OP: 0 sum, 1 max.
override OP: u32 = 0u;

struct Params {
    rows: u32,
    cols: u32,
    len: u32,
    // The bits of -inf (0xff800000): a literal infinity is not a valid WGSL constant.
    neg_inf_bits: u32,
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

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    // No early return: every invocation must reach the barriers below.
    let row = wid.y * nwg.x + wid.x;
    var acc = identity();
    if (row < p.rows) {
        let start = row * p.cols;
        let end = min(start + p.cols, p.len);
        for (var k = start + lid; k < end; k += 256u) {
            acc = fold(acc, x[k]);
        }
    }
    partial[lid] = acc;
    for (var half = 128u; half > 0u; half >>= 1u) {
        workgroupBarrier();
        if (lid < half) {
            partial[lid] = fold(partial[lid], partial[lid + half]);
        }
    }
    if (lid == 0u && row < p.rows) {
        out[row] = partial[0];
    }
}
