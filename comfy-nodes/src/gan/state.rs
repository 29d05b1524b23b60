//! A GAN run's whole state in one safetensors file — both networks, both optimizers' moments
//! and step counts, the loss history and the latent-noise generator's position — so that a
//! stopped run continues exactly where it stopped.
//!
//! Tensor names: `generator/0.weight`, …, `discriminator/…`, `generator.adam_m/0.weight` and
//! `generator.adam_v/…` (likewise for the discriminator), `history/d_loss`, `history/g_loss`.
//! Metadata: `format`, `steps`, `steps_per_epoch`, `seed`, `latent_rng`, and
//! `generator.adam_step/NAME` per parameter.
use super::train::{GanTrainer, LossRecord};
use crate::checkpoint::{check_params, load_tensors, save_tensors, CheckpointError};
use comfy_core::random::{rng_from_state, rng_state};
use comfy_core::{AdamState, ParamStore, Tensor};
use std::collections::HashMap;
use std::path::Path;

/// The `format` metadata value of a GAN training state.
pub const TRAINING_STATE_FORMAT: &str = "comfy-gan-training-state/1";

/// The two networks' prefixes.
const NETWORKS: [&str; 2] = ["generator", "discriminator"];

impl GanTrainer {
    /// Writes the whole training state to `path`, atomically: a kill at any moment leaves the
    /// previous file or the new one, never a part. `steps_per_epoch` is recorded so that a
    /// resume with another batch size or dataset is refused.
    pub fn save_state(&self, path: &Path, steps_per_epoch: usize) -> Result<(), CheckpointError> {
        let be = self.backend.as_ref();
        let tensor_err = |source| CheckpointError::Tensor {
            path: path.into(),
            source,
        };
        let mut tensors: Vec<(String, Tensor)> = Vec::new();
        let mut meta = HashMap::from([
            ("format".to_string(), TRAINING_STATE_FORMAT.to_string()),
            ("steps".into(), self.history.len().to_string()),
            ("steps_per_epoch".into(), steps_per_epoch.to_string()),
            ("seed".into(), self.config.seed.to_string()),
            ("latent_rng".into(), rng_state(&self.latent_rng)),
        ]);
        for (prefix, net, opt) in [
            (NETWORKS[0], &self.generator, &self.opt_g),
            (NETWORKS[1], &self.discriminator, &self.opt_d),
        ] {
            for (name, t) in net.params.iter() {
                tensors.push((format!("{prefix}/{name}"), be.to_host_tensor(t).map_err(tensor_err)?));
            }
            for name in opt.state_names() {
                let Some(st) = opt.state(&name) else { continue };
                tensors.push((
                    format!("{prefix}.adam_m/{name}"),
                    be.to_host_tensor(&st.m).map_err(tensor_err)?,
                ));
                tensors.push((
                    format!("{prefix}.adam_v/{name}"),
                    be.to_host_tensor(&st.v).map_err(tensor_err)?,
                ));
                meta.insert(format!("{prefix}.adam_step/{name}"), st.step.to_string());
            }
        }
        let n = self.history.len();
        let column = |f: fn(&LossRecord) -> f32| Tensor::from_vec(self.history.iter().map(f).collect(), [n]);
        tensors.push(("history/d_loss".into(), column(|r| r.d_loss).map_err(tensor_err)?));
        tensors.push(("history/g_loss".into(), column(|r| r.g_loss).map_err(tensor_err)?));
        save_tensors(path, tensors.iter().map(|(n, t)| (n.as_str(), t)), meta)
    }

    /// Replaces this trainer's networks, optimizer state, loss history and noise position with
    /// those of the training state at `path`; [`GanTrainer::train`] then continues after its
    /// last step. The file must have been written for the same networks (names and shapes),
    /// `steps_per_epoch` and noise seed; nothing is changed unless everything fits. The file
    /// then counts as the last good state (a NaN stop names it).
    pub fn restore_state(&mut self, path: &Path, steps_per_epoch: usize) -> Result<(), CheckpointError> {
        let ckpt = load_tensors(path)?;
        let meta = &ckpt.metadata;
        let incompatible = |msg: String| CheckpointError::Incompatible { path: path.into(), msg };
        let get = |key: &str| {
            meta.get(key)
                .ok_or_else(|| incompatible(format!("its metadata has no `{key}`")))
        };
        let number = |key: &str| -> Result<u64, CheckpointError> {
            let v = get(key)?;
            v.parse()
                .map_err(|_| incompatible(format!("`{key}` is `{v}`, not a whole number")))
        };
        let format = meta.get("format").map_or("none", String::as_str);
        if format != TRAINING_STATE_FORMAT {
            return Err(incompatible(format!(
                "it is not a GAN training state (format `{format}`, expected `{TRAINING_STATE_FORMAT}`); model files such as generator.safetensors hold weights only"
            )));
        }
        let written_per_epoch = number("steps_per_epoch")?;
        if written_per_epoch != steps_per_epoch as u64 {
            return Err(incompatible(format!(
                "it was written with {written_per_epoch} steps per epoch and this run has {steps_per_epoch} (another batch size or dataset)"
            )));
        }
        let seed = number("seed")?;
        if seed != self.config.seed {
            return Err(incompatible(format!(
                "it was written with noise seed {seed} and this run uses {}",
                self.config.seed
            )));
        }
        let steps = usize::try_from(number("steps")?).map_err(|_| incompatible("too many steps".into()))?;
        let latent_rng = rng_from_state(get("latent_rng")?)
            .ok_or_else(|| incompatible("`latent_rng` is not a generator position".into()))?;

        let mut groups: HashMap<&str, Vec<(String, Tensor)>> = HashMap::new();
        for (name, t) in &ckpt.tensors {
            let Some((group, rest)) = name.split_once('/') else {
                return Err(incompatible(format!("unexpected tensor `{name}`")));
            };
            groups.entry(group).or_default().push((rest.to_string(), t.clone()));
        }
        let mut take = |group: &str| groups.remove(group).unwrap_or_default();
        let be = self.backend.clone();
        let upload_err = |source| CheckpointError::Tensor {
            path: path.into(),
            source,
        };
        // A network's parameters and Adam state, checked against the model and uploaded to the
        // backend (nothing is assigned until everything has been read).
        let mut restore =
            |prefix: &str, model: &ParamStore| -> Result<(ParamStore, Vec<(String, AdamState)>), CheckpointError> {
                let mut params = restore_params(path, model, prefix, take(prefix))?;
                params.upload(be.as_ref()).map_err(upload_err)?;
                let adam = restore_adam(
                    path,
                    prefix,
                    model,
                    take(&format!("{prefix}.adam_m")),
                    take(&format!("{prefix}.adam_v")),
                    meta,
                )?;
                let adam = adam
                    .into_iter()
                    .map(|(name, st)| {
                        let m = be.upload(&st.m).map_err(upload_err)?;
                        let v = be.upload(&st.v).map_err(upload_err)?;
                        Ok((name, AdamState { m, v, step: st.step }))
                    })
                    .collect::<Result<Vec<_>, CheckpointError>>()?;
                Ok((params, adam))
            };
        let generator = restore(NETWORKS[0], &self.generator.params)?;
        let discriminator = restore(NETWORKS[1], &self.discriminator.params)?;
        let mut history = HashMap::new();
        for (name, t) in take("history") {
            history.insert(name, t);
        }
        let column = |name: &str| -> Result<Vec<f32>, CheckpointError> {
            let t = history
                .get(name)
                .ok_or_else(|| incompatible(format!("missing tensor `history/{name}`")))?;
            if t.shape().dims() != [steps] {
                return Err(incompatible(format!(
                    "`history/{name}` has shape {:?}, expected [{steps}]",
                    t.shape().dims()
                )));
            }
            t.to_vec().map_err(|source| CheckpointError::Tensor {
                path: path.into(),
                source,
            })
        };
        let (d, g) = (column("d_loss")?, column("g_loss")?);
        if let Some(group) = groups.keys().next() {
            return Err(incompatible(format!("unexpected tensors under `{group}/`")));
        }

        // Everything fits and is on the backend: move it in (nothing below can fail).
        for (net, opt, (params, adam)) in [
            (&mut self.generator, &mut self.opt_g, generator),
            (&mut self.discriminator, &mut self.opt_d, discriminator),
        ] {
            net.params = params;
            opt.clear_state();
            for (name, st) in adam {
                opt.set_state(name, st);
            }
        }
        self.history = d
            .into_iter()
            .zip(g)
            .enumerate()
            .map(|(step, (d_loss, g_loss))| LossRecord {
                step,
                epoch: step / steps_per_epoch.max(1),
                d_loss,
                g_loss,
            })
            .collect();
        self.latent_rng = latent_rng;
        self.last_saved = Some(super::train::SavedState {
            path: path.into(),
            steps,
        });
        Ok(())
    }
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

/// A network's parameters from the file's tensors, which must match `model` exactly; in the
/// model's order.
fn restore_params(
    path: &Path,
    model: &ParamStore,
    group: &str,
    file: Vec<(String, Tensor)>,
) -> Result<ParamStore, CheckpointError> {
    check_params(path, model, &file).map_err(|e| in_group(e, group))?;
    let mut file: HashMap<String, Tensor> = file.into_iter().collect();
    let mut params = ParamStore::new();
    for (name, _) in model.iter() {
        if let Some(t) = file.remove(name) {
            params.insert(name, t);
        }
    }
    Ok(params)
}

/// Adam's state per parameter: either none at all (no step taken yet) or both moments, shaped
/// as the parameter, with a step count, for every parameter.
fn restore_adam(
    path: &Path,
    prefix: &str,
    model: &ParamStore,
    m: Vec<(String, Tensor)>,
    v: Vec<(String, Tensor)>,
    meta: &HashMap<String, String>,
) -> Result<Vec<(String, AdamState)>, CheckpointError> {
    if m.is_empty() && v.is_empty() {
        return Ok(Vec::new());
    }
    check_params(path, model, &m).map_err(|e| in_group(e, &format!("{prefix}.adam_m")))?;
    check_params(path, model, &v).map_err(|e| in_group(e, &format!("{prefix}.adam_v")))?;
    let v: HashMap<String, Tensor> = v.into_iter().collect();
    let mut out = Vec::new();
    for (name, m) in m {
        let key = format!("{prefix}.adam_step/{name}");
        let step = meta
            .get(&key)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| CheckpointError::Incompatible {
                path: path.into(),
                msg: format!("metadata `{key}` is missing or not a whole number"),
            })?;
        let Some(v) = v.get(&name).cloned() else { continue };
        out.push((name, AdamState { m, v, step }));
    }
    Ok(out)
}
