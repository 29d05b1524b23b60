// out[b, j, i] = x[b, i, j]: `batch` matrices of rows × cols, each transposed (NHWC ↔ NCHW).
// One invocation per output value, so neighbouring invocations write neighbouring memory.
struct Params {
    batch: u32,
    rows: u32,
    cols: u32,
    _pad0: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let e = (wid.y * nwg.x + wid.x) * 256u + lid;
    let size = p.rows * p.cols;
    if (e >= p.batch * size) {
        return;
    }
    let b = e / size;
    let rest = e % size;
    // Output (b, j, i) with j < cols, i < rows.
    let j = rest / p.rows;
    let i = rest % p.rows;
    out[e] = x[b * size + i * p.cols + j];
}
