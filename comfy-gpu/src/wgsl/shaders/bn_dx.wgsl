// Batch normalisation's input gradient, element by element over a rows × cols matrix:
// dx = γ invstd (dy − dβ / rows − x̂ dγ / rows), x̂ = (x − mean) invstd, per column j.
struct Params {
    len: u32,
    cols: u32,
    inv_rows: f32,
    _pad0: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
// Per column: mean, invstd, γ, dγ, dβ, one after the other (5 · cols values).
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

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
    let j = i % p.cols;
    let c = p.cols;
    let invstd = stats[c + j];
    let xhat = (x[i] - stats[j]) * invstd;
    let g = dy[i] - stats[4u * c + j] * p.inv_rows - xhat * stats[3u * c + j] * p.inv_rows;
    dx[i] = stats[2u * c + j] * invstd * g;
}
