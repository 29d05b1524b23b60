//! `RealVsFake`: the discriminator judges real and generated images, drawn side by side.
use super::dataset_nodes::positive;
use super::gan_nodes::to_image;
use crate::gan::Network;
use crate::viewer::{real_vs_fake, save_png, ClassifiedOptions, ImageBatch, Judged, ValueRange};
use comfy_core::{Backend, Context, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs, PortType, Tensor, Value};
use std::sync::Arc;

/// Runs the discriminator on real and generated images and saves the view of its verdicts.
#[derive(Default)]
pub struct RealVsFakeNode;

impl Node for RealVsFakeNode {
    fn schema(&self) -> NodeSchema {
        NodeSchema::new("RealVsFake", "viewer")
            .description("Runs the discriminator on real and generated images ([n, pixels], square grayscale) and saves a PNG: real on the left, generated on the right, each framed green if D judges it real (sigmoid of its logit >= threshold) or red if fake, with the score. Also outputs the share of each half judged real.")
            .input(InputPort::custom::<Network>("discriminator"))
            .input(InputPort::tensor("real"))
            .input(InputPort::tensor("generated"))
            .input(InputPort::int("count").default(32).range(1, 4096).tooltip("images per half (at most)"))
            .input(InputPort::int("cols").default(8).range(1, 256))
            .input(InputPort::int("scale").default(2).range(1, 16).tooltip("integer upscaling of every image"))
            .input(InputPort::float("threshold").default(0.5).range(0.0, 1.0))
            .input(InputPort::choice("range", ["-1..1", "0..1"]).default("-1..1"))
            .input(InputPort::string("path").default("out/classified.png"))
            .output("image", PortType::Image)
            .output("real_judged_real", PortType::Float)
            .output("generated_judged_real", PortType::Float)
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, ctx: &mut Context) -> Result<Outputs, NodeError> {
        let d = inputs.custom::<Network>("discriminator")?;
        let count = positive(inputs.int("count")?, "count")?;
        let backend = ctx.backend().clone();
        let real = judge(d, &backend, inputs.tensor("real")?, count, "real")?;
        let fake = judge(d, &backend, inputs.tensor("generated")?, count, "generated")?;
        let options = ClassifiedOptions {
            cols: positive(inputs.int("cols")?, "cols")? as u32,
            scale: positive(inputs.int("scale")?, "scale")? as u32,
            threshold: inputs.float("threshold")? as f32,
            range: if inputs.string("range")? == "0..1" {
                ValueRange::ZeroToOne
            } else {
                ValueRange::MinusOneToOne
            },
        };
        let real_half = Judged::real(real.batch()?, &real.p_real).map_err(NodeError::other)?;
        let fake_half = Judged::generated(fake.batch()?, &fake.p_real).map_err(NodeError::other)?;
        let picture = real_vs_fake(&real_half, &fake_half, &options).map_err(NodeError::other)?;
        save_png(inputs.string("path")?, &picture).map_err(NodeError::other)?;
        let share = |half: &Judged| half.judged_real(options.threshold) as f64 / half.count().max(1) as f64;
        let image = to_image(&picture)?;
        ctx.preview(image.clone());
        Ok(Outputs::new()
            .with(Value::Image(image.into()))
            .with(share(&real_half))
            .with(share(&fake_half)))
    }
}

/// Up to `count` images of one half, host-side, with D's probability that each is real.
struct Scored {
    pixels: Vec<f32>,
    p_real: Vec<f32>,
    n: usize,
    side: usize,
}

impl Scored {
    fn batch(&self) -> Result<ImageBatch<'_>, NodeError> {
        ImageBatch::gray(&self.pixels, self.n, self.side, self.side).map_err(NodeError::other)
    }
}

fn judge(
    d: &Network,
    backend: &Arc<dyn Backend>,
    images: &Tensor,
    count: usize,
    port: &str,
) -> Result<Scored, NodeError> {
    let (rows, pixels) = images.shape().rows_cols();
    let wanted = d.mlp.input_size();
    let side = (pixels as f64).sqrt().round() as usize;
    if pixels != wanted || side * side != pixels {
        return Err(NodeError::msg(format!(
            "{port}: images of {pixels} values do not fit a discriminator that takes {wanted} (square grayscale images)"
        )));
    }
    let n = rows.min(count);
    let mut values = backend.to_host(images)?;
    values.truncate(n * pixels);
    let x = Tensor::from_vec(values.clone(), [n, pixels])?;
    let logits = backend.to_host(&d.infer(backend, &x)?)?;
    Ok(Scored {
        pixels: values,
        p_real: logits.iter().map(|&z| sigmoid(z)).collect(),
        n,
        side,
    })
}

/// `1 / (1 + e^-z)`, written so that neither branch overflows.
fn sigmoid(z: f32) -> f32 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}
