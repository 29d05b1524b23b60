// The element-wise functions of comfy_core::UnaryOp and their derivatives, shared by unary.wgsl,
// unary_grad.wgsl and matmul.wgsl (prepended to each). Op codes follow `unary_code` in kernels.rs.

fn sigmoid_stable(x: f32) -> f32 {
    // Never exp of a large positive number: 1/(1+e^-x) for x >= 0, e^x/(1+e^x) below.
    if (x >= 0.0) {
        return 1.0 / (1.0 + exp(-x));
    }
    let e = exp(x);
    return e / (1.0 + e);
}

fn tanh_stable(x: f32) -> f32 {
    // Some drivers build tanh from exp(2x) and overflow to NaN; |x| >= 15 is ±1 in f32 anyway.
    return tanh(clamp(x, -15.0, 15.0));
}

fn unary_apply(op: u32, x: f32, c: f32) -> f32 {
    switch op {
        case 0u: { return -x; }
        case 1u: { return max(x, 0.0); }
        case 2u: { return select(c * x, x, x > 0.0); }
        case 3u: { return sigmoid_stable(x); }
        case 4u: { return tanh_stable(x); }
        case 5u: { return exp(x); }
        case 6u: { return log(x); }
        case 7u: { return x + c; }
        case 8u: { return x * c; }
        case 9u: { return sqrt(x); }
        case 10u: { return 1.0 / sqrt(x); }
        default: { return x; }
    }
}

// dL/dx from the input x, the output y = f(x) and the upstream gradient dy.
fn unary_derivative(op: u32, x: f32, y: f32, dy: f32, c: f32) -> f32 {
    switch op {
        case 0u: { return -dy; }
        case 1u: { return select(0.0, dy, x > 0.0); }
        case 2u: { return select(c * dy, dy, x > 0.0); }
        // sigmoid' = y (1 - y)
        case 3u: { return dy * y * (1.0 - y); }
        // tanh' = 1 - y²
        case 4u: { return dy * (1.0 - y * y); }
        // (e^x)' = e^x = y
        case 5u: { return dy * y; }
        // (ln x)' = 1/x
        case 6u: { return dy / x; }
        case 7u: { return dy; }
        case 8u: { return dy * c; }
        // (√x)' = 1 / (2 √x) = 0.5 / y
        case 9u: { return dy * 0.5 / y; }
        // (x^-½)' = -½ x^-3/2 = -½ y³
        case 10u: { return dy * -0.5 * y * y * y; }
        default: { return dy; }
    }
}

// The flat index of this invocation in a 1-D problem dispatched as a 2-D grid of 256-wide groups.
fn flat_index(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
    return (wid.y * nwg.x + wid.x) * 256u + lid;
}
