//! `ValueProblem`: what is wrong with a value given to an input port.
use super::PortType;
use crate::value::Literal;

/// What is wrong with a value given to an input port.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ValueProblem {
    /// A value of another type.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// The port's type.
        expected: PortType,
        /// The given value's type.
        found: PortType,
    },
    /// A literal for a port whose values only come through links (a tensor, a model…).
    #[error("a {0} cannot be written as a literal; link it to an output")]
    NeedsLink(PortType),
    /// A number below the port's minimum.
    #[error("{value} is below the minimum {min}")]
    BelowMin {
        /// The value.
        value: Literal,
        /// The minimum.
        min: Literal,
    },
    /// A number above the port's maximum.
    #[error("{value} is above the maximum {max}")]
    AboveMax {
        /// The value.
        value: Literal,
        /// The maximum.
        max: Literal,
    },
    /// A required input with no value.
    #[error("no value given")]
    Missing,
    /// A number the node's field type cannot hold.
    #[error("{value} does not fit a {ty}")]
    DoesNotFit {
        /// The value.
        value: Literal,
        /// The field's type.
        ty: &'static str,
    },
    /// An empty path where the node needs one.
    #[error("give a path")]
    EmptyPath,
    /// A path the run's file policy refuses.
    #[error(transparent)]
    Path(#[from] crate::files::PathProblem),
    /// Text that is not one of the port's choices.
    #[error("{value:?} is not one of {}", quoted(.choices))]
    NotAChoice {
        /// The value.
        value: String,
        /// The allowed values.
        choices: Vec<String>,
    },
}

fn quoted(items: &[String]) -> String {
    items.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
}
