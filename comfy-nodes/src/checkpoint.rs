//! Checkpoints as safetensors files, with PyTorch's `state_dict` names and layouts, so that a
//! model trained here loads in PyTorch (`safetensors.torch.load_file`) and back.
use crate::atomic::atomic_write;
use comfy_core::{ParamStore, Tensor};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The largest checkpoint file read: 4 GiB.
pub const MAX_CHECKPOINT_BYTES: u64 = 4 << 30;

/// Why a checkpoint could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The file could not be written or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Not a valid safetensors file (bad header, out-of-bounds offsets…).
    #[error("{}: not a valid safetensors file: {msg}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What the parser reported.
        msg: String,
    },
    /// A tensor the model needs is not in the file.
    #[error("{}: missing tensor `{key}` (expected shape {expected:?})", path.display())]
    MissingKey {
        /// The file.
        path: PathBuf,
        /// The tensor name.
        key: String,
        /// Its shape in the model.
        expected: Vec<usize>,
    },
    /// The file has a tensor the model does not.
    #[error("{}: unexpected tensor `{key}` with shape {found:?}, which the model does not have", path.display())]
    UnexpectedKey {
        /// The file.
        path: PathBuf,
        /// The tensor name.
        key: String,
        /// Its shape in the file.
        found: Vec<usize>,
    },
    /// A tensor whose shape differs from the model's.
    #[error("{}: tensor `{key}` has shape {found:?} in the file but {expected:?} in the model", path.display())]
    ShapeMismatch {
        /// The file.
        path: PathBuf,
        /// The tensor name.
        key: String,
        /// Shape in the model.
        expected: Vec<usize>,
        /// Shape in the file.
        found: Vec<usize>,
    },
    /// A tensor that is not float32.
    #[error("{}: tensor `{key}` is {dtype}, only F32 is supported", path.display())]
    Dtype {
        /// The file.
        path: PathBuf,
        /// The tensor name.
        key: String,
        /// Its element type.
        dtype: String,
    },
    /// A valid file that this run cannot continue from (another kind of file, or one written
    /// by a run with a different batch size, dataset or seed).
    #[error("{}: cannot resume from it: {msg}", path.display())]
    Incompatible {
        /// The file.
        path: PathBuf,
        /// What does not fit.
        msg: String,
    },
    /// Reading a tensor back from the device (or uploading one) failed.
    #[error("{}: {source}", path.display())]
    Tensor {
        /// The file.
        path: PathBuf,
        /// The backend's error.
        source: comfy_core::Error,
    },
    /// A model file whose recorded architecture is missing, unreadable, or not the model's.
    #[error("{}: {msg}", path.display())]
    Architecture {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        msg: String,
    },
    /// A tensor on a device was given; read it back to the host first.
    #[error("{}: tensor `{key}` is not in host memory", path.display())]
    NotOnHost {
        /// The file.
        path: PathBuf,
        /// The tensor name.
        key: String,
    },
}

/// Named host tensors read from a checkpoint, in the file's order, plus its metadata.
#[derive(Clone, Debug, Default)]
pub struct Checkpoint {
    /// The tensors.
    pub tensors: Vec<(String, Tensor)>,
    /// The `__metadata__` strings.
    pub metadata: HashMap<String, String>,
}

/// Writes host tensors as a safetensors file, atomically.
pub fn save_tensors<'a>(
    path: &Path,
    tensors: impl IntoIterator<Item = (&'a str, &'a Tensor)>,
    metadata: HashMap<String, String>,
) -> Result<(), CheckpointError> {
    let mut bytes: Vec<(String, Vec<u8>, Vec<usize>)> = Vec::new();
    for (name, t) in tensors {
        let data = t.host_data().ok_or_else(|| CheckpointError::NotOnHost {
            path: path.into(),
            key: name.into(),
        })?;
        bytes.push((name.to_string(), f32_le_bytes(data), t.shape().dims().to_vec()));
    }
    let views = bytes
        .iter()
        .map(|(n, b, s)| {
            let view = TensorView::new(Dtype::F32, s.clone(), b).map_err(|e| CheckpointError::Format {
                path: path.into(),
                msg: e.to_string(),
            })?;
            Ok((n.as_str(), view))
        })
        .collect::<Result<Vec<_>, CheckpointError>>()?;
    let meta = (!metadata.is_empty()).then_some(metadata);
    let format = |msg: String| CheckpointError::Format { path: path.into(), msg };
    let out = safetensors::serialize(views, meta).map_err(|e| format(e.to_string()))?;
    let out = with_sorted_header(out).map_err(format)?;
    atomic_write(path, &out).map_err(|source| CheckpointError::Io {
        path: path.into(),
        source,
    })
}

/// The same safetensors bytes with the header's keys in sorted order. The `safetensors` crate
/// writes the `__metadata__` map in hash order, which changes from process to process; sorted,
/// the same tensors and metadata always give the same file. Tensor offsets are relative to the
/// data, which stays as it is.
fn with_sorted_header(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let len_bytes: [u8; 8] = bytes
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .ok_or("no header length")?;
    let len = usize::try_from(u64::from_le_bytes(len_bytes)).map_err(|e| e.to_string())?;
    let header = bytes.get(8..8 + len).ok_or("header past the end")?;
    // Every top-level value (`__metadata__` and each tensor's dtype, shape and offsets) is an
    // object of scalars and arrays, so sorting two levels sorts every key.
    type Header = std::collections::BTreeMap<String, std::collections::BTreeMap<String, serde_json::Value>>;
    let sorted: Header = serde_json::from_slice(header).map_err(|e| e.to_string())?;
    let mut text = serde_json::to_vec(&sorted).map_err(|e| e.to_string())?;
    // The data must start 8-byte aligned, as the crate itself pads.
    text.resize(text.len().next_multiple_of(8), b' ');
    let mut out = Vec::with_capacity(8 + text.len() + bytes.len() - 8 - len);
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(&text);
    out.extend_from_slice(&bytes[8 + len..]);
    Ok(out)
}

/// Little-endian bytes of f32 values (the safetensors layout).
fn f32_le_bytes(data: &[f32]) -> Vec<u8> {
    data.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Reads every tensor of a safetensors file (F32 only) into host tensors.
pub fn load_tensors(path: &Path) -> Result<Checkpoint, CheckpointError> {
    let io = |source| CheckpointError::Io {
        path: path.into(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_CHECKPOINT_BYTES {
        return Err(CheckpointError::Format {
            path: path.into(),
            msg: format!("{len} bytes is over the {MAX_CHECKPOINT_BYTES}-byte limit"),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    tensors_from_bytes(&bytes, path)
}

/// Reads every tensor of safetensors bytes (F32 only) into host tensors: the header is
/// bounds-checked (by the `safetensors` crate) before any tensor is read. `path` only names the
/// source in errors.
pub fn tensors_from_bytes(bytes: &[u8], path: &Path) -> Result<Checkpoint, CheckpointError> {
    let format = |e: safetensors::SafeTensorError| CheckpointError::Format {
        path: path.into(),
        msg: e.to_string(),
    };
    let (_, meta) = SafeTensors::read_metadata(bytes).map_err(format)?;
    let st = SafeTensors::deserialize(bytes).map_err(format)?;
    let mut tensors = Vec::new();
    let mut names: Vec<&str> = st.names();
    names.sort_unstable();
    for name in names {
        let view = st.tensor(name).map_err(format)?;
        if view.dtype() != Dtype::F32 {
            return Err(CheckpointError::Dtype {
                path: path.into(),
                key: name.into(),
                dtype: format!("{:?}", view.dtype()),
            });
        }
        let values: Vec<f32> = view
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let t = Tensor::from_vec(values, view.shape().to_vec()).map_err(|e| CheckpointError::Format {
            path: path.into(),
            msg: format!("tensor `{name}`: {e}"),
        })?;
        tensors.push((name.to_string(), t));
    }
    Ok(Checkpoint {
        tensors,
        metadata: meta.metadata().clone().unwrap_or_default(),
    })
}

/// Saves a parameter store (read back to the host first if it lives on a device).
pub fn save_params(path: &Path, params: &ParamStore, metadata: HashMap<String, String>) -> Result<(), CheckpointError> {
    save_tensors(path, params.iter(), metadata)
}

/// Loads a checkpoint into a model's parameters, requiring exactly the model's names and
/// shapes: a missing, extra or mis-shaped tensor is an error naming the key and both shapes,
/// and nothing is changed unless everything matches.
pub fn load_params_into(path: &Path, params: &mut ParamStore) -> Result<HashMap<String, String>, CheckpointError> {
    let ckpt = load_tensors(path)?;
    check_params(path, params, &ckpt.tensors)?;
    for (name, t) in &ckpt.tensors {
        params.insert(name.clone(), t.clone());
    }
    Ok(ckpt.metadata)
}

/// Checks that `file` holds exactly the tensors of `params`, by name and shape: a missing,
/// extra or mis-shaped tensor is an error naming the key and both shapes.
pub(crate) fn check_params(path: &Path, params: &ParamStore, file: &[(String, Tensor)]) -> Result<(), CheckpointError> {
    let by_name: HashMap<&str, &Tensor> = file.iter().map(|(n, t)| (n.as_str(), t)).collect();
    for (name, t) in params.iter() {
        let expected = t.shape().dims().to_vec();
        match by_name.get(name) {
            None => {
                return Err(CheckpointError::MissingKey {
                    path: path.into(),
                    key: name.into(),
                    expected,
                })
            }
            Some(f) if f.shape().dims() != expected.as_slice() => {
                let found = f.shape().dims().to_vec();
                return Err(CheckpointError::ShapeMismatch {
                    path: path.into(),
                    key: name.into(),
                    expected,
                    found,
                });
            }
            Some(_) => {}
        }
    }
    if let Some((name, t)) = file.iter().find(|(n, _)| params.get(n).is_err()) {
        return Err(CheckpointError::UnexpectedKey {
            path: path.into(),
            key: name.clone(),
            found: t.shape().dims().to_vec(),
        });
    }
    Ok(())
}
