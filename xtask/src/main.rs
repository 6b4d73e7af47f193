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

/// The checkout to work on, found at run time rather than compile time: with several checkouts sharing one
/// `CARGO_TARGET_DIR`, one xtask binary serves them all. `cargo run` (and so `cargo xtask`) sets
/// `CARGO_MANIFEST_DIR` to the running checkout's `xtask/`; without it, `cargo locate-project --workspace` asks
/// cargo which workspace the current directory belongs to.
fn workspace_root() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        if let Some(root) = Path::new(&dir).parent().filter(|root| root.join("spec").is_dir()) {
            return Ok(root.to_path_buf());
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .map_err(|e| format!("cannot run `cargo locate-project` to find the workspace: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "not inside the hwcloud workspace (`cargo locate-project`: {}); run xtask from the checkout",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    match manifest.parent() {
        Some(root) if root.join("spec").is_dir() => Ok(root.to_path_buf()),
        _ => Err(format!(
            "the workspace at {} has no spec/ folder; run xtask from the hwcloud checkout",
            manifest.display()
        )),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = match workspace_root() {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
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
    // The library, then the command-line tool's commands: both from the same checked spec.
    let outputs = [
        ("crates/hwcloud/src", codegen::generate(&services, root)),
        (codegen::cli::OUT_DIR, codegen::cli::generate(&services, root)),
    ];
    let mut generated = Vec::new();
    for (dir, files) in outputs {
        match files {
            Ok(files) => generated.push((dir, files)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let total: usize = generated.iter().map(|(_, files)| files.len()).sum();
    if check {
        let problems: Vec<String> =
            generated.iter().flat_map(|(dir, files)| codegen::check(files, &root.join(dir), Path::new(dir))).collect();
        if problems.is_empty() {
            println!("generated code is up to date ({total} files)");
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
    let mut written = 0;
    for (dir, files) in &generated {
        match codegen::write(files, &root.join(dir)) {
            Ok(n) => written += n,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("wrote {written} of {total} generated files");
    ExitCode::SUCCESS
}
