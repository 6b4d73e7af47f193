//! The module of one generated command: its flag table and description (`COMMAND`), the setter calls that move
//! flags onto the library's builder, and `run`, which sends with the library (plain, paged, or waiting for the
//! job it starts). Also each service's `wait-job` command.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::flags::{self, kebab, FlagDef, Flags, Setter, Source};
use super::{help, shape};
use crate::codegen::model::{Ctx, RustField};
use crate::codegen::names::{field_ident, snake};
use crate::codegen::operation::{input_fields, op_names, InputField, Place};
use crate::spec::check::{field_type, response_fields, success_fields};
use crate::spec::load::Located;
use crate::spec::model::OperationFile;
use crate::spec::types::TypeExpr;

/// Options a command has besides its rows, by what the operation does.
fn options(op: &OperationFile, waits: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    if op.request_body.is_some() {
        out.extend(["body", "generate-skeleton"]);
    }
    if op.pagination.is_some() {
        out.extend(["max-items", "no-paginate"]);
    }
    if waits {
        out.extend(["wait", "wait-timeout"]);
    }
    out
}

/// The job operation of the service when `op` starts a job that can be waited for.
fn job_operation<'a>(ctx: &Ctx<'a>, op: &OperationFile) -> Option<&'a Located<OperationFile>> {
    op.returns_job.as_ref()?;
    let job = ctx.service.service.value.job.as_ref()?;
    ctx.service.operations.iter().find(|j| j.value.operation == job.operation)
}

/// `hwcloud::<service>::<operation>`.
fn library_module(ctx: &Ctx<'_>, op: &OperationFile) -> TokenStream {
    let service = ctx.module();
    let module = op_names(op).module;
    quote! { hwcloud::#service::#module }
}

/// The module of one operation's command.
pub fn operation_module(ctx: &Ctx<'_>, file: &Located<OperationFile>) -> Result<TokenStream, String> {
    let op = &file.value;
    let job_op = job_operation(ctx, op);
    let Flags { flags, setters } = flags::of(ctx, file, &options(op, job_op.is_some()))?;
    let names = op_names(op);
    let library = library_module(ctx, op);
    let (builder, input) = (&names.builder, &names.input);
    let service = ctx.module();
    let method = &names.module;
    let mut extra = Vec::new();
    if let Some(p) = &op.pagination {
        let total = p.total.as_deref().map(|t| format!(" (with `{t}`)")).unwrap_or_default();
        extra.push(format!(
            "Every page is fetched and the items are merged into `{}`{total}, the documented response shape; \
             --no-paginate asks for one page, --max-items stops early.",
            p.items
        ));
    }
    if let Some(job_op) = job_op {
        extra.push(format!(
            "The operation starts a job: --wait polls `{}` until it ends and adds the final job to the output; \
             `hwc {} wait-job` waits for a job started earlier.",
            job_op.value.operation.replace('_', "-"),
            ctx.service.name
        ));
    }
    let spec = command_spec(ctx, op, &help::long_about(op, &extra), job_op.is_some());
    let set_fn = set_fn(&setters);
    let dry_run = quote! {
        if ctx.dry_run() {
            return crate::run::dry_run(ctx, set(#library::#input::builder(), &a)?.build()?).await;
        }
    };
    let skeleton = op.request_body.as_ref().map(|_| {
        quote! {
            if let Some(skeleton) = a.skeleton() {
                return Ok(skeleton);
            }
        }
    });
    let send = if op.pagination.is_some() {
        quote! {
            if a.paginate() {
                return crate::run::pages(&COMMAND, &a, builder.into_pages()).await;
            }
            crate::run::single(&COMMAND, builder.send().await?)
        }
    } else if let Some(job_op) = job_op {
        wait_tail(ctx, op, job_op, &flags)?
    } else {
        quote! { crate::run::single(&COMMAND, builder.send().await?) }
    };
    let doc = format!(" `hwc {} {}`: {}", ctx.service.name, kebab(&op.operation), help::about(op));
    let table = flags::table(&flags);
    Ok(quote! {
        #![doc = #doc]

        use crate::command::{CommandSpec, Job};
        use crate::flags::{Args, Flag, Kind, Place, Required};

        static FLAGS: &[Flag] = &[#table];

        /// The command line of this operation and what its output looks like.
        pub static COMMAND: CommandSpec = #spec;

        /// Moves the flags (and `--body`) onto the library's builder.
        fn set<C>(builder: #library::#builder<C>, a: &Args) -> Result<#library::#builder<C>, crate::Failure> {
            #set_fn
        }

        /// Runs the command: validates and sends with the library, and returns what to print.
        pub async fn run(m: &clap::ArgMatches, ctx: &crate::Ctx) -> Result<crate::output::Output, crate::Failure> {
            let a = Args::new(m, &COMMAND, ctx)?;
            #skeleton
            #dry_run
            let builder = set(ctx.client()?.#service().#method(), &a)?;
            #send
        }
    })
}

/// The body of `set`: one setter call per input field.
fn set_fn(setters: &[Setter]) -> TokenStream {
    if setters.is_empty() {
        return quote! { let _ = a; Ok(builder) };
    }
    let calls = setters.iter().map(|s| {
        let method = &s.method;
        match &s.source {
            Source::Flag(long) => quote! { .#method(a.value(#long)?) },
            Source::Body(wire) => quote! { .#method(a.body(#wire)?) },
        }
    });
    quote! { Ok(builder #(#calls)*) }
}

/// `CommandSpec { .. }` of a command.
fn command_spec(ctx: &Ctx<'_>, op: &OperationFile, long_about: &str, waits: bool) -> TokenStream {
    let name = kebab(&op.operation);
    let service = &ctx.service.name;
    let about = help::about(op);
    let library = library_module(ctx, op);
    let skeleton = match &op.request_body {
        Some(body) => {
            let text = shape::skeleton(ctx, &response_fields(Some(body), &ctx.table));
            quote! { Some(#text) }
        }
        None => quote! { None },
    };
    let listing = listing(ctx, op);
    let job = if waits {
        quote! { Job::Starts }
    } else {
        quote! { Job::None }
    };
    quote! {
        CommandSpec {
            service: #service,
            name: #name,
            about: #about,
            long_about: #long_about,
            flags: FLAGS,
            skeleton: #skeleton,
            listing: #listing,
            job: #job,
            operation: &#library::OPERATION,
        }
    }
}

/// `Some(Listing { .. })` for an operation that pages: where the items are and which columns to show.
fn listing(ctx: &Ctx<'_>, op: &OperationFile) -> TokenStream {
    let Some(p) = &op.pagination else { return quote! { None } };
    let fields = success_fields(op, &ctx.table);
    let items_row = fields.iter().find(|f| f.name == p.items);
    let item_fields = match items_row.map(|r| field_type(r)) {
        Some(Ok(TypeExpr::Array(inner))) => match *inner {
            TypeExpr::Object(name) => {
                ctx.table.types.get(name.as_str()).map(|t| t.fields.iter().collect::<Vec<_>>()).unwrap_or_default()
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let items = &p.items;
    let total = match &p.total {
        Some(t) => quote! { Some(#t) },
        None => quote! { None },
    };
    let table = shape::table_columns(&item_fields);
    let wide: Vec<&str> = item_fields.iter().map(|f| f.name.as_str()).collect();
    quote! { Some(crate::command::Listing { items: #items, total: #total, table: &[#(#table),*], wide: &[#(#wide),*] }) }
}

/// The path parameters an operation shares with its service's job operation (graph id...), which the job
/// operation needs too; the project id is the client's.
fn shared_parameters<'a>(
    ctx: &Ctx<'a>,
    op: &'a OperationFile,
    job_op: &'a OperationFile,
    id_parameter: &str,
) -> Vec<(InputField<'a>, InputField<'a>)> {
    let job_fields = input_fields(ctx, job_op);
    let mut out = Vec::new();
    for f in input_fields(ctx, op) {
        if f.place != Place::Path || f.client_supplied() || f.rust.field.name == id_parameter {
            continue;
        }
        let Some(j) = job_fields.iter().position(|j| j.rust.field.name == f.rust.field.name && !j.client_supplied())
        else {
            continue;
        };
        let job_field =
            InputField { rust: RustField::optional(ctx, job_fields[j].rust.field), place: job_fields[j].place };
        out.push((f, job_field));
    }
    out
}

/// The end of `run` for an operation that starts a job: without `--wait` a plain send; with it, send, then wait
/// with the job operation's `wait_for`, registering the `wait-job` command that resumes the wait.
fn wait_tail(
    ctx: &Ctx<'_>,
    op: &OperationFile,
    job_op: &Located<OperationFile>,
    flags: &[FlagDef<'_>],
) -> Result<TokenStream, String> {
    let job = ctx.service.service.value.job.as_ref().ok_or("checked: the service has a job")?;
    let returns = op.returns_job.as_ref().ok_or("checked: the operation returns a job")?;
    let service = ctx.module();
    let job_method = op_names(&job_op.value).module;
    let job_field = success_fields(op, &ctx.table)
        .into_iter()
        .find(|f| f.name == returns.field)
        .map(|row| RustField::optional(ctx, row).ident)
        .unwrap_or_else(|| field_ident(&snake(&returns.field)));
    let shared = shared_parameters(ctx, op, &job_op.value, &job.id_parameter);
    let mut setters = Vec::new();
    let mut resume = Vec::new();
    for (mine, theirs) in &shared {
        let long = flags.iter().find(|f| f.path == [mine.rust.field.name.clone()]).map(|f| f.long.clone());
        let Some(long) = long else { continue };
        let method = format_ident!("set_{}", theirs.rust.name());
        setters.push(quote! { .#method(a.value(#long)?) });
        resume.push(quote! { (#long, a.raw(#long)) });
    }
    let id_long = kebab(&job.id_parameter);
    let service_name = &ctx.service.name;
    Ok(quote! {
        if !a.wait() {
            return crate::run::single(&COMMAND, builder.send().await?);
        }
        let started = builder.send().await?;
        let job_id = crate::run::job_id(&COMMAND, started.#job_field.clone(), started.http_status(), started.request_id())?;
        let waiter = ctx.client()?.#service().#job_method() #(#setters)*;
        ctx.resume_with(#service_name, &[#(#resume,)* (#id_long, Some(job_id.clone()))]);
        let mut progress = crate::wait::Progress::new(ctx, &job_id);
        let job = waiter.wait_for(job_id.clone(), &a.wait_options()?, |p| progress.report(p)).await;
        progress.finish();
        crate::run::merged(&COMMAND, &started, &job?)
    })
}

/// `wait-job` of a service: the job operation's path parameters and its id, then `wait_for`.
pub fn wait_job_module(ctx: &Ctx<'_>) -> Result<Option<TokenStream>, String> {
    let Some(job) = &ctx.service.service.value.job else { return Ok(None) };
    let Some(job_file) = ctx.service.operations.iter().find(|j| j.value.operation == job.operation) else {
        return Ok(None);
    };
    let job_op = &job_file.value;
    let Flags { flags: all, setters: all_setters } = flags::of(ctx, job_file, &["wait-timeout"])?;
    let keep = |path: &[String], place: Place| {
        let name = path.first().map(String::as_str).unwrap_or_default();
        place == Place::Path || name == job.id_parameter
    };
    let flags: Vec<FlagDef<'_>> = all
        .into_iter()
        .filter(|f| keep(&f.path, f.place))
        .map(|mut f| {
            f.required = flags::Required::Always;
            f.alias = None;
            f
        })
        .collect();
    let id_long = kebab(&job.id_parameter);
    let setters: Vec<&Setter> = all_setters
        .iter()
        .filter(|s| flags.iter().any(|f| f.path == [s.wire.clone()]) && s.wire != job.id_parameter)
        .collect();
    let id_setter = all_setters.iter().find(|s| s.wire == job.id_parameter).map(|s| s.method.clone());
    let id_setter = id_setter.ok_or_else(|| {
        format!("{}: the job id parameter `{}` is no input", job_file.path.display(), job.id_parameter)
    })?;
    let names = op_names(job_op);
    let library = library_module(ctx, job_op);
    let (builder, input) = (&names.builder, &names.input);
    let calls: Vec<TokenStream> = setters
        .iter()
        .map(|s| {
            let method = &s.method;
            match &s.source {
                Source::Flag(long) | Source::Body(long) => quote! { .#method(a.value(#long)?) },
            }
        })
        .collect();
    let set_body = if calls.is_empty() {
        quote! { let _ = a; Ok(builder) }
    } else {
        quote! { Ok(builder #(#calls)*) }
    };
    let resume = flags.iter().map(|f| {
        let long = &f.long;
        quote! { (#long, a.raw(#long)) }
    });
    let service = ctx.module();
    let service_name = &ctx.service.name;
    let job_method = &names.module;
    let table = flags::table(&flags);
    let about = format!(
        "Wait for a job of {} to end, polling `{}`.",
        ctx.service.service.value.title,
        kebab(&job_op.operation)
    );
    let long_about = help::wrap_paragraphs(&[
        about.clone(),
        format!(
            "Status {} means success (exit 0), {} failure (exit 250); {} still running. Waiting gives up after \
             --wait-timeout (exit 251); the job goes on. The output is the last `{}` response.",
            job.success.join("/"),
            job.failure.join("/"),
            job.in_progress.join("/"),
            job_op.operation
        ),
    ]);
    let doc = format!(" `hwc {service_name} wait-job`: {about}");
    Ok(Some(quote! {
        #![doc = #doc]

        use crate::command::{CommandSpec, Job};
        use crate::flags::{Args, Flag, Kind, Place, Required};

        static FLAGS: &[Flag] = &[#table];

        /// The command line of `wait-job`.
        pub static COMMAND: CommandSpec = CommandSpec {
            service: #service_name,
            name: "wait-job",
            about: #about,
            long_about: #long_about,
            flags: FLAGS,
            skeleton: None,
            listing: None,
            job: Job::Waits,
            operation: &#library::OPERATION,
        };

        /// Moves the flags other than the job id onto the job operation's builder.
        fn set<C>(builder: #library::#builder<C>, a: &Args) -> Result<#library::#builder<C>, crate::Failure> {
            #set_body
        }

        /// Waits for the job and returns its last state.
        pub async fn run(m: &clap::ArgMatches, ctx: &crate::Ctx) -> Result<crate::output::Output, crate::Failure> {
            let a = Args::new(m, &COMMAND, ctx)?;
            let job_id: String = a.required(#id_long)?;
            if ctx.dry_run() {
                let input = set(#library::#input::builder(), &a)?.#id_setter(Some(job_id)).build()?;
                return crate::run::dry_run(ctx, input).await;
            }
            let waiter = set(ctx.client()?.#service().#job_method(), &a)?;
            ctx.resume_with(#service_name, &[#(#resume),*]);
            let mut progress = crate::wait::Progress::new(ctx, &job_id);
            let job = waiter.wait_for(job_id.clone(), &a.wait_options()?, |p| progress.report(p)).await;
            progress.finish();
            crate::run::single(&COMMAND, job?)
        }
    }))
}
