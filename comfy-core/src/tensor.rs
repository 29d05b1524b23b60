//! `Tensor`: a shape plus storage that lives wherever its backend keeps it.
use crate::error::{Error, Result};
use crate::shape::Shape;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// Storage owned by a device backend (a GPU buffer, for instance).
///
/// comfy-core never looks inside: it only hands the storage back to the backend that made it,
/// which downcasts it through [`DeviceStorage::as_any`].
pub trait DeviceStorage: Any + Send + Sync + fmt::Debug {
    /// For the owning backend to recover its concrete type.
    fn as_any(&self) -> &dyn Any;
    /// Name of the backend that owns this storage, for error messages.
    fn backend_name(&self) -> &str;
}

/// Where a tensor's values are.
#[derive(Clone, Debug)]
pub enum Storage {
    /// In host memory, as a contiguous row-major `Vec<f32>` (shared; copied on write).
    Host(Arc<Vec<f32>>),
    /// Resident on a device, owned by a backend.
    Device(Arc<dyn DeviceStorage>),
}

/// An `f32` tensor: a [`Shape`] and its [`Storage`]. Cloning is cheap (storage is shared).
#[derive(Clone)]
pub struct Tensor {
    shape: Shape,
    storage: Storage,
}

impl Tensor {
    /// A host tensor from row-major values; the length must match the shape.
    pub fn from_vec(data: Vec<f32>, shape: impl Into<Shape>) -> Result<Self> {
        let shape = shape.into();
        if data.len() != shape.numel() {
            return Err(Error::DataLength { len: data.len(), shape });
        }
        Ok(Tensor {
            shape,
            storage: Storage::Host(Arc::new(data)),
        })
    }

    /// A host tensor of zeros.
    pub fn zeros(shape: impl Into<Shape>) -> Self {
        Self::full(shape, 0.0)
    }

    /// A host tensor filled with `value`.
    pub fn full(shape: impl Into<Shape>, value: f32) -> Self {
        let shape = shape.into();
        let data = vec![value; shape.numel()];
        Tensor {
            shape,
            storage: Storage::Host(Arc::new(data)),
        }
    }

    /// A host tensor holding one value, shape `[1]`.
    pub fn scalar(value: f32) -> Self {
        Self::full([1], value)
    }

    /// A tensor over existing storage. Backends use this to wrap what they computed.
    pub fn from_storage(storage: Storage, shape: Shape) -> Self {
        Tensor { shape, storage }
    }

    /// The shape.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.shape.numel()
    }

    /// The storage.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The values, if the tensor lives in host memory.
    pub fn host_data(&self) -> Option<&[f32]> {
        match &self.storage {
            Storage::Host(v) => Some(v),
            Storage::Device(_) => None,
        }
    }

    /// Mutable host values, copying first if the storage is shared; `None` on a device.
    pub fn host_data_mut(&mut self) -> Option<&mut [f32]> {
        match &mut self.storage {
            Storage::Host(v) => Some(Arc::make_mut(v).as_mut_slice()),
            Storage::Device(_) => None,
        }
    }

    /// The values of a host tensor as a `Vec`; an error for device tensors (use
    /// [`Backend::to_host`](crate::Backend::to_host) for those).
    pub fn to_vec(&self) -> Result<Vec<f32>> {
        match &self.storage {
            Storage::Host(v) => Ok(v.to_vec()),
            Storage::Device(d) => Err(Error::Backend {
                backend: d.backend_name().to_string(),
                msg: "tensor is resident on a device; read it back with Backend::to_host".into(),
            }),
        }
    }

    /// The single value of a one-element host tensor.
    pub fn item(&self) -> Result<f32> {
        if self.numel() != 1 {
            return Err(Error::invalid(
                "item",
                format!("tensor of shape {} is not a single value", self.shape),
            ));
        }
        Ok(self.to_vec()?[0])
    }

    /// The same storage seen with another shape of the same size.
    pub fn reshape(&self, shape: impl Into<Shape>) -> Result<Self> {
        let shape = shape.into();
        if shape.numel() != self.shape.numel() {
            return Err(Error::BadReshape {
                from: self.shape.clone(),
                to: shape,
            });
        }
        Ok(Tensor {
            shape,
            storage: self.storage.clone(),
        })
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.storage {
            Storage::Host(v) if v.len() <= 16 => write!(f, "Tensor{} {:?}", self.shape, v),
            Storage::Host(_) => write!(f, "Tensor{} (host)", self.shape),
            Storage::Device(d) => write!(f, "Tensor{} (on {})", self.shape, d.backend_name()),
        }
    }
}
