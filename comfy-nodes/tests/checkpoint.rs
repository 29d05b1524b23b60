//! Checkpoints: round trips, PyTorch names and layouts, and every kind of mismatch.
use comfy_core::random::rng_from_seed;
use comfy_core::{Init, ParamStore, Tensor};
use comfy_nodes::checkpoint::{load_params_into, load_tensors, save_params, save_tensors, CheckpointError};
use comfy_nodes::gan::default_discriminator;
use std::collections::HashMap;
use std::path::PathBuf;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("comfy-ckpt-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn params() -> ParamStore {
    default_discriminator()
        .init(&mut rng_from_seed(1), Init::PyTorch)
        .unwrap()
}

#[test]
fn round_trip_keeps_names_shapes_values_and_metadata() {
    let p = params();
    let path = tmp("d.safetensors");
    let meta = HashMap::from([("format".to_string(), "pt".to_string())]);
    save_params(&path, &p, meta.clone()).unwrap();
    let ck = load_tensors(&path).unwrap();
    assert_eq!(ck.metadata, meta);
    let names: Vec<_> = ck
        .tensors
        .iter()
        .map(|(n, t)| (n.as_str(), t.shape().dims().to_vec()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("0.bias", vec![512]),
            ("0.weight", vec![512, 784]),
            ("2.bias", vec![256]),
            ("2.weight", vec![256, 512]),
            ("4.bias", vec![1]),
            ("4.weight", vec![1, 256]),
        ]
    );
    let mut fresh = default_discriminator()
        .init(&mut rng_from_seed(2), Init::PyTorch)
        .unwrap();
    load_params_into(&path, &mut fresh).unwrap();
    for (name, t) in p.iter() {
        assert_eq!(
            fresh.get(name).unwrap().to_vec().unwrap(),
            t.to_vec().unwrap(),
            "{name}"
        );
    }
    // No temporary file of it is left beside it (the folder is shared with the other tests
    // of this file, which write their own while this one runs).
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(".d.safetensors.") && name.ends_with(".tmp")
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn mismatches_name_the_key_and_both_shapes() {
    let path = tmp("small.safetensors");
    let w = Tensor::zeros([3, 2]);
    save_tensors(&path, [("0.weight", &w)], HashMap::new()).unwrap();
    let mut p = ParamStore::new();
    p.insert("0.weight", Tensor::zeros([4, 2]));
    let e = load_params_into(&path, &mut p).unwrap_err();
    assert!(matches!(e, CheckpointError::ShapeMismatch { .. }));
    assert!(
        e.to_string().contains("`0.weight`") && e.to_string().contains("[3, 2]") && e.to_string().contains("[4, 2]")
    );
    p.insert("0.weight", Tensor::zeros([3, 2]));
    p.insert("0.bias", Tensor::zeros([3]));
    let e = load_params_into(&path, &mut p).unwrap_err();
    assert!(
        matches!(e, CheckpointError::MissingKey { ref key, .. } if key == "0.bias"),
        "{e}"
    );
    let mut only_bias = ParamStore::new();
    only_bias.insert("0.bias", Tensor::zeros([3]));
    save_tensors(&path, [("0.bias", &Tensor::zeros([3])), ("extra", &w)], HashMap::new()).unwrap();
    let e = load_params_into(&path, &mut only_bias).unwrap_err();
    assert!(
        matches!(e, CheckpointError::UnexpectedKey { ref key, .. } if key == "extra"),
        "{e}"
    );
}

#[test]
fn corrupt_and_foreign_files_are_errors() {
    let path = tmp("bad.safetensors");
    std::fs::write(&path, b"not a checkpoint at all").unwrap();
    assert!(matches!(load_tensors(&path), Err(CheckpointError::Format { .. })));
    // A header length pointing past the end of the file.
    let mut bytes = 1_000_000u64.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"{}");
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(load_tensors(&path), Err(CheckpointError::Format { .. })));
    // An F64 tensor, hand-built.
    let header = br#"{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#;
    let mut f64_file = (header.len() as u64).to_le_bytes().to_vec();
    f64_file.extend_from_slice(header);
    f64_file.extend_from_slice(&1.0f64.to_le_bytes());
    std::fs::write(&path, &f64_file).unwrap();
    let e = load_tensors(&path).unwrap_err();
    assert!(
        matches!(e, CheckpointError::Dtype { .. }) && e.to_string().contains("`w`"),
        "{e}"
    );
    assert!(matches!(
        load_tensors(&tmp("does-not-exist")),
        Err(CheckpointError::Io { .. })
    ));
}
