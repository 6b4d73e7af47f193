//! The documented examples as generated tests: responses decode and re-encode to the same JSON, requests pass
//! validation. (Each operation's rustdoc example, built from the same values, is in `doc_example.rs`.)

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value as Json;

use super::operation::{literal_tokens, InputField, Op, Place};
use crate::spec::check::{field_type, response_fields, TypeTable};
use crate::spec::model::{ExampleRequest, Field};
use crate::spec::types::{Scalar, TypeExpr};

/// The concrete values a documented example request gives its parameters (placeholders left out).
pub(super) struct ExampleValues {
    /// `(field index, raw text)` of path and query parameters.
    pub params: Vec<(usize, String)>,
    /// Path parameters printed as `{placeholder}`.
    pub placeholders: Vec<String>,
    /// The parsed body, when the example has one.
    pub body: Option<Json>,
}

pub(super) fn example_values(fields: &[InputField<'_>], template: &str, ex: &ExampleRequest) -> ExampleValues {
    let mut params = Vec::new();
    let mut placeholders = Vec::new();
    let url = ex.line.split_whitespace().nth(1).unwrap_or("");
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path_and_query = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("");
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let find = |place: Place, name: &str| fields.iter().position(|f| f.place == place && f.rust.field.name == name);
    for (t, actual) in template.split('/').zip(path.split('/')) {
        let Some(name) = t.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else { continue };
        if actual.starts_with('{') {
            placeholders.push(name.to_owned());
        } else if let Some(i) = find(Place::Path, name) {
            params.push((i, actual.to_owned()));
        }
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if let (Some(i), false) = (find(Place::Query, k), v.starts_with('{')) {
            params.push((i, v.to_owned()));
        }
    }
    let body = ex.body.as_deref().and_then(|b| serde_json::from_str(b).ok());
    ExampleValues { params, placeholders, body }
}

pub fn example_tests(op: &Op<'_>) -> TokenStream {
    let ctx = op.ctx;
    let o = op.o;
    let mut tests = Vec::new();
    for (i, ex) in o.examples.responses.iter().enumerate() {
        let Some(text) = &ex.body else { continue };
        let response = o.responses.iter().find(|r| r.status == ex.status);
        let (target, rows): (TokenStream, Vec<&Field>) = match (&ex.reference, response) {
            (Some(r), _) => (ctx.type_path(r), ctx.table.types[r.as_str()].fields.iter().collect()),
            (None, Some(resp)) if o.success.contains(&ex.status) => {
                let output = &op.n.output;
                (quote! { #output }, response_fields(resp.body.as_ref(), &ctx.table))
            }
            (None, Some(resp)) => match resp.body.as_ref().and_then(|b| b.reference.as_deref()) {
                Some(r) => (ctx.type_path(r), response_fields(resp.body.as_ref(), &ctx.table)),
                None => continue,
            },
            (None, None) => continue,
        };
        let Ok(printed) = serde_json::from_str::<Json>(text) else { continue };
        let expected = canonical(&rows, &printed, &ctx.table).to_string();
        let name = format_ident!("example_response_{}_status_{}_round_trips", i, ex.status);
        let text = text.as_str();
        let doc = example_doc(ex.title.as_deref(), ex.correction.as_deref());
        tests.push(quote! {
            #doc
            #[test]
            fn #name() {
                let printed = #text;
                let parsed: #target = serde_json::from_str(printed).expect("the documented example decodes");
                let expected: serde_json::Value = serde_json::from_str(#expected).expect("valid JSON");
                assert_eq!(serde_json::to_value(&parsed).expect("encodes"), expected);
            }
        });
    }
    let input_ident = &op.n.input;
    let body_ident = &op.n.body;
    // Every documented body fills the input the same way: one helper, moving the body's fields into it.
    let mut uses_body = false;
    for (i, ex) in o.examples.requests.iter().enumerate() {
        let values = example_values(&op.fields, &o.path, ex);
        let sets: Vec<TokenStream> = values
            .params
            .iter()
            .filter_map(|(i, raw)| {
                let f = &op.fields[*i];
                let id = &f.rust.ident;
                let value = if f.rust.is_enum { Some(quote! { #raw.into() }) } else { string_or_literal(f, raw) };
                value.map(|v| quote! { #id: Some(#v) })
            })
            .collect();
        let body = ex.body.as_deref().filter(|_| o.request_body.is_some());
        uses_body |= body.is_some();
        let input = match (body, sets.is_empty()) {
            (Some(text), true) => quote! { input_with_body(#text) },
            (Some(text), false) => quote! { #input_ident { #(#sets,)* ..input_with_body(#text) } },
            (None, _) if sets.len() < op.fields.len() => {
                quote! { #input_ident { #(#sets,)* ..#input_ident::default() } }
            }
            (None, _) => quote! { #input_ident { #(#sets,)* } },
        };
        let placeholders = &values.placeholders;
        let name = format_ident!("example_request_{}_passes_validation", i);
        let doc = example_doc(Some(&ex.title), ex.correction.as_deref());
        tests.push(quote! {
            #doc
            #[test]
            fn #name() {
                let input = #input;
                crate::example_checks::assert_valid_but_placeholders(&input, &[#(#placeholders),*]);
            }
        });
    }
    if uses_body {
        let body_fields: Vec<&InputField<'_>> = op.fields.iter().filter(|f| f.place == Place::Body).collect();
        let sets = body_fields.iter().map(|f| {
            let id = &f.rust.ident;
            if f.mandatory() {
                quote! { #id: Some(body.#id) }
            } else {
                quote! { #id: body.#id }
            }
        });
        let rest = (body_fields.len() < op.fields.len()).then(|| quote! { ..#input_ident::default() });
        tests.push(quote! {
            /// The input a documented request body fills, its fields moved in, after the body decoded and
            /// passed validation.
            fn input_with_body(text: &str) -> #input_ident {
                let body: #body_ident = serde_json::from_str(text).expect("the documented body decodes");
                body.validate().expect("the documented body passes validation");
                #input_ident { #(#sets,)* #rest }
            }
        });
    }
    if tests.is_empty() {
        return quote! {};
    }
    quote! {
        #[cfg(test)]
        mod tests {
            use super::*;
            #(#tests)*
        }
    }
}

fn string_or_literal(f: &InputField<'_>, raw: &str) -> Option<TokenStream> {
    match f.rust.expr {
        TypeExpr::Scalar(Scalar::String) => Some(quote! { #raw.to_owned() }),
        _ => literal_tokens(&f.rust, raw),
    }
}

fn example_doc(title: Option<&str>, correction: Option<&str>) -> TokenStream {
    let mut lines = vec![format!("Documented example: {}", super::docs::escape(title.unwrap_or("(untitled)")))];
    if let Some(c) = correction {
        lines.push(format!("Corrected in the spec: {}", super::docs::escape(c)));
    }
    super::docs::attrs(&lines)
}

/// The example as the model will re-encode it: documented names instead of aliases, absent values dropped.
fn canonical(rows: &[&Field], json: &Json, table: &TypeTable<'_>) -> Json {
    let Json::Object(map) = json else { return json.clone() };
    let mut out = serde_json::Map::new();
    for (key, value) in map {
        let Some(row) = rows.iter().find(|f| f.name == *key || f.aliases.iter().any(|a| a == key)) else { continue };
        if value.is_null() {
            continue;
        }
        let ty = field_type(row).unwrap_or(TypeExpr::Scalar(Scalar::Json));
        let lenient = row.lenient.then(|| crate::spec::conditions::lenient_value(&ty, value)).flatten();
        out.insert(row.name.clone(), canonical_typed(&ty, lenient.as_ref().unwrap_or(value), table));
    }
    Json::Object(out)
}

fn canonical_typed(ty: &TypeExpr, value: &Json, table: &TypeTable<'_>) -> Json {
    match (ty, value) {
        (TypeExpr::Object(name), _) => match table.types.get(name.as_str()) {
            Some(t) => canonical(&t.fields.iter().collect::<Vec<_>>(), value, table),
            None => value.clone(),
        },
        (TypeExpr::Array(inner), Json::Array(items)) => {
            Json::Array(items.iter().map(|i| canonical_typed(inner, i, table)).collect())
        }
        (TypeExpr::Scalar(Scalar::Float), Json::Number(n)) => n.as_f64().map(Json::from).unwrap_or(value.clone()),
        _ => value.clone(),
    }
}
