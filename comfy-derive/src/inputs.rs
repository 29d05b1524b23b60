//! `#[derive(NodeInputs)]`: one input port per field, read back into the struct.
use crate::attrs::PortAttrs;
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
            "NodeInputs can only be derived for a struct",
        ));
    };
    let fields = match &data.fields {
        Fields::Named(f) => f.named.iter().collect::<Vec<_>>(),
        Fields::Unit => Vec::new(),
        Fields::Unnamed(_) => {
            return Err(syn::Error::new_spanned(
                ast,
                "NodeInputs needs named fields: each field's name is its port's name",
            ))
        }
    };
    let mut ports = Vec::new();
    let mut reads = Vec::new();
    for field in fields {
        let ident = field.ident.as_ref().expect("named field");
        let ty = &field.ty;
        let attrs = PortAttrs::parse(&field.attrs)?;
        if attrs.flatten {
            ports.push(quote!(<#ty as #core::NodeInputs>::ports()));
            reads.push(quote!(#ident: <#ty as #core::NodeInputs>::read(inputs, files)?));
            continue;
        }
        let port = attrs
            .rename
            .clone()
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
        let mut build = quote!(#core::typed::port::<#ty>(#port));
        if let Some(d) = &attrs.default {
            build = quote!(#build.default(#d));
        }
        if let Some(m) = &attrs.min {
            build = quote!(#build.at_least(#m));
        }
        if let Some(m) = &attrs.max {
            build = quote!(#build.at_most(#m));
        }
        if let Some(s) = &attrs.step {
            build = quote!(#build.step(#s));
        }
        if let Some(t) = &attrs.tooltip {
            build = quote!(#build.tooltip(#t));
        }
        ports.push(quote!(::std::vec![#build]));
        reads.push(quote!(#ident: #core::typed::read::<#ty>(inputs, #port, files)?));
    }
    let (impl_generics, ty_generics, where_clause) = ast.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #core::NodeInputs for #name #ty_generics #where_clause {
            fn ports() -> ::std::vec::Vec<#core::InputPort> {
                let groups: ::std::vec::Vec<::std::vec::Vec<#core::InputPort>> = ::std::vec![#(#ports),*];
                groups.into_iter().flatten().collect()
            }

            fn read(
                inputs: &#core::Inputs,
                files: &dyn #core::FilePolicy,
            ) -> ::std::result::Result<Self, #core::NodeError> {
                let _ = (inputs, files);
                ::std::result::Result::Ok(#name { #(#reads),* })
            }
        }
    })
}
