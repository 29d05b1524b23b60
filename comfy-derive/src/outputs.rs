//! `#[derive(NodeOutputs)]`: one output port per field, in order.
use crate::path::core;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

pub(crate) fn expand(ast: &DeriveInput) -> syn::Result<TokenStream> {
    let core = core();
    let name = &ast.ident;
    let Data::Struct(data) = &ast.data else {
        return Err(syn::Error::new_spanned(
            ast,
            "NodeOutputs can only be derived for a struct",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            ast,
            "NodeOutputs needs named fields: each field's name is its port's name",
        ));
    };
    let mut ports = Vec::new();
    let mut values = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named field");
        let ty = &field.ty;
        let port = ident.to_string().trim_start_matches("r#").to_string();
        let mut build = quote!(#core::OutputPort::new(#port, <#ty as #core::IntoOutput>::port_type()));
        if let Some(tip) = crate::attrs::doc_comment(&field.attrs) {
            build = quote!(#build.tooltip(#tip));
        }
        ports.push(build);
        values.push(quote!(#core::IntoOutput::into_value(self.#ident)));
    }
    let (impl_generics, ty_generics, where_clause) = ast.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #core::NodeOutputs for #name #ty_generics #where_clause {
            fn ports() -> ::std::vec::Vec<#core::OutputPort> {
                ::std::vec![#(#ports),*]
            }

            fn into_outputs(self) -> #core::Outputs {
                #core::Outputs::from(::std::vec![#(#values),*])
            }
        }
    })
}
