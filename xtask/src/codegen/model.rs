//! Serde models: object tables become structs, documented value sets become `#[non_exhaustive]` enums.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::names::{camel, enum_name, field_ident, snake, type_ident};
use crate::spec::check::{field_type, TypeTable};
use crate::spec::load::ServiceDir;
use crate::spec::model::{Field, TypeDef};
use crate::spec::types::{Scalar, TypeExpr};

/// What the generator knows about one service while writing it.
pub struct Ctx<'a> {
    pub service: &'a ServiceDir,
    pub table: TypeTable<'a>,
    /// Spec type name → Rust struct name.
    pub rust_names: BTreeMap<&'a str, String>,
}

impl<'a> Ctx<'a> {
    pub fn new(service: &'a ServiceDir) -> Ctx<'a> {
        let table = TypeTable::of(service);
        let rust_names =
            table.types.iter().map(|(name, t)| (*name, t.rust_name.clone().unwrap_or_else(|| camel(name)))).collect();
        Ctx { service, table, rust_names }
    }

    pub fn module(&self) -> proc_macro2::Ident {
        field_ident(&self.service.name)
    }

    pub fn type_path(&self, spec_name: &str) -> TokenStream {
        let module = self.module();
        let ident = type_ident(&self.rust_names[spec_name]);
        quote! { crate::#module::types::#ident }
    }
}

/// A row as a Rust field: its identifier, the Rust type, and whether it is wrapped in `Option`.
pub struct RustField<'a> {
    pub field: &'a Field,
    pub ident: proc_macro2::Ident,
    /// The value type without `Option`.
    pub ty: TokenStream,
    pub optional: bool,
    /// The enum generated for a documented value set, if any.
    pub enum_def: Option<TokenStream>,
    pub expr: TypeExpr,
}

impl RustField<'_> {
    /// The declared type: `Option<T>` for optional rows.
    pub fn declared(&self) -> TokenStream {
        let ty = &self.ty;
        if self.optional {
            quote! { Option<#ty> }
        } else {
            ty.clone()
        }
    }
}

pub fn rust_field<'a>(ctx: &Ctx<'_>, owner: &str, field: &'a Field, local_enums: bool) -> RustField<'a> {
    let expr = field_type(field).expect("types are checked before generation");
    let snake_name = field.rust_name.clone().unwrap_or_else(|| snake(&field.name));
    let ident = field_ident(&snake_name);
    let (ty, enum_def) = if field.values.is_empty() {
        (value_type(ctx, &expr), None)
    } else {
        let name = enum_name(owner, &snake_name);
        let def = enum_tokens(&name, field);
        let ident = type_ident(&name);
        let path = if local_enums {
            quote! { #ident }
        } else {
            let module = ctx.module();
            quote! { crate::#module::types::#ident }
        };
        (path, Some(def))
    };
    RustField { field, ident, ty, optional: field.mandatory != Some(true), enum_def, expr }
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
pub fn serde_attrs(f: &RustField<'_>) -> TokenStream {
    let mut parts = Vec::new();
    let wire = &f.field.name;
    let rust = f.ident.to_string();
    if rust.trim_start_matches("r#") != wire {
        parts.push(quote! { rename = #wire });
    }
    for alias in &f.field.aliases {
        parts.push(quote! { alias = #alias });
    }
    if f.optional {
        parts.push(quote! { default, skip_serializing_if = "Option::is_none" });
    }
    if parts.is_empty() {
        quote! {}
    } else {
        quote! { #[serde(#(#parts),*)] }
    }
}

/// A serde struct for a table. `extra` adds fields (such as response metadata) and `local_enums` decides
/// whether value-set enums live beside the struct or in the service's `types` module.
pub fn struct_tokens(
    ctx: &Ctx<'_>,
    name: &str,
    doc: &[String],
    fields: &[&Field],
    extra_fields: TokenStream,
    local_enums: bool,
) -> (TokenStream, Vec<TokenStream>) {
    let ident = type_ident(name);
    let rust: Vec<RustField<'_>> = fields.iter().map(|f| rust_field(ctx, name, f, local_enums)).collect();
    let enums: Vec<TokenStream> = rust.iter().filter_map(|f| f.enum_def.clone()).collect();
    let has_mandatory = rust.iter().any(|f| !f.optional);
    let decls = rust.iter().map(|f| {
        let doc = docs::attrs(&docs::field_doc(f.field));
        let serde = serde_attrs(f);
        let ident = &f.ident;
        let ty = f.declared();
        quote! { #doc #serde pub #ident: #ty, }
    });
    let doc = docs::attrs(doc);
    let sensitive: Vec<&RustField<'_>> = rust.iter().filter(|f| f.field.sensitive).collect();
    let derive_debug = if sensitive.is_empty() {
        quote! { Debug, }
    } else {
        quote! {}
    };
    let (attrs, default) =
        if has_mandatory { (quote! {}, quote! {}) } else { (quote! { #[non_exhaustive] }, quote! { Default, }) };
    let debug_impl = if sensitive.is_empty() {
        quote! {}
    } else {
        redacted_debug(name, &rust)
    };
    let tokens = quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #attrs
        pub struct #ident {
            #(#decls)*
            #extra_fields
        }
        #debug_impl
    };
    (tokens, enums)
}

/// `Debug` that prints `***` for sensitive fields.
pub fn redacted_debug(name: &str, fields: &[RustField<'_>]) -> TokenStream {
    let ident = type_ident(name);
    let entries = fields.iter().map(|f| {
        let id = &f.ident;
        let label = id.to_string().trim_start_matches("r#").to_owned();
        if f.field.sensitive {
            quote! { .field(#label, &"***") }
        } else {
            quote! { .field(#label, &self.#id) }
        }
    });
    quote! {
        impl std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#name) #(#entries)* .finish_non_exhaustive()
            }
        }
    }
}

/// A documented value set as a `#[non_exhaustive]` enum that keeps unknown values.
pub fn enum_tokens(name: &str, field: &Field) -> TokenStream {
    let ident = type_ident(name);
    let mut used = std::collections::BTreeSet::new();
    let variants: Vec<(proc_macro2::Ident, &str, Vec<String>)> = field
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
                Some(d) => vec![format!("`{}`: {}", v.value, docs::escape(d))],
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
    let from_str = variants.iter().map(|(id, wire, _)| quote! { #wire => #ident::#id, });
    let doc = docs::attrs(&[
        format!("Documented values of `{}`.", field.name),
        String::new(),
        "Values the documentation does not list are kept in `Unknown` and sent back unchanged.".into(),
    ]);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #(#decl)*
            /// A value the documentation does not list, kept as received.
            Unknown(String),
        }

        impl #ident {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #ident::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => #ident::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(#ident::from(value.as_ref()))
            }
        }
    }
}

/// `types.rs` of a service: every object table and its value sets.
pub fn types_module(ctx: &Ctx<'_>) -> TokenStream {
    let mut items = Vec::new();
    for (name, t) in &ctx.table.types {
        items.push(type_def(ctx, name, t));
    }
    let doc = docs::inner_attrs(&[format!(
        "Object tables of {} shared by its operations, with their documented value sets.",
        docs::escape(&ctx.service.service.value.title)
    )]);
    quote! { #doc #(#items)* }
}

fn type_def(ctx: &Ctx<'_>, name: &str, t: &TypeDef) -> TokenStream {
    let rust = &ctx.rust_names[name];
    let mut doc = Vec::new();
    if let Some(d) = &t.description {
        doc.push(docs::escape(d));
        doc.push(String::new());
    }
    doc.push(format!("Documented table `{}`.", docs::escape(t.table.as_deref().unwrap_or(name))));
    let fields: Vec<&Field> = t.fields.iter().collect();
    let (def, enums) = struct_tokens(ctx, rust, &doc, &fields, quote! {}, false);
    quote! { #def #(#enums)* }
}
