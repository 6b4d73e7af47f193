//! One module per operation: input, request body, output, builder, send, and the documented examples as tests.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::examples;
use super::lifecycle;
use super::model::{rust_field, struct_tokens, Ctx, RustField};
use super::names::camel;
use super::validation::{input_field_checks, rules_const, wire_field_checks};
use crate::spec::check::response_fields;
use crate::spec::load::Located;
use crate::spec::model::{Field, OperationFile};
use crate::spec::types::{Scalar, TypeExpr};

/// Where an input field goes on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Path,
    Query,
    Header,
    Body,
}

/// An input field with its place.
pub struct InputField<'a> {
    pub rust: RustField<'a>,
    pub place: Place,
}

pub struct OpNames {
    pub module: proc_macro2::Ident,
    pub camel: String,
    pub input: proc_macro2::Ident,
    pub output: proc_macro2::Ident,
    pub body: proc_macro2::Ident,
    pub builder: proc_macro2::Ident,
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
    let owner = camel(&op.operation);
    let mut out = Vec::new();
    let groups: [(&'a [Field], Place); 3] =
        [(&op.uri_parameters, Place::Path), (&op.query_parameters, Place::Query), (&op.headers, Place::Header)];
    for (rows, place) in groups {
        for f in rows.iter().filter(|f| f.supplied_by.is_none()) {
            out.push(InputField { rust: rust_field(ctx, &owner, f, true), place });
        }
    }
    if let Some(body) = &op.request_body {
        for f in response_fields(Some(body), &ctx.table) {
            out.push(InputField { rust: rust_field(ctx, &owner, f, true), place: Place::Body });
        }
    }
    out
}

fn module_doc(service: &str, file: &Located<OperationFile>) -> Vec<String> {
    let op = &file.value;
    let mut d = vec![format!("{}", docs::escape(&op.title)), String::new()];
    d.extend(op.summary.lines().map(docs::escape));
    d.push(String::new());
    d.push(format!("`{} {}`", op.method, op.path));
    d.push(String::new());
    let source = match &op.source.url {
        Some(url) => format!("Source: `shared/{}`, <{url}>", op.source.file),
        None => format!("Source: `shared/{}`", op.source.file),
    };
    d.push(source + &op.source.updated.as_ref().map(|u| format!(" (updated {u})")).unwrap_or_default() + ".");
    d.push(String::new());
    let success: Vec<String> = op.success.iter().map(u16::to_string).collect();
    d.push(format!(
        "Success: HTTP {}. {}",
        success.join(", "),
        if op.idempotent {
            "Idempotent: transient failures are retried."
        } else {
            "Not idempotent: never re-sent once the request may have reached the server."
        }
    ));
    if !op.status_codes.is_empty() {
        d.push(String::new());
        d.push("| Status | Meaning |".into());
        d.push("|---|---|".into());
        for s in &op.status_codes {
            let text =
                [s.text.as_deref(), s.description.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(": ");
            d.push(format!("| {} | {} |", s.status, docs::escape(&text)));
        }
    }
    if let Some(note) = &op.status_codes_note {
        d.push(String::new());
        d.push(format!("Status codes: {}", docs::escape(note)));
    }
    if let Some(version) = &op.api_version {
        d.push(String::new());
        d.push(format!("API version {}.", docs::escape(version)));
    }
    for c in &op.corrections {
        d.push(String::new());
        d.push(format!("**Spec correction:** {}", docs::escape(c)));
    }
    for note in &op.notes {
        d.push(String::new());
        d.push(format!("Note: {}", docs::escape(note)));
    }
    d.push(String::new());
    d.push(format!(
        "Spec: `spec/{service}/{}`.",
        file.path.file_name().map(|f| f.to_string_lossy()).unwrap_or_default()
    ));
    d
}

pub fn operation_module(ctx: &Ctx<'_>, file: &Located<OperationFile>) -> TokenStream {
    let op = &file.value;
    let n = op_names(op);
    let service = &ctx.service.name;
    let fields = input_fields(ctx, op);
    let module_doc = docs::inner_attrs(&module_doc(service, file));

    // Static description.
    let op_name = &op.operation;
    let method = format_ident!("{}", camel(&op.method.to_ascii_lowercase()));
    let path_template = &op.path;
    let success = &op.success;
    let idempotent = op.idempotent;

    // Local enums of params and inline bodies.
    let mut enums: Vec<TokenStream> = fields.iter().filter_map(|f| f.rust.enum_def.clone()).collect();

    // Input.
    let input_decls = fields.iter().map(|f| {
        let doc = docs::attrs(&docs::field_doc(f.rust.field));
        let ident = &f.rust.ident;
        let ty = &f.rust.ty;
        quote! { #doc pub #ident: Option<#ty>, }
    });
    let any_sensitive = fields.iter().any(|f| f.rust.field.sensitive);
    let input_debug = if any_sensitive {
        let entries = fields.iter().map(|f| {
            let id = &f.rust.ident;
            let label = id.to_string().trim_start_matches("r#").to_owned();
            if f.rust.field.sensitive {
                quote! { .field(#label, &self.#id.as_ref().map(|_| "***")) }
            } else {
                quote! { .field(#label, &self.#id) }
            }
        });
        let name = n.input.to_string();
        let input = &n.input;
        quote! {
            impl std::fmt::Debug for #input {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#name) #(#entries)* .finish()
                }
            }
        }
    } else {
        quote! {}
    };
    let input_derive = if any_sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let rule_consts = fields.iter().map(|f| rules_const(&f.rust, f.place == Place::Path));
    let checks: Vec<TokenStream> = fields
        .iter()
        .map(|f| input_field_checks(&f.rust, f.rust.field.mandatory == Some(true), f.place == Place::Path))
        .collect();
    let input_v = violations_binding(&checks);

    // Request building.
    let path_fmt = path_format(&op.path);
    let path_args = path_params_in_order(&op.path).into_iter().map(|name| {
        let f = fields.iter().find(|f| f.place == Place::Path && f.rust.field.name == name).expect("checked");
        let ident = &f.rust.ident;
        let to_str = to_wire_string(&f.rust, quote! { value });
        quote! { hwcloud_runtime::path::encode_segment(&{ let value = hwcloud_runtime::validate::required(OPERATION.name, #name, self.#ident.as_ref())?; #to_str }) }
    });
    let query_pushes = fields.iter().filter(|f| f.place == Place::Query).map(|f| {
        let ident = &f.rust.ident;
        let wire = &f.rust.field.name;
        if let TypeExpr::Array(_) = f.rust.expr {
            let to_str = quote! { item.to_string() };
            quote! { if let Some(values) = &self.#ident { for item in values { request.query.push((#wire, #to_str)); } } }
        } else {
            let to_str = to_wire_string(&f.rust, quote! { value });
            quote! { if let Some(value) = &self.#ident { request.query.push((#wire, #to_str)); } }
        }
    });
    let header_pushes = fields.iter().filter(|f| f.place == Place::Header).map(|f| {
        let ident = &f.rust.ident;
        let wire = &f.rust.field.name;
        let to_str = to_wire_string(&f.rust, quote! { value });
        quote! { if let Some(value) = &self.#ident { request.headers.push((#wire, #to_str)); } }
    });
    let project_id = if fields.iter().any(|f| f.place == Place::Path && f.rust.field.name == "project_id") {
        quote! { request.project_id = self.project_id.clone(); }
    } else {
        quote! {}
    };
    let body_fields: Vec<&InputField<'_>> = fields.iter().filter(|f| f.place == Place::Body).collect();
    let body_ident = &n.body;
    let (body_struct, body_build) = if op.request_body.is_some() {
        let rows: Vec<&Field> = body_fields.iter().map(|f| f.rust.field).collect();
        let table = op.request_body.as_ref().and_then(|b| b.table.clone()).unwrap_or_else(|| "Request body".into());
        let doc = vec![format!(
            "The JSON request body of `{}` ({}), as sent on the wire.",
            op.operation,
            docs::escape(&table)
        )];
        let (tokens, _enums_already_collected) = struct_tokens(ctx, &n.body.to_string(), &doc, &rows, quote! {}, true);
        let wire_rust: Vec<RustField<'_>> = rows.iter().map(|f| rust_field(ctx, &n.camel, f, true)).collect();
        let wire_checks: Vec<TokenStream> = wire_rust.iter().map(wire_field_checks).collect();
        let wire_v = violations_binding(&wire_checks);
        let assigns = body_fields.iter().map(|f| {
            let ident = &f.rust.ident;
            let wire = &f.rust.field.name;
            if f.rust.optional {
                quote! { #ident: self.#ident.clone(), }
            } else {
                quote! { #ident: hwcloud_runtime::validate::required(OPERATION.name, #wire, self.#ident.clone())?, }
            }
        });
        let validate_doc = docs::attrs(&[
            "Checks the documented rules of every field (a server can use this on what it receives).".into(),
        ]);
        (
            quote! {
                #tokens
                impl #body_ident {
                    #validate_doc
                    pub fn validate(&self) -> Result<(), hwcloud_runtime::Error> {
                        #wire_v
                        #(#wire_checks)*
                        v.finish()
                    }
                }
            },
            quote! {
                let body = #body_ident { #(#assigns)* };
                request.body = Some(hwcloud_runtime::validate::json_body(OPERATION.name, &body)?);
            },
        )
    } else {
        (quote! {}, quote! {})
    };

    // Output.
    let success_response = op.responses.iter().find(|r| Some(&r.status) == op.success.first());
    let output_rows: Vec<&Field> = response_fields(success_response.and_then(|r| r.body.as_ref()), &ctx.table);
    let mut output_doc = vec![format!(
        "What `{}` returned: the documented response body, plus the HTTP status and request id.",
        op.operation
    )];
    if let Some(r) = success_response {
        let described = [r.table.as_deref(), r.description.as_deref()].into_iter().flatten().collect::<Vec<_>>();
        if !described.is_empty() {
            output_doc.push(String::new());
            output_doc.push(format!("HTTP {}: {}.", r.status, docs::escape(&described.join(", "))));
        }
    }
    let optional_rows: Vec<Field> = output_rows.iter().map(|f| Field { mandatory: None, ..(*f).clone() }).collect();
    let optional_refs: Vec<&Field> = optional_rows.iter().collect();
    let output = &n.output;
    let (output_struct, output_enums) = struct_tokens(
        ctx,
        &n.output.to_string(),
        &output_doc,
        &optional_refs,
        quote! {
            #[serde(skip)]
            meta: hwcloud_runtime::ResponseMeta,
        },
        success_response.and_then(|r| r.body.as_ref()).is_some_and(|b| b.reference.is_none()),
    );
    if success_response.and_then(|r| r.body.as_ref()).is_some_and(|b| b.reference.is_none()) {
        enums.extend(output_enums);
    }

    // Builder.
    let builder = &n.builder;
    let input = &n.input;
    let setters = fields.iter().map(|f| {
        let ident = &f.rust.ident;
        let doc = docs::attrs(&docs::field_doc(f.rust.field));
        let (param, value) = setter_param(&f.rust);
        quote! {
            #doc
            pub fn #ident(mut self, value: #param) -> Self {
                self.input.#ident = Some(#value);
                self
            }
        }
    });
    let (fallback_project, needs_project) =
        if fields.iter().any(|f| f.place == Place::Path && f.rust.field.name == "project_id") {
            let fallback = quote! {
                if input.project_id.is_none() {
                    input.project_id = client.project_id().map(str::to_owned);
                }
            };
            let needs = quote! {
                fn needs_project_id(&self) -> bool {
                    self.project_id.is_none()
                }
            };
            (fallback, needs)
        } else {
            (quote! {}, quote! { fn needs_project_id(&self) -> bool { false } })
        };
    let tests = examples::example_tests(ctx, file, &fields);
    let (page_impl, pager_methods) = lifecycle::pager(ctx, op);
    let waiter_method = lifecycle::job_waiter(ctx, op);
    let send_and_wait = lifecycle::send_and_wait(ctx.service, file);
    let builder_doc =
        docs::attrs(&[format!("Builds and sends `{}`; every setter is one documented parameter.", op.operation)]);
    let input_doc = docs::attrs(&[format!(
        "Everything the caller can set for `{}`. Use the builder; `validate` lists every broken rule.",
        op.operation
    )]);

    quote! {
        #module_doc

        /// Static facts about this operation, from its spec file.
        pub static OPERATION: hwcloud_runtime::OperationSpec = hwcloud_runtime::OperationSpec {
            service: &super::SERVICE,
            name: #op_name,
            method: hwcloud_runtime::Method::#method,
            path_template: #path_template,
            success: &[#(#success),*],
            idempotent: #idempotent,
        };

        #(#rule_consts)*

        #input_doc
        #[derive(#input_derive Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #input {
            #(#input_decls)*
        }

        #input_debug

        impl #input {
            /// Checks every documented rule; the error lists all violations at once.
            pub fn validate(&self) -> Result<(), hwcloud_runtime::Error> {
                #input_v
                #(#checks)*
                v.finish()
            }

            /// The request for this input: path filled with each parameter as one encoded segment.
            pub fn to_request(&self) -> Result<hwcloud_runtime::Request, hwcloud_runtime::Error> {
                let path = format!(#path_fmt, #(#path_args),*);
                #[allow(unused_mut)]
                let mut request = hwcloud_runtime::Request::new(&OPERATION, path);
                #(#query_pushes)*
                #(#header_pushes)*
                #project_id
                #body_build
                Ok(request)
            }
        }

        #body_struct

        #output_struct

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

        #(#enums)*

        #builder_doc
        #[derive(Debug, Clone)]
        pub struct #builder {
            client: hwcloud_runtime::Client,
            input: #input,
        }

        impl #builder {
            pub(crate) fn new(client: hwcloud_runtime::Client) -> Self {
                #builder { client, input: #input::default() }
            }

            #(#setters)*

            /// The input as set so far.
            pub fn as_input(&self) -> &#input {
                &self.input
            }

            /// Validates the input, then sends the request; nothing is sent when validation fails.
            pub async fn send(self) -> Result<#output, hwcloud_runtime::Error> {
                send(&self.client, self.input).await
            }

            #pager_methods
            #waiter_method
            #send_and_wait
        }

        #page_impl

        impl hwcloud_runtime::OperationInput for #input {
            type Output = #output;

            fn operation() -> &'static hwcloud_runtime::OperationSpec {
                &OPERATION
            }

            #needs_project

            fn into_request(self, client: &hwcloud_runtime::Client) -> Result<hwcloud_runtime::Request, hwcloud_runtime::Error> {
                #[allow(unused_mut)]
                let mut input = self;
                #fallback_project
                input.validate()?;
                input.to_request()
            }

            fn set_meta(output: &mut #output, meta: hwcloud_runtime::ResponseMeta) {
                output.meta = meta;
            }
        }

        /// Validates and sends `input` with `client` (a project id left unset falls back to the client's).
        pub async fn send(client: &hwcloud_runtime::Client, input: #input) -> Result<#output, hwcloud_runtime::Error> {
            client.execute(input).await
        }

        #tests
    }
}

/// `let [mut] v = Violations::new(..)`, mutable only when some check can push to it.
fn violations_binding(checks: &[TokenStream]) -> TokenStream {
    if checks.iter().all(TokenStream::is_empty) {
        quote! { let v = hwcloud_runtime::validate::Violations::new(OPERATION.name); }
    } else {
        quote! { let mut v = hwcloud_runtime::validate::Violations::new(OPERATION.name); }
    }
}

/// `value` (a `&T`) as its wire string.
fn to_wire_string(f: &RustField<'_>, value: TokenStream) -> TokenStream {
    if f.enum_def.is_some() {
        return quote! { #value.as_str().to_owned() };
    }
    match f.expr {
        TypeExpr::Scalar(Scalar::String) => quote! { #value.clone() },
        _ => quote! { #value.to_string() },
    }
}

fn setter_param(f: &RustField<'_>) -> (TokenStream, TokenStream) {
    let ty = &f.ty;
    if f.enum_def.is_some() {
        return (quote! { impl Into<#ty> }, quote! { value.into() });
    }
    match f.expr {
        TypeExpr::Scalar(Scalar::String) => (quote! { impl Into<String> }, quote! { value.into() }),
        _ => (quote! { #ty }, quote! { value }),
    }
}

/// The path template as a `format!` string: each `{name}` becomes `{}`.
fn path_format(path: &str) -> String {
    path.split('/').map(|seg| if seg.starts_with('{') { "{}" } else { seg }).collect::<Vec<_>>().join("/")
}

fn path_params_in_order(path: &str) -> Vec<String> {
    path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).map(str::to_owned).collect()
}

pub fn builder_method(op: &OperationFile) -> TokenStream {
    let n = op_names(op);
    let module = &n.module;
    let builder = &n.builder;
    let doc =
        docs::attrs(&[docs::escape(&op.title), String::new(), docs::escape(op.summary.lines().next().unwrap_or(""))]);
    quote! {
        #doc
        pub fn #module(&self) -> #module::#builder {
            #module::#builder::new(self.client.clone())
        }
    }
}
