//! A node written as a user's crate writes one (public API only), registered beside the
//! built-ins and run in one graph with them; and every shipped workflow validates.
use comfy::core::{
    Context, Executor, Graph, Node, NodeError, NodeInfo, NodeInputs, NodeOutputs, ReferenceBackend, Registry,
    RunStatus, Tensor,
};
use std::sync::Arc;

/// The images a node takes or gives.
#[derive(NodeInputs, NodeOutputs)]
struct Images {
    /// A batch of images in tanh range.
    images: Tensor,
}

/// Inverts images in tanh range: `x → -x` (white digits on black become black on white).
#[derive(Default)]
struct InvertImages;

impl Node for InvertImages {
    type Inputs = Images;
    type Outputs = Images;

    fn info(&self) -> NodeInfo {
        NodeInfo::new("InvertImages", "user").description("Negates every pixel of a tanh-range image batch.")
    }

    fn execute(&self, i: Images, ctx: &mut Context) -> Result<Images, NodeError> {
        let values: Vec<f32> = ctx.backend().to_host(&i.images)?.iter().map(|v| -v).collect();
        Ok(Images {
            images: Tensor::from_vec(values, i.images.shape().clone())?,
        })
    }
}

#[test]
fn a_user_node_runs_between_built_in_nodes() {
    let mut registry = Registry::new();
    comfy::nodes::register_all(&mut registry);
    registry.register::<InvertImages>();
    let mut g = Graph::new();
    let generator = g.add("MlpGenerator");
    g.set(&generator, "hidden", "32").unwrap();
    let images = g.add("GenerateImages");
    g.connect(&generator, 0, &images, "generator").unwrap();
    g.set(&images, "count", 4).unwrap();
    let invert = g.add("InvertImages");
    g.connect(&images, 0, &invert, "images").unwrap();
    let out = std::env::temp_dir().join(format!("comfy-custom-{}.png", std::process::id()));
    let save = g.add("SaveImageGrid");
    g.connect(&invert, 0, &save, "images").unwrap();
    g.set(&save, "rows", 2).unwrap();
    g.set(&save, "cols", 2).unwrap();
    g.set(&save, "path", out.to_string_lossy().as_ref()).unwrap();

    let mut exec = Executor::new(Arc::new(ReferenceBackend));
    let report = exec.run(&registry, &g, &mut ()).unwrap();
    assert_eq!(report.status(), RunStatus::Completed);
    let before = report
        .output(&images, 0)
        .unwrap()
        .as_tensor()
        .unwrap()
        .to_vec()
        .unwrap();
    let after = report
        .output(&invert, 0)
        .unwrap()
        .as_tensor()
        .unwrap()
        .to_vec()
        .unwrap();
    assert_eq!(after, before.iter().map(|v| -v).collect::<Vec<_>>());
    assert!(out.is_file());
}

#[test]
fn every_shipped_workflow_validates_against_the_built_ins() {
    let mut registry = Registry::new();
    comfy::nodes::register_all(&mut registry);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workflows");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let graph = Graph::load(&path).unwrap();
            graph
                .validate(&registry)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            seen += 1;
        }
    }
    assert!(seen >= 2, "expected the shipped workflows in {}", dir.display());
}
