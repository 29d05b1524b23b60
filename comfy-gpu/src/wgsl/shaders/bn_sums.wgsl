// The per-column sums of batch normalisation's backward pass over a rows × cols matrix:
// dbeta[j] = Σ_i dy[i, j] and dgamma[j] = Σ_i dy[i, j] · (x[i, j] − mean[j]) · invstd[j].
// Laid out as bn_stats.wgsl: 16 columns per 16 × 16 workgroup, a fixed folding order.
struct Params {
    rows: u32,
    cols: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> invstd: array<f32>;
@group(0) @binding(4) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(5) var<storage, read_write> dbeta: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

var<workgroup> sum_dy: array<f32, 256>;
var<workgroup> sum_dyx: array<f32, 256>;

@compute @workgroup_size(16, 16)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
) {
    // No early return: every invocation must reach the barriers.
    let j = (wid.y * nwg.x + wid.x) * 16u + lid.x;
    let slot = lid.y * 16u + lid.x;
    var a = 0.0;
    var b = 0.0;
    if (j < p.cols) {
        let mu = mean[j];
        for (var i = lid.y; i < p.rows; i += 16u) {
            let g = dy[i * p.cols + j];
            a += g;
            b += g * (x[i * p.cols + j] - mu);
        }
    }
    sum_dy[slot] = a;
    sum_dyx[slot] = b;
    for (var half = 8u; half > 0u; half >>= 1u) {
        workgroupBarrier();
        if (lid.y < half) {
            sum_dy[slot] += sum_dy[slot + half * 16u];
            sum_dyx[slot] += sum_dyx[slot + half * 16u];
        }
    }
    workgroupBarrier();
    if (lid.y == 0u && j < p.cols) {
        dbeta[j] = sum_dy[lid.x];
        dgamma[j] = sum_dyx[lid.x] * invstd[j];
    }
}
