//! `HtmlReport`: the finished run report, `index.html`, with every picture embedded.
use crate::atomic::atomic_write;
use crate::report::{EmbeddedPng, Figure, ReportPage, RunState, TrainingRun, GAN_TITLE, SAMPLES_ZOOM};
use comfy_core::{Context, CustomValue, Image, InputPort, Inputs, Node, NodeError, NodeSchema, Outputs};
use std::path::Path;
use std::sync::Arc;

impl CustomValue for TrainingRun {
    const TYPE_NAME: &'static str = "TRAINING_RUN";
}

/// Writes the final report page of a training run.
#[derive(Default)]
pub struct HtmlReportNode;

/// One optional picture input and how the page shows it.
struct Picture {
    port: &'static str,
    /// The page's id for it, the same as on the live page.
    id: &'static str,
    title: &'static str,
    caption: &'static str,
    zoom: u32,
}

const PICTURES: [Picture; 3] = [
    Picture {
        port: "samples",
        id: "samples",
        title: "Final samples",
        caption: "The fixed latent batch through the trained generator.",
        zoom: SAMPLES_ZOOM,
    },
    Picture {
        port: "loss_curve",
        id: "loss-curve",
        title: "Losses",
        caption: "Discriminator and generator loss (BCE) at every step.",
        zoom: 1,
    },
    Picture {
        port: "classified",
        id: "classified",
        title: "Real vs fake",
        caption: "Held-out real digits (left) and generated ones (right), framed green where the trained discriminator judges them real and red where it judges them fake, with its P(real).",
        zoom: 1,
    },
];

impl Node for HtmlReportNode {
    fn schema(&self) -> NodeSchema {
        let mut schema = NodeSchema::new("HtmlReport", "viewer")
            .description("Writes a self-contained HTML page (no network; pictures embedded) with the run's settings, final progress and the given pictures. It replaces the live page the GanTrainer keeps in its report_dir, and does not reload itself.")
            .input(InputPort::custom::<TrainingRun>("run"));
        for picture in &PICTURES {
            schema = schema.input(InputPort::image(picture.port).optional());
        }
        schema
            .input(InputPort::string("path").default("out/index.html"))
            .output_node()
    }

    fn execute(&self, inputs: &Inputs, _ctx: &mut Context) -> Result<Outputs, NodeError> {
        let run = inputs.custom::<TrainingRun>("run")?;
        let mut figures = Vec::new();
        for p in &PICTURES {
            let Some(value) = inputs.get(p.port) else { continue };
            let image: &Arc<Image> = value
                .as_image()
                .ok_or_else(|| NodeError::msg(format!("{} must be an image", p.port)))?;
            figures.push(Figure {
                id: p.id,
                title: p.title.to_string(),
                caption: p.caption.to_string(),
                picture: Some(EmbeddedPng::from_image(p.port, image).map_err(NodeError::other)?),
                zoom: p.zoom,
            });
        }
        let page = ReportPage {
            title: GAN_TITLE,
            state: &RunState::Finished,
            run,
            figures: &figures,
        };
        let path = Path::new(inputs.string("path")?);
        atomic_write(path, page.to_html().as_bytes())
            .map_err(|e| NodeError::msg(format!("{}: {e}", path.display())))?;
        Ok(Outputs::new())
    }
}
