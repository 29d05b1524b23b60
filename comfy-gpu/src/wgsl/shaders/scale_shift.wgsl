// y = act(x · scale[j] + shift[j]) element by element over a rows × cols matrix (batch
// normalisation's affine pass, one scale and shift per column, then the activation ACT of
// unary_fn.wgsl; 255 for none).
override ACT: u32 = 255u;

struct Params {
    len: u32,
    cols: u32,
    c: f32,
    _pad0: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> scale: array<f32>;
@group(0) @binding(2) var<storage, read> shift: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
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
    var v = x[i] * scale[j] + shift[j];
    if (ACT != 255u) {
        v = unary_apply(ACT, v, p.c);
    }
    y[i] = v;
}
