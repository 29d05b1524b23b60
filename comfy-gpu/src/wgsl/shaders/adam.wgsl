// One Adam update in place on p, m and v, as torch.optim.Adam applies it (L2 decay on the gradient):
//   g' = g + wd p;  m = β1 m + (1-β1) g';  v = β2 v + (1-β2) g'²
//   p -= (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps)
// step_size = lr / bc1 and sqrt_bc2 are computed on the host in f32, as the reference does.
struct Params {
    len: u32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    weight_decay: f32,
    step_size: f32,
    sqrt_bc2: f32,
    _pad: u32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
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
    let w = param[i];
    let gi = g[i] + p.weight_decay * w;
    let mi = p.beta1 * m[i] + (1.0 - p.beta1) * gi;
    let vi = p.beta2 * v[i] + (1.0 - p.beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    param[i] = w - p.step_size * mi / (sqrt(vi) / p.sqrt_bc2 + p.eps);
}
