// Copies a block of columns between two row-major matrices with the same number of rows:
// dst[i, dst_off + j] = src[i, src_off + j] for i < rows, j < width (one part of a
// concatenation along the columns, or a slice of them).
struct Params {
    rows: u32,
    width: u32,
    src_cols: u32,
    src_off: u32,
    dst_cols: u32,
    dst_off: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let e = (wid.y * nwg.x + wid.x) * 256u + lid;
    if (e >= p.rows * p.width) {
        return;
    }
    let i = e / p.width;
    let j = e % p.width;
    dst[i * p.dst_cols + p.dst_off + j] = src[i * p.src_cols + p.src_off + j];
}
