//! `#[derive(PortChoice)]`: an enum of unit variants as a drop-down input (a STRING port with
//! choices), each variant named in snake case or by `#[choice("…")]`.
use crate::path::core;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

pub(crate) fn expand(ast: &DeriveInput) -> syn::Result<TokenStream> {
    let core = core();
    let name = &ast.ident;
    let Data::Enum(data) = &ast.data else {
        return Err(syn::Error::new_spanned(
            ast,
            "PortChoice can only be derived for an enum",
        ));
    };
    let mut names = Vec::new();
    let mut variants = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(syn::Error::new_spanned(v, "PortChoice variants carry no data"));
        }
        let mut text = snake_case(&v.ident.to_string());
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("choice")) {
            text = attr.parse_args::<LitStr>()?.value();
        }
        names.push(text);
        variants.push(&v.ident);
    }
    if names.is_empty() {
        return Err(syn::Error::new_spanned(ast, "PortChoice needs at least one variant"));
    }
    let (impl_generics, ty_generics, where_clause) = ast.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #core::PortChoice for #name #ty_generics #where_clause {
            const NAMES: &'static [&'static str] = &[#(#names),*];

            fn from_name(name: &str) -> ::std::option::Option<Self> {
                match name {
                    #(#names => ::std::option::Option::Some(#name::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }

            fn name(&self) -> &'static str {
                match self {
                    #(#name::#variants => #names,)*
                }
            }
        }

        impl #impl_generics #core::FromInput for #name #ty_generics #where_clause {
            fn port_type() -> #core::PortType {
                #core::PortType::String
            }

            fn choices() -> ::std::vec::Vec<::std::string::String> {
                <Self as #core::PortChoice>::NAMES.iter().map(|s| s.to_string()).collect()
            }

            fn from_input(
                value: ::std::option::Option<&#core::Value>,
                files: &dyn #core::FilePolicy,
            ) -> ::std::result::Result<Self, #core::ValueProblem> {
                let _ = files;
                #core::typed::read_choice::<Self>(value)
            }
        }
    })
}

/// `LeakyRelu` → `leaky_relu`.
fn snake_case(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
