//! `Inputs` and `Outputs`: what a node's `execute` receives and returns.
use crate::image::Image;
use crate::node_error::NodeError;
use crate::port::PortType;
use crate::tensor::Tensor;
use crate::value::{CustomValue, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A node's resolved inputs by port name, with typed accessors.
///
/// Each accessor fails with [`NodeError::MissingInput`] or [`NodeError::InputType`], so a node
/// can use `?` throughout. Build one by hand to test a node on its own:
///
/// ```
/// use comfy_core::Inputs;
/// let inputs = Inputs::new().with("epochs", 5).with("lr", 0.001).with("name", "mnist");
/// assert_eq!(inputs.int("epochs").unwrap(), 5);
/// assert!(inputs.string("epochs").is_err());
/// assert!(inputs.get("missing").is_none());
/// ```
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    values: BTreeMap<String, Value>,
}

impl Inputs {
    /// No inputs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) one input.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.insert(name, value);
        self
    }

    /// Adds (or replaces) one input.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.values.insert(name.into(), value.into());
    }

    /// The value of `name`, if given (optional inputs may be absent).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Every input, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The value of `name`, or [`NodeError::MissingInput`].
    pub fn value(&self, name: &str) -> Result<&Value, NodeError> {
        self.get(name).ok_or_else(|| NodeError::MissingInput(name.to_string()))
    }

    fn typed<'a, T>(
        &'a self,
        name: &str,
        expected: PortType,
        get: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Result<T, NodeError> {
        let value = self.value(name)?;
        get(value).ok_or_else(|| NodeError::InputType {
            input: name.to_string(),
            expected,
            found: value.port_type(),
        })
    }

    /// An `INT` input.
    pub fn int(&self, name: &str) -> Result<i64, NodeError> {
        self.typed(name, PortType::Int, Value::as_int)
    }

    /// A `FLOAT` input (an `INT` is converted).
    pub fn float(&self, name: &str) -> Result<f64, NodeError> {
        self.typed(name, PortType::Float, Value::as_float)
    }

    /// A `BOOLEAN` input.
    pub fn bool(&self, name: &str) -> Result<bool, NodeError> {
        self.typed(name, PortType::Bool, Value::as_bool)
    }

    /// A `STRING` input.
    pub fn string(&self, name: &str) -> Result<&str, NodeError> {
        self.typed(name, PortType::String, Value::as_str)
    }

    /// A `TENSOR` input.
    pub fn tensor(&self, name: &str) -> Result<&Tensor, NodeError> {
        self.typed(name, PortType::Tensor, Value::as_tensor)
    }

    /// An `IMAGE` input.
    pub fn image(&self, name: &str) -> Result<&Arc<Image>, NodeError> {
        self.typed(name, PortType::Image, Value::as_image)
    }

    /// A custom input of type `T`.
    pub fn custom<T: CustomValue>(&self, name: &str) -> Result<&T, NodeError> {
        self.typed(name, PortType::custom::<T>(), Value::downcast::<T>)
    }

    /// A custom input of type `T`, shared (to keep or to hand on without copying).
    pub fn custom_arc<T: CustomValue>(&self, name: &str) -> Result<Arc<T>, NodeError> {
        self.typed(name, PortType::custom::<T>(), Value::downcast_arc::<T>)
    }
}

/// A node's outputs: one value per declared output port, in order.
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    values: Vec<Value>,
}

impl Outputs {
    /// No outputs (for nodes without output ports).
    pub fn new() -> Self {
        Self::default()
    }

    /// A single output.
    pub fn one(value: impl Into<Value>) -> Self {
        Self::new().with(value)
    }

    /// Appends the next output.
    pub fn with(mut self, value: impl Into<Value>) -> Self {
        self.values.push(value.into());
        self
    }

    /// Appends the next output.
    pub fn push(&mut self, value: impl Into<Value>) {
        self.values.push(value.into());
    }

    /// The values, in port order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The values, giving up the outputs.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}

impl From<Vec<Value>> for Outputs {
    fn from(values: Vec<Value>) -> Self {
        Outputs { values }
    }
}
