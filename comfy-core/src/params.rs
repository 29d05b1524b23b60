//! Named parameters: the store that models read from and optimizers write to.
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::tape::{Gradients, Tape, Var};
use crate::tensor::Tensor;
use std::collections::HashMap;

/// Parameters by name (`0.weight`, `0.bias`, … as in PyTorch's `state_dict`), in insertion order.
///
/// A store may also hold *buffers*: state that is saved with the parameters but not trained
/// (batch normalisation's `running_mean`, `running_var` and `num_batches_tracked`). They are
/// iterated, saved and uploaded like parameters, but [`ParamStore::bind`] always records them
/// as constants, so they never receive a gradient.
#[derive(Clone, Debug, Default)]
pub struct ParamStore {
    names: Vec<String>,
    tensors: Vec<Tensor>,
    buffers: Vec<bool>,
    index: HashMap<String, usize>,
}

/// A gradient for each named parameter that received one.
pub type NamedGrads = Vec<(String, Tensor)>;

impl ParamStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a parameter (replacing keeps an entry's buffer mark).
    pub fn insert(&mut self, name: impl Into<String>, t: Tensor) {
        self.put(name.into(), t, false);
    }

    /// Adds or replaces a buffer: saved with the parameters, never trained.
    pub fn insert_buffer(&mut self, name: impl Into<String>, t: Tensor) {
        self.put(name.into(), t, true);
    }

    fn put(&mut self, name: String, t: Tensor, buffer: bool) {
        match self.index.get(&name) {
            Some(&i) => {
                self.tensors[i] = t;
                self.buffers[i] |= buffer;
            }
            None => {
                self.index.insert(name.clone(), self.names.len());
                self.names.push(name);
                self.tensors.push(t);
                self.buffers.push(buffer);
            }
        }
    }

    /// Whether `name` is a buffer (see [`ParamStore::insert_buffer`]).
    pub fn is_buffer(&self, name: &str) -> bool {
        self.index.get(name).is_some_and(|&i| self.buffers[i])
    }

    /// The parameter called `name`.
    pub fn get(&self, name: &str) -> Result<&Tensor> {
        self.index
            .get(name)
            .map(|&i| &self.tensors[i])
            .ok_or_else(|| Error::UnknownParameter(name.into()))
    }

    /// The parameter called `name`, mutably.
    pub fn get_mut(&mut self, name: &str) -> Result<&mut Tensor> {
        match self.index.get(name) {
            Some(&i) => Ok(&mut self.tensors[i]),
            None => Err(Error::UnknownParameter(name.into())),
        }
    }

    /// Names and tensors, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Tensor)> {
        self.names.iter().map(String::as_str).zip(&self.tensors)
    }

    /// Number of parameters (tensors, not values).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True if the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Total number of scalar values.
    pub fn num_values(&self) -> usize {
        self.tensors.iter().map(Tensor::numel).sum()
    }

    /// Moves every parameter into `backend`'s storage.
    pub fn upload(&mut self, backend: &dyn Backend) -> Result<()> {
        for t in &mut self.tensors {
            *t = backend.upload(t)?;
        }
        Ok(())
    }

    /// A copy with every parameter read back to host memory.
    pub fn to_host(&self, backend: &dyn Backend) -> Result<ParamStore> {
        let mut out = ParamStore::new();
        for ((name, t), &buffer) in self.iter().zip(&self.buffers) {
            out.put(name.to_string(), backend.to_host_tensor(t)?, buffer);
        }
        Ok(out)
    }

    /// Records every parameter on `tape`: as trainable leaves (gradients wanted) or as frozen
    /// constants (used, not trained — the discriminator during the generator's update).
    /// Buffers are always constants.
    pub fn bind<'t>(&self, tape: &'t Tape, trainable: bool) -> Result<BoundParams<'t>> {
        let vars = self
            .iter()
            .zip(&self.buffers)
            .map(|((n, t), &buffer)| {
                Ok((
                    n.to_string(),
                    if trainable && !buffer {
                        tape.param(t)?
                    } else {
                        tape.constant(t)?
                    },
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(BoundParams { vars })
    }
}

/// A [`ParamStore`] recorded on a tape, by name.
pub struct BoundParams<'t> {
    vars: Vec<(String, Var<'t>)>,
}

impl<'t> BoundParams<'t> {
    /// The variable of the parameter called `name`.
    pub fn get(&self, name: &str) -> Result<Var<'t>> {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| Error::UnknownParameter(name.into()))
    }

    /// The gradient of every bound parameter that received one, by name.
    pub fn grads(&self, grads: &mut Gradients) -> NamedGrads {
        self.vars
            .iter()
            .filter_map(|(n, v)| grads.take(*v).map(|g| (n.clone(), g)))
            .collect()
    }
}
