//! Training states: what a [`TrainStep`](super::TrainStep) writes into and reads out of one
//! safetensors file, beside the loop's own part (steps, steps per epoch, the loss history).
//!
//! Tensors are grouped by the part before their first `/`: `generator/0.weight`,
//! `generator.adam_m/0.weight`, `history/d_loss`. A network with its Adam optimizer is written
//! as `PREFIX/NAME`, `PREFIX.adam_m/NAME`, `PREFIX.adam_v/NAME` and the metadata
//! `PREFIX.adam_step/NAME`.
use crate::checkpoint::{check_params, CheckpointError};
use comfy_core::{Adam, AdamState, Backend, ParamStore, Tensor};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Collects the tensors (read back to the host) and metadata of a training state.
pub struct StateWriter<'a> {
    path: &'a Path,
    backend: &'a dyn Backend,
    pub(super) tensors: Vec<(String, Tensor)>,
    pub(super) meta: HashMap<String, String>,
}

impl<'a> StateWriter<'a> {
    /// A writer for the file `path` (named in errors), reading tensors back from `backend`.
    pub(super) fn new(path: &'a Path, backend: &'a dyn Backend) -> Self {
        StateWriter {
            path,
            backend,
            tensors: Vec::new(),
            meta: HashMap::new(),
        }
    }

    /// Records the metadata `key = value`.
    pub fn meta(&mut self, key: impl Into<String>, value: impl ToString) {
        self.meta.insert(key.into(), value.to_string());
    }

    /// Records the tensor `name`, read back to the host.
    pub fn tensor(&mut self, name: impl Into<String>, t: &Tensor) -> Result<(), CheckpointError> {
        let host = self
            .backend
            .to_host_tensor(t)
            .map_err(|source| CheckpointError::Tensor {
                path: self.path.into(),
                source,
            })?;
        self.tensors.push((name.into(), host));
        Ok(())
    }

    /// Records a network's parameters under `prefix` and its optimizer's moments and step counts.
    pub fn network(&mut self, prefix: &str, params: &ParamStore, opt: &Adam) -> Result<(), CheckpointError> {
        for (name, t) in params.iter() {
            self.tensor(format!("{prefix}/{name}"), t)?;
        }
        for name in opt.state_names() {
            let Some(st) = opt.state(&name) else { continue };
            self.tensor(format!("{prefix}.adam_m/{name}"), &st.m)?;
            self.tensor(format!("{prefix}.adam_v/{name}"), &st.v)?;
            self.meta(format!("{prefix}.adam_step/{name}"), st.step);
        }
        Ok(())
    }
}

/// A network's parameters and optimizer state read from a training state, on the backend.
pub struct RestoredNetwork {
    /// The parameters, in the model's order.
    pub params: ParamStore,
    /// Adam's state per parameter (empty when no step had been taken).
    pub adam: Vec<(String, AdamState)>,
}

impl RestoredNetwork {
    /// Moves the state in: the parameters replace `params`, and `opt` starts from the moments.
    pub fn install(self, params: &mut ParamStore, opt: &mut Adam) {
        *params = self.params;
        opt.clear_state();
        for (name, st) in self.adam {
            opt.set_state(name, st);
        }
    }
}

/// The tensors and metadata of a training state, handed out group by group.
pub struct StateReader<'a> {
    path: &'a Path,
    backend: Arc<dyn Backend>,
    meta: HashMap<String, String>,
    groups: HashMap<String, Vec<(String, Tensor)>>,
}

impl<'a> StateReader<'a> {
    /// A reader over the tensors of the file `path`; `Err` for a tensor outside any group.
    pub(super) fn new(
        path: &'a Path,
        backend: Arc<dyn Backend>,
        tensors: Vec<(String, Tensor)>,
        meta: HashMap<String, String>,
    ) -> Result<Self, CheckpointError> {
        let mut groups: HashMap<String, Vec<(String, Tensor)>> = HashMap::new();
        for (name, t) in tensors {
            let Some((group, rest)) = name.split_once('/') else {
                return Err(incompatible(path, format!("unexpected tensor `{name}`")));
            };
            groups.entry(group.to_string()).or_default().push((rest.to_string(), t));
        }
        Ok(StateReader {
            path,
            backend,
            meta,
            groups,
        })
    }

    /// The file, for messages.
    pub fn path(&self) -> &Path {
        self.path
    }

    /// The backend the restored tensors go to.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// An error saying that the file does not fit this run, and why.
    pub fn incompatible(&self, msg: impl Into<String>) -> CheckpointError {
        incompatible(self.path, msg.into())
    }

    /// The metadata value `key`, or an error naming it.
    pub fn meta(&self, key: &str) -> Result<&str, CheckpointError> {
        self.meta
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| self.incompatible(format!("its metadata has no `{key}`")))
    }

    /// The metadata value `key` as a whole number.
    pub fn number(&self, key: &str) -> Result<u64, CheckpointError> {
        let v = self.meta(key)?;
        v.parse()
            .map_err(|_| self.incompatible(format!("`{key}` is `{v}`, not a whole number")))
    }

    /// Takes the tensors of `group` (names without the `group/` part); none if it is absent.
    pub fn take(&mut self, group: &str) -> Vec<(String, Tensor)> {
        self.groups.remove(group).unwrap_or_default()
    }

    /// Takes a network written by [`StateWriter::network`] under `prefix`, checked against
    /// `model` (names and shapes) and uploaded to the backend.
    pub fn network(&mut self, prefix: &str, model: &ParamStore) -> Result<RestoredNetwork, CheckpointError> {
        let (path, backend) = (self.path, self.backend.clone());
        let upload = |t: &Tensor| {
            backend.upload(t).map_err(|source| CheckpointError::Tensor {
                path: path.into(),
                source,
            })
        };
        let file = self.groups.remove(prefix).unwrap_or_default();
        check_params(path, model, &file).map_err(|e| in_group(e, prefix))?;
        let mut file: HashMap<String, Tensor> = file.into_iter().collect();
        let mut params = ParamStore::new();
        for (name, _) in model.iter() {
            if let Some(t) = file.remove(name) {
                match model.is_buffer(name) {
                    true => params.insert_buffer(name, upload(&t)?),
                    false => params.insert(name, upload(&t)?),
                }
            }
        }
        let m = self.take(&format!("{prefix}.adam_m"));
        let v = self.take(&format!("{prefix}.adam_v"));
        let adam = self
            .adam(prefix, model, m, v)?
            .into_iter()
            .map(|(name, st)| {
                let (m, v) = (upload(&st.m)?, upload(&st.v)?);
                Ok((name, AdamState { m, v, step: st.step }))
            })
            .collect::<Result<Vec<_>, CheckpointError>>()?;
        Ok(RestoredNetwork { params, adam })
    }

    /// Adam's state per parameter: either none at all (no step taken yet) or both moments,
    /// shaped as the parameter, with a step count, for every parameter.
    fn adam(
        &self,
        prefix: &str,
        model: &ParamStore,
        m: Vec<(String, Tensor)>,
        v: Vec<(String, Tensor)>,
    ) -> Result<Vec<(String, AdamState)>, CheckpointError> {
        if m.is_empty() && v.is_empty() {
            return Ok(Vec::new());
        }
        check_params(self.path, model, &m).map_err(|e| in_group(e, &format!("{prefix}.adam_m")))?;
        check_params(self.path, model, &v).map_err(|e| in_group(e, &format!("{prefix}.adam_v")))?;
        let v: HashMap<String, Tensor> = v.into_iter().collect();
        let mut out = Vec::new();
        for (name, m) in m {
            let key = format!("{prefix}.adam_step/{name}");
            let step = self
                .meta
                .get(&key)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| self.incompatible(format!("metadata `{key}` is missing or not a whole number")))?;
            let Some(v) = v.get(&name).cloned() else { continue };
            out.push((name, AdamState { m, v, step }));
        }
        Ok(out)
    }

    /// `Err` if a group was left unread: the file holds something this model does not.
    pub(super) fn finish(self) -> Result<(), CheckpointError> {
        match self.groups.keys().next() {
            Some(group) => Err(self.incompatible(format!("unexpected tensors under `{group}/`"))),
            None => Ok(()),
        }
    }
}

fn incompatible(path: &Path, msg: String) -> CheckpointError {
    CheckpointError::Incompatible { path: path.into(), msg }
}

/// `err` naming its tensor as the file does, `group/name` (`generator/0.weight`,
/// `discriminator.adam_m/2.bias`), so that a message says which network and which part.
fn in_group(err: CheckpointError, group: &str) -> CheckpointError {
    let named = |key: String| format!("{group}/{key}");
    match err {
        CheckpointError::MissingKey { path, key, expected } => CheckpointError::MissingKey {
            path,
            key: named(key),
            expected,
        },
        CheckpointError::UnexpectedKey { path, key, found } => CheckpointError::UnexpectedKey {
            path,
            key: named(key),
            found,
        },
        CheckpointError::ShapeMismatch {
            path,
            key,
            expected,
            found,
        } => CheckpointError::ShapeMismatch {
            path,
            key: named(key),
            expected,
            found,
        },
        other => other,
    }
}
