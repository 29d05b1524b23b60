//! `InputPort`: an input's name, type, default, range, choices and tooltip.
use super::{PortType, ValueProblem};
use crate::value::{CustomValue, Literal, Value};
use std::cmp::Ordering;

/// An input port: its name and type, whether it must be given, and for widget values a
/// default, a range or a list of choices.
///
/// ```
/// use comfy_core::InputPort;
/// let epochs = InputPort::int("epochs").default(5).range(1, 1000);
/// let lr = InputPort::float("lr").default(2e-4).range(0.0, 1.0).step(1e-5);
/// let optim = InputPort::choice("optimizer", ["adam", "sgd"]).default("adam");
/// assert_eq!(epochs.name(), "epochs");
/// # let _ = (lr, optim);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct InputPort {
    name: String,
    port_type: PortType,
    optional: bool,
    default: Option<Literal>,
    min: Option<Literal>,
    max: Option<Literal>,
    step: Option<Literal>,
    choices: Vec<String>,
    tooltip: Option<String>,
    /// The widest range the field type behind a typed port holds (a `u32` field: 0 to 2³²−1).
    type_bounds: Option<(Literal, Literal)>,
}

impl InputPort {
    /// A required input of any type.
    pub fn new(name: impl Into<String>, port_type: PortType) -> Self {
        InputPort {
            name: name.into(),
            port_type,
            optional: false,
            default: None,
            min: None,
            max: None,
            step: None,
            choices: Vec::new(),
            tooltip: None,
            type_bounds: None,
        }
    }

    /// An `INT` input.
    pub fn int(name: impl Into<String>) -> Self {
        Self::new(name, PortType::Int)
    }

    /// A `FLOAT` input.
    pub fn float(name: impl Into<String>) -> Self {
        Self::new(name, PortType::Float)
    }

    /// A `BOOLEAN` input.
    pub fn bool(name: impl Into<String>) -> Self {
        Self::new(name, PortType::Bool)
    }

    /// A `STRING` input.
    pub fn string(name: impl Into<String>) -> Self {
        Self::new(name, PortType::String)
    }

    /// A `STRING` input limited to `choices` (a drop-down in a UI).
    pub fn choice<S: Into<String>>(name: impl Into<String>, choices: impl IntoIterator<Item = S>) -> Self {
        let mut port = Self::new(name, PortType::String);
        port.choices = choices.into_iter().map(Into::into).collect();
        port
    }

    /// A `TENSOR` input.
    pub fn tensor(name: impl Into<String>) -> Self {
        Self::new(name, PortType::Tensor)
    }

    /// An `IMAGE` input.
    pub fn image(name: impl Into<String>) -> Self {
        Self::new(name, PortType::Image)
    }

    /// An input of a custom type.
    pub fn custom<T: CustomValue>(name: impl Into<String>) -> Self {
        Self::new(name, PortType::custom::<T>())
    }

    /// Makes the input optional: the node runs without it.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// The value used when the graph gives none (the input may then be left out).
    pub fn default(mut self, value: impl Into<Literal>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// The smallest and largest accepted numbers, inclusive.
    pub fn range(mut self, min: impl Into<Literal>, max: impl Into<Literal>) -> Self {
        self.min = Some(min.into());
        self.max = Some(max.into());
        self
    }

    /// The smallest accepted number, inclusive.
    pub fn at_least(mut self, min: impl Into<Literal>) -> Self {
        self.min = Some(min.into());
        self
    }

    /// The largest accepted number, inclusive.
    pub fn at_most(mut self, max: impl Into<Literal>) -> Self {
        self.max = Some(max.into());
        self
    }

    /// Limits a choice input to `choices`.
    pub fn with_choices(mut self, choices: Vec<String>) -> Self {
        self.choices = choices;
        self
    }

    /// Declares the range the Rust type behind the port holds: it becomes the port's range
    /// (a declared range must lie inside it, as [`NodeSchema::check`](crate::NodeSchema::check)
    /// verifies), so a value the field cannot hold is refused when the graph is validated.
    pub fn with_type_bounds(mut self, min: impl Into<Literal>, max: impl Into<Literal>) -> Self {
        let (min, max) = (min.into(), max.into());
        self.min = Some(min.clone());
        self.max = Some(max.clone());
        self.type_bounds = Some((min, max));
        self
    }

    /// The range of the Rust type behind a typed port.
    pub fn type_bounds(&self) -> Option<(&Literal, &Literal)> {
        self.type_bounds.as_ref().map(|(a, b)| (a, b))
    }

    /// The increment a UI's number widget uses (not enforced).
    pub fn step(mut self, step: impl Into<Literal>) -> Self {
        self.step = Some(step.into());
        self
    }

    /// A help text for UIs.
    pub fn tooltip(mut self, text: impl Into<String>) -> Self {
        self.tooltip = Some(text.into());
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type.
    pub fn port_type(&self) -> PortType {
        self.port_type
    }

    /// Whether the node runs without this input.
    pub fn is_optional(&self) -> bool {
        self.optional
    }

    /// Whether a graph must give this input (required and without a default).
    pub fn must_be_given(&self) -> bool {
        !self.optional && self.default.is_none()
    }

    /// The default value.
    pub fn default_value(&self) -> Option<&Literal> {
        self.default.as_ref()
    }

    /// The minimum.
    pub fn min(&self) -> Option<&Literal> {
        self.min.as_ref()
    }

    /// The maximum.
    pub fn max(&self) -> Option<&Literal> {
        self.max.as_ref()
    }

    /// The widget step.
    pub fn step_value(&self) -> Option<&Literal> {
        self.step.as_ref()
    }

    /// The allowed values of a choice input (empty when any text goes).
    pub fn choices(&self) -> &[String] {
        &self.choices
    }

    /// The help text.
    pub fn tooltip_text(&self) -> Option<&str> {
        self.tooltip.as_deref()
    }

    /// The value a literal gives this port: type-checked (an integer becomes a float for a
    /// `FLOAT` port), then checked against the range or the choices.
    pub fn value_from_literal(&self, literal: &Literal) -> Result<Value, ValueProblem> {
        if !self.port_type.is_literal() {
            return Err(ValueProblem::NeedsLink(self.port_type));
        }
        let value = match (self.port_type, literal) {
            (PortType::Float, Literal::Int(v)) => Value::Float(*v as f64),
            _ => Value::from(literal.clone()),
        };
        self.check_type(&value)?;
        // Ranges are checked on the literal as written, so messages quote it.
        match literal {
            Literal::Int(_) | Literal::Float(_) => self.check_range(literal.clone())?,
            Literal::String(s) => self.check_choice(s)?,
            Literal::Bool(_) => {}
        }
        Ok(value)
    }

    /// Checks a value's type and its range or choices.
    pub fn check_value(&self, value: &Value) -> Result<(), ValueProblem> {
        self.check_type(value)?;
        match value {
            Value::Int(v) => self.check_range(Literal::Int(*v)),
            Value::Float(v) => self.check_range(Literal::Float(*v)),
            Value::String(s) => self.check_choice(s),
            _ => Ok(()),
        }
    }

    fn check_type(&self, value: &Value) -> Result<(), ValueProblem> {
        let found = value.port_type();
        if found.links_to(self.port_type) {
            return Ok(());
        }
        Err(ValueProblem::WrongType {
            expected: self.port_type,
            found,
        })
    }

    fn check_range(&self, value: Literal) -> Result<(), ValueProblem> {
        if let Some(min) = self.min.as_ref().filter(|m| compare(&value, m) == Some(Ordering::Less)) {
            return Err(ValueProblem::BelowMin {
                value,
                min: min.clone(),
            });
        }
        if let Some(max) = self
            .max
            .as_ref()
            .filter(|m| compare(&value, m) == Some(Ordering::Greater))
        {
            return Err(ValueProblem::AboveMax {
                value,
                max: max.clone(),
            });
        }
        Ok(())
    }

    fn check_choice(&self, s: &str) -> Result<(), ValueProblem> {
        if self.choices.is_empty() || self.choices.iter().any(|c| c == s) {
            return Ok(());
        }
        Err(ValueProblem::NotAChoice {
            value: s.to_string(),
            choices: self.choices.clone(),
        })
    }
}

/// Orders two numeric literals (integers exactly); `None` when either is not a number.
pub(crate) fn compare(a: &Literal, b: &Literal) -> Option<Ordering> {
    match (a, b) {
        (Literal::Int(x), Literal::Int(y)) => Some(x.cmp(y)),
        _ => as_f64(a)?.partial_cmp(&as_f64(b)?),
    }
}

fn as_f64(l: &Literal) -> Option<f64> {
    match l {
        Literal::Int(v) => Some(*v as f64),
        Literal::Float(v) => Some(*v),
        _ => None,
    }
}
