//! The workflows shipped for the interface are valid prompts for the server's nodes.
use comfy_core::{Graph, Registry};

#[test]
fn the_server_workflows_validate() {
    let mut registry = Registry::new();
    comfy_nodes::register_all(&mut registry);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    for name in [
        "server_gan_live.json",
        "server_generate.json",
        "server_autoencoder.json",
    ] {
        let graph = Graph::load(dir.join(name)).unwrap();
        graph.validate(&registry).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
