//! What a node type declares: [`NodeInfo`] (name, category, texts, flags) and the whole
//! [`NodeSchema`] with its ports, checked when the node is registered.
use crate::port::{compare, InputPort, OutputPort, PortType, ValueProblem};
use crate::value::Literal;
use std::cmp::Ordering;
use std::collections::HashSet;

/// What a node says about itself besides its ports: its type name (what graphs call it), the
/// menu category, the name and description a UI shows, and how the engine may treat it.
///
/// ```
/// use comfy_core::NodeInfo;
/// let info = NodeInfo::new("SaveImageGrid", "viewer").description("Tiles images into a PNG").output_node();
/// assert_eq!(info.shown_name(), "Save Image Grid");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NodeInfo {
    type_name: String,
    category: String,
    display_name: Option<String>,
    description: String,
    output_node: bool,
    cacheable: bool,
}

impl NodeInfo {
    /// A node type called `type_name` in the menu `category` (a path such as `"training/gan"`).
    pub fn new(type_name: impl Into<String>, category: impl Into<String>) -> Self {
        NodeInfo {
            type_name: type_name.into(),
            category: category.into(),
            display_name: None,
            description: String::new(),
            output_node: false,
            cacheable: true,
        }
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    /// Sets the name a UI shows.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Marks the node as an output node: a run pulls the graph from its output nodes (savers,
    /// viewers…), like ComfyUI's `OUTPUT_NODE`.
    pub fn output_node(mut self) -> Self {
        self.output_node = true;
        self
    }

    /// Marks the node as not cacheable: it runs on every run (random sources, clocks…), and so
    /// do the nodes that depend on it.
    pub fn not_cacheable(mut self) -> Self {
        self.cacheable = false;
        self
    }
}

impl NodeInfo {
    /// The name a UI shows: the one given, else the type name split into words
    /// (`SaveImageGrid` → `Save Image Grid`).
    pub fn shown_name(&self) -> String {
        if let Some(name) = &self.display_name {
            return name.clone();
        }
        let mut out = String::new();
        let chars: Vec<char> = self.type_name.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_lower = i > 0 && chars[i - 1].is_lowercase();
            if i > 0 && c.is_uppercase() && (prev_lower || next_lower) && !out.ends_with(' ') {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }
}

/// What a node declares about itself: a stable type name, where it sits in a menu, its
/// ports, and how the engine may treat it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSchema {
    info: NodeInfo,
    inputs: Vec<InputPort>,
    outputs: Vec<OutputPort>,
}

impl NodeSchema {
    /// A schema with no ports; `type_name` is what graphs call the node (`class_type`).
    pub fn new(type_name: impl Into<String>, category: impl Into<String>) -> Self {
        Self::from_info(NodeInfo::new(type_name, category), Vec::new(), Vec::new())
    }

    /// The schema of a node described by `info` with these ports.
    pub fn from_info(info: NodeInfo, inputs: Vec<InputPort>, outputs: Vec<OutputPort>) -> Self {
        NodeSchema { info, inputs, outputs }
    }

    /// The node's name, category, texts and flags.
    pub fn info(&self) -> &NodeInfo {
        &self.info
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.info = self.info.description(text);
        self
    }

    /// Adds an input port.
    pub fn input(mut self, port: InputPort) -> Self {
        self.inputs.push(port);
        self
    }

    /// Adds an output port.
    pub fn output(mut self, name: impl Into<String>, port_type: PortType) -> Self {
        self.outputs.push(OutputPort::new(name, port_type));
        self
    }

    /// Marks the node as an output node: a run pulls the graph from its output nodes (savers,
    /// viewers…), like ComfyUI's `OUTPUT_NODE`.
    pub fn output_node(mut self) -> Self {
        self.info = self.info.output_node();
        self
    }

    /// Marks the node as not cacheable: it runs on every run (random sources, clocks…), and so
    /// do the nodes that depend on it.
    pub fn not_cacheable(mut self) -> Self {
        self.info = self.info.not_cacheable();
        self
    }

    /// The type name.
    pub fn type_name(&self) -> &str {
        &self.info.type_name
    }

    /// The name a UI shows (the type name split into words unless one was given).
    pub fn display_name(&self) -> String {
        self.info.shown_name()
    }

    /// The category (a menu path such as `"training/gan"`).
    pub fn category(&self) -> &str {
        &self.info.category
    }

    /// The description.
    pub fn description_text(&self) -> &str {
        &self.info.description
    }

    /// The input ports, in declaration order.
    pub fn inputs(&self) -> &[InputPort] {
        &self.inputs
    }

    /// The input port called `name`.
    pub fn find_input(&self, name: &str) -> Option<&InputPort> {
        self.inputs.iter().find(|p| p.name() == name)
    }

    /// The output ports, in order.
    pub fn outputs(&self) -> &[OutputPort] {
        &self.outputs
    }

    /// Whether this is an output node.
    pub fn is_output_node(&self) -> bool {
        self.info.output_node
    }

    /// Whether its outputs may be cached between runs.
    pub fn is_cacheable(&self) -> bool {
        self.info.cacheable
    }

    /// Every inconsistency in the schema: an empty type name, duplicate port names, a default
    /// of the wrong type or outside the range, bounds that are not numbers of the port's type,
    /// a range wider than the Rust type behind a typed port holds.
    pub fn check(&self) -> Vec<SchemaError> {
        let mut errors = Vec::new();
        if self.info.type_name.trim().is_empty() {
            errors.push(SchemaError::EmptyTypeName);
        }
        let inputs = self.inputs.iter().map(InputPort::name);
        let outputs = self.outputs.iter().map(OutputPort::name);
        for port in duplicates(inputs).into_iter().chain(duplicates(outputs)) {
            errors.push(self.error(port, SchemaProblem::DuplicatePort));
        }
        for port in &self.inputs {
            if let Err(problem) = check_port(port) {
                errors.push(self.error(port.name(), problem));
            }
        }
        errors
    }

    fn error(&self, port: &str, problem: SchemaProblem) -> SchemaError {
        SchemaError::Port {
            node_type: self.info.type_name.clone(),
            port: port.to_string(),
            problem,
        }
    }
}

fn duplicates<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    names.filter(|n| !seen.insert(*n)).collect()
}

/// The first problem with one input port's declaration.
fn check_port(port: &InputPort) -> Result<(), SchemaProblem> {
    let ty = port.port_type();
    let numeric = matches!(ty, PortType::Int | PortType::Float);
    let literals = [port.default_value(), port.min(), port.max(), port.step_value()];
    if let Some(bad) = literals
        .into_iter()
        .flatten()
        .find(|l| matches!(l, Literal::Float(v) if !v.is_finite()))
    {
        return Err(SchemaProblem::NonFinite(bad.clone()));
    }
    for bound in [port.min(), port.max(), port.step_value()].into_iter().flatten() {
        let fits = matches!((ty, bound), (PortType::Int, Literal::Int(_)))
            || matches!((ty, bound), (PortType::Float, Literal::Int(_) | Literal::Float(_)));
        if !fits || !numeric {
            return Err(SchemaProblem::BadBound(bound.clone()));
        }
    }
    if let (Some(min), Some(max)) = (port.min(), port.max()) {
        if compare(min, max) == Some(Ordering::Greater) {
            return Err(SchemaProblem::EmptyRange(min.clone(), max.clone()));
        }
    }
    if let Some((lo, hi)) = port.type_bounds() {
        let below = port.min().is_some_and(|m| compare(m, lo) == Some(Ordering::Less));
        let above = port.max().is_some_and(|m| compare(m, hi) == Some(Ordering::Greater));
        if below || above {
            return Err(SchemaProblem::WiderThanType(lo.clone(), hi.clone()));
        }
    }
    if !port.choices().is_empty() && ty != PortType::String {
        return Err(SchemaProblem::ChoicesOnNonString);
    }
    match port.default_value() {
        Some(d) => port.value_from_literal(d).map(drop).map_err(SchemaProblem::BadDefault),
        None => Ok(()),
    }
}

/// A mistake in a node's declared schema (a bug in the node pack, reported when a graph uses
/// the node and by [`Registry::check`](crate::Registry::check)).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SchemaError {
    /// The node's type name is empty.
    #[error("a node type has an empty type name")]
    EmptyTypeName,
    /// A port is declared wrongly.
    #[error("node type {node_type:?}, port {port:?}: {problem}")]
    Port {
        /// The node type.
        node_type: String,
        /// The port.
        port: String,
        /// What is wrong.
        problem: SchemaProblem,
    },
}

/// What is wrong with a declared port.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SchemaProblem {
    /// Two ports on the same side share a name.
    #[error("declared twice")]
    DuplicatePort,
    /// The default does not fit the port.
    #[error("bad default: {0}")]
    BadDefault(ValueProblem),
    /// A min, max or step that is not a number of the port's type (or on a non-number port).
    #[error("bound {0} does not fit the port's type")]
    BadBound(Literal),
    /// `min > max`.
    #[error("empty range: min {0} is above max {1}")]
    EmptyRange(Literal, Literal),
    /// A NaN or infinite default or bound.
    #[error("{0} is not a finite number")]
    NonFinite(Literal),
    /// A range (or default) wider than what the field type behind a typed port holds.
    #[error("the range goes beyond {0}..={1}, all that the port's field type holds")]
    WiderThanType(Literal, Literal),
    /// A choice list on a port that is not `STRING`.
    #[error("choices on a port that is not STRING")]
    ChoicesOnNonString,
}
