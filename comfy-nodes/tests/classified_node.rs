//! The RealVsFake node: D's verdicts on both halves, the PNG, and port-naming errors.
use comfy_core::{Context, DynNode, Inputs, Tensor, Value};
use comfy_nodes::gan::{default_discriminator, Network};
use comfy_nodes::nodes::RealVsFakeNode;

fn inputs(d: &Network, real: Tensor, generated: Tensor, path: &std::path::Path) -> Inputs {
    Inputs::new()
        .with("discriminator", Value::custom(d.clone()))
        .with("real", real)
        .with("generated", generated)
        .with("count", 3)
        .with("cols", 8)
        .with("scale", 2)
        .with("threshold", 0.5)
        .with("range", "-1..1")
        .with("path", path.to_string_lossy().into_owned())
}

#[test]
fn judges_both_halves_and_saves_the_view() {
    let dir = std::env::temp_dir().join(format!("comfy-classified-node-{}", std::process::id()));
    let path = dir.join("classified.png");
    let d = Network::mlp(&default_discriminator(), 7).unwrap();
    let real = Tensor::from_vec(vec![-1.0; 4 * 784], [4, 784]).unwrap();
    let fake = Tensor::from_vec((0..5 * 784).map(|i| (i % 7) as f32 / 3.5 - 1.0).collect(), [5, 784]).unwrap();
    let mut ctx = Context::reference();
    let out = RealVsFakeNode
        .execute_values(&inputs(&d, real.clone(), fake.clone(), &path), &mut ctx)
        .unwrap();
    let values = out.values();
    let Value::Image(image) = &values[0] else {
        panic!("first output is the picture")
    };
    let saved = image::open(&path).unwrap().to_rgb8();
    assert_eq!(saved.dimensions(), (image.width(), image.height()));
    // The shares judged real, from D's logits on the first three images of each half.
    let share = |x: &Tensor| {
        let rows = Tensor::from_vec(x.to_vec().unwrap()[..3 * 784].to_vec(), [3, 784]).unwrap();
        let logits = d.infer(ctx.backend(), &rows, None).unwrap().to_vec().unwrap();
        logits.iter().filter(|&&z| 1.0 / (1.0 + (-z).exp()) >= 0.5).count() as f64 / 3.0
    };
    assert_eq!(values[1].as_float(), Some(share(&real)));
    assert_eq!(values[2].as_float(), Some(share(&fake)));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn images_that_do_not_fit_the_discriminator_name_the_port() {
    let d = Network::mlp(&default_discriminator(), 7).unwrap();
    let real = Tensor::from_vec(vec![0.0; 2 * 784], [2, 784]).unwrap();
    let small = Tensor::from_vec(vec![0.0; 2 * 100], [2, 100]).unwrap();
    let path = std::env::temp_dir().join("comfy-classified-node-unused.png");
    let err = RealVsFakeNode
        .execute_values(&inputs(&d, real, small, &path), &mut Context::reference())
        .unwrap_err();
    assert!(err.to_string().contains("generated: images of 100 values"), "{err}");
}
