//! Generated paging and job waiting, from the spec's `pagination`, `returns_job` and service `job` sections.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{rust_field, Ctx};
use super::names::{camel, field_ident, snake};
use crate::spec::check::{field_type, success_fields};
use crate::spec::load::{Located, ServiceDir};
use crate::spec::model::{Field, JobSpec, OperationFile, PageUnit};
use crate::spec::types::TypeExpr;

/// `impl Page for Output` plus `into_pages` / `into_items` on the builder, for operations that page.
pub fn pager(ctx: &Ctx<'_>, op: &OperationFile) -> (TokenStream, TokenStream) {
    let Some(p) = &op.pagination else { return (quote! {}, quote! {}) };
    let camel_name = camel(&op.operation);
    let output = format_ident!("{camel_name}Output");
    let fields = success_fields(op, &ctx.table);
    let items_field = fields.iter().find(|f| f.name == p.items).expect("checked");
    let items_rust = rust_field(ctx, &format!("{camel_name}Output"), items_field, true);
    let items_ident = &items_rust.ident;
    let item_ty = match &items_rust.expr {
        TypeExpr::Array(inner) => match &**inner {
            TypeExpr::Object(name) => ctx.type_path(name),
            _ => {
                let ty = &items_rust.ty;
                quote! { <#ty as IntoIterator>::Item }
            }
        },
        _ => unreachable!("checked: items is an array"),
    };
    let total = match &p.total {
        Some(t) => {
            let row = fields.iter().find(|f| &f.name == t).expect("checked");
            let ident = field_ident(&row.rust_name.clone().unwrap_or_else(|| snake(t)));
            match field_type(row) {
                Ok(TypeExpr::Scalar(crate::spec::types::Scalar::Long)) => quote! { self.#ident },
                _ => quote! { self.#ident.map(i64::from) },
            }
        }
        None => quote! { None },
    };
    let offset_ident = field_ident(&snake(&p.offset));
    let limit_ident = field_ident(&snake(&p.limit));
    let param = |name: &str| op.query_parameters.iter().find(|q| q.name == name).expect("checked");
    let default_limit = param(&p.limit).rules.default.as_ref().and_then(|d| d.as_i64());
    let default_limit = match default_limit {
        Some(d) => quote! { Some(#d) },
        None => quote! { None },
    };
    let limit_wire = &p.limit;
    let unit = match p.unit {
        PageUnit::Items => quote! { hwcloud_runtime::pager::PageUnit::Items },
        PageUnit::Pages => {
            let first = param(&p.offset).rules.minimum.unwrap_or(1);
            quote! { hwcloud_runtime::pager::PageUnit::Pages { first: #first } }
        }
    };
    let input = format_ident!("{camel_name}Input");
    let page_impl = quote! {
        impl hwcloud_runtime::pager::Page for #output {
            type Item = #item_ty;

            fn item_count(&self) -> usize {
                self.#items_ident.as_ref().map_or(0, Vec::len)
            }

            fn total(&self) -> Option<i64> {
                #total
            }

            fn into_items(self) -> Vec<Self::Item> {
                self.#items_ident.unwrap_or_default()
            }

            fn fingerprint(&self) -> u64 {
                hwcloud_runtime::pager::fingerprint(&self.#items_ident)
            }
        }

        impl hwcloud_runtime::pager::PagedInput for #input {
            const UNIT: hwcloud_runtime::pager::PageUnit = #unit;
            const LIMIT_FIELD: &'static str = #limit_wire;

            fn offset(&self) -> Option<i64> {
                self.#offset_ident.map(i64::from)
            }

            fn limit(&self) -> Option<i64> {
                self.#limit_ident.map(i64::from).or(#default_limit)
            }

            fn with_page(&self, offset: i32, limit: i32) -> Self {
                let mut page = self.clone();
                page.#offset_ident = Some(offset);
                page.#limit_ident = Some(limit);
                page
            }
        }
    };
    let methods = quote! {
        /// Every page, fetched lazily one at a time, from the offset set on this builder (or the first page).
        ///
        /// Stops at the documented total, at an empty or short page, and fails instead of looping when the
        /// server keeps answering with the same page.
        pub fn into_pages(self) -> futures::stream::BoxStream<'static, Result<#output, hwcloud_runtime::Error>> {
            hwcloud_runtime::pager::paginate(self.client, self.input)
        }

        /// Every item of every page, fetched lazily; at most one page is held in memory.
        pub fn into_items(self) -> futures::stream::BoxStream<'static, Result<#item_ty, hwcloud_runtime::Error>> {
            use futures::StreamExt;
            hwcloud_runtime::pager::items(self.into_pages()).boxed()
        }
    };
    (page_impl, methods)
}

/// How the job operation's response is read: `(status, reason)` getters as closures' bodies over `job`.
fn job_reader(ctx: &Ctx<'_>, job_op: &OperationFile, job: &JobSpec) -> (TokenStream, TokenStream) {
    let fields = success_fields(job_op, &ctx.table);
    let read = |path: &[String]| -> TokenStream {
        if path.is_empty() {
            return quote! { None::<String> };
        }
        let mut expr = quote! { Some(job) };
        let mut rows: Vec<&Field> = fields.clone();
        let mut current: Option<TypeExpr> = None;
        for seg in path {
            match (current.clone(), seg.parse::<usize>()) {
                (Some(TypeExpr::Array(inner)), Ok(i)) => {
                    expr = if i == 0 {
                        quote! { #expr.and_then(|v| v.first()) }
                    } else {
                        quote! { #expr.and_then(|v| v.get(#i)) }
                    };
                    if let TypeExpr::Object(name) = &*inner {
                        rows = ctx.table.types[name.as_str()].fields.iter().collect();
                    }
                    current = Some(*inner);
                }
                _ => {
                    let row = rows.iter().find(|f| &f.name == seg).copied().expect("checked job path");
                    let ident = field_ident(&row.rust_name.clone().unwrap_or_else(|| snake(&row.name)));
                    expr = quote! { #expr.and_then(|o| o.#ident.as_ref()) };
                    let ty = field_type(row).expect("checked");
                    if let TypeExpr::Object(name) = &ty {
                        rows = ctx.table.types[name.as_str()].fields.iter().collect();
                    }
                    current = Some(if row.values.is_empty() {
                        ty
                    } else {
                        TypeExpr::Scalar(crate::spec::types::Scalar::Json)
                    });
                }
            }
        }
        quote! { #expr.map(|s| s.to_string()) }
    };
    (read(&job.status), read(&job.failure_reason))
}

/// `wait_for` on the job operation's builder: polls it until the job succeeds, fails or the time runs out.
pub fn job_waiter(ctx: &Ctx<'_>, op: &OperationFile) -> TokenStream {
    let Some(job) = &ctx.service.service.value.job else { return quote! {} };
    if job.operation != op.operation {
        return quote! {};
    }
    let (status, reason) = job_reader(ctx, op, job);
    let id_ident = field_ident(&snake(&job.id_parameter));
    let output = format_ident!("{}Output", camel(&op.operation));
    let (success, failure) = (&job.success, &job.failure);
    quote! {
        /// Polls this operation for `job_id` with backoff until the job reaches a documented final status.
        ///
        /// Returns the final response on success; [`hwcloud_runtime::Error::JobFailed`] with the server's
        /// reason, or [`hwcloud_runtime::Error::JobTimedOut`] with the last status seen. `on_progress` is
        /// called whenever the status changes, e.g. to draw a progress bar.
        pub async fn wait_for(
            self,
            job_id: impl Into<String>,
            options: &hwcloud_runtime::waiter::WaitOptions,
            on_progress: impl FnMut(&hwcloud_runtime::waiter::JobProgress),
        ) -> Result<#output, hwcloud_runtime::Error> {
            let job_id = job_id.into();
            let client = self.client;
            let input = self.input;
            hwcloud_runtime::waiter::wait_for_job(
                &job_id,
                |id: &str| {
                    let mut input = input.clone();
                    input.#id_ident = Some(id.to_owned());
                    let client = client.clone();
                    async move { send(&client, input).await }
                },
                |job: &#output| {
                    let status: Option<String> = #status;
                    let reason: Option<String> = #reason;
                    let state = match status.as_deref() {
                        #(Some(#success))|* => hwcloud_runtime::waiter::JobState::Succeeded,
                        #(Some(#failure))|* => hwcloud_runtime::waiter::JobState::Failed,
                        _ => hwcloud_runtime::waiter::JobState::InProgress,
                    };
                    (state, status.unwrap_or_default(), reason)
                },
                options,
                on_progress,
            )
            .await
        }
    }
}

/// `send_and_wait` on operations that start a job: sends, then waits with the service's job operation,
/// carrying over the path parameters both share (project, graph...).
pub fn send_and_wait(service: &ServiceDir, op: &Located<OperationFile>) -> TokenStream {
    let o = &op.value;
    let (Some(returns), Some(job)) = (&o.returns_job, &service.service.value.job) else { return quote! {} };
    let Some(job_op) = service.operations.iter().find(|j| j.value.operation == job.operation) else { return quote! {} };
    let job_module = format_ident!("{}", job_op.value.operation);
    let job_builder = format_ident!("{}Builder", camel(&job_op.value.operation));
    let job_output = format_ident!("{}Output", camel(&job_op.value.operation));
    let output = format_ident!("{}Output", camel(&o.operation));
    let job_field = field_ident(&snake(&returns.field));
    let job_field_wire = &returns.field;
    let shared = o.uri_parameters.iter().filter(|p| {
        job_op.value.uri_parameters.iter().chain(&job_op.value.query_parameters).any(|q| q.name == p.name)
            && p.name != job.id_parameter
    });
    let copies = shared.map(|p| {
        let id = field_ident(&snake(&p.name));
        quote! { if let Some(value) = &self.input.#id { waiter = waiter.#id(value.clone()); } }
    });
    quote! {
        /// Sends the request, then waits for the job it started (see
        #[doc = concat!(" [`super::", stringify!(#job_module), "::", stringify!(#job_builder), "::wait_for`]).")]
        pub async fn send_and_wait(
            self,
            options: &hwcloud_runtime::waiter::WaitOptions,
            on_progress: impl FnMut(&hwcloud_runtime::waiter::JobProgress),
        ) -> Result<(#output, super::#job_module::#job_output), hwcloud_runtime::Error> {
            let mut waiter = super::#job_module::#job_builder::new(self.client.clone());
            #(#copies)*
            let started = self.send().await?;
            let Some(job_id) = started.#job_field.clone() else {
                return Err(hwcloud_runtime::Error::Decode {
                    operation: OPERATION.name,
                    status: started.http_status(),
                    request_id: started.request_id().map(str::to_owned),
                    path: #job_field_wire.into(),
                    message: "the response has no job id to wait for".into(),
                });
            };
            let finished = waiter.wait_for(job_id, options, on_progress).await?;
            Ok((started, finished))
        }
    }
}
