//! `HtmlReport`: the finished run report, `index.html`, with every picture embedded.
use crate::atomic::atomic_write;
use crate::report::{EmbeddedPng, Figure, ReportPage, RunState, TrainingRun, GAN_TITLE, SAMPLES_ZOOM};
use comfy_core::{Context, CustomValue, Image, Node, NodeError, NodeInfo, NodeInputs, WritePath};
use std::sync::Arc;

impl CustomValue for TrainingRun {
    const TYPE_NAME: &'static str = "TRAINING_RUN";
}

/// The inputs of [`HtmlReportNode`].
#[derive(NodeInputs)]
pub struct HtmlReportInputs {
    /// The trainer's run: settings and progress.
    pub run: Arc<TrainingRun>,
    /// The final sample grid.
    pub samples: Option<Arc<Image>>,
    /// The loss curve.
    pub loss_curve: Option<Arc<Image>>,
    /// The real-vs-fake view.
    pub classified: Option<Arc<Image>>,
    /// The HTML file to write.
    #[port(default = "out/index.html")]
    pub path: WritePath,
}

/// Writes the final report page of a training run.
#[derive(Default)]
pub struct HtmlReportNode;

/// How the page shows one picture input.
struct Picture {
    /// The page's id for it, the same as on the live page.
    id: &'static str,
    title: &'static str,
    caption: &'static str,
    zoom: u32,
}

const SAMPLES: Picture = Picture {
    id: "samples",
    title: "Final samples",
    caption: "The fixed latent batch through the trained generator.",
    zoom: SAMPLES_ZOOM,
};

const LOSS_CURVE: Picture = Picture {
    id: "loss-curve",
    title: "Losses",
    caption: "Discriminator and generator loss (BCE) at every step.",
    zoom: 1,
};

const CLASSIFIED: Picture = Picture {
    id: "classified",
    title: "Real vs fake",
    caption: "Held-out real digits (left) and generated ones (right), framed green where the trained discriminator judges them real and red where it judges them fake, with its P(real).",
    zoom: 1,
};

impl Node for HtmlReportNode {
    type Inputs = HtmlReportInputs;
    type Outputs = ();

    fn info(&self) -> NodeInfo {
        NodeInfo::new("HtmlReport", "viewer")
            .display_name("HTML Report")
            .description("Writes a self-contained HTML page (no network; pictures embedded) with the run's settings, final progress and the given pictures. It replaces the live page the GanTrainer keeps in its report_dir, and does not reload itself.")
            .output_node()
    }

    fn execute(&self, i: HtmlReportInputs, _ctx: &mut Context) -> Result<(), NodeError> {
        let pictures = [
            (&SAMPLES, "samples", &i.samples),
            (&LOSS_CURVE, "loss_curve", &i.loss_curve),
            (&CLASSIFIED, "classified", &i.classified),
        ];
        let mut figures = Vec::new();
        for (p, port, image) in pictures {
            let Some(image) = image else { continue };
            figures.push(Figure {
                id: p.id,
                title: p.title.to_string(),
                caption: p.caption.to_string(),
                picture: Some(EmbeddedPng::from_image(port, image).map_err(NodeError::other)?),
                zoom: p.zoom,
            });
        }
        let page = ReportPage {
            title: GAN_TITLE,
            state: &RunState::Finished,
            run: &i.run,
            figures: &figures,
        };
        let path = i.path.require("path")?;
        atomic_write(path, page.to_html().as_bytes()).map_err(|e| NodeError::msg(format!("{}: {e}", path.display())))
    }
}
