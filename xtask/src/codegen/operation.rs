//! One module per operation: its static description, input (with validation and request building), request
//! body, output, builder, and the documented examples as tests. One function per construct.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::checks::{self, Site};
use super::docs;
use super::examples;
use super::lifecycle;
use super::model::{inline_success_body, struct_tokens, Ctx, RustField};
use super::names::camel;
use crate::spec::check::response_fields;
use crate::spec::load::Located;
use crate::spec::model::{Field, OperationFile, Supplier};
use crate::spec::types::{Scalar, TypeExpr};

/// Where an input field goes on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Path,
    Query,
    Header,
    Body,
}

impl Place {
    fn words(self) -> &'static str {
        match self {
            Place::Path => "path parameter",
            Place::Query => "query parameter",
            Place::Header => "header",
            Place::Body => "request body field",
        }
    }
}

/// An input field with its place.
pub struct InputField<'a> {
    pub rust: RustField<'a>,
    pub place: Place,
}

impl InputField<'_> {
    pub fn mandatory(&self) -> bool {
        self.rust.field.mandatory == Some(true)
    }

    /// Filled in by the client when the caller leaves it unset (`project_id`).
    pub fn client_supplied(&self) -> bool {
        self.rust.field.supplied_by == Some(Supplier::Client)
    }
}

/// The names of one operation's items.
pub struct OpNames {
    pub module: Ident,
    pub camel: String,
    pub input: Ident,
    pub output: Ident,
    pub body: Ident,
    pub builder: Ident,
}

pub fn op_names(op: &OperationFile) -> OpNames {
    let camel = camel(&op.operation);
    OpNames {
        module: format_ident!("{}", op.operation),
        input: format_ident!("{camel}Input"),
        output: format_ident!("{camel}Output"),
        body: format_ident!("{camel}RequestBody"),
        builder: format_ident!("{camel}Builder"),
        camel,
    }
}

/// Every field the caller can set, in documented order: path, query, headers, then body.
pub fn input_fields<'a>(ctx: &Ctx<'a>, op: &'a OperationFile) -> Vec<InputField<'a>> {
    let mut out = Vec::new();
    let groups: [(&'a [Field], Place); 3] =
        [(&op.uri_parameters, Place::Path), (&op.query_parameters, Place::Query), (&op.headers, Place::Header)];
    for (rows, place) in groups {
        for f in rows.iter().filter(|f| matches!(f.supplied_by, None | Some(Supplier::Client))) {
            out.push(InputField { rust: RustField::optional(ctx, f), place });
        }
    }
    for f in response_fields(op.request_body.as_ref(), &ctx.table) {
        out.push(InputField { rust: RustField::optional(ctx, f), place: Place::Body });
    }
    out
}

/// Everything the emitters of one operation share.
pub struct Op<'a> {
    pub ctx: &'a Ctx<'a>,
    pub o: &'a OperationFile,
    pub n: OpNames,
    pub fields: Vec<InputField<'a>>,
}

/// The module of one operation.
pub fn operation_module(ctx: &Ctx<'_>, file: &Located<OperationFile>, pages: &[(String, String)]) -> TokenStream {
    let o = &file.value;
    let op = Op { ctx, o, n: op_names(o), fields: input_fields(ctx, o) };
    let doc = docs::inner_attrs(&module_doc(&op, pages));
    let spec = operation_static(&op);
    let input = input_struct(&op);
    let input_trait = operation_input_impl(&op);
    let body = request_body(&op);
    let output = output_struct(&op);
    let builder = builder(&op);
    let paging = lifecycle::page_impls(&op);
    let tests = examples::example_tests(&op);
    quote! {
        #doc
        #spec
        #input
        #input_trait
        #body
        #output
        #builder
        #paging
        #tests
    }
}

fn module_doc(op: &Op<'_>, pages: &[(String, String)]) -> Vec<String> {
    let o = op.o;
    let mut d: Vec<String> = docs::user_text(&o.summary).lines().map(str::to_owned).collect();
    d.push(String::new());
    let success: Vec<String> = o.success.iter().map(u16::to_string).collect();
    let retries = if o.idempotent {
        "idempotent, so transient failures are retried"
    } else {
        "not idempotent, so it is never sent twice once it may have reached the server (on failure, \
         [`Error::outcome_unknown`](crate::Error::outcome_unknown) says whether it may have been carried out)"
    };
    d.push(format!("`{} {}` answers HTTP {}; {retries}.", o.method, o.path, success.join(" or ")));
    d.push(String::new());
    d.push("# Example".into());
    d.push(String::new());
    d.extend(super::doc_example::doc_example(op));
    d.extend(error_section(op));
    if !o.status_codes.is_empty() {
        d.push(String::new());
        d.push("# Status codes".into());
        d.push(String::new());
        d.push("| Status | Meaning |".into());
        d.push("|---|---|".into());
        for s in &o.status_codes {
            let text =
                [s.text.as_deref(), s.description.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(": ");
            d.push(format!("| {} | {} |", s.status, docs::user_text(&text)));
        }
    }
    if let Some(note) = &o.status_codes_note {
        d.push(String::new());
        d.push(format!("Status codes: {}", docs::user_text(note)));
    }
    let mut page = format!("Documented in \"{}\"", docs::escape(&o.title));
    if let Some(url) = &o.source.url {
        page.push_str(&format!(", <{url}>"));
    }
    if let Some(updated) = &o.source.updated {
        page.push_str(&format!(" (updated {})", docs::escape(updated)));
    }
    d.push(String::new());
    d.push(page + ".");
    if let Some(version) = &o.api_version {
        d.push(format!("API version {}.", docs::escape(version)));
    }
    let mut notes: Vec<String> =
        o.corrections.iter().map(|c| format!("Correction: {}", docs::reviewer_text(c, pages))).collect();
    let rows = o.uri_parameters.iter().chain(&o.query_parameters).chain(&o.headers);
    let rows = rows.chain(o.request_body.iter().flat_map(|b| &b.fields));
    let rows = rows.chain(o.responses.iter().filter_map(|r| r.body.as_ref()).flat_map(|b| &b.fields));
    let rows = rows.chain(o.types.iter().flat_map(|t| &t.fields));
    for row in rows {
        if let Some(c) = &row.correction {
            notes.push(format!("Correction of `{}`: {}", row.name, docs::reviewer_text(c, pages)));
        }
    }
    notes.extend(o.notes.iter().map(|n| docs::reviewer_text(n, pages)));
    d.extend(docs::notes_block(&notes));
    d
}

/// The service errors this operation documents: its not-found codes, and the codes of its error examples.
fn error_section(op: &Op<'_>) -> Vec<String> {
    let Some(table) = &op.ctx.service.error_codes else { return Vec::new() };
    let name = &op.o.operation;
    let mut codes: Vec<&str> = table
        .value
        .codes
        .iter()
        .filter(|c| c.not_found.as_ref().is_some_and(|n| n.operations.contains(name)))
        .map(|c| c.code.as_str())
        .collect();
    for ex in &op.o.examples.responses {
        let Some(body) = ex.body.as_deref().and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok()) else {
            continue;
        };
        let code = ["error_code", "errorCode"].iter().find_map(|k| body.get(*k).and_then(|c| c.as_str()));
        if let Some(row) = table.value.codes.iter().find(|c| Some(c.code.as_str()) == code) {
            if !codes.contains(&row.code.as_str()) {
                codes.push(&row.code);
            }
        }
    }
    let rows: Vec<String> = codes
        .iter()
        .filter_map(|code| table.value.codes.iter().find(|c| c.code == *code))
        .map(|c| {
            let mut meaning = docs::user_text(&c.message);
            if let Some(description) = c.description.as_deref().filter(|d| *d != c.message) {
                meaning.push_str(&format!(" ({})", docs::user_text(description)));
            }
            if let Some(n) = c.not_found.as_ref().filter(|n| n.operations.contains(name)) {
                let resource = &n.resource;
                meaning.push_str(&format!(
                    " The {resource} does not exist: [`is_not_found()`](crate::Error::is_not_found) is true."
                ));
            }
            let solution = c.solution.as_deref().map(docs::user_text).unwrap_or_default();
            format!("| `{}` | {} | {meaning} | {} |", c.code, c.status, solution.replace('\n', " "))
        })
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    let mut d = vec![
        String::new(),
        "# Errors".into(),
        String::new(),
        "Besides what can go wrong with any call (see [`Error`](crate::Error)), the documentation names these".into(),
        "service errors for this operation; [`Error::solution`](crate::Error::solution) returns the advice.".into(),
        String::new(),
        "| Code | HTTP | Meaning | What to do |".into(),
        "|---|---|---|---|".into(),
    ];
    d.extend(rows);
    d
}

fn operation_static(op: &Op<'_>) -> TokenStream {
    let o = op.o;
    let name = &o.operation;
    let method = format_ident!("{}", camel(&o.method.to_ascii_lowercase()));
    let path = &o.path;
    let success = o.success.iter().map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
    let idempotent = o.idempotent;
    let not_found: Vec<&str> = op
        .ctx
        .service
        .error_codes
        .iter()
        .flat_map(|t| &t.value.codes)
        .filter(|c| c.not_found.as_ref().is_some_and(|n| n.operations.contains(name)))
        .map(|c| c.code.as_str())
        .collect();
    quote! {
        /// Static facts about this operation, from its spec file.
        pub static OPERATION: hwcloud_runtime::OperationSpec = hwcloud_runtime::OperationSpec {
            service: &super::SERVICE,
            name: #name,
            method: hwcloud_runtime::Method::#method,
            path_template: #path,
            success: &[#(#success),*],
            idempotent: #idempotent,
            not_found: &[#(#not_found),*],
        };
    }
}

/// Setter and field documentation: the documented text, then the rule in plain words, the default, where the
/// value goes, and whether it is mandatory.
fn input_doc(op: &Op<'_>, f: &InputField<'_>) -> Vec<String> {
    let field = f.rust.field;
    let mut lines: Vec<String> = docs::field_doc(field).into_iter().filter(|l| !l.starts_with("Wire name")).collect();
    lines.push(String::new());
    let mut facts = Vec::new();
    if f.client_supplied() {
        facts.push(
            "Optional: left unset, the client fills in its own project id (`Client::builder().project_id(..)` \
             or the `HUAWEICLOUD_SDK_PROJECT_ID` variable)"
                .to_owned(),
        );
    } else if f.mandatory() {
        facts.push("Required".to_owned());
    } else {
        facts.push("Optional".to_owned());
    }
    facts.extend(docs::rule_phrases(field));
    facts.push(format!("sent as the {} `{}`", f.place.words(), field.name));
    let paged = op.o.pagination.as_ref().is_some_and(|p| [&p.offset, &p.limit].contains(&&field.name));
    if paged {
        facts.push("`into_pages()` and `into_items()` set it for each page".to_owned());
    }
    lines.push(format!("{}.", facts.join("; ")));
    lines
}

fn input_struct(op: &Op<'_>) -> TokenStream {
    let OpNames { input, builder, .. } = &op.n;
    let owner = &op.n.camel;
    let decls = op.fields.iter().map(|f| {
        let doc = docs::attrs(&input_doc(op, f));
        let ident = &f.rust.ident;
        let ty = &f.rust.ty;
        quote! { #doc pub #ident: Option<#ty>, }
    });
    let site = Site::top();
    let checks: Vec<TokenStream> = op
        .fields
        .iter()
        .map(|f| {
            let siblings: Vec<&RustField<'_>> =
                op.fields.iter().filter(|s| s.place == f.place).map(|s| &s.rust).collect();
            let required = f.mandatory() && !f.client_supplied();
            checks::field_checks(op.ctx, owner, &f.rust, &siblings, &site, required)
        })
        .filter(|t| !t.is_empty())
        .collect();
    let validate_body = if checks.is_empty() {
        quote! { Ok(()) }
    } else {
        quote! {
            let mut v = hwcloud_runtime::validate::Violations::new(&OPERATION);
            #(#checks)*
            v.finish()
        }
    };
    let sensitive = op.fields.iter().any(|f| f.rust.field.sensitive);
    let derive_debug = if sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let debug_impl = if sensitive {
        let rust: Vec<RustField<'_>> = op.fields.iter().map(|f| RustField::optional(op.ctx, f.rust.field)).collect();
        super::model::redacted_debug(input, &rust)
    } else {
        quote! {}
    };
    let doc = docs::attrs(&[
        format!("The parameters of one `{}` call.", op.o.operation),
        String::new(),
        format!(
            "Build one with [`{input}::builder`] to send it later with [`Client::send`](crate::Client::send), or set the \
             parameters on the builder that [`{}Client::{}`](super::{}Client::{}) returns.",
            camel(&op.ctx.service.name),
            op.o.operation,
            camel(&op.ctx.service.name),
            op.o.operation
        ),
    ]);
    quote! {
        #doc
        #[derive(#derive_debug Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #input {
            #(#decls)*
        }

        #debug_impl

        impl #input {
            /// A builder of this input, to send later.
            pub fn builder() -> #builder {
                crate::OperationBuilder::detached()
            }

            /// Checks every documented rule; the error lists every violation at once. A project id left unset is
            /// not a violation: the client fills it in.
            pub fn validate(&self) -> Result<(), hwcloud_runtime::Error> {
                #validate_body
            }
        }
    }
}

/// `OperationInput`: how the runtime turns the input into a request.
fn operation_input_impl(op: &Op<'_>) -> TokenStream {
    let OpNames { input, output, .. } = &op.n;
    let path_fmt: String =
        op.o.path.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/");
    let path_args = crate::spec::check::path_params(&op.o.path).unwrap_or_default().into_iter().map(|name| {
        let f = op.fields.iter().find(|f| f.place == Place::Path && f.rust.field.name == name).expect("checked");
        let ident = &f.rust.ident;
        let value = if f.rust.is_string() {
            quote! { self.#ident.as_deref() }
        } else {
            quote! { self.#ident.as_ref().map(ToString::to_string).as_deref() }
        };
        quote! { hwcloud_runtime::path::segment(&OPERATION, #name, #value)? }
    });
    let query = op.fields.iter().filter(|f| f.place == Place::Query).map(|f| {
        let ident = &f.rust.ident;
        let wire = &f.rust.field.name;
        if matches!(f.rust.expr, TypeExpr::Array(_)) {
            quote! { request.push_query_all(#wire, &self.#ident); }
        } else {
            quote! { request.push_query(#wire, &self.#ident); }
        }
    });
    let headers = op.fields.iter().filter(|f| f.place == Place::Header).map(|f| {
        let ident = &f.rust.ident;
        let wire = &f.rust.field.name;
        quote! { request.push_header(#wire, &self.#ident); }
    });
    let project = op.fields.iter().find(|f| f.client_supplied()).map(|f| f.rust.ident.clone());
    let project_slot = project.as_ref().map(|ident| {
        quote! {
            fn project_id_mut(&mut self) -> Option<&mut Option<String>> {
                Some(&mut self.#ident)
            }
        }
    });
    let project_on_request = project.as_ref().map(|ident| quote! { request.project_id = self.#ident.clone(); });
    let body = op.o.request_body.as_ref().map(|_| {
        let body = &op.n.body;
        let assigns = op.fields.iter().filter(|f| f.place == Place::Body).map(|f| {
            let ident = &f.rust.ident;
            let wire = &f.rust.field.name;
            let value = if f.rust.is_copy() {
                quote! { self.#ident }
            } else {
                quote! { self.#ident.clone() }
            };
            if f.mandatory() {
                quote! { #ident: hwcloud_runtime::validate::required(&OPERATION, #wire, #value)?, }
            } else {
                quote! { #ident: #value, }
            }
        });
        quote! {
            let body = #body { #(#assigns)* };
            request.body = Some(hwcloud_runtime::validate::json_body(&OPERATION, &body)?);
        }
    });
    let mutable = op.fields.iter().any(|f| f.place != Place::Path) || project.is_some() || body.is_some();
    let binding = if mutable {
        quote! { let mut request }
    } else {
        quote! { let request }
    };
    quote! {
        impl hwcloud_runtime::OperationInput for #input {
            type Output = #output;
            const OPERATION: &'static hwcloud_runtime::OperationSpec = &OPERATION;

            #project_slot

            fn validate(&self) -> Result<(), hwcloud_runtime::Error> {
                #input::validate(self)
            }

            fn to_request(&self) -> Result<hwcloud_runtime::Request, hwcloud_runtime::Error> {
                self.validate()?;
                let path = format!(#path_fmt, #(#path_args),*);
                #binding = hwcloud_runtime::Request::new(&OPERATION, path);
                #(#query)*
                #(#headers)*
                #project_on_request
                #body
                Ok(request)
            }

            fn set_meta(output: &mut #output, meta: hwcloud_runtime::ResponseMeta) {
                output.meta = meta;
            }
        }
    }
}

/// The request body as sent on the wire; servers (the emulator) parse and validate it too.
fn request_body(op: &Op<'_>) -> TokenStream {
    let Some(body) = &op.o.request_body else { return quote! {} };
    let ident = &op.n.body;
    let rows = response_fields(Some(body), &op.ctx.table);
    let fields: Vec<RustField<'_>> = rows.iter().map(|f| RustField::new(op.ctx, f)).collect();
    let table = body.table.clone().unwrap_or_else(|| "Request body".into());
    let doc = vec![format!(
        "The JSON body of a `{}` request (documented table \"{}\").",
        op.o.operation,
        docs::escape(&table)
    )];
    let tokens = struct_tokens(ident, &doc, &fields, quote! {}, None);
    let siblings: Vec<&RustField<'_>> = fields.iter().collect();
    let site = Site::top();
    let checks: Vec<TokenStream> = fields
        .iter()
        .map(|f| checks::field_checks(op.ctx, &op.n.camel, f, &siblings, &site, false))
        .filter(|t| !t.is_empty())
        .collect();
    let validate_body = if checks.is_empty() {
        quote! { Ok(()) }
    } else {
        quote! {
            let mut v = hwcloud_runtime::validate::Violations::new(&OPERATION);
            #(#checks)*
            v.finish()
        }
    };
    quote! {
        #tokens
        impl #ident {
            /// Checks the documented rules of every field, as a server does with what it receives.
            pub fn validate(&self) -> Result<(), hwcloud_runtime::Error> {
                #validate_body
            }
        }
    }
}

fn output_struct(op: &Op<'_>) -> TokenStream {
    let o = op.o;
    let output = &op.n.output;
    let success = o.responses.iter().find(|r| Some(&r.status) == o.success.first());
    let rows: Vec<&Field> = response_fields(success.and_then(|r| r.body.as_ref()), &op.ctx.table);
    let fields: Vec<RustField<'_>> = rows.iter().map(|f| RustField::optional(op.ctx, f)).collect();
    let mut doc =
        vec![format!("What `{}` returned: the documented response body, its HTTP status and request id.", o.operation)];
    if let Some(r) = success {
        let described = [r.table.as_deref(), r.description.as_deref()].into_iter().flatten().collect::<Vec<_>>();
        if !described.is_empty() && inline_success_body(o).is_none() {
            doc.push(String::new());
            doc.push(format!("HTTP {}: {}.", r.status, docs::user_text(&described.join(", "))));
        }
    }
    let tokens =
        struct_tokens(output, &doc, &fields, quote! { #[serde(skip)] meta: hwcloud_runtime::ResponseMeta, }, None);
    quote! {
        #tokens
        impl #output {
            /// The `X-Request-Id` the service gave this response: quote it when asking support.
            pub fn request_id(&self) -> Option<&str> {
                self.meta.request_id.as_deref()
            }

            /// The HTTP status of the response (one of the documented success codes).
            pub fn http_status(&self) -> u16 {
                self.meta.status
            }
        }
    }
}

fn setter(op: &Op<'_>, f: &InputField<'_>) -> TokenStream {
    let ident = &f.rust.ident;
    let set = format_ident!("set_{}", f.rust.name());
    let doc = docs::attrs(&input_doc(op, f));
    let ty = &f.rust.ty;
    let (param, value) = if f.rust.is_enum || f.rust.is_string() {
        (quote! { impl Into<#ty> }, quote! { value.into() })
    } else {
        (quote! { #ty }, quote! { value })
    };
    let set_doc = format!(" Sets or clears [`{}`](Self::{}).", f.rust.name(), f.rust.name());
    let at = (f.rust.field.format == Some(crate::spec::model::TimeFormat::UnixMs)).then(|| {
        let at = format_ident!("{}_at", f.rust.name());
        let value = super::request_types::unix_ms_value(&f.rust.expr);
        let doc = format!(
            " Sets [`{}`](Self::{}) to a point in time, in milliseconds since the Unix epoch.",
            f.rust.name(),
            f.rust.name()
        );
        quote! {
            #[doc = #doc]
            pub fn #at(mut self, time: hwcloud_runtime::time::OffsetDateTime) -> Self {
                self.input.#ident = Some(#value);
                self
            }
        }
    });
    quote! {
        #doc
        pub fn #ident(mut self, value: #param) -> Self {
            self.input.#ident = Some(#value);
            self
        }

        #[doc = #set_doc]
        pub fn #set(mut self, value: Option<#ty>) -> Self {
            self.input.#ident = value;
            self
        }

        #at
    }
}

/// The operation's builder: an alias of the crate's generic `OperationBuilder` (which holds what every builder
/// has: `build`, `send`, per-call options, paging), with this operation's setters and job methods.
fn builder(op: &Op<'_>) -> TokenStream {
    let OpNames { input, builder, .. } = &op.n;
    let setters = op.fields.iter().map(|f| setter(op, f));
    let service_client = format_ident!("{}Client", camel(&op.ctx.service.name));
    let method = &op.n.module;
    let doc = docs::attrs(&[
        format!("Sets the parameters of `{}`, then sends it or builds its input.", op.o.operation),
        String::new(),
        format!(
            "From [`{service_client}::{method}`](super::{service_client}::{method}) it can \
             [`send`](crate::OperationBuilder::send) at once; from [`{input}::builder`] it \
             [`build`](crate::OperationBuilder::build)s an input to send later."
        ),
    ]);
    let lifecycle = lifecycle::builder_methods(op);
    let lifecycle = (!lifecycle.is_empty()).then(|| {
        quote! {
            impl crate::OperationBuilder<#input, hwcloud_runtime::Client> {
                #lifecycle
            }
        }
    });
    quote! {
        #doc
        pub type #builder<C = ()> = crate::OperationBuilder<#input, C>;

        impl<C> crate::OperationBuilder<#input, C> {
            #(#setters)*
        }

        #lifecycle
    }
}

/// The service client's method returning this operation's builder.
pub fn builder_method(ctx: &Ctx<'_>, op: &OperationFile) -> TokenStream {
    let n = op_names(op);
    let module = &n.module;
    let builder = &n.builder;
    let fields = input_fields(ctx, op);
    let mut doc = vec![docs::escape(&op.title), String::new()];
    doc.push(docs::user_text(op.summary.lines().next().unwrap_or("")));
    doc.push(String::new());
    let service = &ctx.service.name;
    doc.push(format!(
        "See the [module](crate::{service}::{module}) for an example and the documented errors. Setters:"
    ));
    for f in &fields {
        let need = if f.client_supplied() {
            "optional, filled in by the client"
        } else if f.mandatory() {
            "required"
        } else {
            "optional"
        };
        doc.push(format!("- [`{}`]({module}::{builder}::{}) ({need})", f.rust.name(), f.rust.name()));
    }
    let doc = docs::attrs(&doc);
    quote! {
        #doc
        pub fn #module(&self) -> #module::#builder<hwcloud_runtime::Client> {
            crate::OperationBuilder::new(self.client.clone())
        }
    }
}

/// Whether a row is a plain scalar that an example can set from a literal.
pub fn literal_tokens(f: &RustField<'_>, raw: &str) -> Option<TokenStream> {
    match f.expr {
        TypeExpr::Scalar(Scalar::Integer) => raw.parse::<i32>().ok().map(|v| quote! { #v }),
        TypeExpr::Scalar(Scalar::Long) => raw.parse::<i64>().ok().map(|v| quote! { #v }),
        TypeExpr::Scalar(Scalar::Boolean) => raw.parse::<bool>().ok().map(|v| quote! { #v }),
        TypeExpr::Scalar(Scalar::String) => Some(quote! { #raw }),
        _ => None,
    }
}
