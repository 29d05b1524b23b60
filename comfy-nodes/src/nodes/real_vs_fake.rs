//! `RealVsFake`: the discriminator judges real and generated images, drawn side by side.
use super::viewer_nodes::{save_and_show, value_range};
use crate::dataset::PixelScale;
use crate::network::Network;
use crate::viewer::{real_vs_fake, ClassifiedOptions, ImageBatch, Judged};
use comfy_core::{Backend, Context, Image, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, Tensor, WritePath};
use std::sync::Arc;

/// The inputs of [`RealVsFakeNode`].
#[derive(NodeInputs)]
pub struct RealVsFakeInputs {
    /// The trained discriminator.
    pub discriminator: Arc<Network>,
    /// Real images `[n, pixels]`.
    pub real: Tensor,
    /// Generated images `[n, pixels]`.
    pub generated: Tensor,
    /// Images per half (at most).
    #[port(default = 32, min = 1, max = 4096)]
    pub count: usize,
    /// Images per row of each half.
    #[port(default = 8, min = 1, max = 256)]
    pub cols: u32,
    /// Integer upscaling of every image.
    #[port(default = 2, min = 1, max = 16)]
    pub scale: u32,
    /// P(real) from which an image counts as judged real.
    #[port(default = 0.5, min = 0.0, max = 1.0)]
    pub threshold: f32,
    /// The images' value range.
    #[port(default = "-1..1")]
    pub range: PixelScale,
    /// The PNG file to write.
    #[port(default = "out/classified.png")]
    pub path: WritePath,
}

/// The verdicts.
#[derive(NodeOutputs)]
pub struct RealVsFakeOutputs {
    /// The picture.
    pub image: Arc<Image>,
    /// The share of real images judged real.
    pub real_judged_real: f64,
    /// The share of generated images judged real (the ones that fool D).
    pub generated_judged_real: f64,
}

/// Runs the discriminator on real and generated images and saves the view of its verdicts.
#[derive(Default)]
pub struct RealVsFakeNode;

impl Node for RealVsFakeNode {
    type Inputs = RealVsFakeInputs;
    type Outputs = RealVsFakeOutputs;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("RealVsFake", "viewer")
            .display_name("Real vs Fake")
            .description("Runs the discriminator on real and generated images ([n, pixels], square grayscale) and saves a PNG: real on the left, generated on the right, each framed green if D judges it real (sigmoid of its logit >= threshold) or red if fake, with the score. Also outputs the share of each half judged real.")
            .output_node()
    }

    fn execute(&self, i: RealVsFakeInputs, ctx: &mut Context) -> Result<RealVsFakeOutputs, NodeError> {
        let d = &i.discriminator;
        let backend = ctx.backend().clone();
        let real = judge(d, &backend, &i.real, i.count, "real")?;
        let fake = judge(d, &backend, &i.generated, i.count, "generated")?;
        let options = ClassifiedOptions {
            cols: i.cols,
            scale: i.scale,
            threshold: i.threshold,
            range: value_range(i.range),
        };
        let real_half = Judged::real(real.batch()?, &real.p_real).map_err(NodeError::other)?;
        let fake_half = Judged::generated(fake.batch()?, &fake.p_real).map_err(NodeError::other)?;
        let picture = real_vs_fake(&real_half, &fake_half, &options).map_err(NodeError::other)?;
        let share = |half: &Judged| half.judged_real(options.threshold) as f64 / half.count().max(1) as f64;
        let shown = save_and_show(ctx, &picture, &i.path, "path")?;
        Ok(RealVsFakeOutputs {
            image: shown.image,
            real_judged_real: share(&real_half),
            generated_judged_real: share(&fake_half),
        })
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
    let wanted = d.input_size();
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
    let logits = backend.to_host(&d.infer(backend, &x, None)?)?;
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
