//! `cargo xtask codegen`, second output: the commands of the `hwc` command-line tool, written to
//! `crates/hwcloud-cli/src/generated/**` from the same checked spec and the same names, rules and text helpers as
//! the library. Per service a module with one command per operation and `wait-job`; the hand-written part of the
//! CLI (flags, output, waiting, exit codes) is what every command shares.

mod command;
mod flags;
mod help;
mod shape;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::Ctx;
use super::{file_name, format_all, render, Files};
use crate::spec::ServiceDir;
use flags::{kebab, GLOBAL_FLAGS};

/// Where the files go, relative to the workspace.
pub const OUT_DIR: &str = "crates/hwcloud-cli/src/generated";

/// Every generated file of the CLI: path relative to [`OUT_DIR`] → contents.
pub fn generate(services: &[ServiceDir], workspace: &Path) -> Result<Files, String> {
    let mut files = Files::new();
    files.insert("mod.rs".into(), render(root_module(services), &["spec/".to_owned()])?);
    for service in services {
        let ctx = Ctx::new(service);
        let dir = PathBuf::from(&service.name);
        let service_file = format!("spec/{}/service.yaml", service.name);
        let mut sources = vec![service_file.clone()];
        sources.extend(service.operations.iter().map(|o| format!("spec/{}/{}", service.name, file_name(&o.path))));
        for op in &service.operations {
            if op.value.operation == "wait_job" {
                return Err(format!(
                    "{}: an operation named wait_job would hide `hwc {} wait-job`",
                    op.path.display(),
                    service.name
                ));
            }
            let source = format!("spec/{}/{}", service.name, file_name(&op.path));
            let tokens = command::operation_module(&ctx, op)?;
            files.insert(
                dir.join(format!("{}.rs", op.value.operation)),
                render(tokens, &[source, service_file.clone()])?,
            );
        }
        let wait_job = command::wait_job_module(&ctx)?;
        let has_wait_job = wait_job.is_some();
        if let Some(tokens) = wait_job {
            files.insert(dir.join("wait_job.rs"), render(tokens, &sources)?);
        }
        files.insert(dir.join("mod.rs"), render(service_module(&ctx, has_wait_job), &sources)?);
    }
    format_all(&mut files, workspace)?;
    Ok(files)
}

fn root_module(services: &[ServiceDir]) -> TokenStream {
    let modules: Vec<_> = services.iter().map(|s| format_ident!("{}", s.name)).collect();
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    let globals = GLOBAL_FLAGS;
    quote! {
        //! The commands generated from `spec/`: one module per service (`hwc <service> <operation>`).

        #(pub mod #modules;)*

        /// The long options of `hwc` itself, which codegen keeps every spec row from taking (the CLI's tests check
        /// that they are its globals).
        #[cfg(test)]
        pub const GLOBAL_FLAGS: &[&str] = &[#(#globals),*];

        /// One subcommand per service.
        pub fn services() -> Vec<clap::Command> {
            vec![#(#modules::command()),*]
        }

        /// Runs `hwc <service> ...`; `None` when `service` is no generated service.
        pub async fn run(
            service: &str,
            m: &clap::ArgMatches,
            ctx: &crate::Ctx,
        ) -> Option<Result<crate::output::Output, crate::Failure>> {
            Some(match service {
                #(#names => #modules::run(m, ctx).await,)*
                _ => return None,
            })
        }
    }
}

fn service_module(ctx: &Ctx<'_>, has_wait_job: bool) -> TokenStream {
    let service = &ctx.service.name;
    let title = super::docs::plain_text(&ctx.service.service.value.title);
    let mut modules: Vec<_> = ctx.service.operations.iter().map(|o| format_ident!("{}", o.value.operation)).collect();
    let mut names: Vec<String> = ctx.service.operations.iter().map(|o| kebab(&o.value.operation)).collect();
    if has_wait_job {
        modules.push(format_ident!("wait_job"));
        names.push("wait-job".to_owned());
    }
    let doc = format!(" `hwc {service}`: the operations of {title}.");
    let about = format!("{title}: its operations, and waiting for its jobs");
    quote! {
        #![doc = #doc]

        #(pub mod #modules;)*

        /// `hwc <service>` with one subcommand per operation.
        pub fn command() -> clap::Command {
            clap::Command::new(#service)
                .about(#about)
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommands([#(#modules::COMMAND.command()),*])
        }

        /// Runs the operation the command line names.
        pub async fn run(m: &clap::ArgMatches, ctx: &crate::Ctx) -> Result<crate::output::Output, crate::Failure> {
            match m.subcommand() {
                #(Some((#names, m)) => #modules::run(m, ctx).await,)*
                _ => Err(crate::Failure::usage(concat!("name an operation: hwc ", #service, " --help lists them"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::spec::load_and_check;

    /// Constructs the spec will grow (a nested object, an array of strings, an array of objects) become
    /// `--parent.child` flags, repeated flags, JSON items and a nested body template, through the general model.
    #[test]
    fn nested_objects_and_arrays_become_dotted_and_repeated_flags() {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace");
        let mut services = load_and_check(&workspace.join("spec"), Path::new("spec")).expect("spec passes");
        let taurus = services.iter_mut().find(|s| s.name == "taurusdb").expect("taurusdb");
        let op = taurus.operations.iter_mut().find(|o| o.value.operation == "create_backup").expect("op");
        let row = |yaml: &str| serde_yaml::from_str::<crate::spec::model::Field>(yaml).expect("row");
        let body = op.value.request_body.as_mut().expect("body");
        body.fields.push(row("{name: policy, mandatory: false, type: keep_policy object, definition: Retention.}"));
        body.fields.push(row("{name: tags, mandatory: false, type: Array of String, definition: Tags.}"));
        body.fields.push(row("{name: copies, mandatory: false, type: Array of backup objects, definition: Copies.}"));
        op.value.types.push(
            serde_yaml::from_str(
                "{name: keep_policy, fields: [{name: keep_days, mandatory: true, type: Integer, definition: Days., \
                 rules: {minimum: 1, maximum: 732}}, {name: start_time, mandatory: false, type: String, definition: When.}]}",
            )
            .expect("type"),
        );
        let files = super::generate(&services, workspace).expect("generates");
        let module = &files[Path::new("taurusdb/create_backup.rs")];
        for expected in [
            "long: \"policy.keep-days\"",
            "path: &[\"policy\", \"keep_days\"]",
            "kind: Kind::Integer",
            "from 1 to 732",
            "long: \"tags\"",
            "multiple: true",
            "(each a JSON object)",
            ".set_policy(a.body(\"policy\")?)",
            ".set_copies(a.body(\"copies\")?)",
            "\\\"policy\\\": {\\n    \\\"keep_days\\\": 0",
            "\\\"tags\\\": [\\\"\\\"]",
        ] {
            assert!(module.contains(expected), "missing {expected} in\n{module}");
        }
    }

    /// The committed commands match the spec, and a row whose flag would be a global option fails codegen,
    /// naming the file, the row and the option.
    #[test]
    fn a_row_named_like_a_global_option_fails_codegen() {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace");
        let services = load_and_check(&workspace.join("spec"), Path::new("spec")).expect("spec passes");
        let files = super::generate(&services, workspace).expect("generates");
        let out_dir = workspace.join(super::OUT_DIR);
        assert_eq!(crate::codegen::check(&files, &out_dir, Path::new(super::OUT_DIR)), Vec::<String>::new());

        let mut services = services;
        let ges = services.iter_mut().find(|s| s.name == "ges").expect("ges");
        let op = ges.operations.iter_mut().find(|o| o.value.operation == "list_graph_backups").expect("op");
        let row = op.value.query_parameters.iter_mut().find(|r| r.name == "offset").expect("offset");
        row.name = "region".into();
        let error = super::generate(&services, workspace).expect_err("collision");
        assert!(
            error.contains("spec/ges/list_graph_backups.yaml")
                && error.contains("row `region` (query parameter)")
                && error.contains("--region")
                && error.contains("a global option of hwc"),
            "{error}"
        );
    }
}
