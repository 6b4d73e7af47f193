//! The checks that generated `validate()` and `check_rules()` methods run on each field: mandatory and
//! conditionally mandatory fields, documented value sets, string rules, time windows, numeric bounds, and nested
//! objects and lists of objects, each reported where it sits in the request (`restore_point.backup_id`,
//! `flavor[0].num`). How each rule is checked and worded lives in the runtime's `validate` module.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::model::{Ctx, RustField};
use crate::spec::conditions;
use crate::spec::model::{Condition, Test};
use crate::spec::types::{Scalar, TypeExpr};

/// Where the checks are emitted: an input's or request body's `validate()`, or a nested object's
/// `check_rules(at, v)`.
pub struct Site {
    nested: bool,
}

impl Site {
    /// `validate()`: the collector is the local `v`, field names are the wire names.
    pub fn top() -> Site {
        Site { nested: false }
    }

    /// `check_rules(at, v)` of an object in a request: field names are `{at}.<wire name>`.
    pub fn nested() -> Site {
        Site { nested: true }
    }

    /// How the collector is handed to a nested object.
    fn sink(&self) -> TokenStream {
        if self.nested {
            quote! { v }
        } else {
            quote! { &mut v }
        }
    }

    fn name(&self, wire: &str) -> TokenStream {
        if self.nested {
            let text = format!("{{at}}.{wire}");
            quote! { &format!(#text) }
        } else {
            quote! { #wire }
        }
    }

    fn item_name(&self, wire: &str) -> TokenStream {
        let text = if self.nested { format!("{{at}}.{wire}[{{i}}]") } else { format!("{wire}[{{i}}]") };
        quote! { &format!(#text) }
    }

    /// The method that sets a field: the builder's setter, or a nested object's `with_` method.
    fn setter(&self, f: &RustField<'_>) -> String {
        if self.nested {
            format!("with_{}", f.name())
        } else {
            f.name()
        }
    }
}

/// Every check of field `f` of a table owned by `owner` (the Rust item its rows belong to, which names its rule
/// sets). `siblings` are the table's fields, which `mandatory_when` conditions name; `required` when an absent
/// value is itself a violation (mandatory rows of an input, whose fields are all optional).
pub fn field_checks(
    ctx: &Ctx<'_>,
    owner: &str,
    f: &RustField<'_>,
    siblings: &[&RustField<'_>],
    site: &Site,
    required: bool,
) -> TokenStream {
    let ident = &f.ident;
    let name = site.name(&f.field.name);
    let setter = site.setter(f);
    let require = if required {
        quote! { v.require(#name, #setter, self.#ident.is_some()); }
    } else {
        quote! {}
    };
    let conditional = (!f.field.mandatory_when.is_empty()).then(|| {
        let conds = f.field.mandatory_when.iter().map(|c| condition(c, siblings));
        let words = conditions::words(&f.field.mandatory_when);
        quote! { v.require_when(#name, #setter, self.#ident.is_some(), #(#conds)||*, #words); }
    });
    let value = value_checks(ctx, owner, f, site);
    quote! { #require #conditional #value }
}

fn value_checks(ctx: &Ctx<'_>, owner: &str, f: &RustField<'_>, site: &Site) -> TokenStream {
    let ident = &f.ident;
    let wire = &f.field.name;
    let name = site.name(wire);
    let rules = &f.field.rules;
    if f.is_enum {
        let ty = &f.ty;
        let value = if f.optional {
            quote! { self.#ident.as_ref().map(#ty::as_str) }
        } else {
            quote! { Some(self.#ident.as_str()) }
        };
        return quote! { v.check_documented(#name, #value, #ty::VALUES); };
    }
    let str_rules = ctx.rules.str_rules(&ctx.module(), owner, wire);
    match &f.expr {
        TypeExpr::Scalar(Scalar::String) => {
            let value = if f.optional {
                quote! { self.#ident.as_deref() }
            } else {
                quote! { Some(self.#ident.as_str()) }
            };
            let text = str_rules.map(|rules| quote! { v.check_str(#name, #value, &#rules); });
            let window = rules.time_window.as_ref().map(|w| {
                let minutes = w.minutes.iter().map(|m| Literal::u8_unsuffixed(*m));
                quote! { v.check_time_window(#name, #value, &[#(#minutes),*]); }
            });
            quote! { #text #window }
        }
        TypeExpr::Array(inner) if **inner == TypeExpr::Scalar(Scalar::String) => {
            let Some(rules) = str_rules else { return quote! {} };
            let values = if f.optional {
                quote! { self.#ident.iter().flatten() }
            } else {
                quote! { &self.#ident }
            };
            quote! { v.check_strs(#name, #values, &#rules); }
        }
        TypeExpr::Array(inner) => match inner.as_ref() {
            TypeExpr::Object(table) if ctx.checked_types.contains(table.as_str()) => {
                let items = if f.optional {
                    quote! { self.#ident.iter().flatten() }
                } else {
                    quote! { self.#ident.iter() }
                };
                let (item_name, sink) = (site.item_name(wire), site.sink());
                quote! {
                    for (i, item) in #items.enumerate() {
                        item.check_rules(#item_name, #sink);
                    }
                }
            }
            _ => quote! {},
        },
        TypeExpr::Object(table) if ctx.checked_types.contains(table.as_str()) => {
            let sink = site.sink();
            if f.optional {
                quote! {
                    if let Some(value) = &self.#ident {
                        value.check_rules(#name, #sink);
                    }
                }
            } else {
                quote! { self.#ident.check_rules(#name, #sink); }
            }
        }
        TypeExpr::Scalar(Scalar::Integer | Scalar::Long) if rules.minimum.is_some() || rules.maximum.is_some() => {
            let value = if f.optional {
                quote! { self.#ident.map(i64::from) }
            } else {
                quote! { Some(i64::from(self.#ident)) }
            };
            let bound = |b: Option<i64>| match b {
                Some(b) => quote! { Some(#b) },
                None => quote! { None },
            };
            let (min, max) = (bound(rules.minimum), bound(rules.maximum));
            quote! { v.check_range(#name, #value, #min, #max); }
        }
        _ => quote! {},
    }
}

/// Whether field `f` has any check at all (so that a nested object without any gets no `check_rules`).
pub fn has_checks(ctx: &Ctx<'_>, owner: &str, f: &RustField<'_>) -> bool {
    let rules = &f.field.rules;
    let own = f.is_enum
        || !f.field.mandatory_when.is_empty()
        || rules.time_window.is_some()
        || rules.minimum.is_some()
        || rules.maximum.is_some();
    let strings = matches!(&f.expr, TypeExpr::Scalar(Scalar::String) | TypeExpr::Array(_))
        && ctx.rules.str_rules(&ctx.module(), owner, &f.field.name).is_some();
    let nested = f.expr.object_name().is_some_and(|t| ctx.checked_types.contains(t));
    own || strings || nested
}

/// A `mandatory_when` condition as a Rust boolean over the sibling it names.
fn condition(cond: &Condition, siblings: &[&RustField<'_>]) -> TokenStream {
    let Some(sibling) = siblings.iter().find(|s| s.field.name == cond.field) else {
        // The loader checks that the sibling exists; an unknown one never holds.
        return quote! { false };
    };
    let ident = &sibling.ident;
    let (is_set, is_unset) = if sibling.optional {
        (quote! { self.#ident.is_some() }, quote! { self.#ident.is_none() })
    } else {
        (quote! { true }, quote! { false })
    };
    let value = || {
        let ty = &sibling.ty;
        match (sibling.is_enum, sibling.is_string(), sibling.optional) {
            (true, _, true) => quote! { self.#ident.as_ref().map(#ty::as_str) },
            (false, true, true) => quote! { self.#ident.as_deref() },
            (true, _, false) | (false, true, false) => quote! { self.#ident.as_str() },
            (false, false, _) => quote! { self.#ident },
        }
    };
    let patterns = |values: &[serde_yaml::Value]| -> Vec<TokenStream> {
        values
            .iter()
            .map(|v| match v {
                serde_yaml::Value::Bool(b) => quote! { #b },
                serde_yaml::Value::Number(n) => match n.as_i64() {
                    Some(n) => {
                        let literal = Literal::i64_unsuffixed(n);
                        quote! { #literal }
                    }
                    None => quote! { _ },
                },
                other => {
                    let text = conditions::value_text(other);
                    quote! { #text }
                }
            })
            .collect()
    };
    match cond.test() {
        Test::Set => is_set,
        Test::Absent => is_unset,
        Test::Equals(values) => {
            let (value, patterns) = (value(), patterns(values));
            if sibling.optional {
                quote! { matches!(#value, Some(#(#patterns)|*)) }
            } else {
                quote! { matches!(#value, #(#patterns)|*) }
            }
        }
        Test::NotEquals(values) => {
            let (value, patterns) = (value(), patterns(values));
            if sibling.optional {
                quote! { #value.is_some_and(|value| !matches!(value, #(#patterns)|*)) }
            } else {
                quote! { !matches!(#value, #(#patterns)|*) }
            }
        }
    }
}
