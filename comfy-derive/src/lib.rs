//! Derive macros for Comfy's typed node ports: `#[derive(NodeInputs)]`, `#[derive(NodeOutputs)]`
//! and `#[derive(PortChoice)]`. Use them through `comfy_core` (or `comfy::core`), which
//! documents them.
use proc_macro::TokenStream;

mod attrs;
mod choice;
mod inputs;
mod outputs;
mod path;

/// A struct whose fields are a node's input ports (see `comfy_core::NodeInputs`).
#[proc_macro_derive(NodeInputs, attributes(port))]
pub fn derive_node_inputs(input: TokenStream) -> TokenStream {
    let ast = syn::parse_macro_input!(input as syn::DeriveInput);
    inputs::expand(&ast)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A struct whose fields are a node's output ports (see `comfy_core::NodeOutputs`).
#[proc_macro_derive(NodeOutputs)]
pub fn derive_node_outputs(input: TokenStream) -> TokenStream {
    let ast = syn::parse_macro_input!(input as syn::DeriveInput);
    outputs::expand(&ast)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// An enum of unit variants that is a drop-down input (see `comfy_core::PortChoice`).
#[proc_macro_derive(PortChoice, attributes(choice))]
pub fn derive_port_choice(input: TokenStream) -> TokenStream {
    let ast = syn::parse_macro_input!(input as syn::DeriveInput);
    choice::expand(&ast)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
