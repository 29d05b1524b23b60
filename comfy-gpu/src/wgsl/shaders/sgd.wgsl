// One SGD update in place on p and the velocity buf, as torch.optim.SGD applies it:
//   g' = g + wd p;  buf = first ? g' : μ buf + g';  d = nesterov ? g' + μ buf : buf;  p -= lr d
// (with μ = 0 there is no velocity and d = g').
struct Params {
    len: u32,
    lr: f32,
    momentum: f32,
    weight_decay: f32,
    nesterov: u32,
    first: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read_write> buf: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

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
    var d = g[i] + p.weight_decay * w;
    if (p.momentum != 0.0) {
        var b = d;
        if (p.first == 0u) {
            b = p.momentum * buf[i] + d;
        }
        buf[i] = b;
        if (p.nesterov != 0u) {
            d = d + p.momentum * b;
        } else {
            d = b;
        }
    }
    param[i] = w - p.lr * d;
}
