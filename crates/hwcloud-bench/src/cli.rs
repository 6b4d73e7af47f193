//! What a command-line user feels of `hwc`: the wall time of `hwc --version` and the size of the release binary,
//! next to a minimal Rust binary built with the same optimisation level, measured in the same run with hyperfine
//! (`hyperfine -N`, no shell in between).
//!
//! `hwc` is taken from the directory of this benchmark's own binary (`cargo build --release -p hwcloud-cli` puts it
//! there); the figures are left out, with a note, when it or hyperfine is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

const WARMUP: &str = "30";
const RUNS: &str = "300";

/// Prints the start-up and size tables (Markdown), or why they are missing.
pub fn print_startup_and_size() {
    match measure() {
        Ok(text) => println!("\n{text}"),
        Err(why) => println!("\n`hwc` start-up and size: not measured ({why})"),
    }
}

fn measure() -> Result<String, String> {
    let dir = std::env::current_exe().map_err(|e| e.to_string())?.parent().map(Path::to_path_buf).unwrap_or_default();
    let hwc = dir.join("hwc");
    if !hwc.exists() {
        return Err(format!("{} is missing: `cargo build --release -p hwcloud-cli` first", hwc.display()));
    }
    let minimal = minimal_binary(&dir)?;
    let json = dir.join("bench-hyperfine.json");
    let hwc_version = format!("{} --version", hwc.display());
    let status = Command::new("hyperfine")
        .args(["-N", "--warmup", WARMUP, "--runs", RUNS, "--style", "none", "--export-json"])
        .arg(&json)
        .args(["true", &minimal.display().to_string(), &hwc_version])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("hyperfine did not start ({e}); it is Debian's `hyperfine` package"))?;
    if !status.success() {
        return Err(format!("hyperfine failed ({status})"));
    }
    let text = std::fs::read_to_string(&json).map_err(|e| e.to_string())?;
    let report: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let ms = |v: &serde_json::Value| v.as_f64().map_or("?".to_owned(), |s| format!("{:.2} ms", s * 1e3));
    let mut out = format!(
        "`hwc` start-up (`hyperfine -N --warmup {WARMUP} --runs {RUNS} true <minimal> '<hwc> --version'`):\n\n\
         | command | median | mean | min | user | system |\n|---|---:|---:|---:|---:|---:|\n"
    );
    let names = [
        "`true` (coreutils)",
        "minimal Rust binary (`println!` only, opt-level 3, debug info stripped as cargo does)",
        "`hwc --version`",
    ];
    for (name, result) in names.iter().zip(report["results"].as_array().into_iter().flatten()) {
        out.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} |\n",
            ms(&result["median"]),
            ms(&result["mean"]),
            ms(&result["min"]),
            ms(&result["user"]),
            ms(&result["system"])
        ));
    }
    out.push_str("\n| binary | as built | stripped (`strip`) |\n|---|---:|---:|\n");
    for (name, path) in [("`hwc` (release profile)", &hwc), ("minimal Rust binary", &minimal)] {
        let stripped = dir.join("bench-stripped");
        let stripped_size = Command::new("strip")
            .arg("-o")
            .arg(&stripped)
            .arg(path)
            .status()
            .ok()
            .filter(|s| s.success())
            .and_then(|_| std::fs::metadata(&stripped).ok())
            .map_or("?".to_owned(), |m| bytes(m.len()));
        let size = std::fs::metadata(path).map_or("?".to_owned(), |m| bytes(m.len()));
        out.push_str(&format!("| {name} | {size} | {stripped_size} |\n"));
    }
    Ok(out)
}

/// A `println!`-only program compiled with the release profile's optimisation level, once.
fn minimal_binary(dir: &Path) -> Result<PathBuf, String> {
    let binary = dir.join("bench-minimal");
    if binary.exists() {
        return Ok(binary);
    }
    let source = dir.join("bench-minimal.rs");
    std::fs::write(&source, "fn main() {\n    println!(\"minimal 0.1.0\");\n}\n").map_err(|e| e.to_string())?;
    let status = Command::new("rustc")
        // As cargo's release profile builds it: opt-level 3, debug info stripped.
        .args(["--edition", "2021", "-C", "opt-level=3", "-C", "strip=debuginfo", "-o"])
        .arg(&binary)
        .arg(&source)
        .status()
        .map_err(|e| format!("rustc did not start: {e}"))?;
    if status.success() {
        Ok(binary)
    } else {
        Err(format!("rustc failed on the minimal binary ({status})"))
    }
}

fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} bytes ({:.1} MiB)", n as f64 / (1024.0 * 1024.0))
}
