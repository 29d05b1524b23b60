//! What the fuzz targets (`fuzz/`) check on one input, shared with the stable test that runs
//! their seed corpus and every crash they found (`tests/fuzz_corpus.rs`). Each function
//! returns quietly for any input — an error from the reader is a fine answer — and panics
//! only when a reader breaks a promise.
use crate::checkpoint::tensors_from_bytes;
use crate::dataset::idx::{encode_idx, idx_from_file_bytes, parse_idx};
use crate::dataset::{decode_image, ColorMode, FolderOptions};
use comfy_core::{Graph, Registry};
use std::path::Path;
use std::sync::OnceLock;

/// The IDX reader on a file's bytes (raw or gzipped): what parses encodes back to the same
/// array.
pub fn idx(data: &[u8]) {
    let path = Path::new("fuzz.idx");
    if let Ok(array) = idx_from_file_bytes(data, path) {
        let again = parse_idx(encode_idx(&array), path).expect("an encoded array parses");
        assert_eq!(again, array, "IDX round trip");
    }
}

/// The workflow loader and validator with every built-in node registered: a loaded graph
/// validates to a verdict and saves and loads back to the same JSON.
pub fn workflow(data: &[u8]) {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    let registry = REGISTRY.get_or_init(|| {
        let mut r = Registry::new();
        crate::register_all(&mut r);
        r
    });
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(graph) = Graph::from_json(text) else { return };
    let _ = graph.validate(registry);
    let saved = graph.to_json().expect("a loaded graph saves");
    let reloaded = Graph::from_json(&saved).expect("a saved graph loads");
    assert_eq!(
        reloaded.to_json().expect("it saves again"),
        saved,
        "workflow round trip"
    );
}

/// The safetensors reader: every tensor read has as many values as its shape says.
pub fn safetensors(data: &[u8]) {
    if let Ok(ckpt) = tensors_from_bytes(data, Path::new("fuzz.safetensors")) {
        for (name, t) in &ckpt.tensors {
            let values = t.to_vec().expect("a host tensor");
            assert_eq!(values.len(), t.shape().numel(), "tensor `{name}`");
        }
    }
}

/// The image-folder decoder, gray and RGB: exactly `width × height × channels` bytes.
pub fn image(data: &[u8]) {
    for color in [ColorMode::Gray, ColorMode::Rgb] {
        let o = FolderOptions {
            width: 9,
            height: 7,
            color,
        };
        if let Ok(pixels) = decode_image(data, Path::new("fuzz.png"), &o) {
            assert_eq!(pixels.len(), 9 * 7 * color.channels(), "{color:?} pixels");
        }
    }
}
