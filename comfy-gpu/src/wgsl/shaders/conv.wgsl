// A convolution as an implicit GEMM C = A · B (C is M × N, inner dimension K) whose operands are
// never built: each element is gathered from the NHWC image and the PyTorch-layout weight as
// the slabs are staged. The blocking is matmul.wgsl's narrow tile: an 8 × 8 workgroup computes
// a 64 × 64 tile of C, each invocation an 8 × 8 share as four 4 × 4 blocks (row quads ly and
// ly + 8, column quads lx and lx + 8), K walked 16 deep through workgroup slabs of vec4s.
//
// MODE (a pipeline constant) says what A, B and C are; a patch matrix has one row per output
// position and one column per (tap, channel), channels fastest:
//   0 forward:         A = patches of x (M = N·OH·OW, K = kh·kw·Cin), B[(t, ci)][co] = w[co, ci, t],
//                      C = y (NHWC rows).
//   1 input gradient, one phase (residue class of the input pixels modulo the stride, see
//                      comfy_core::Phase): A = the phase's patches of dy (M = N·count_y·count_x,
//                      K = taps_y·taps_x·Cout), B[(j, co)][ci] = w[co, ci, tap j], C = the
//                      phase's pixels of dx (every stride-th pixel).
//   2 weight gradient, split along K: A[co][pixel] = dy[pixel, co] (M = Cout, K = the pixels of
//                      workgroup z's share), B = patches of x (N = kh·kw·Cin), C = partial sums
//                      of split z, [Cout, N]; conv_reduce.wgsl adds the splits in order.
// Elements outside the operands (past an edge, in the padding) are 0, so any shape is correct.
override MODE: u32 = 0u;

const WG: u32 = 8u;
const TILE: u32 = 64u;
const DEPTH: u32 = 16u;
const QUADS: u32 = 16u;   // TILE / 4
const SQ: u32 = 4u;       // DEPTH / 4
const SLAB: u32 = 256u;   // QUADS · DEPTH
const THREADS: u32 = 64u;
const LOADS: u32 = 4u;    // SLAB / THREADS

struct Params {
    // The GEMM.
    m: u32,
    n: u32,
    k: u32,
    // Pixels of K per split (MODE 2).
    k_split: u32,
    // The convolution (in its forward direction).
    in_h: u32,
    in_w: u32,
    in_c: u32,
    out_c: u32,
    out_h: u32,
    out_w: u32,
    kh: u32,
    kw: u32,
    stride_y: u32,
    stride_x: u32,
    pad_y: u32,
    pad_x: u32,
    dil_y: u32,
    dil_x: u32,
    // The phase (MODE 1): input rows residue + q·stride, q < count; tap j is kernel index
    // first_tap + j·tap_step and reads output row q + offset − j·shift.
    count_y: u32,
    count_x: u32,
    taps_y: u32,
    taps_x: u32,
    first_y: u32,
    first_x: u32,
    step_y: u32,
    step_x: u32,
    offset_y: i32,
    offset_x: i32,
    shift_y: i32,
    shift_x: i32,
    residue_y: u32,
    residue_x: u32,
}

// The image the patches come from: x (MODES 0 and 2) or dy (MODE 1).
@group(0) @binding(0) var<storage, read> img: array<f32>;
// The other operand: the weight w (MODES 0 and 1) or dy (MODE 2).
@group(0) @binding(1) var<storage, read> aux: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

var<workgroup> a_slab: array<vec4<f32>, SLAB>;
var<workgroup> b_slab: array<vec4<f32>, SLAB>;

// Element (pixel, col) of the forward patch matrix of `img` (the input x, NHWC).
fn patch_at(pixel: u32, col: u32) -> f32 {
    let per_image = p.out_h * p.out_w;
    let n = pixel / per_image;
    let oy = (pixel / p.out_w) % p.out_h;
    let ox = pixel % p.out_w;
    let t = col / p.in_c;
    let ci = col % p.in_c;
    let iy = i32(oy * p.stride_y + (t / p.kw) * p.dil_y) - i32(p.pad_y);
    let ix = i32(ox * p.stride_x + (t % p.kw) * p.dil_x) - i32(p.pad_x);
    if (iy < 0 || ix < 0 || iy >= i32(p.in_h) || ix >= i32(p.in_w)) {
        return 0.0;
    }
    return img[((n * p.in_h + u32(iy)) * p.in_w + u32(ix)) * p.in_c + ci];
}

// Element (row, col) of the phase's patch matrix of `img` (the output gradient dy, NHWC).
fn phase_patch(row: u32, col: u32) -> f32 {
    let per_image = p.count_y * p.count_x;
    let n = row / per_image;
    let qy = (row / p.count_x) % p.count_y;
    let qx = row % p.count_x;
    let j = col / p.out_c;
    let co = col % p.out_c;
    let oy = i32(qy) + p.offset_y - i32(j / p.taps_x) * p.shift_y;
    let ox = i32(qx) + p.offset_x - i32(j % p.taps_x) * p.shift_x;
    if (oy < 0 || ox < 0 || oy >= i32(p.out_h) || ox >= i32(p.out_w)) {
        return 0.0;
    }
    return img[((n * p.out_h + u32(oy)) * p.out_w + u32(ox)) * p.out_c + co];
}

// The K range of this workgroup: all of K, or split z's share (MODE 2).
fn k_end(z: u32) -> u32 {
    if (MODE == 2u) {
        return min((z + 1u) * p.k_split, p.k);
    }
    return p.k;
}

fn a_at(row: u32, kk: u32, end: u32) -> f32 {
    if (row >= p.m || kk >= end) {
        return 0.0;
    }
    switch MODE {
        case 0u: { return patch_at(row, kk); }
        case 1u: { return phase_patch(row, kk); }
        default: { return aux[kk * p.out_c + row]; }
    }
}

fn b_at(kk: u32, col: u32, end: u32) -> f32 {
    if (col >= p.n || kk >= end) {
        return 0.0;
    }
    let taps = p.kh * p.kw;
    switch MODE {
        case 0u: {
            // B[(t, ci)][co] = w[co, ci, t]
            return aux[(col * p.in_c + kk % p.in_c) * taps + kk / p.in_c];
        }
        case 1u: {
            // B[(j, co)][ci] = w[co, ci, ky(j), kx(j)]
            let j = kk / p.out_c;
            let ky = p.first_y + (j / p.taps_x) * p.step_y;
            let kx = p.first_x + (j % p.taps_x) * p.step_x;
            return aux[((kk % p.out_c) * p.in_c + col) * taps + ky * p.kw + kx];
        }
        default: { return patch_at(kk, col); }
    }
}

fn a_block(ty: u32, s: u32) -> mat4x4<f32> {
    return mat4x4<f32>(
        a_slab[(4u * ty) * SQ + s],
        a_slab[(4u * ty + 1u) * SQ + s],
        a_slab[(4u * ty + 2u) * SQ + s],
        a_slab[(4u * ty + 3u) * SQ + s],
    );
}

fn b_block(tx: u32, s: u32) -> mat4x4<f32> {
    return mat4x4<f32>(
        b_slab[(4u * s) * QUADS + tx],
        b_slab[(4u * s + 1u) * QUADS + tx],
        b_slab[(4u * s + 2u) * QUADS + tx],
        b_slab[(4u * s + 3u) * QUADS + tx],
    );
}

@compute @workgroup_size(8, 8)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
) {
    // No early return: every invocation takes part in staging and reaches the barriers; the
    // bounds are guarded in a_at / b_at and in the store.
    let row0 = wid.y * TILE;
    let col0 = wid.x * TILE;
    let tid = lid.y * WG + lid.x;
    var k_begin = 0u;
    if (MODE == 2u) {
        k_begin = wid.z * p.k_split;
    }
    let end = k_end(wid.z);
    var acc00 = mat4x4<f32>();
    var acc01 = mat4x4<f32>();
    var acc10 = mat4x4<f32>();
    var acc11 = mat4x4<f32>();
    for (var k0 = k_begin; k0 < end; k0 += DEPTH) {
        for (var l = 0u; l < LOADS; l++) {
            let i = l * THREADS + tid;
            // A: depths 4s .. 4s+3 of one row.
            let ar = row0 + i / SQ;
            let ak = k0 + 4u * (i % SQ);
            a_slab[i] = vec4<f32>(a_at(ar, ak, end), a_at(ar, ak + 1u, end), a_at(ar, ak + 2u, end), a_at(ar, ak + 3u, end));
            // B: columns 4q .. 4q+3 at one depth.
            let bk = k0 + i / QUADS;
            let bc = col0 + 4u * (i % QUADS);
            b_slab[i] = vec4<f32>(b_at(bk, bc, end), b_at(bk, bc + 1u, end), b_at(bk, bc + 2u, end), b_at(bk, bc + 3u, end));
        }
        workgroupBarrier();
        for (var s = 0u; s < SQ; s++) {
            let a0 = a_block(lid.y, s);
            let a1 = a_block(lid.y + WG, s);
            let b0 = b_block(lid.x, s);
            let b1 = b_block(lid.x + WG, s);
            acc00 += b0 * a0;
            acc01 += b1 * a0;
            acc10 += b0 * a1;
            acc11 += b1 * a1;
        }
        workgroupBarrier();
    }
    store_block(acc00, row0 + 4u * lid.y, col0 + 4u * lid.x, wid.z);
    store_block(acc01, row0 + 4u * lid.y, col0 + 4u * (lid.x + WG), wid.z);
    store_block(acc10, row0 + 4u * (lid.y + WG), col0 + 4u * lid.x, wid.z);
    store_block(acc11, row0 + 4u * (lid.y + WG), col0 + 4u * (lid.x + WG), wid.z);
}

// Where C[i][j] goes.
fn out_index(i: u32, j: u32, z: u32) -> u32 {
    switch MODE {
        case 1u: {
            // Row i of the phase is input pixel (n, residue + qy·stride, residue + qx·stride).
            let per_image = p.count_y * p.count_x;
            let n = i / per_image;
            let iy = p.residue_y + ((i / p.count_x) % p.count_y) * p.stride_y;
            let ix = p.residue_x + (i % p.count_x) * p.stride_x;
            return ((n * p.in_h + iy) * p.in_w + ix) * p.in_c + j;
        }
        case 2u: { return (z * p.m + i) * p.n + j; }
        default: { return i * p.n + j; }
    }
}

fn store_block(block: mat4x4<f32>, i0: u32, j0: u32, z: u32) {
    for (var r = 0u; r < 4u; r++) {
        let i = i0 + r;
        let row = block[r];
        for (var c = 0u; c < 4u; c++) {
            let j = j0 + c;
            if (i < p.m && j < p.n) {
                out[out_index(i, j, z)] = row[c];
            }
        }
    }
}
