//! How the generated code names comfy-core: `::comfy_core` when the user's crate depends on it
//! (comfy-core's own tests and doctests too), `::comfy::core` through the facade crate.
use proc_macro2::TokenStream;
use proc_macro_crate::{crate_name, FoundCrate};
use quote::{format_ident, quote};

/// The path of comfy-core in the crate being compiled.
pub(crate) fn core() -> TokenStream {
    match crate_name("comfy-core") {
        // Inside comfy-core itself, `extern crate self as comfy_core` makes the name resolve.
        Ok(FoundCrate::Itself) => quote!(::comfy_core),
        Ok(FoundCrate::Name(name)) => {
            let ident = format_ident!("{name}");
            quote!(::#ident)
        }
        Err(_) => match crate_name("comfy") {
            Ok(FoundCrate::Name(name)) => {
                let ident = format_ident!("{name}");
                quote!(::#ident::core)
            }
            _ => quote!(::comfy::core),
        },
    }
}
