//! Object tables that requests carry (`restore_point`, `backup_policy`, each item of `flavor`): a constructor
//! taking the mandatory fields, a `with_` method per optional field, and `check_rules`, which the `validate()` of
//! every input and request body containing the object calls, so that nested rules are checked where they apply.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::checks::{self, Site};
use super::docs;
use super::model::{Ctx, RustField};
use crate::spec::check::{response_fields, TypeTable};
use crate::spec::load::ServiceDir;
use crate::spec::model::{TimeFormat, TypeDef};
use crate::spec::types::{Scalar, TypeExpr};

/// Every table reachable from a request body, through objects and lists.
pub fn reachable<'a>(service: &'a ServiceDir, table: &TypeTable<'a>) -> BTreeSet<&'a str> {
    let mut found = BTreeSet::new();
    let mut pending: Vec<&str> = Vec::new();
    for op in &service.operations {
        for row in response_fields(op.value.request_body.as_ref(), table) {
            pending.extend(crate::spec::check::field_type(row).ok().and_then(|t| table_name(&t, table)));
        }
    }
    while let Some(name) = pending.pop() {
        let Some((key, t)) = table.types.get_key_value(name) else { continue };
        if !found.insert(*key) {
            continue;
        }
        for row in &t.fields {
            pending.extend(crate::spec::check::field_type(row).ok().and_then(|t| table_name(&t, table)));
        }
    }
    found
}

fn table_name<'a>(ty: &TypeExpr, table: &TypeTable<'a>) -> Option<&'a str> {
    let name = ty.object_name()?;
    table.types.get_key_value(name).map(|(k, _)| *k)
}

/// The request tables with any check, nested ones included: only those get `check_rules`.
pub fn checked<'a>(ctx: &Ctx<'a>) -> BTreeSet<&'a str> {
    ctx.request_types
        .iter()
        .copied()
        .filter(|name| {
            let t = ctx.table.types[name];
            let owner = &ctx.rust_names[name];
            t.fields.iter().any(|f| checks::has_checks(ctx, owner, &RustField::new(ctx, f)))
        })
        .collect()
}

/// `new`, the `with_` methods and `check_rules` of a request table, for its `impl` block.
pub fn methods(ctx: &Ctx<'_>, name: &str, t: &TypeDef) -> TokenStream {
    let ident = format_ident!("{}", ctx.rust_names[name]);
    let fields: Vec<RustField<'_>> = t.fields.iter().map(|f| RustField::new(ctx, f)).collect();
    let constructor = constructor(&ident, t, &fields);
    let setters = fields.iter().filter(|f| f.optional).map(with_method);
    let check = ctx.checked_types.contains(name).then(|| check_rules(ctx, &ctx.rust_names[name], &fields));
    quote! {
        #constructor
        #(#setters)*
        #check
    }
}

/// How a value is taken: `impl Into<String>` for text and documented values, the type itself otherwise.
fn param(f: &RustField<'_>) -> (TokenStream, TokenStream) {
    let ty = &f.ty;
    if f.is_enum || f.is_string() {
        (quote! { impl Into<#ty> }, quote! { .into() })
    } else {
        (quote! { #ty }, quote! {})
    }
}

fn constructor(ident: &Ident, t: &TypeDef, fields: &[RustField<'_>]) -> TokenStream {
    let mandatory: Vec<&RustField<'_>> = fields.iter().filter(|f| !f.optional).collect();
    let params = mandatory.iter().map(|f| {
        let (id, (ty, _)) = (&f.ident, param(f));
        quote! { #id: #ty }
    });
    let inits = fields.iter().map(|f| {
        let id = &f.ident;
        match (f.optional, param(f).1.is_empty()) {
            (true, _) => quote! { #id: None },
            (false, true) => quote! { #id },
            (false, false) => {
                let into = param(f).1;
                quote! { #id: #id #into }
            }
        }
    });
    let table = docs::escape(t.table.as_deref().unwrap_or(&t.name));
    let doc = if mandatory.is_empty() {
        format!("An empty `{table}`; set what the request needs with the `with_` methods.")
    } else {
        let names: Vec<String> = mandatory.iter().map(|f| format!("`{}`", f.field.name)).collect();
        format!("A `{table}` with its mandatory fields ({}); the `with_` methods set the others.", names.join(", "))
    };
    let doc = docs::attrs(&[doc]);
    quote! {
        #doc
        pub fn new(#(#params),*) -> Self {
            #ident { #(#inits,)* }
        }
    }
}

fn with_method(f: &RustField<'_>) -> TokenStream {
    let id = &f.ident;
    let method = format_ident!("with_{}", f.name());
    let (ty, into) = param(f);
    let mut lines = docs::field_doc(f.field).into_iter().filter(|l| !l.starts_with("Wire name")).collect::<Vec<_>>();
    lines.extend(docs::rule_facts(f.field));
    let doc = docs::attrs(&lines);
    let at = (f.field.format == Some(TimeFormat::UnixMs)).then(|| {
        let method_at = format_ident!("with_{}_at", f.name());
        let value = unix_ms_value(&f.expr);
        let doc = format!(
            " Sets [`{}`](Self::{}) to a point in time, in milliseconds since the Unix epoch.",
            f.name(),
            f.name()
        );
        quote! {
            #[doc = #doc]
            pub fn #method_at(mut self, time: hwcloud_runtime::time::OffsetDateTime) -> Self {
                self.#id = Some(#value);
                self
            }
        }
    });
    quote! {
        #doc
        pub fn #method(mut self, value: #ty) -> Self {
            self.#id = Some(value #into);
            self
        }
        #at
    }
}

/// A `time` as the value of a `format: unix-ms` row: the number, or its text for String rows.
pub fn unix_ms_value(expr: &TypeExpr) -> TokenStream {
    match expr {
        TypeExpr::Scalar(Scalar::String) => quote! { hwcloud_runtime::timestamp::to_unix_ms(time).to_string() },
        _ => quote! { hwcloud_runtime::timestamp::to_unix_ms(time) },
    }
}

fn check_rules(ctx: &Ctx<'_>, owner: &str, fields: &[RustField<'_>]) -> TokenStream {
    let siblings: Vec<&RustField<'_>> = fields.iter().collect();
    let site = Site::nested();
    let checks = fields.iter().map(|f| checks::field_checks(ctx, owner, f, &siblings, &site, false));
    quote! {
        /// Adds every broken documented rule of this object to `v`, naming fields from `at`, where the object
        /// sits in the request (`restore_point`, `flavor[0]`). The `validate()` of each input and request body
        /// that carries it calls this.
        pub fn check_rules(&self, at: &str, v: &mut hwcloud_runtime::validate::Violations) {
            #(#checks)*
        }
    }
}
