// Per-column mean and biased variance of a rows × cols matrix (batch normalisation's
// statistics of an NHWC activation): mean[j] = Σ_i x[i, j] / rows, var[j] = Σ_i (x[i, j] −
// mean[j])² / rows, two passes for accuracy. A 16 × 16 workgroup owns 16 columns; its 16 lanes
// per column stride down the rows and fold their partial sums in workgroup memory, in an order
// fixed by the shape.
struct Params {
    rows: u32,
    cols: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> mean: array<f32>;
@group(0) @binding(2) var<storage, read_write> var_out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

var<workgroup> partial: array<f32, 256>;

// The sum of the 16 lanes of each column in `partial`, left in row 0.
fn fold(slot: u32, ly: u32) {
    for (var half = 8u; half > 0u; half >>= 1u) {
        workgroupBarrier();
        if (ly < half) {
            partial[slot] += partial[slot + half * 16u];
        }
    }
    workgroupBarrier();
}

@compute @workgroup_size(16, 16)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
) {
    // No early return: every invocation must reach the barriers.
    let j = (wid.y * nwg.x + wid.x) * 16u + lid.x;
    let slot = lid.y * 16u + lid.x;
    let inv = 1.0 / f32(max(p.rows, 1u));
    var acc = 0.0;
    if (j < p.cols) {
        for (var i = lid.y; i < p.rows; i += 16u) {
            acc += x[i * p.cols + j];
        }
    }
    partial[slot] = acc;
    fold(slot, lid.y);
    let mu = partial[lid.x] * inv;
    workgroupBarrier();
    acc = 0.0;
    if (j < p.cols) {
        for (var i = lid.y; i < p.rows; i += 16u) {
            let d = x[i * p.cols + j] - mu;
            acc += d * d;
        }
    }
    partial[slot] = acc;
    fold(slot, lid.y);
    if (lid.y == 0u && j < p.cols) {
        mean[j] = mu;
        var_out[j] = partial[lid.x] * inv;
    }
}
