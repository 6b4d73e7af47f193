//! The documented examples as generated tests: responses decode and re-encode to the same JSON, requests pass
//! validation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value as Json;

use super::model::Ctx;
use super::operation::{op_names, InputField, Place};
use crate::spec::check::{field_type, response_fields, TypeTable};
use crate::spec::load::Located;
use crate::spec::model::{Field, OperationFile};
use crate::spec::types::{Scalar, TypeExpr};

pub fn example_tests(ctx: &Ctx<'_>, file: &Located<OperationFile>, fields: &[InputField<'_>]) -> TokenStream {
    let op = &file.value;
    let n = op_names(op);
    let mut tests = Vec::new();
    for (i, ex) in op.examples.responses.iter().enumerate() {
        let Some(text) = &ex.body else { continue };
        let response = op.responses.iter().find(|r| r.status == ex.status);
        let (target, rows): (TokenStream, Vec<&Field>) = match (&ex.reference, response) {
            (Some(r), _) => (ctx.type_path(r), ctx.table.types[r.as_str()].fields.iter().collect()),
            (None, Some(resp)) if op.success.contains(&ex.status) => {
                let output = &n.output;
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
    for (i, ex) in op.examples.requests.iter().enumerate() {
        let mut sets = Vec::new();
        let mut placeholders = Vec::new();
        let url = ex.line.split_whitespace().nth(1).unwrap_or("");
        let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
        let path_and_query = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("");
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        let template: Vec<&str> = op.path.split('/').collect();
        for (t, actual) in template.iter().zip(path.split('/')) {
            if let Some(name) = t.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                if let Some(f) = fields.iter().find(|f| f.place == Place::Path && f.rust.field.name == name) {
                    if actual.starts_with('{') {
                        placeholders.push(name.to_owned());
                    } else {
                        sets.extend(assign(f, actual));
                    }
                }
            }
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if let Some(f) = fields.iter().find(|f| f.place == Place::Query && f.rust.field.name == k) {
                if v.starts_with('{') {
                    continue;
                }
                sets.extend(assign(f, v));
            }
        }
        let body = match (&ex.body, &op.request_body) {
            (Some(text), Some(_)) => {
                let body_ident = &n.body;
                let text = text.as_str();
                for f in fields.iter().filter(|f| f.place == Place::Body) {
                    let id = &f.rust.ident;
                    sets.push(if f.rust.optional {
                        quote! { #id: body.#id.clone() }
                    } else {
                        quote! { #id: Some(body.#id.clone()) }
                    });
                }
                quote! {
                    let body: #body_ident = serde_json::from_str(#text).expect("the documented body decodes");
                    body.validate().expect("the documented body passes validation");
                }
            }
            _ => quote! {},
        };
        let input_ident = &n.input;
        let rest = if sets.len() < fields.len() {
            quote! { ..#input_ident::default() }
        } else {
            quote! {}
        };
        let input_expr = quote! { #input_ident { #(#sets,)* #rest } };
        let name = format_ident!("example_request_{}_passes_validation", i);
        let doc = example_doc(Some(&ex.title), ex.correction.as_deref());
        tests.push(quote! {
            #doc
            #[test]
            fn #name() {
                #body
                let input = #input_expr;
                let placeholders: &[&str] = &[#(#placeholders),*];
                if let Err(err) = input.validate() {
                    for v in err.violations() {
                        assert!(v.rule == "required" && placeholders.contains(&v.field.as_str()), "{v}");
                    }
                }
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

fn example_doc(title: Option<&str>, correction: Option<&str>) -> TokenStream {
    let mut lines = vec![format!("Documented example: {}", super::docs::escape(title.unwrap_or("(untitled)")))];
    if let Some(c) = correction {
        lines.push(format!("Corrected in the spec: {}", super::docs::escape(c)));
    }
    super::docs::attrs(&lines)
}

fn assign(f: &InputField<'_>, raw: &str) -> Option<TokenStream> {
    let id = &f.rust.ident;
    let value = match f.rust.expr {
        TypeExpr::Scalar(Scalar::Integer) => raw.parse::<i32>().map(|v| quote! { #v }).ok(),
        TypeExpr::Scalar(Scalar::Long) => raw.parse::<i64>().map(|v| quote! { #v }).ok(),
        TypeExpr::Scalar(Scalar::Boolean) => raw.parse::<bool>().map(|v| quote! { #v }).ok(),
        _ if f.rust.enum_def.is_some() => Some(quote! { #raw.into() }),
        TypeExpr::Scalar(Scalar::String) => Some(quote! { #raw.to_owned() }),
        _ => None,
    };
    value.map(|v| quote! { #id: Some(#v) })
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
        out.insert(row.name.clone(), canonical_typed(&ty, value, table));
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
