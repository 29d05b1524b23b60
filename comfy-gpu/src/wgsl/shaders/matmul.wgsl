// C = op(A) · op(B) (+ bias) (then act), C is M × N, the inner dimension K. Row-major storage:
// A is M × K, or K × M when TRANS_A; B is K × N, or N × K when TRANS_B.
//
// Tiling: a WG × WG workgroup computes a (8 WG) × (8 WG) tile of C — 64 × 64 with WG = 8 (the
// default), 128 × 128 with WG = 16 (for large products, where the larger tile halves the
// traffic from memory per multiply-add); each invocation owns an 8 × 8 share
// (register blocking) as four 4 × 4 blocks held in mat4x4s: row quads ly and ly + WG, column
// quads lx and lx + WG (strided, so that neighbouring invocations touch neighbouring memory).
// The K dimension is walked 16 deep at a time: the workgroup stages a TILE × 16 slab of op(A)
// and a 16 × TILE slab of op(B) in workgroup memory as vec4s of four values consecutive in the
// operand's memory (a single vec4 load when VEC_A / VEC_B say that the contiguous dimension is
// a multiple of 4, else four scalar loads). Each slab vec4 is written whole by one invocation
// (WGSL lets a component write touch the whole vector, so no two invocations may share one);
// then every invocation multiplies 4 × 4 blocks out of the slabs into its accumulators: per
// 4 depths, 8 vec4 reads feed 4 block products (256 multiply-adds). Out-of-range elements load
// as 0, so any shape is correct at the edges.
//
// Slab layouts (q: a group of 4 rows or columns, s: a group of 4 depths, SQ = DEPTH / 4):
//   A, either layout:            a_slab[row * SQ + s]          = depths 4s..4s+3 of row; a
//                                K × M A (TRANS_A) is read as rows 4q..4q+3 at four depths
//                                and transposed in registers while staging, which made
//                                `matmul_tn` 1.2–1.5× faster at 2048³–8192³ on an H200 than
//                                transposing each block in the inner loop, level with `nn`.
//   B, K × N (contiguous cols):  b_slab[depth * QUADS + q]     = columns 4q..4q+3 at depth
//   B, N × K (TRANS_B):          b_slab[col * SQ + s + col / 4] = depths 4s..4s+3 of col; the
//                                one vec4 of padding per 4 columns keeps reads conflict-free
//                                across column groups on hardware with memory banks.
//
// Measured on lavapipe (llvmpipe, 2 cores): ≈ 8–10 GFLOP/s at 256³–512³, against ≈ 0.4 for a
// plain 16 × 16-tiled kernel with one output per invocation. On an NVIDIA H200 (Vulkan): 25–26
// TFLOP/s at 4096³–8192³ (nn) with 128 × 128 tiles, half of cuBLAS's fp32 rate. Keeping the
// accumulators in four named variables instead of an array indexed in the store loop made it
// 1.5–2.9× faster there (see docs/measurements/h200-2026-11-26/).

// A and B are bound as arrays of vec4 (every pooled buffer is a multiple of 16 bytes); the
// scalar path reads one component of them.
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override VEC_A: bool = false;
override VEC_B: bool = false;
// Add bias[j] to column j.
override BIAS: bool = false;
// Apply unary_apply(ACT, ·, p.c) last (linear layers); ACT = 255 means none.
override ACT: u32 = 255u;

// Invocations along each side of the workgroup: 8 or 16.
override WG: u32 = 8u;
override TILE: u32 = 8u * WG;       // 4 · WG · 2 (blocks per side of a share): rows and columns of C
const DEPTH: u32 = 16u;             // K per stage
override QUADS: u32 = TILE / 4u;    // vec4s across a slab row
const SQ: u32 = 4u;                 // DEPTH / 4: vec4s along a slab column
override SLAB: u32 = QUADS * DEPTH; // = TILE · SQ: vec4s per slab
override THREADS: u32 = WG * WG;
override LOADS: u32 = SLAB / THREADS; // vec4s each invocation stages per slab: 4 or 2
override B_SLAB: u32 = SLAB + QUADS;  // with one vec4 of padding per 4 columns (TRANS_B)

struct Params {
    m: u32,
    n: u32,
    k: u32,
    c: f32,
}

@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

var<workgroup> a_slab: array<vec4<f32>, SLAB>;
var<workgroup> b_slab: array<vec4<f32>, B_SLAB>;

fn load_a(flat: u32) -> f32 {
    return a[flat >> 2u][flat & 3u];
}

fn load_b(flat: u32) -> f32 {
    return b[flat >> 2u][flat & 3u];
}

// Four consecutive values of A starting at flat index `flat`, of which the first `valid` are
// in range (0 to 4).
fn quad_a(flat: u32, valid: u32) -> vec4<f32> {
    if (VEC_A) {
        if (valid == 0u) {
            return vec4<f32>(0.0);
        }
        return a[flat >> 2u];
    }
    var v = vec4<f32>(0.0);
    for (var q = 0u; q < 4u; q++) {
        if (q < valid) {
            v[q] = load_a(flat + q);
        }
    }
    return v;
}

fn quad_b(flat: u32, valid: u32) -> vec4<f32> {
    if (VEC_B) {
        if (valid == 0u) {
            return vec4<f32>(0.0);
        }
        return b[flat >> 2u];
    }
    var v = vec4<f32>(0.0);
    for (var q = 0u; q < 4u; q++) {
        if (q < valid) {
            v[q] = load_b(flat + q);
        }
    }
    return v;
}

// How many of the four indices start, start+1, .. start+3 are below `end`.
fn count_valid(start: u32, end: u32) -> u32 {
    if (start >= end) {
        return 0u;
    }
    return min(end - start, 4u);
}

// Stages vec4 `tid` of the A slab (0 .. SLAB, in LOADS passes of THREADS).
fn stage_a(tid: u32, row0: u32, k0: u32) {
    if (TRANS_A) {
        // Four vec4s per unit, SLAB / 4 ≤ THREADS units: all in the first pass.
        if (tid < SLAB / 4u) {
            stage_a_transposed(tid, row0, k0);
        }
    } else {
        // A is M × K, contiguous along K: depths 4s .. 4s+3 of one row.
        var v = vec4<f32>(0.0);
        let gi = row0 + tid / SQ;
        let gk = k0 + 4u * (tid % SQ);
        if (gi < p.m) {
            v = quad_a(gi * p.k + gk, count_valid(gk, p.k));
        }
        a_slab[tid] = v;
    }
}

// Rows gi .. gi+3 of a K × M A at depth gk (the first `valid` of them in range), zero past K.
// The load is made in range and masked rather than branched around: on lavapipe a branch per
// load made the staging cost more than the multiply-adds.
fn depth_quad_a(gk: u32, gi: u32, valid: u32) -> vec4<f32> {
    let v = quad_a(min(gk, p.k - 1u) * p.m + gi, valid);
    return select(vec4<f32>(0.0), v, gk < p.k);
}

// A is K × M (TRANS_A), staged in the M × K layout: `unit` (0 .. SLAB / 4) covers rows
// 4q .. 4q+3 at depths 4s .. 4s+3, read as four vec4s along M (neighbouring units read
// neighbouring row quads) and written as four vec4s along K. SLAB / 4 = TILE units: one per
// invocation with 8 × 8 invocations, half of them with 16 × 16.
fn stage_a_transposed(unit: u32, row0: u32, k0: u32) {
    let q = unit % QUADS;
    let s = unit / QUADS;
    let gi = row0 + 4u * q;
    let gk = k0 + 4u * s;
    let valid = count_valid(gi, p.m);
    let d0 = depth_quad_a(gk, gi, valid);
    let d1 = depth_quad_a(gk + 1u, gi, valid);
    let d2 = depth_quad_a(gk + 2u, gi, valid);
    let d3 = depth_quad_a(gk + 3u, gi, valid);
    // Row 4q + r over the four depths is component r of each.
    a_slab[(4u * q) * SQ + s] = vec4<f32>(d0.x, d1.x, d2.x, d3.x);
    a_slab[(4u * q + 1u) * SQ + s] = vec4<f32>(d0.y, d1.y, d2.y, d3.y);
    a_slab[(4u * q + 2u) * SQ + s] = vec4<f32>(d0.z, d1.z, d2.z, d3.z);
    a_slab[(4u * q + 3u) * SQ + s] = vec4<f32>(d0.w, d1.w, d2.w, d3.w);
}

fn stage_b(tid: u32, col0: u32, k0: u32) {
    var v = vec4<f32>(0.0);
    if (TRANS_B) {
        // B is N × K, contiguous along K: depths 4s .. 4s+3 of one column.
        let gj = col0 + tid / SQ;
        let gk = k0 + 4u * (tid % SQ);
        if (gj < p.n) {
            v = quad_b(gj * p.k + gk, count_valid(gk, p.k));
        }
        b_slab[tid + tid / (4u * SQ)] = v;
    } else {
        // B is K × N, contiguous along N: columns 4q .. 4q+3 at one depth.
        let gk = k0 + tid / QUADS;
        let gj = col0 + 4u * (tid % QUADS);
        if (gk < p.k) {
            v = quad_b(gk * p.n + gj, count_valid(gj, p.n));
        }
        b_slab[tid] = v;
    }
}

// Rows 4 ty .. 4 ty + 3 of op(A) at depths 4s .. 4s+3: column r holds row r over the depths
// (both layouts of A are staged this way).
fn a_block(ty: u32, s: u32) -> mat4x4<f32> {
    return mat4x4<f32>(
        a_slab[(4u * ty) * SQ + s],
        a_slab[(4u * ty + 1u) * SQ + s],
        a_slab[(4u * ty + 2u) * SQ + s],
        a_slab[(4u * ty + 3u) * SQ + s],
    );
}

// Depths 4s .. 4s+3 of op(B) at columns 4 tx .. 4 tx + 3: column e holds depth e over the columns.
fn b_block(tx: u32, s: u32) -> mat4x4<f32> {
    if (TRANS_B) {
        let base = (4u * tx) * SQ + s + tx;
        return transpose(mat4x4<f32>(
            b_slab[base],
            b_slab[base + SQ],
            b_slab[base + 2u * SQ],
            b_slab[base + 3u * SQ],
        ));
    }
    return mat4x4<f32>(
        b_slab[(4u * s) * QUADS + tx],
        b_slab[(4u * s + 1u) * QUADS + tx],
        b_slab[(4u * s + 2u) * QUADS + tx],
        b_slab[(4u * s + 3u) * QUADS + tx],
    );
}

@compute @workgroup_size(WG, WG)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
) {
    // No early return: every invocation takes part in staging and reaches the barriers.
    let row0 = wid.y * TILE;
    let col0 = wid.x * TILE;
    let tid = lid.y * WG + lid.x;
    // The four 4 × 4 blocks of the invocation's share: accRC holds row quad ly + WG R and column
    // quad lx + WG C; its column r is row r of the block over the block's 4 columns. Four named
    // variables rather than an array: an array indexed in a loop may be placed in slow
    // per-invocation memory instead of registers.
    var acc00 = mat4x4<f32>();
    var acc01 = mat4x4<f32>();
    var acc10 = mat4x4<f32>();
    var acc11 = mat4x4<f32>();
    for (var k0 = 0u; k0 < p.k; k0 += DEPTH) {
        for (var l = 0u; l < LOADS; l++) {
            stage_a(l * THREADS + tid, row0, k0);
            stage_b(l * THREADS + tid, col0, k0);
        }
        workgroupBarrier();
        for (var s = 0u; s < SQ; s++) {
            let a0 = a_block(lid.y, s);
            let a1 = a_block(lid.y + WG, s);
            let b0 = b_block(lid.x, s);
            let b1 = b_block(lid.x + WG, s);
            // (B A)[r] = Σ_e A[r][e] B[e]: row r of a block gains Σ_e a(r, e) b(e, ·).
            acc00 += b0 * a0;
            acc01 += b1 * a0;
            acc10 += b0 * a1;
            acc11 += b1 * a1;
        }
        workgroupBarrier();
    }
    store_block(acc00, row0 + 4u * lid.y, col0 + 4u * lid.x);
    store_block(acc01, row0 + 4u * lid.y, col0 + 4u * (lid.x + WG));
    store_block(acc10, row0 + 4u * (lid.y + WG), col0 + 4u * lid.x);
    store_block(acc11, row0 + 4u * (lid.y + WG), col0 + 4u * (lid.x + WG));
}

// Writes the 4 × 4 block whose top-left value is C[i0][j0] (column r of `block` is row r),
// with the bias and activation, skipping values past the edges.
fn store_block(block: mat4x4<f32>, i0: u32, j0: u32) {
    for (var r = 0u; r < 4u; r++) {
        let i = i0 + r;
        let row = block[r];
        for (var c = 0u; c < 4u; c++) {
            let j = j0 + c;
            if (i < p.m && j < p.n) {
                var v = row[c];
                if (BIAS) {
                    v += bias[j];
                }
                if (ACT != 255u) {
                    v = unary_apply(ACT, v, p.c);
                }
                out[i * p.n + j] = v;
            }
        }
    }
}
