//! Generated paging and job waiting, from the spec's `pagination`, `returns_job` and service `job` sections.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{Ctx, RustField};
use super::names::{camel, field_ident, snake};
use super::operation::Op;
use crate::spec::check::{field_type, success_fields};
use crate::spec::model::{Field, JobSpec, OperationFile, PageUnit};
use crate::spec::types::{Scalar, TypeExpr};

/// `impl Page for Output` and `impl PagedInput for Input`, for operations that page.
pub fn page_impls(op: &Op<'_>) -> TokenStream {
    let Some(p) = &op.o.pagination else { return quote! {} };
    let ctx = op.ctx;
    let (input, output) = (&op.n.input, &op.n.output);
    let fields = success_fields(op.o, &ctx.table);
    let items_row = fields.iter().find(|f| f.name == p.items).expect("checked");
    let items = RustField::optional(ctx, items_row);
    let items_ident = &items.ident;
    let item_ty = items.item.clone().expect("checked: items is an array");
    let total = match &p.total {
        Some(t) => {
            let row = fields.iter().find(|f| &f.name == t).expect("checked");
            let ident = RustField::optional(ctx, row).ident;
            match field_type(row) {
                Ok(TypeExpr::Scalar(Scalar::Long)) => quote! { self.#ident },
                _ => quote! { self.#ident.map(i64::from) },
            }
        }
        None => quote! { None },
    };
    let param = |name: &str| op.o.query_parameters.iter().find(|q| q.name == name).expect("checked");
    let (offset_ident, limit_ident) = (field_ident(&snake(&p.offset)), field_ident(&snake(&p.limit)));
    let limit_rules = &param(&p.limit).rules;
    // Without `.limit()`, pages are as large as the documentation says by default, else as large as allowed.
    let fallback = limit_rules.default.as_ref().and_then(serde_yaml::Value::as_i64).or(limit_rules.maximum);
    let limit = match fallback {
        Some(d) => quote! { self.#limit_ident.map(i64::from).or(Some(#d)) },
        None => quote! { self.#limit_ident.map(i64::from) },
    };
    let limit_wire = &p.limit;
    let unit = match p.unit {
        PageUnit::Items => quote! { hwcloud_runtime::pager::PageUnit::Items },
        PageUnit::Pages => {
            let first = param(&p.offset).rules.minimum.unwrap_or(1);
            quote! { hwcloud_runtime::pager::PageUnit::Pages { first: #first } }
        }
    };
    quote! {
        impl hwcloud_runtime::pager::Page for #output {
            type Item = #item_ty;

            fn item_count(&self) -> usize {
                self.#items_ident().len()
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
                #limit
            }

            fn with_page(&self, offset: i32, limit: i32) -> Self {
                #input { #offset_ident: Some(offset), #limit_ident: Some(limit), ..self.clone() }
            }
        }
    }
}

/// The builder methods of job waiting that an operation has (paging is generic, on `OperationBuilder`).
pub fn builder_methods(op: &Op<'_>) -> TokenStream {
    let waiter = job_waiter(op);
    let send_and_wait = send_and_wait(op);
    quote! { #waiter #send_and_wait }
}

/// How the job operation's response is read: expressions over `job` giving an `Option<String>` for a path.
fn job_reader(ctx: &Ctx<'_>, job_op: &OperationFile, path: &[String]) -> TokenStream {
    if path.is_empty() {
        return quote! { None };
    }
    let fields = success_fields(job_op, &ctx.table);
    let mut expr = quote! { Some(job) };
    let mut rows: Vec<&Field> = fields;
    let mut current: Option<TypeExpr> = None;
    for seg in path {
        match (current.clone(), seg.parse::<usize>()) {
            (Some(TypeExpr::Array(inner)), Ok(i)) => {
                expr = match i {
                    0 => quote! { #expr.and_then(|v| v.first()) },
                    i => quote! { #expr.and_then(|v| v.get(#i)) },
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
                current = Some(ty);
            }
        }
    }
    quote! { #expr.map(|s| s.to_string()).filter(|s| !s.is_empty()) }
}

/// `wait_for` on the job operation's builder: polls it until the job succeeds, fails or the time runs out.
fn job_waiter(op: &Op<'_>) -> TokenStream {
    let ctx = op.ctx;
    let Some(job) = &ctx.service.service.value.job else { return quote! {} };
    if job.operation != op.o.operation {
        return quote! {};
    }
    let JobSpec { success, failure, .. } = job;
    let status = job_reader(ctx, op.o, &job.status);
    let reason = job_reader(ctx, op.o, &job.failure_reason);
    let progress = job_reader(ctx, op.o, &job.progress);
    let id_ident = field_ident(&snake(&job.id_parameter));
    let (input_ty, output) = (&op.n.input, &op.n.output);
    quote! {
        /// Polls this operation for `job_id` with backoff until the job reaches a documented final status.
        ///
        /// Returns the final response on success; [`Error::JobFailed`](hwcloud_runtime::Error::JobFailed) with the
        /// server's reason, [`Error::JobTimedOut`](hwcloud_runtime::Error::JobTimedOut) with the last status seen,
        /// or [`Error::JobPollFailed`](hwcloud_runtime::Error::JobPollFailed). `on_progress` sees every poll: its
        /// status, the documented progress field and the whole response.
        pub async fn wait_for(
            self,
            job_id: impl Into<String>,
            options: &hwcloud_runtime::waiter::WaitOptions,
            on_progress: impl FnMut(&hwcloud_runtime::waiter::JobProgress<'_, #output>),
        ) -> Result<#output, hwcloud_runtime::Error> {
            let job_id = job_id.into();
            let (client, input, call) = (self.client, self.input, self.options);
            hwcloud_runtime::waiter::wait_for_job(
                &job_id,
                |id: &str| {
                    let input = #input_ty { #id_ident: Some(id.to_owned()), ..input.clone() };
                    let client = client.clone();
                    async move { client.execute_with(input, &call).await }
                },
                |job: &#output| {
                    let status: Option<String> = #status;
                    let state = match status.as_deref() {
                        #(Some(#success))|* => hwcloud_runtime::waiter::JobState::Succeeded,
                        #(Some(#failure))|* => hwcloud_runtime::waiter::JobState::Failed,
                        _ => hwcloud_runtime::waiter::JobState::InProgress,
                    };
                    hwcloud_runtime::waiter::JobView {
                        state,
                        status: status.unwrap_or_default(),
                        reason: #reason,
                        progress: #progress,
                    }
                },
                options,
                on_progress,
            )
            .await
        }
    }
}

/// `send_and_wait` on operations that start a job: sends, then waits with the service's job operation, carrying
/// over the path parameters both share (project, graph...).
fn send_and_wait(op: &Op<'_>) -> TokenStream {
    let service = op.ctx.service;
    let (Some(returns), Some(job)) = (&op.o.returns_job, &service.service.value.job) else { return quote! {} };
    let Some(job_op) = service.operations.iter().find(|j| j.value.operation == job.operation) else { return quote! {} };
    let job_module = format_ident!("{}", job_op.value.operation);
    let job_builder = format_ident!("{}Builder", camel(&job_op.value.operation));
    let job_output = format_ident!("{}Output", camel(&job_op.value.operation));
    let output = &op.n.output;
    let job_field = field_ident(&snake(&returns.field));
    let job_field_wire = &returns.field;
    let shared = op.o.uri_parameters.iter().filter(|p| {
        job_op.value.uri_parameters.iter().chain(&job_op.value.query_parameters).any(|q| q.name == p.name)
            && p.name != job.id_parameter
    });
    let copies = shared.map(|p| {
        let id = field_ident(&snake(&p.name));
        quote! { if let Some(value) = &self.input.#id { waiter = waiter.#id(value.clone()); } }
    });
    let doc = format!(
        " Sends the request, then waits for the job it started (see [`{job_builder}::wait_for`](super::{job_module}::{job_builder}::wait_for))."
    );
    quote! {
        #[doc = #doc]
        ///
        /// When the wait fails, the error still carries the job id ([`Error::job_id`](hwcloud_runtime::Error::job_id))
        /// and this call's response ([`Error::started_output`](hwcloud_runtime::Error::started_output)).
        pub async fn send_and_wait(
            self,
            options: &hwcloud_runtime::waiter::WaitOptions,
            on_progress: impl FnMut(&hwcloud_runtime::waiter::JobProgress<'_, super::#job_module::#job_output>),
        ) -> Result<(#output, super::#job_module::#job_output), hwcloud_runtime::Error> {
            let mut waiter: super::#job_module::#job_builder<hwcloud_runtime::Client> =
                crate::OperationBuilder::new(self.client.clone());
            #(#copies)*
            let started = self.send().await?;
            let Some(job_id) = started.#job_field.clone() else {
                return Err(hwcloud_runtime::Error::undecodable(
                    &OPERATION,
                    started.http_status(),
                    started.request_id().map(str::to_owned),
                    #job_field_wire,
                    "the response has no job id to wait for",
                ));
            };
            match waiter.wait_for(job_id, options, on_progress).await {
                Ok(finished) => Ok((started, finished)),
                Err(error) => Err(error.with_started(hwcloud_runtime::Started::new(started))),
            }
        }
    }
}
