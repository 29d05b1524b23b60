//! Model files: a network's parameters and buffers as safetensors with PyTorch's names, and its
//! layer list in the file's metadata, so that a model file alone rebuilds the model.
use crate::checkpoint::{check_params, load_tensors, save_params, CheckpointError};
use crate::network::Network;
use comfy_core::nn::{Init, Sequential};
use comfy_core::random::rng_from_seed;
use comfy_core::{Backend, Mlp};
use std::collections::HashMap;
use std::path::Path;

/// The metadata key under which a model file records its layer list (the JSON of
/// [`Sequential`]).
pub const ARCHITECTURE_KEY: &str = "comfy.architecture";

/// The key older files recorded an MLP under (`{"sizes": […], "hidden": …, "output": …}`).
const LEGACY_MLP_KEY: &str = "comfy.mlp";

/// Writes `network` (read back from `backend`) to `path`, atomically: every parameter and
/// buffer under its PyTorch name, the layer list under [`ARCHITECTURE_KEY`], and
/// `format = pt` for `safetensors.torch`.
pub fn save_network(path: &Path, network: &Network, backend: &dyn Backend) -> Result<(), CheckpointError> {
    let tensor_err = |source| CheckpointError::Tensor {
        path: path.into(),
        source,
    };
    let host = network.params.to_host(backend).map_err(tensor_err)?;
    let arch = network.arch.to_json().map_err(tensor_err)?;
    let meta = HashMap::from([
        ("format".to_string(), "pt".to_string()),
        (ARCHITECTURE_KEY.to_string(), arch),
    ]);
    save_params(path, &host, meta)
}

/// The model a file holds. Its layer list comes from the file's metadata; `expected`, when
/// given, must be the same architecture (a file that describes another model is refused),
/// and stands in for a file that records none. Every tensor must match the layers by name and
/// shape; nothing half-loaded is ever returned.
pub fn load_network(path: &Path, expected: Option<&Network>) -> Result<Network, CheckpointError> {
    let ckpt = load_tensors(path)?;
    let recorded = recorded_architecture(path, &ckpt.metadata)?;
    let arch = match (expected, recorded) {
        (Some(net), Some(file)) if net.arch != file => {
            return Err(CheckpointError::Architecture {
                path: path.into(),
                msg: format!(
                    "the file holds {} and the model given is {}",
                    describe(&file),
                    describe(&net.arch)
                ),
            })
        }
        (Some(net), _) => net.arch.clone(),
        (None, Some(file)) => file,
        (None, None) => {
            return Err(CheckpointError::Architecture {
                path: path.into(),
                msg: format!(
                    "the file does not record its architecture (no `{ARCHITECTURE_KEY}` metadata); give a model of its architecture"
                ),
            })
        }
    };
    // A store with every name, shape and buffer mark, filled from the file.
    let mut params = arch
        .init(&mut rng_from_seed(0), Init::PyTorch)
        .map_err(|source| CheckpointError::Tensor {
            path: path.into(),
            source,
        })?;
    check_params(path, &params, &ckpt.tensors)?;
    for (name, t) in ckpt.tensors {
        params.insert(name, t);
    }
    Ok(Network { arch, params })
}

/// The layer list a file's metadata records, if any.
fn recorded_architecture(path: &Path, meta: &HashMap<String, String>) -> Result<Option<Sequential>, CheckpointError> {
    let bad = |msg: String| CheckpointError::Architecture { path: path.into(), msg };
    if let Some(json) = meta.get(ARCHITECTURE_KEY) {
        return Sequential::from_json(json)
            .map(Some)
            .map_err(|e| bad(format!("its `{ARCHITECTURE_KEY}` metadata is not a layer list: {e}")));
    }
    if let Some(json) = meta.get(LEGACY_MLP_KEY) {
        let mlp: Mlp = serde_json::from_str(json)
            .map_err(|e| bad(format!("its `{LEGACY_MLP_KEY}` metadata is not an MLP: {e}")))?;
        return mlp.to_sequential().map(Some).map_err(|e| bad(e.to_string()));
    }
    Ok(None)
}

/// A layer list in one line, for messages: `784 features → 512 features → … → 1 features`.
pub fn describe(arch: &Sequential) -> String {
    let mut parts = vec![arch.input().to_string()];
    for layer in arch.layers() {
        parts.push(layer.describe());
    }
    parts.join(" → ")
}
