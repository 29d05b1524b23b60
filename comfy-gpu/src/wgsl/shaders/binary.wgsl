// out = a ∘ b over a rows × cols matrix; each operand is read as comfy_core::Broadcast says:
// 0 full (i * cols + j), 1 row (j), 2 column (i), 3 scalar (0). ∘ is the pipeline constant OP:
// 0 add, 1 sub, 2 mul, 3 div.
override OP: u32 = 0u;

struct Params {
    len: u32,
    cols: u32,
    lhs: u32,
    rhs: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

fn operand_index(how: u32, idx: u32, i: u32, j: u32) -> u32 {
    switch how {
        case 0u: { return idx; }
        case 1u: { return j; }
        case 2u: { return i; }
        default: { return 0u; }
    }
}

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let idx = (wid.y * nwg.x + wid.x) * 256u + lid;
    if (idx >= p.len) {
        return;
    }
    let i = idx / p.cols;
    let j = idx - i * p.cols;
    let x = a[operand_index(p.lhs, idx, i, j)];
    let z = b[operand_index(p.rhs, idx, i, j)];
    var r: f32;
    switch OP {
        case 0u: { r = x + z; }
        case 1u: { r = x - z; }
        case 2u: { r = x * z; }
        default: { r = x / z; }
    }
    out[idx] = r;
}
