//! `cargo xtask bench-codegen [--sizes 50,200,500] [--reps N]`: how code generation and the build of the generated
//! crate scale with the number of operations.
//!
//! For the real spec and for synthetic specs of each size, it times load + check + generate in-process (the median
//! of `--reps` runs; `codegen::write` is not timed), writes the output into a temporary copy of `crates/hwcloud`
//! named `hwcloud-synth-<size>` inside a temporary workspace (path dependencies pointing at the real runtime, the
//! real `Cargo.lock` and profiles), and times a clean `cargo build` of just that package with the workspace's target
//! directory, so dependencies are already built: `cargo clean -p` of the package first, and an untimed warm-up
//! build before the first measurement. A synthetic spec is the real one plus copies of its operations under new
//! names (`list_graph_backups_17`), round-robin, until it has the requested number of operations; operations that
//! declare their own object tables are not copied, since the copies' type names would clash.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::{codegen, spec};

const DEFAULT_SIZES: &[usize] = &[50, 200, 500];

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let (sizes, reps) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}\nusage: cargo xtask bench-codegen [--sizes 50,200,500] [--reps N (default 3)]");
            return ExitCode::from(2);
        }
    };
    let temp = std::env::temp_dir().join(format!("hwcloud-bench-codegen-{}", std::process::id()));
    let result = bench(root, &temp, &sizes, reps);
    let _ = fs::remove_dir_all(&temp);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: &[&str]) -> Result<(Vec<usize>, usize), String> {
    let (mut sizes, mut reps) = (DEFAULT_SIZES.to_vec(), 3);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = it.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match *arg {
            "--sizes" => {
                sizes = value
                    .split(',')
                    .map(|s| s.trim().parse::<usize>().map_err(|e| format!("--sizes: `{s}`: {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "--reps" => reps = value.parse().ok().filter(|r| *r > 0).ok_or("--reps: a positive number")?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok((sizes, reps))
}

/// One measured spec.
struct Row {
    label: String,
    ops: usize,
    lines: usize,
    codegen_ms: f64,
    /// The share of `codegen_ms` spent in `spec::load_and_check` (the rest is `codegen::generate`, which runs
    /// prettyplease and one rustfmt process per file).
    check_ms: f64,
    build_s: f64,
    note: String,
}

fn bench(root: &Path, temp: &Path, sizes: &[usize], reps: usize) -> Result<(), String> {
    let real_spec = root.join("spec");
    let real_ops = count_ops(&real_spec)?;
    let mut specs = vec![("real".to_owned(), real_spec.clone())];
    for &size in sizes {
        if size < real_ops {
            return Err(format!("size {size} is smaller than the real spec ({real_ops} operations)"));
        }
        let dir = temp.join(format!("spec-{size}"));
        synthesize(root, &real_spec, &dir.join("spec"), size)?;
        specs.push((size.to_string(), dir.join("spec")));
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    println!(
        "target dir {}; codegen: median of {reps} run(s); build: `cargo build` (dev profile)",
        target_dir.display()
    );
    let mut rows = Vec::new();
    for (i, (label, spec_dir)) in specs.iter().enumerate() {
        let mut times = Vec::new();
        let mut files = codegen::Files::new();
        let mut ops = 0;
        for _ in 0..reps {
            let started = Instant::now();
            let services = spec::load_and_check(spec_dir, Path::new("spec"))
                .map_err(|d| format!("spec {label}: {} error(s), first: {}", d.len(), d[0]))?;
            let checked = started.elapsed().as_secs_f64() * 1e3;
            files = codegen::generate(&services, root)?;
            times.push((started.elapsed().as_secs_f64() * 1e3, checked));
            ops = services.iter().map(|s| s.operations.len()).sum();
        }
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (codegen_ms, check_ms) = times[times.len() / 2];
        let lines = files.values().map(|f| f.lines().count()).sum();
        let package = format!("hwcloud-synth-{label}");
        let ws = temp.join(format!("ws-{label}"));
        write_workspace(root, &ws, &package, &files)?;
        if i == 0 {
            println!("warm-up build of {package} (untimed; builds dependencies if this feature set is new)");
            cargo_build(&cargo, &ws, &target_dir, &package)?;
        }
        let (build_s, note) = timed_build(&cargo, &ws, &target_dir, &package)?;
        // The package's artifacts are only needed for the measurement; leave the shared target dir as it was.
        let _ = cargo_clean(&cargo, &ws, &target_dir, &package);
        println!(
            "{label}: {ops} ops, codegen {codegen_ms:.0} ms, build {build_s:.2} s{}",
            if note.is_empty() { String::new() } else { format!(" {note}") }
        );
        rows.push(Row { label: label.clone(), ops, lines, codegen_ms, check_ms, build_s, note });
    }
    print_table(&rows);
    Ok(())
}

fn count_ops(spec_dir: &Path) -> Result<usize, String> {
    let services = spec::load_and_check(spec_dir, Path::new("spec"))
        .map_err(|d| format!("the real spec has {} error(s); run `cargo xtask spec-check`", d.len()))?;
    Ok(services.iter().map(|s| s.operations.len()).sum())
}

/// Copies the real spec to `out` and adds renamed copies of its operations until it has `size` operations.
fn synthesize(root: &Path, real: &Path, out: &Path, size: usize) -> Result<(), String> {
    let io = |what: &Path, e: std::io::Error| format!("{}: {e}", what.display());
    let mut templates = Vec::new();
    let mut ops = 0;
    for service in sorted_dirs(real)? {
        let name = service.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let dest = out.join(&name);
        fs::create_dir_all(&dest).map_err(|e| io(&dest, e))?;
        for file in fs::read_dir(&service).map_err(|e| io(&service, e))?.flatten().map(|e| e.path()) {
            let text = fs::read_to_string(&file).map_err(|e| io(&file, e))?;
            let file_name = file.file_name().unwrap_or_default();
            fs::write(dest.join(file_name), &text).map_err(|e| io(&dest, e))?;
            if file_name == "service.yaml" || file_name == "error_codes.yaml" {
                continue;
            }
            ops += 1;
            let own_types = text.lines().any(|l| l.starts_with("types:"));
            let operation = text.lines().find_map(|l| l.strip_prefix("operation: ")).map(str::trim);
            if let (false, Some(operation)) = (own_types, operation) {
                templates.push((dest.clone(), operation.to_owned(), text.clone()));
            }
        }
    }
    if templates.is_empty() {
        return Err("no operation of the real spec can be copied".into());
    }
    templates.sort_by(|a, b| a.1.cmp(&b.1));
    let mut copy = 0;
    while ops < size {
        let (dir, operation, text) = &templates[copy % templates.len()];
        let new_name = format!("{operation}_{}", copy / templates.len() + 1);
        let renamed = text.replacen(&format!("operation: {operation}\n"), &format!("operation: {new_name}\n"), 1);
        let file = dir.join(format!("{new_name}.yaml"));
        fs::write(&file, renamed).map_err(|e| io(&file, e))?;
        ops += 1;
        copy += 1;
    }
    // `load_and_check` checks every `source.file` against `shared/` beside the spec's parent folder when it exists;
    // link it there so that synthetic specs are checked like the real one.
    let shared = root.parent().map(|p| p.join("shared")).filter(|p| p.is_dir());
    let link = out.parent().and_then(Path::parent).map(|p| p.join("shared")).filter(|p| !p.exists());
    if let (Some(shared), Some(link)) = (shared, link) {
        link_dir(&shared, &link)?;
    }
    Ok(())
}

#[cfg(unix)]
fn link_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(from, to).map_err(|e| format!("linking {}: {e}", to.display()))
}

#[cfg(not(unix))]
fn link_dir(_from: &Path, _to: &Path) -> Result<(), String> {
    Ok(())
}

fn sorted_dirs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    Ok(dirs)
}

/// A workspace holding one package, a copy of `crates/hwcloud` named `package` with `files` as its `src/`: the
/// real workspace's package metadata, dependency table (paths made absolute), profiles and `Cargo.lock`.
fn write_workspace(root: &Path, ws: &Path, package: &str, files: &codegen::Files) -> Result<(), String> {
    let read = |p: &Path| fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let write = |p: &Path, text: &str| fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()));
    let manifest = read(&root.join("Cargo.toml"))?;
    let start = manifest.find("[workspace.package]").ok_or("no [workspace.package] in Cargo.toml")?;
    let crates = format!("path = \"{}/crates/", root.display());
    let shared = manifest[start..].replace("path = \"crates/", &crates);
    let crate_dir = ws.join("crate");
    fs::create_dir_all(&crate_dir).map_err(|e| format!("{}: {e}", crate_dir.display()))?;
    write(&ws.join("Cargo.toml"), &format!("[workspace]\nresolver = \"2\"\nmembers = [\"crate\"]\n\n{shared}"))?;
    write(&ws.join("Cargo.lock"), &read(&root.join("Cargo.lock"))?)?;
    let member = read(&root.join("crates/hwcloud/Cargo.toml"))?;
    let renamed = member.replacen("name = \"hwcloud\"", &format!("name = \"{package}\""), 1);
    if renamed == member {
        return Err("crates/hwcloud/Cargo.toml has no `name = \"hwcloud\"` line".into());
    }
    write(&crate_dir.join("Cargo.toml"), &renamed)?;
    let src = crate_dir.join("src");
    let _ = fs::remove_dir_all(&src);
    codegen::write(files, &src)?;
    Ok(())
}

/// Variables `cargo run` sets for xtask itself. Passed on, they would make the child build differ from a build
/// started from a shell: build scripts that track them (ring's tracks `CARGO_MANIFEST_DIR`) would run again and
/// rebuild half the dependency tree, both for this measurement and for the next ordinary build.
const RUN_ENV_PREFIXES: &[&str] = &["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CRATE_", "CARGO_BIN_", "CARGO_PRIMARY_"];

fn cargo(cargo: &std::ffi::OsStr, ws: &Path, target_dir: &Path, args: &[&str]) -> Result<String, String> {
    let mut command = Command::new(cargo);
    for (name, _) in std::env::vars_os() {
        if RUN_ENV_PREFIXES.iter().any(|p| name.to_string_lossy().starts_with(p)) {
            command.env_remove(name);
        }
    }
    let out = command
        .args(args)
        .args(["--offline", "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Err(format!("`cargo {}` failed:\n{stderr}", args.join(" ")));
    }
    Ok(stderr)
}

fn cargo_clean(cargo_bin: &std::ffi::OsStr, ws: &Path, target_dir: &Path, package: &str) -> Result<String, String> {
    cargo(cargo_bin, ws, target_dir, &["clean", "-p", package])
}

fn cargo_build(cargo_bin: &std::ffi::OsStr, ws: &Path, target_dir: &Path, package: &str) -> Result<String, String> {
    cargo(cargo_bin, ws, target_dir, &["build", "-p", package])
}

/// A clean build of `package` alone, retried when cargo had to wait for another build's lock. The note says when
/// something else than the package was compiled (the time then includes it).
fn timed_build(
    cargo_bin: &std::ffi::OsStr,
    ws: &Path,
    target_dir: &Path,
    package: &str,
) -> Result<(f64, String), String> {
    for _ in 0..5 {
        cargo_clean(cargo_bin, ws, target_dir, package)?;
        let started = Instant::now();
        let stderr = cargo_build(cargo_bin, ws, target_dir, package)?;
        let seconds = started.elapsed().as_secs_f64();
        if stderr.contains("Blocking waiting for file lock") {
            println!("  (waited for another cargo's lock; measuring again)");
            continue;
        }
        let others: Vec<&str> = stderr
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Compiling "))
            .filter(|l| !l.starts_with(package))
            .collect();
        let note = if others.is_empty() { String::new() } else { format!("(also compiled: {})", others.join(", ")) };
        return Ok((seconds, note));
    }
    Err("cargo kept waiting for another build's lock; try again when the machine is idle".into())
}

fn print_table(rows: &[Row]) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n| spec | ops | generated lines | codegen ms (load+check) | ms/op | build s | s/op | marginal ms/op | \
         marginal s/op |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut previous: Option<&Row> = None;
    for r in rows {
        let ops = r.ops as f64;
        let (marginal_ms, marginal_s) = match previous.filter(|p| p.ops < r.ops) {
            Some(p) => {
                let added = (r.ops - p.ops) as f64;
                (
                    format!("{:.1}", (r.codegen_ms - p.codegen_ms) / added),
                    format!("{:.4}", (r.build_s - p.build_s) / added),
                )
            }
            None => ("".into(), "".into()),
        };
        let note = if r.note.is_empty() { String::new() } else { format!(" {}", r.note) };
        let _ = writeln!(
            out,
            "| {}{note} | {} | {} | {:.0} ({:.0}) | {:.1} | {:.2} | {:.4} | {marginal_ms} | {marginal_s} |",
            r.label,
            r.ops,
            r.lines,
            r.codegen_ms,
            r.check_ms,
            r.codegen_ms / ops,
            r.build_s,
            r.build_s / ops,
        );
        previous = Some(r);
    }
    // The real spec is smaller than any synthetic one; compare per-op time between the smallest and largest
    // synthetic specs, whose fixed costs (lib.rs, shared types) are the same.
    let synthetic = rows.get(1).zip(rows.last()).filter(|(first, last)| first.ops < last.ops);
    if let Some((first, last)) = synthetic {
        let per_op = |r: &Row| (r.codegen_ms / r.ops as f64, r.build_s / r.ops as f64);
        let ((c1, b1), (c2, b2)) = (per_op(first), per_op(last));
        let _ = writeln!(
            out,
            "\nper-op time at {} ops / at {} ops: codegen {:.2}x, build {:.2}x (flat or falling = scales linearly)",
            last.ops,
            first.ops,
            c2 / c1,
            b2 / b1
        );
    }
    print!("{out}");
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn synthetic_specs_pass_the_checks_with_the_requested_size() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace");
        let temp = std::env::temp_dir().join(format!("hwcloud-bench-synth-test-{}", std::process::id()));
        let out = temp.join("spec-40").join("spec");
        let result = super::synthesize(root, &root.join("spec"), &out, 40)
            .and_then(|()| super::count_ops(&out).map_err(|e| e.to_string()));
        let _ = std::fs::remove_dir_all(&temp);
        assert_eq!(result, Ok(40));
        assert_eq!(super::parse_args(&["--sizes", "60, 70", "--reps", "2"]), Ok((vec![60, 70], 2)));
        assert!(super::parse_args(&["--sizes"]).is_err());
    }
}
