//! The xtask binary built in one checkout works on the checkout it is run in (issue 10, part 7): with a shared
//! `CARGO_TARGET_DIR`, cargo reuses one binary for several checkouts, so the workspace must be found at run time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const STALE_FILE: &str = "crates/hwcloud/src/ges/delete_backup.rs";

/// The checkout this binary was built in.
fn built_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

/// Copies a checkout's sources (not `target/` or `.git/`).
fn copy_checkout(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_checkout(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).expect("copy");
        }
    }
}

/// Runs the xtask binary in `dir`, as `cargo xtask` there would (`CARGO_MANIFEST_DIR` of that checkout) or as the
/// bare binary (no `CARGO_MANIFEST_DIR`).
fn xtask(dir: &Path, args: &[&str], as_cargo_run: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).current_dir(dir).env_remove("CARGO_MANIFEST_DIR");
    if as_cargo_run {
        command.env("CARGO_MANIFEST_DIR", dir.join("xtask"));
    }
    command.output().expect("xtask runs")
}

#[test]
fn xtask_checks_and_writes_the_checkout_it_runs_in() {
    let original = built_in();
    let other = std::env::temp_dir().join(format!("hwcloud-other-checkout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&other);
    copy_checkout(&original, &other);
    let spec = other.join("spec/ges/delete_backup.yaml");
    let text = std::fs::read_to_string(&spec).expect("read");
    let edited = text.replacen("definition: Graph ID.", "definition: The graph's ID.", 1);
    assert_ne!(text, edited, "the description to edit exists");
    std::fs::write(&spec, edited).expect("write");
    let before = std::fs::read_to_string(original.join(STALE_FILE)).expect("read");

    for as_cargo_run in [true, false] {
        let check = xtask(&other, &["codegen", "--check"], as_cargo_run);
        let stderr = String::from_utf8_lossy(&check.stderr);
        assert!(!check.status.success(), "the other checkout is stale (cargo run: {as_cargo_run})");
        assert!(stderr.contains(&format!("stale: {STALE_FILE}")), "{stderr}");
    }
    let write = xtask(&other, &["codegen"], true);
    assert!(write.status.success(), "{}", String::from_utf8_lossy(&write.stderr));
    assert!(std::fs::read_to_string(other.join(STALE_FILE)).expect("read").contains("The graph's ID."));
    assert_eq!(
        std::fs::read_to_string(original.join(STALE_FILE)).expect("read"),
        before,
        "the first checkout is untouched"
    );
    let check = xtask(&other, &["codegen", "--check"], false);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let _ = std::fs::remove_dir_all(&other);
}
