//! The flags of one `hwc` command, derived from the operation's rows: one per path, query and header parameter,
//! and one per leaf of the request body (`--parent.child`), with the documented text as help.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::help;
use crate::codegen::model::Ctx;
use crate::codegen::names::snake;
use crate::codegen::operation::{input_fields, InputField, Place};
use crate::spec::check::field_type;
use crate::spec::load::Located;
use crate::spec::model::{Field, OperationFile};
use crate::spec::types::{Scalar, TypeExpr};

/// Long options of `hwc` itself: no spec row may become one of them (the CLI checks its globals against this list).
pub const GLOBAL_FLAGS: &[&str] = &[
    "region",
    "project-id",
    "profile",
    "endpoint",
    "output",
    "query",
    "dry-run",
    "debug",
    "quiet",
    "error-format",
    "help",
    "version",
];

/// Nested body objects deeper than this are one JSON flag rather than a flag per leaf.
const MAX_DEPTH: usize = 3;

/// What a flag's value is, as the CLI's `flags::Kind` names it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// JSON text: free-form objects, and the items of arrays of objects.
    Json,
}

/// When clap insists on a flag.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Required {
    No,
    Always,
    /// Mandatory body fields: unless `--body` supplies the body (then the library's validation decides).
    UnlessBody,
}

/// One flag of a command.
pub struct FlagDef<'a> {
    pub long: String,
    pub alias: Option<String>,
    /// Wire names from the parameter, or from the root of the request body to the leaf.
    pub path: Vec<String>,
    pub place: Place,
    pub kind: Kind,
    pub multiple: bool,
    pub required: Required,
    pub row: &'a Field,
}

/// How a field of the operation's input gets its value.
pub enum Source {
    /// From the flag with this long name.
    Flag(String),
    /// From the merged request body (`--body` under the flags), at this top-level wire name.
    Body(String),
}

/// One setter call on the operation's builder.
pub struct Setter {
    /// The builder method, `set_<field>`.
    pub method: proc_macro2::Ident,
    pub source: Source,
    /// The row's wire name.
    pub wire: String,
}

/// Everything a command takes from the command line.
pub struct Flags<'a> {
    pub flags: Vec<FlagDef<'a>>,
    pub setters: Vec<Setter>,
}

/// `--graph-id` from `graph_id`, `--x-language` from `X-Language`.
pub fn kebab(wire: &str) -> String {
    snake(wire).replace('_', "-")
}

/// The flags and setters of an operation; `Err` names the spec file and row of a flag that collides with another
/// flag of the command or with an option of `hwc`.
pub fn of<'a>(ctx: &Ctx<'a>, file: &'a Located<OperationFile>, options: &[&str]) -> Result<Flags<'a>, String> {
    let op = &file.value;
    let limit = op.pagination.as_ref().map(|p| p.limit.as_str());
    let mut flags = Vec::new();
    let mut setters = Vec::new();
    for f in input_fields(ctx, op).iter().filter(|f| !f.client_supplied()) {
        let wire = f.rust.field.name.clone();
        let method = format_ident!("set_{}", f.rust.name());
        if f.place == Place::Body {
            expand(ctx, f, f.rust.field, vec![wire.clone()], 0, &mut flags);
            setters.push(Setter { method, source: Source::Body(wire.clone()), wire });
            continue;
        }
        let (long, alias) = match &f.rust.field.cli_flag {
            Some(flag) => (flag.clone(), None),
            None if Some(wire.as_str()) == limit => {
                ("page-size".to_owned(), Some(kebab(&wire)).filter(|a| a != "page-size"))
            }
            None => (kebab(&wire), None),
        };
        let (kind, multiple) = kind_of(f.rust.field);
        let paging_parameter = op.pagination.as_ref().is_some_and(|p| p.offset == wire || p.limit == wire);
        let required = if f.mandatory() && !paging_parameter { Required::Always } else { Required::No };
        setters.push(Setter { method, source: Source::Flag(long.clone()), wire: wire.clone() });
        flags.push(FlagDef {
            long,
            alias,
            path: vec![wire],
            place: f.place,
            kind,
            multiple,
            required,
            row: f.rust.field,
        });
    }
    check_collisions(file, &flags, options)?;
    Ok(Flags { flags, setters })
}

/// Body rows: objects become one flag per leaf (`--parent.child`), up to [`MAX_DEPTH`].
fn expand<'a>(
    ctx: &Ctx<'a>,
    top: &InputField<'a>,
    row: &'a Field,
    path: Vec<String>,
    depth: usize,
    out: &mut Vec<FlagDef<'a>>,
) {
    if let Ok(TypeExpr::Object(name)) = field_type(row) {
        if depth < MAX_DEPTH {
            if let Some(table) = ctx.table.types.get(name.as_str()) {
                for child in &table.fields {
                    let mut child_path = path.clone();
                    child_path.push(child.name.clone());
                    expand(ctx, top, child, child_path, depth + 1, out);
                }
                return;
            }
        }
    }
    let (kind, multiple) = kind_of(row);
    let required = if depth == 0 && top.mandatory() { Required::UnlessBody } else { Required::No };
    let mut segments: Vec<String> = path.iter().map(|w| kebab(w)).collect();
    if let (Some(flag), Some(last)) = (&row.cli_flag, segments.last_mut()) {
        *last = flag.clone();
    }
    let long = segments.join(".");
    out.push(FlagDef { long, alias: None, path, place: Place::Body, kind, multiple, required, row });
}

fn kind_of(row: &Field) -> (Kind, bool) {
    let scalar = |s: &Scalar| match s {
        Scalar::String => Kind::String,
        Scalar::Integer | Scalar::Long => Kind::Integer,
        Scalar::Float => Kind::Number,
        Scalar::Boolean => Kind::Boolean,
        Scalar::Json => Kind::Json,
    };
    match field_type(row) {
        Ok(TypeExpr::Scalar(s)) => (scalar(&s), false),
        Ok(TypeExpr::Array(inner)) => match *inner {
            TypeExpr::Scalar(s) => (scalar(&s), true),
            _ => (Kind::Json, true),
        },
        _ => (Kind::Json, false),
    }
}

fn check_collisions(file: &Located<OperationFile>, flags: &[FlagDef<'_>], options: &[&str]) -> Result<(), String> {
    let mut taken: Vec<(String, String)> =
        GLOBAL_FLAGS.iter().map(|g| (g.to_string(), "a global option of hwc".into())).collect();
    taken.extend(options.iter().map(|o| (o.to_string(), "an option of the command".into())));
    for flag in flags {
        let row = format!("row `{}` ({})", flag.path.join("."), place_words(flag.place));
        for name in std::iter::once(&flag.long).chain(&flag.alias) {
            if let Some((_, owner)) = taken.iter().find(|(taken, _)| taken == name) {
                return Err(format!(
                    "{}: {row} becomes the flag --{name} of `hwc {}`, which is already {owner}; \
                     the command line could not tell them apart (rename one, or teach the CLI generator a new name)",
                    file.path.display(),
                    file.value.operation.replace('_', "-"),
                ));
            }
            taken.push((name.clone(), format!("the flag of {row}")));
        }
    }
    Ok(())
}

pub fn place_words(place: Place) -> &'static str {
    match place {
        Place::Path => "path parameter",
        Place::Query => "query parameter",
        Place::Header => "header",
        Place::Body => "request body field",
    }
}

/// `crate::flags::Flag { .. }` literals for the command's `FLAGS` table.
pub fn table(flags: &[FlagDef<'_>]) -> TokenStream {
    let rows = flags.iter().map(|f| {
        let long = &f.long;
        let alias = match &f.alias {
            Some(a) => quote! { Some(#a) },
            None => quote! { None },
        };
        let path = &f.path;
        let place = format_ident!(
            "{}",
            match f.place {
                Place::Path => "Path",
                Place::Query => "Query",
                Place::Header => "Header",
                Place::Body => "Body",
            }
        );
        let kind = format_ident!(
            "{}",
            match f.kind {
                Kind::String => "String",
                Kind::Integer => "Integer",
                Kind::Number => "Number",
                Kind::Boolean => "Boolean",
                Kind::Json => "Json",
            }
        );
        let multiple = f.multiple;
        let required = format_ident!(
            "{}",
            match f.required {
                Required::No => "No",
                Required::Always => "Always",
                Required::UnlessBody => "UnlessBody",
            }
        );
        let value_name = f.path.last().map(|w| snake(w).to_ascii_uppercase()).unwrap_or_default();
        let help = help::short(f);
        let long_help = help::long(f);
        quote! {
            Flag {
                long: #long,
                alias: #alias,
                path: &[#(#path),*],
                place: Place::#place,
                kind: Kind::#kind,
                multiple: #multiple,
                required: Required::#required,
                value_name: #value_name,
                help: #help,
                long_help: #long_help,
            },
        }
    });
    quote! { #(#rows)* }
}
