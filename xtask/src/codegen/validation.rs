//! Generated checks of the spec's machine-readable rules.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::RustField;
use crate::spec::model::Rules;
use crate::spec::types::{Scalar, TypeExpr};

fn opt<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    }
}

fn charset(rules: &Rules) -> TokenStream {
    if rules.charset.is_empty() {
        return quote! { None };
    }
    let has = |c: &str| rules.charset.iter().any(|x| x == c);
    let (letters, lowercase, uppercase, digits) = (has("letters"), has("lowercase"), has("uppercase"), has("digits"));
    let extra: String = rules.charset.iter().filter(|c| c.chars().count() == 1).map(String::as_str).collect();
    let description = rules
        .charset
        .iter()
        .map(|c| if c.chars().count() == 1 { format!("\"{c}\"") } else { c.clone() })
        .collect::<Vec<_>>()
        .join(", ");
    quote! {
        Some(hwcloud_runtime::validate::Charset {
            letters: #letters, lowercase: #lowercase, uppercase: #uppercase, digits: #digits,
            extra: #extra, description: #description,
        })
    }
}

fn has_str_rules(rules: &Rules, non_empty: bool) -> bool {
    non_empty
        || rules.length.is_some()
        || rules.min_length.is_some()
        || rules.max_length.is_some()
        || !rules.charset.is_empty()
        || rules.starts_with_letter
        || rules.prefix.is_some()
        || rules.suffix.is_some()
        || rules.forbidden_chars.is_some()
}

/// The name of the constant holding a field's string rules.
fn rules_ident(f: &RustField<'_>) -> proc_macro2::Ident {
    quote::format_ident!("{}_RULES", f.ident.to_string().trim_start_matches("r#").to_ascii_uppercase())
}

/// Whether the field has string rules to check (path parameters always do: they must not be empty).
fn checks_str(f: &RustField<'_>, non_empty: bool) -> bool {
    let is_str = match &f.expr {
        TypeExpr::Scalar(Scalar::String) => true,
        TypeExpr::Array(inner) => matches!(**inner, TypeExpr::Scalar(Scalar::String)),
        _ => false,
    };
    is_str && f.enum_def.is_none() && has_str_rules(&f.field.rules, non_empty)
}

/// A `const` with the field's documented string rules, shared by every check of that field in the module.
pub fn rules_const(f: &RustField<'_>, non_empty: bool) -> TokenStream {
    if !checks_str(f, non_empty) {
        return quote! {};
    }
    let rules = &f.field.rules;
    let length = opt(rules.length.map(|n| n as usize));
    let min_length = opt(rules.min_length.map(|n| n as usize));
    let max_length = opt(rules.max_length.map(|n| n as usize));
    let charset = charset(rules);
    let starts = rules.starts_with_letter;
    let prefix = opt(rules.prefix.as_deref());
    let suffix = opt(rules.suffix.as_deref());
    let forbidden = rules.forbidden_chars.clone().unwrap_or_default();
    let sensitive = f.field.sensitive;
    let ident = rules_ident(f);
    let doc = format!(" Documented rules of `{}`.", f.field.name);
    quote! {
        #[doc = #doc]
        const #ident: hwcloud_runtime::validate::StrRules = hwcloud_runtime::validate::StrRules {
            non_empty: #non_empty, length: #length, min_length: #min_length, max_length: #max_length,
            charset: #charset, starts_with_letter: #starts, prefix: #prefix, suffix: #suffix,
            forbidden_chars: #forbidden, sensitive: #sensitive,
        };
    }
}

/// Statements checking `value` (an expression of type `&T`) against the row's rules.
fn value_checks(f: &RustField<'_>, value: TokenStream, non_empty: bool) -> TokenStream {
    let rules = &f.field.rules;
    let wire = &f.field.name;
    if checks_str(f, non_empty) {
        let ident = rules_ident(f);
        return match &f.expr {
            TypeExpr::Array(_) => quote! { for item in #value.iter() { v.check_str(#wire, item, &#ident); } },
            _ => quote! { v.check_str(#wire, #value, &#ident); },
        };
    }
    match &f.expr {
        TypeExpr::Scalar(Scalar::Integer | Scalar::Long) if rules.minimum.is_some() || rules.maximum.is_some() => {
            let min = opt(rules.minimum);
            let max = opt(rules.maximum);
            quote! { v.check_range(#wire, i64::from(*#value), #min, #max); }
        }
        _ => quote! {},
    }
}

/// Checks of one field of an input whose fields are all `Option`: a missing mandatory value is reported.
pub fn input_field_checks(f: &RustField<'_>, mandatory: bool, non_empty: bool) -> TokenStream {
    let ident = &f.ident;
    let wire = &f.field.name;
    let setter = ident.to_string().trim_start_matches("r#").to_owned();
    let checks = value_checks(f, quote! { value }, non_empty);
    let missing = if mandatory {
        quote! { else { v.missing(#wire, #setter); } }
    } else {
        quote! {}
    };
    match (checks.is_empty(), mandatory) {
        (true, false) => quote! {},
        (true, true) => quote! { if self.#ident.is_none() { v.missing(#wire, #setter); } },
        (false, _) => quote! { if let Some(value) = &self.#ident { #checks } #missing },
    }
}

/// Checks of one field of a wire struct: optional fields are checked when present, plain ones always.
pub fn wire_field_checks(f: &RustField<'_>) -> TokenStream {
    let ident = &f.ident;
    if f.optional {
        let checks = value_checks(f, quote! { value }, false);
        if checks.is_empty() {
            return quote! {};
        }
        quote! { if let Some(value) = &self.#ident { #checks } }
    } else {
        value_checks(f, quote! { &self.#ident }, false)
    }
}
