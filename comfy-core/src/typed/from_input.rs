//! `FromInput`: the Rust types a typed input field may have, and how a resolved input value
//! becomes one.
use crate::files::FilePolicy;
use crate::image::Image;
use crate::port::{PortType, ValueProblem};
use crate::tensor::Tensor;
use crate::value::{CustomValue, Literal, Value};
use std::sync::Arc;

/// A type a [`NodeInputs`](crate::NodeInputs) field may have: it says its port's type and
/// turns the input's resolved value into itself.
///
/// Implemented for the integers (`i64`, `i32`, `u64`, `u32`, `usize`, `u8`), `f64`, `f32`,
/// `bool`, `String`, [`Tensor`], `Arc<Image>`, [`Value`] (an `ANY` port), `Arc<T>` for every
/// [`CustomValue`] `T`, the paths [`ReadPath`](crate::ReadPath) and
/// [`WritePath`](crate::WritePath), enums deriving [`PortChoice`](crate::PortChoice), and
/// `Option<T>` of any of these (an optional port).
pub trait FromInput: Sized {
    /// The port's type.
    fn port_type() -> PortType;

    /// Whether the port may be left out (no default, no link): `Option<T>`.
    fn optional() -> bool {
        false
    }

    /// The allowed values of a choice port.
    fn choices() -> Vec<String> {
        Vec::new()
    }

    /// The widest range a whole-number type holds; it becomes the port's range unless a
    /// narrower one is declared.
    fn bounds() -> Option<(Literal, Literal)> {
        None
    }

    /// The field's value from the input's value (`None`: the input is not given), with the
    /// run's file policy for paths.
    fn from_input(value: Option<&Value>, files: &dyn FilePolicy) -> Result<Self, ValueProblem>;
}

/// The value, or [`ValueProblem::Missing`].
fn given(value: Option<&Value>) -> Result<&Value, ValueProblem> {
    value.ok_or(ValueProblem::Missing)
}

/// A value of the wrong type (cannot happen after validation, but never a panic).
fn wrong(expected: PortType, found: &Value) -> ValueProblem {
    ValueProblem::WrongType {
        expected,
        found: found.port_type(),
    }
}

macro_rules! whole_numbers {
    ($($t:ty => $min:expr, $max:expr);* $(;)?) => {$(
        impl FromInput for $t {
            fn port_type() -> PortType {
                PortType::Int
            }
            fn bounds() -> Option<(Literal, Literal)> {
                Some((Literal::Int($min), Literal::Int($max)))
            }
            fn from_input(value: Option<&Value>, _: &dyn FilePolicy) -> Result<Self, ValueProblem> {
                let value = given(value)?;
                let v = value.as_int().ok_or_else(|| wrong(PortType::Int, value))?;
                <$t>::try_from(v).map_err(|_| ValueProblem::DoesNotFit {
                    value: Literal::Int(v),
                    ty: stringify!($t),
                })
            }
        }
    )*};
}

whole_numbers! {
    i32 => i32::MIN as i64, i32::MAX as i64;
    u8 => 0, u8::MAX as i64;
    u32 => 0, u32::MAX as i64;
    u64 => 0, i64::MAX;
    usize => 0, i64::MAX;
}

impl FromInput for i64 {
    fn port_type() -> PortType {
        PortType::Int
    }
    fn from_input(value: Option<&Value>, _: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        let value = given(value)?;
        value.as_int().ok_or_else(|| wrong(PortType::Int, value))
    }
}

impl FromInput for f64 {
    fn port_type() -> PortType {
        PortType::Float
    }
    fn from_input(value: Option<&Value>, _: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        let value = given(value)?;
        value.as_float().ok_or_else(|| wrong(PortType::Float, value))
    }
}

impl FromInput for f32 {
    fn port_type() -> PortType {
        PortType::Float
    }
    fn from_input(value: Option<&Value>, files: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        Ok(f64::from_input(value, files)? as f32)
    }
}

impl FromInput for bool {
    fn port_type() -> PortType {
        PortType::Bool
    }
    fn from_input(value: Option<&Value>, _: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        let value = given(value)?;
        value.as_bool().ok_or_else(|| wrong(PortType::Bool, value))
    }
}

impl FromInput for String {
    fn port_type() -> PortType {
        PortType::String
    }
    fn from_input(value: Option<&Value>, _: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        let value = given(value)?;
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| wrong(PortType::String, value))
    }
}

impl FromInput for Tensor {
    fn port_type() -> PortType {
        PortType::Tensor
    }
    fn from_input(value: Option<&Value>, _: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        let value = given(value)?;
        value.as_tensor().cloned().ok_or_else(|| wrong(PortType::Tensor, value))
    }
}

impl FromInput for Arc<Image> {
    fn port_type() -> PortType {
        PortType::Image
    }
    fn from_input(value: Option<&Value>, _: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        let value = given(value)?;
        value.as_image().cloned().ok_or_else(|| wrong(PortType::Image, value))
    }
}

/// An `ANY` port: whatever value arrives.
impl FromInput for Value {
    fn port_type() -> PortType {
        PortType::Any
    }
    fn from_input(value: Option<&Value>, _: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        given(value).cloned()
    }
}

/// A value of a custom type, shared (cloning the `Arc` does not copy the value).
impl<T: CustomValue> FromInput for Arc<T> {
    fn port_type() -> PortType {
        PortType::custom::<T>()
    }
    fn from_input(value: Option<&Value>, _: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        let value = given(value)?;
        value
            .downcast_arc::<T>()
            .ok_or_else(|| wrong(PortType::custom::<T>(), value))
    }
}

/// An optional port: `None` when nothing is given.
impl<T: FromInput> FromInput for Option<T> {
    fn port_type() -> PortType {
        T::port_type()
    }
    fn optional() -> bool {
        true
    }
    fn choices() -> Vec<String> {
        T::choices()
    }
    fn bounds() -> Option<(Literal, Literal)> {
        T::bounds()
    }
    fn from_input(value: Option<&Value>, files: &dyn FilePolicy) -> Result<Self, ValueProblem> {
        match value {
            None => Ok(None),
            some => T::from_input(some, files).map(Some),
        }
    }
}
