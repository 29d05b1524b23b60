//! `OutputPort`: an output's name, type and tooltip.
use super::PortType;

/// An output port: a name and a type.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputPort {
    name: String,
    port_type: PortType,
    tooltip: Option<String>,
}

impl OutputPort {
    /// An output port.
    pub fn new(name: impl Into<String>, port_type: PortType) -> Self {
        OutputPort {
            name: name.into(),
            port_type,
            tooltip: None,
        }
    }

    /// A help text for UIs.
    pub fn tooltip(mut self, text: impl Into<String>) -> Self {
        self.tooltip = Some(text.into());
        self
    }

    /// The help text.
    pub fn tooltip_text(&self) -> Option<&str> {
        self.tooltip.as_deref()
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type.
    pub fn port_type(&self) -> PortType {
        self.port_type
    }
}
