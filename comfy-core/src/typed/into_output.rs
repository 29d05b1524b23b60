//! `IntoOutput`: the Rust types a typed output field may have.
use crate::image::Image;
use crate::port::PortType;
use crate::tensor::Tensor;
use crate::value::{CustomValue, Value};
use std::sync::Arc;

/// A type a [`NodeOutputs`](crate::NodeOutputs) field may have: its port's type and its value.
///
/// Implemented for `i64`, `f64`, `bool`, `String`, [`Tensor`], [`Image`] and `Arc<Image>`,
/// [`Value`] (an `ANY` port), and every [`CustomValue`] (by value or in an `Arc`).
pub trait IntoOutput {
    /// The port's type.
    fn port_type() -> PortType;
    /// The value that travels along the port's links.
    fn into_value(self) -> Value;
}

macro_rules! plain_outputs {
    ($($t:ty => $port:ident),* $(,)?) => {$(
        impl IntoOutput for $t {
            fn port_type() -> PortType {
                PortType::$port
            }
            fn into_value(self) -> Value {
                Value::from(self)
            }
        }
    )*};
}

plain_outputs!(i64 => Int, f64 => Float, bool => Bool, String => String, Tensor => Tensor, Image => Image);

impl IntoOutput for Arc<Image> {
    fn port_type() -> PortType {
        PortType::Image
    }
    fn into_value(self) -> Value {
        Value::Image(self)
    }
}

impl IntoOutput for Value {
    fn port_type() -> PortType {
        PortType::Any
    }
    fn into_value(self) -> Value {
        self
    }
}

impl<T: CustomValue> IntoOutput for T {
    fn port_type() -> PortType {
        PortType::custom::<T>()
    }
    fn into_value(self) -> Value {
        Value::custom(self)
    }
}

impl<T: CustomValue> IntoOutput for Arc<T> {
    fn port_type() -> PortType {
        PortType::custom::<T>()
    }
    fn into_value(self) -> Value {
        Value::Custom(crate::value::CustomObject::from_arc(self))
    }
}
