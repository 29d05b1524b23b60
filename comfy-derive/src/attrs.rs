//! The `#[port(...)]` attribute of an input field and the doc comment that becomes its tooltip.
use syn::{Attribute, Expr, LitStr};

/// What a field's attributes declare about its port.
#[derive(Default)]
pub(crate) struct PortAttrs {
    pub default: Option<Expr>,
    pub min: Option<Expr>,
    pub max: Option<Expr>,
    pub step: Option<Expr>,
    pub tooltip: Option<String>,
    pub rename: Option<String>,
    /// `#[port(flatten)]`: the field is itself a `NodeInputs` struct whose ports go here.
    pub flatten: bool,
}

impl PortAttrs {
    /// Reads `#[port(default = …, min = …, max = …, step = …, tooltip = "…", rename = "…")]`
    /// or `#[port(flatten)]`
    /// and, when no tooltip is given, the doc comment.
    pub(crate) fn parse(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = PortAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("port")) {
            attr.parse_nested_meta(|meta| {
                let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                if key == "flatten" {
                    out.flatten = true;
                    return Ok(());
                }
                let value = meta.value()?;
                match key.as_str() {
                    "default" => out.default = Some(value.parse()?),
                    "min" => out.min = Some(value.parse()?),
                    "max" => out.max = Some(value.parse()?),
                    "step" => out.step = Some(value.parse()?),
                    "tooltip" => out.tooltip = Some(value.parse::<LitStr>()?.value()),
                    "rename" => out.rename = Some(value.parse::<LitStr>()?.value()),
                    _ => {
                        return Err(meta.error(
                            "unknown port attribute; expected default, min, max, step, tooltip, rename or flatten",
                        ))
                    }
                }
                Ok(())
            })?;
        }
        if out.tooltip.is_none() {
            out.tooltip = doc_comment(attrs);
        }
        Ok(out)
    }
}

/// The `///` lines of an item, joined with spaces; `None` when there are none.
pub(crate) fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s), ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let text = lines.join(" ").trim().to_string();
    (!text.is_empty()).then_some(text)
}
