//! Project automation: `cargo xtask spec-check`, `cargo xtask codegen [--check]`, `cargo xtask bench-codegen`,
//! `cargo xtask spec-audit [--update V]`, `cargo xtask spec-draft <service> <OperationId>`.

mod apidefs;
mod audit;
mod bench;
mod codegen;
mod draft;
mod spec;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["spec-check"] => match spec::load_and_check(&root.join("spec"), Path::new("spec")) {
            Ok(services) => {
                let ops: usize = services.iter().map(|s| s.operations.len()).sum();
                println!("spec OK: {} services, {ops} operations", services.len());
                ExitCode::SUCCESS
            }
            Err(diags) => report(&diags),
        },
        ["codegen"] => codegen(&root, false),
        ["codegen", "--check"] => codegen(&root, true),
        ["bench-codegen", rest @ ..] => bench::run(&root, rest),
        ["spec-audit", rest @ ..] => audit::run(&root, rest),
        ["spec-draft", rest @ ..] => draft::run(&root, rest),
        _ => {
            eprintln!(
                "usage: cargo xtask spec-check | cargo xtask codegen [--check] | cargo xtask bench-codegen [--sizes ..] \
                 | cargo xtask spec-audit [--verbose | --update [<service>@]<version>] \
                 | cargo xtask spec-draft <service> <OperationId> [--out FILE] [--force]"
            );
            ExitCode::from(2)
        }
    }
}

fn report(diags: &[spec::Diagnostic]) -> ExitCode {
    for d in diags {
        eprintln!("error: {d}");
    }
    eprintln!("{} error(s) in spec/", diags.len());
    ExitCode::FAILURE
}

fn codegen(root: &Path, check: bool) -> ExitCode {
    let services = match spec::load_and_check(&root.join("spec"), Path::new("spec")) {
        Ok(s) => s,
        Err(diags) => return report(&diags),
    };
    let files = match codegen::generate(&services, root) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out_dir = root.join("crates/hwcloud/src");
    if check {
        let problems = codegen::check(&files, &out_dir, Path::new("crates/hwcloud/src"));
        if problems.is_empty() {
            println!("generated code is up to date ({} files)", files.len());
            return ExitCode::SUCCESS;
        }
        for p in &problems {
            eprintln!("{p}");
        }
        eprintln!(
            "{} generated file(s) differ from spec/ + xtask; run `cargo xtask codegen` and commit",
            problems.len()
        );
        return ExitCode::FAILURE;
    }
    match codegen::write(&files, &out_dir) {
        Ok(n) => {
            println!("wrote {n} of {} generated files", files.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
