//! Serde models: object tables become structs with accessors, documented value sets become `#[non_exhaustive]`
//! enums, shared by every row of the service that documents the same values.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::names::{camel, enum_name, field_ident, snake, type_ident};
use super::rules::RuleSets;
use crate::spec::check::{field_type, response_fields, TypeTable};
use crate::spec::load::ServiceDir;
use crate::spec::model::{Field, OperationFile, TimeFormat, TypeDef};
use crate::spec::types::{Scalar, TypeExpr};

/// A documented value set: the wire name of the rows documenting it and the values, in order.
type EnumKey = (String, Vec<String>);

/// One generated enum and a row that documents it (for variant docs).
struct EnumDef<'a> {
    name: String,
    row: &'a Field,
}

/// What the generator knows about one service while writing it.
pub struct Ctx<'a> {
    pub service: &'a ServiceDir,
    pub table: TypeTable<'a>,
    /// Spec type name → Rust struct name.
    pub rust_names: BTreeMap<&'a str, String>,
    enums: BTreeMap<EnumKey, EnumDef<'a>>,
    pub rules: RuleSets,
    /// Tables that requests carry: they get a constructor, `with_` methods and, when they have rules,
    /// `check_rules` (the names in `checked_types`).
    pub request_types: std::collections::BTreeSet<&'a str>,
    pub checked_types: std::collections::BTreeSet<&'a str>,
}

impl<'a> Ctx<'a> {
    pub fn new(service: &'a ServiceDir) -> Ctx<'a> {
        let table = TypeTable::of(service);
        let rust_names: BTreeMap<&str, String> =
            table.types.iter().map(|(name, t)| (*name, t.rust_name.clone().unwrap_or_else(|| camel(name)))).collect();
        let rows = owned_rows(service, &table, &rust_names);
        let enums = name_enums(&rows, &rust_names);
        let rules = RuleSets::new(service, &rows);
        let request_types = super::request_types::reachable(service, &table);
        let checked_types = Default::default();
        let mut ctx = Ctx { service, table, rust_names, enums, rules, request_types, checked_types };
        // A table is checked when a row has a rule or holds a checked table: grow the set until it settles.
        loop {
            let checked = super::request_types::checked(&ctx);
            if checked == ctx.checked_types {
                return ctx;
            }
            ctx.checked_types = checked;
        }
    }

    pub fn module(&self) -> Ident {
        field_ident(&self.service.name)
    }

    pub fn type_path(&self, spec_name: &str) -> TokenStream {
        let module = self.module();
        let ident = type_ident(&self.rust_names[spec_name]);
        quote! { crate::#module::types::#ident }
    }

    /// The enum generated for a row's documented values.
    fn enum_path(&self, field: &Field) -> Option<TokenStream> {
        let def = self.enums.get(&enum_key(field))?;
        let module = self.module();
        let ident = type_ident(&def.name);
        Some(quote! { crate::#module::types::#ident })
    }

    /// Every enum of the service, for `types.rs`.
    pub fn enum_items(&self) -> Vec<TokenStream> {
        self.enums.values().map(|d| enum_tokens(&d.name, d.row)).collect()
    }
}

/// Every row of the service with the name of the Rust item it belongs to (`Backup`, `CreateBackup` for an input,
/// `CreateBackupOutput`), in a stable order: tables first, then operations.
pub fn owned_rows<'a>(
    service: &'a ServiceDir,
    table: &TypeTable<'a>,
    rust_names: &BTreeMap<&'a str, String>,
) -> Vec<(String, &'a Field)> {
    let mut rows = Vec::new();
    for (name, t) in &table.types {
        rows.extend(t.fields.iter().map(|f| (rust_names[name].clone(), f)));
    }
    for op in &service.operations {
        let o = &op.value;
        let owner = camel(&o.operation);
        rows.extend(input_rows(o, table).into_iter().map(|f| (owner.clone(), f)));
        if let Some(body) = inline_success_body(o) {
            rows.extend(body.fields.iter().map(|f| (format!("{owner}Output"), f)));
        }
    }
    rows
}

/// The rows a caller sets: path, query and header parameters (not those the runtime supplies), then the body.
pub fn input_rows<'a>(o: &'a OperationFile, table: &TypeTable<'a>) -> Vec<&'a Field> {
    let params = o.uri_parameters.iter().chain(&o.query_parameters).chain(&o.headers);
    let mut rows: Vec<&Field> =
        params.filter(|f| !matches!(f.supplied_by, Some(s) if s != crate::spec::model::Supplier::Client)).collect();
    rows.extend(response_fields(o.request_body.as_ref(), table));
    rows
}

/// The success response's own table, when it is printed on the page (not a reference to a shared table).
pub fn inline_success_body(o: &OperationFile) -> Option<&crate::spec::model::Body> {
    let status = o.success.first()?;
    let body = o.responses.iter().find(|r| r.status == *status)?.body.as_ref()?;
    body.reference.is_none().then_some(body)
}

fn enum_key(field: &Field) -> EnumKey {
    (field.name.clone(), field.values.iter().map(|v| v.value.clone()).collect())
}

/// Names each documented value set. Rows documenting the same values under the same name share one enum, named
/// after the field when its name says enough (`XLanguage`, `BackupType`), else after its first owner
/// (`BackupStatus`); a set used once is named after its owner (`GraphBackupMethod`).
fn name_enums<'a>(rows: &[(String, &'a Field)], rust_names: &BTreeMap<&str, String>) -> BTreeMap<EnumKey, EnumDef<'a>> {
    let mut groups: BTreeMap<EnumKey, Vec<(&str, &'a Field)>> = BTreeMap::new();
    for (owner, field) in rows.iter().filter(|(_, f)| !f.values.is_empty()) {
        groups.entry(enum_key(field)).or_default().push((owner, field));
    }
    let mut taken: Vec<String> = rust_names.values().cloned().collect();
    let mut out = BTreeMap::new();
    for (key, users) in groups {
        let (owner, row) = users[0];
        let field = row.rust_name.clone().unwrap_or_else(|| snake(&row.name));
        let mut owners: Vec<&str> = users.iter().map(|(o, _)| *o).collect();
        owners.dedup();
        let by_field = camel(&row.name);
        let descriptive = field.contains('_');
        let mut name = if owners.len() > 1 && descriptive { by_field } else { enum_name(owner, &field) };
        if taken.contains(&name) {
            name = enum_name(owner, &field);
        }
        while taken.contains(&name) {
            name.push('_');
        }
        taken.push(name.clone());
        out.insert(key, EnumDef { name, row });
    }
    out
}

/// A row as a Rust field: its identifier, the Rust type, and whether it is wrapped in `Option`.
pub struct RustField<'a> {
    pub field: &'a Field,
    pub ident: Ident,
    /// The value type without `Option`.
    pub ty: TokenStream,
    pub optional: bool,
    /// Whether the row has a documented value set (its type is then that enum).
    pub is_enum: bool,
    /// The item type of a list.
    pub item: Option<TokenStream>,
    pub expr: TypeExpr,
}

impl<'a> RustField<'a> {
    /// A row of a wire struct: optional unless the Mandatory column says yes.
    pub fn new(ctx: &Ctx<'_>, field: &'a Field) -> RustField<'a> {
        let expr = field_type(field).expect("types are checked before generation");
        let ident = field_ident(&field.rust_name.clone().unwrap_or_else(|| snake(&field.name)));
        let enum_path = ctx.enum_path(field);
        let is_enum = enum_path.is_some();
        let ty = enum_path.unwrap_or_else(|| value_type(ctx, &expr));
        let item = match &expr {
            TypeExpr::Array(inner) => Some(value_type(ctx, inner)),
            _ => None,
        };
        RustField { field, ident, ty, optional: field.mandatory != Some(true), is_enum, item, expr }
    }

    /// The same row where every value is optional (inputs, responses).
    pub fn optional(ctx: &Ctx<'_>, field: &'a Field) -> RustField<'a> {
        RustField { optional: true, ..RustField::new(ctx, field) }
    }

    /// The declared type: `Option<T>` for optional rows.
    pub fn declared(&self) -> TokenStream {
        let ty = &self.ty;
        if self.optional {
            quote! { Option<#ty> }
        } else {
            ty.clone()
        }
    }

    /// The identifier without a raw prefix, e.g. for setter names in messages.
    pub fn name(&self) -> String {
        self.ident.to_string().trim_start_matches("r#").to_owned()
    }

    pub fn is_string(&self) -> bool {
        !self.is_enum && self.expr == TypeExpr::Scalar(Scalar::String)
    }

    /// Numbers and booleans: copied, not cloned.
    pub fn is_copy(&self) -> bool {
        matches!(self.expr, TypeExpr::Scalar(Scalar::Integer | Scalar::Long | Scalar::Float | Scalar::Boolean))
    }
}

fn value_type(ctx: &Ctx<'_>, expr: &TypeExpr) -> TokenStream {
    match expr {
        TypeExpr::Scalar(Scalar::String) => quote! { String },
        TypeExpr::Scalar(Scalar::Integer) => quote! { i32 },
        TypeExpr::Scalar(Scalar::Long) => quote! { i64 },
        TypeExpr::Scalar(Scalar::Float) => quote! { f64 },
        TypeExpr::Scalar(Scalar::Boolean) => quote! { bool },
        TypeExpr::Scalar(Scalar::Json) => quote! { serde_json::Value },
        TypeExpr::Object(name) => ctx.type_path(name),
        TypeExpr::Array(inner) => {
            let inner = value_type(ctx, inner);
            quote! { Vec<#inner> }
        }
    }
}

/// The serde attributes of a field: wire name, aliases, and skipping absent optional values.
fn serde_attrs(f: &RustField<'_>) -> TokenStream {
    let mut parts = Vec::new();
    let wire = &f.field.name;
    if f.name() != *wire {
        parts.push(quote! { rename = #wire });
    }
    for alias in &f.field.aliases {
        parts.push(quote! { alias = #alias });
    }
    if f.optional {
        parts.push(quote! { default, skip_serializing_if = "Option::is_none" });
    }
    if f.field.lenient {
        parts.push(quote! { deserialize_with = "hwcloud_runtime::lenient::deserialize" });
    }
    if parts.is_empty() {
        quote! {}
    } else {
        quote! { #[serde(#(#parts),*)] }
    }
}

/// A serde struct for a table, with accessors. `extra` adds private fields (response metadata). A table sent in
/// requests comes with `request_methods` (its constructor and `with_` methods), which it is built with: it is
/// `#[non_exhaustive]` even with mandatory fields.
pub fn struct_tokens(
    name: &Ident,
    doc: &[String],
    fields: &[RustField<'_>],
    extra: TokenStream,
    request_methods: Option<TokenStream>,
) -> TokenStream {
    let sealed = request_methods.is_some();
    let has_mandatory = fields.iter().any(|f| !f.optional);
    let decls = fields.iter().map(|f| {
        let doc = docs::attrs(&docs::field_doc(f.field));
        let serde = serde_attrs(f);
        let ident = &f.ident;
        let ty = f.declared();
        quote! { #doc #serde pub #ident: #ty, }
    });
    let doc = docs::attrs(doc);
    let sensitive = fields.iter().any(|f| f.field.sensitive);
    let derive_debug = if sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let (attrs, default) = match (has_mandatory, sealed) {
        (true, false) => (quote! {}, quote! {}),
        (true, true) => (quote! { #[non_exhaustive] }, quote! {}),
        (false, _) => (quote! { #[non_exhaustive] }, quote! { Default, }),
    };
    let debug_impl = if sensitive {
        redacted_debug(name, fields)
    } else {
        quote! {}
    };
    let accessors: Vec<TokenStream> = fields.iter().map(accessor).collect();
    let methods = (!accessors.is_empty() || sealed).then(|| quote! { impl #name { #(#accessors)* #request_methods } });
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #attrs
        pub struct #name {
            #(#decls)*
            #extra
        }
        #debug_impl
        #methods
    }
}

/// `fn field(&self)`: `Option<&str>` for strings, `&[T]` for lists (empty when absent), `Option<T>` for numbers,
/// `Option<&T>` for the rest; plus `field_parsed()` for documented timestamp formats.
fn accessor(f: &RustField<'_>) -> TokenStream {
    let ident = &f.ident;
    let doc = docs::attrs(&[docs::first_sentence(f.field)]);
    let ty = &f.ty;
    let copy = matches!(f.expr, TypeExpr::Scalar(Scalar::Integer | Scalar::Long | Scalar::Float | Scalar::Boolean));
    let (ret, body) = match (&f.item, f.optional) {
        (Some(item), true) => (quote! { &[#item] }, quote! { self.#ident.as_deref().unwrap_or_default() }),
        (Some(item), false) => (quote! { &[#item] }, quote! { &self.#ident }),
        _ if f.is_string() && f.optional => (quote! { Option<&str> }, quote! { self.#ident.as_deref() }),
        _ if f.is_string() => (quote! { &str }, quote! { &self.#ident }),
        _ if copy && f.optional => (quote! { Option<#ty> }, quote! { self.#ident }),
        _ if copy => (quote! { #ty }, quote! { self.#ident }),
        _ if f.optional => (quote! { Option<&#ty> }, quote! { self.#ident.as_ref() }),
        _ => (quote! { &#ty }, quote! { &self.#ident }),
    };
    let parsed = f.field.format.map(|format| {
        let name = format_ident!("{}_parsed", f.name());
        let (parse, value) = match format {
            TimeFormat::DateTime => (quote! { date_time }, quote! { self.#ident() }),
            TimeFormat::UtcDateTime => (quote! { utc_date_time }, quote! { self.#ident() }),
            TimeFormat::UnixMs if f.is_string() => (quote! { unix_ms_text }, quote! { self.#ident() }),
            TimeFormat::UnixMs => (quote! { unix_ms }, quote! { self.#ident() }),
        };
        let value = if f.optional {
            quote! { #value? }
        } else {
            value
        };
        let doc = docs::attrs(&[format!(
            "[`{}`](Self::{}) as a time; `None` when absent or not in the documented format ({}).",
            f.name(),
            f.name(),
            docs::time_format_words(format)
        )]);
        quote! {
            #doc
            pub fn #name(&self) -> Option<hwcloud_runtime::time::OffsetDateTime> {
                hwcloud_runtime::timestamp::#parse(#value)
            }
        }
    });
    quote! {
        #doc
        pub fn #ident(&self) -> #ret { #body }
        #parsed
    }
}

/// `Debug` that prints `***` for sensitive fields.
pub fn redacted_debug(name: &Ident, fields: &[RustField<'_>]) -> TokenStream {
    let label = name.to_string();
    let entries = fields.iter().map(|f| {
        let id = &f.ident;
        let field = f.name();
        if f.field.sensitive && !f.optional {
            quote! { .field(#field, &"***") }
        } else if f.field.sensitive {
            quote! { .field(#field, &self.#id.as_ref().map(|_| "***")) }
        } else {
            quote! { .field(#field, &self.#id) }
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish_non_exhaustive()
            }
        }
    }
}

/// A documented value set as a `#[non_exhaustive]` enum whose `Unknown` variant can only hold values the
/// documentation does not list, so that equality follows the wire value.
pub fn enum_tokens(name: &str, field: &Field) -> TokenStream {
    let ident = type_ident(name);
    let mut used = std::collections::BTreeSet::new();
    let variants: Vec<(Ident, &str, Vec<String>)> = field
        .values
        .iter()
        .map(|v| {
            let mut base = camel(&v.value);
            if base == "Unknown" {
                base = "UnknownValue".into();
            }
            let mut candidate = base.clone();
            let mut n = 2;
            while !used.insert(candidate.clone()) {
                candidate = format!("{base}{n}");
                n += 1;
            }
            let doc = match &v.description {
                Some(d) => vec![format!("`{}`: {}", v.value, docs::user_text(d))],
                None => vec![format!("`{}`", v.value)],
            };
            (type_ident(&candidate), v.value.as_str(), doc)
        })
        .collect();
    let decl = variants.iter().map(|(id, _, doc)| {
        let doc = docs::attrs(doc);
        quote! { #doc #id, }
    });
    let to_str = variants.iter().map(|(id, wire, _)| quote! { #ident::#id => #wire, });
    let wires = variants.iter().map(|(_, wire, _)| *wire);
    let from_str = variants.iter().map(|(id, wire, _)| quote! { #wire => #ident::#id, });
    let doc = docs::attrs(&[
        format!("The documented values of `{}`.", field.name),
        String::new(),
        "A value the documentation does not list arrives as `Unknown` and is sent back unchanged; match with a".into(),
        "wildcard arm so that new values do not break the match.".into(),
    ]);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #(#decl)*
            /// A value the documentation does not list, kept as received.
            Unknown(crate::UnknownValue),
        }

        impl #ident {
            /// Every documented value, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #ident::Unknown(other) => other.as_str(),
                }
            }
        }

        impl From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => #ident::Unknown(crate::UnknownValue::new(other)),
                }
            }
        }

        wire_string_impls!(#ident);
    }
}

/// `types.rs` of a service: every object table and every documented value set.
pub fn types_module(ctx: &Ctx<'_>) -> TokenStream {
    let structs = ctx.table.types.iter().map(|(name, t)| type_def(ctx, name, t));
    let enums = ctx.enum_items();
    let doc = docs::inner_attrs(&[format!(
        "The object tables of {} shared by its operations, and every documented value set.",
        docs::user_text(&ctx.service.service.value.title)
    )]);
    quote! { #doc #(#structs)* #(#enums)* }
}

fn type_def(ctx: &Ctx<'_>, name: &str, t: &TypeDef) -> TokenStream {
    let ident = type_ident(&ctx.rust_names[name]);
    let mut doc = Vec::new();
    if let Some(d) = &t.description {
        doc.push(docs::user_text(d));
        doc.push(String::new());
    }
    doc.push(format!("The documented table `{}`.", docs::escape(t.table.as_deref().unwrap_or(name))));
    let fields: Vec<RustField<'_>> = t.fields.iter().map(|f| RustField::new(ctx, f)).collect();
    let request = ctx.request_types.contains(name);
    if request {
        doc.push(String::new());
        doc.push("Sent in requests: build one with [`new`](Self::new) and the `with_` methods.".to_owned());
    }
    let methods = request.then(|| super::request_types::methods(ctx, name, t));
    struct_tokens(&ident, &doc, &fields, quote! {}, methods)
}
