//! Element-wise functions of one and of two tensors, with their derivative rules: the values
//! every backend computes, point by point.

/// Element-wise functions of one tensor, with their derivative rules.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `max(x, 0)`
    Relu,
    /// `x` if `x > 0`, else `slope * x`
    LeakyRelu(f32),
    /// `1 / (1 + e^-x)`
    Sigmoid,
    /// `tanh(x)`
    Tanh,
    /// `e^x`
    Exp,
    /// `ln x`
    Log,
    /// `x + c`
    AddScalar(f32),
    /// `x * c`
    MulScalar(f32),
    /// `√x`
    Sqrt,
    /// `1 / √x`
    Rsqrt,
}

impl UnaryOp {
    /// The function at one point.
    #[inline]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            UnaryOp::Neg => -x,
            UnaryOp::Relu => x.max(0.0),
            UnaryOp::LeakyRelu(s) => {
                if x > 0.0 {
                    x
                } else {
                    s * x
                }
            }
            UnaryOp::Sigmoid => sigmoid(x),
            UnaryOp::Tanh => x.tanh(),
            UnaryOp::Exp => x.exp(),
            UnaryOp::Log => x.ln(),
            UnaryOp::AddScalar(c) => x + c,
            UnaryOp::MulScalar(c) => x * c,
            UnaryOp::Sqrt => x.sqrt(),
            UnaryOp::Rsqrt => 1.0 / x.sqrt(),
        }
    }

    /// `dL/dx` from the input `x`, the output `y = f(x)` and the upstream gradient `dy`.
    #[inline]
    pub fn grad(self, x: f32, y: f32, dy: f32) -> f32 {
        match self {
            UnaryOp::Neg => -dy,
            // d relu/dx = 1 where x > 0, else 0.
            UnaryOp::Relu => {
                if x > 0.0 {
                    dy
                } else {
                    0.0
                }
            }
            UnaryOp::LeakyRelu(s) => {
                if x > 0.0 {
                    dy
                } else {
                    s * dy
                }
            }
            // d sigmoid/dx = y (1 - y)
            UnaryOp::Sigmoid => dy * y * (1.0 - y),
            // d tanh/dx = 1 - y²
            UnaryOp::Tanh => dy * (1.0 - y * y),
            // d e^x/dx = e^x = y
            UnaryOp::Exp => dy * y,
            // d ln x/dx = 1/x
            UnaryOp::Log => dy / x,
            UnaryOp::AddScalar(_) => dy,
            UnaryOp::MulScalar(c) => dy * c,
            // d √x/dx = 1 / (2 √x) = 0.5 / y
            UnaryOp::Sqrt => dy * 0.5 / y,
            // d x^-½/dx = -½ x^-3/2 = -½ y³
            UnaryOp::Rsqrt => dy * -0.5 * y * y * y,
        }
    }

    /// True when the derivative can be computed from the output alone, so that a fused
    /// `linear` needs to keep only its output (relu family with a positive slope, sigmoid, tanh,
    /// square root and its reciprocal).
    pub fn grad_from_output(self) -> bool {
        match self {
            UnaryOp::Relu | UnaryOp::Sigmoid | UnaryOp::Tanh | UnaryOp::Sqrt | UnaryOp::Rsqrt => true,
            UnaryOp::LeakyRelu(s) => s > 0.0,
            _ => false,
        }
    }
}

/// A numerically stable logistic function.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Binary cross-entropy of a logit `x` against a target `t`, computed without overflow:
/// `max(x, 0) - x t + ln(1 + e^-|x|)`.
#[inline]
pub fn bce_with_logits(x: f32, t: f32) -> f32 {
    x.max(0.0) - x * t + (-x.abs()).exp().ln_1p()
}

/// Element-wise functions of two tensors (see [`crate::BinaryLayout`] for broadcasting).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BinaryOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
}

impl BinaryOp {
    /// The function at one point.
    #[inline]
    pub fn apply(self, a: f32, b: f32) -> f32 {
        match self {
            BinaryOp::Add => a + b,
            BinaryOp::Sub => a - b,
            BinaryOp::Mul => a * b,
            BinaryOp::Div => a / b,
        }
    }

    /// Name used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Sub => "sub",
            BinaryOp::Mul => "mul",
            BinaryOp::Div => "div",
        }
    }
}
