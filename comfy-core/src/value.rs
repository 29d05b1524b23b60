//! The values that flow along a graph's links, and the literals written in its widgets.
use crate::image::Image;
use crate::port::PortType;
use crate::tensor::Tensor;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// A value type defined outside comfy-core (a dataset, a model, a loss history…).
///
/// Implement it on your own type and the type can travel along links, with a port type of its
/// own ([`PortType::custom`]) that links are checked against:
///
/// ```
/// use comfy_core::{CustomValue, PortType, Value};
///
/// struct LossHistory(Vec<f32>);
/// impl CustomValue for LossHistory {
///     const TYPE_NAME: &'static str = "LOSS_HISTORY";
/// }
///
/// let v = Value::custom(LossHistory(vec![0.7, 0.5]));
/// assert_eq!(v.port_type(), PortType::custom::<LossHistory>());
/// assert_eq!(v.downcast::<LossHistory>().unwrap().0.len(), 2);
/// ```
pub trait CustomValue: Any + Send + Sync {
    /// The name shown in schemas and error messages; by ComfyUI's convention upper case
    /// (`"MODEL"`, `"DATASET"`).
    const TYPE_NAME: &'static str;
}

/// A shared, type-erased [`CustomValue`]. Cloning shares the value.
#[derive(Clone)]
pub struct CustomObject {
    value: Arc<dyn Any + Send + Sync>,
    port_type: PortType,
}

impl CustomObject {
    /// Wraps a shared value.
    pub fn from_arc<T: CustomValue>(value: Arc<T>) -> Self {
        CustomObject {
            value,
            port_type: PortType::custom::<T>(),
        }
    }

    /// The port type of the wrapped value.
    pub fn port_type(&self) -> PortType {
        self.port_type
    }

    /// A reference to the value if it is a `T`.
    pub fn downcast_ref<T: CustomValue>(&self) -> Option<&T> {
        self.value.downcast_ref::<T>()
    }

    /// The shared value if it is a `T`.
    pub fn downcast_arc<T: CustomValue>(&self) -> Option<Arc<T>> {
        Arc::clone(&self.value).downcast::<T>().ok()
    }
}

impl fmt::Debug for CustomObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Custom({})", self.port_type)
    }
}

/// A value on a port: what a node receives as input and returns as output.
///
/// Cloning is cheap: tensors, images and custom values are shared.
#[derive(Clone)]
pub enum Value {
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A flag.
    Bool(bool),
    /// Text.
    String(String),
    /// A tensor, wherever its backend keeps it.
    Tensor(Tensor),
    /// An 8-bit image.
    Image(Arc<Image>),
    /// A value of a type defined outside comfy-core.
    Custom(CustomObject),
}

impl Value {
    /// Wraps a custom value.
    pub fn custom<T: CustomValue>(value: T) -> Self {
        Value::Custom(CustomObject::from_arc(Arc::new(value)))
    }

    /// The port type this value fits.
    pub fn port_type(&self) -> PortType {
        match self {
            Value::Int(_) => PortType::Int,
            Value::Float(_) => PortType::Float,
            Value::Bool(_) => PortType::Bool,
            Value::String(_) => PortType::String,
            Value::Tensor(_) => PortType::Tensor,
            Value::Image(_) => PortType::Image,
            Value::Custom(c) => c.port_type(),
        }
    }

    /// The integer, if this is an `Int`.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The number, if this is a `Float` (or an `Int`, converted).
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(v) => Some(*v),
            Value::Int(v) => Some(*v as f64),
            _ => None,
        }
    }

    /// The flag, if this is a `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(v) => Some(*v),
            _ => None,
        }
    }

    /// The text, if this is a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(v) => Some(v),
            _ => None,
        }
    }

    /// The tensor, if this is a `Tensor`.
    pub fn as_tensor(&self) -> Option<&Tensor> {
        match self {
            Value::Tensor(t) => Some(t),
            _ => None,
        }
    }

    /// The image, if this is an `Image`.
    pub fn as_image(&self) -> Option<&Arc<Image>> {
        match self {
            Value::Image(i) => Some(i),
            _ => None,
        }
    }

    /// A reference to the custom value if it is a `T`.
    pub fn downcast<T: CustomValue>(&self) -> Option<&T> {
        match self {
            Value::Custom(c) => c.downcast_ref::<T>(),
            _ => None,
        }
    }

    /// The shared custom value if it is a `T` (to keep it beyond the node's run).
    pub fn downcast_arc<T: CustomValue>(&self) -> Option<Arc<T>> {
        match self {
            Value::Custom(c) => c.downcast_arc::<T>(),
            _ => None,
        }
    }
}

/// Short, human-readable: numbers and text as they are, other values by type and size.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::String(v) => write!(f, "{v:?}"),
            Value::Tensor(t) => write!(f, "TENSOR{}", t.shape()),
            Value::Image(i) => write!(f, "IMAGE {}x{}x{}", i.width(), i.height(), i.channels()),
            Value::Custom(c) => write!(f, "{}", c.port_type()),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Tensor(t) => write!(f, "Tensor({t:?})"),
            Value::Custom(c) => write!(f, "{c:?}"),
            other => write!(f, "{other}"),
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $variant:ident $(as $cast:ty)?),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant((v $(as $cast)?).into())
            }
        }
    )*};
}

value_from!(i64 => Int, i32 => Int as i64, u32 => Int as i64, f64 => Float, f32 => Float as f64, bool => Bool);
value_from!(String => String, &str => String, Tensor => Tensor, Image => Image, Arc<Image> => Image);

impl From<Literal> for Value {
    fn from(l: Literal) -> Self {
        match l {
            Literal::Int(v) => Value::Int(v),
            Literal::Float(v) => Value::Float(v),
            Literal::Bool(v) => Value::Bool(v),
            Literal::String(v) => Value::String(v),
        }
    }
}

/// A value written directly in a graph (a widget value in ComfyUI's terms).
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A whole number.
    Int(i64),
    /// A floating-point number (never NaN or infinite once in a graph).
    Float(f64),
    /// A flag.
    Bool(bool),
    /// Text.
    String(String),
}

impl Literal {
    /// The port type a literal of this kind has.
    pub fn port_type(&self) -> PortType {
        match self {
            Literal::Int(_) => PortType::Int,
            Literal::Float(_) => PortType::Float,
            Literal::Bool(_) => PortType::Bool,
            Literal::String(_) => PortType::String,
        }
    }
}

/// As JSON would write it: text quoted.
impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Int(v) => write!(f, "{v}"),
            Literal::Float(v) => write!(f, "{v:?}"),
            Literal::Bool(v) => write!(f, "{v}"),
            Literal::String(v) => write!(f, "{v:?}"),
        }
    }
}

macro_rules! literal_from {
    ($($t:ty => $variant:ident $(as $cast:ty)?),* $(,)?) => {$(
        impl From<$t> for Literal {
            fn from(v: $t) -> Self {
                Literal::$variant((v $(as $cast)?).into())
            }
        }
    )*};
}

literal_from!(i64 => Int, i32 => Int as i64, u32 => Int as i64, f64 => Float, f32 => Float as f64);
literal_from!(bool => Bool, String => String, &str => String);
