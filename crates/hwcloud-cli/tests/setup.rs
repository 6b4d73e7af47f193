//! `hwc` around the calls: help with the documented text, completions, profiles written by `hwc configure` and
//! used against the emulator, configuration and network failures, and the README's shell lines.

mod common;

use std::process::Command;

use common::{hwc, json_of, stderr_of, Emulator, Home, AK, GRAPH, PROJECT, SK};

#[test]
fn help_shows_the_documented_parameter_text_grouped_by_location() {
    let home = Home::new("help");
    let output = hwc(home.path()).args(["ges", "list-graph-backups", "--help"]).output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "This API is used to list backups of a graph.",
        "Path parameters:",
        "Query parameters:",
        "--graph-id <GRAPH_ID>",
        "Graph ID.",
        "--page-size <LIMIT>",
        "[alias: --limit]",
        "Maximum number of resources per page.",
        "Default value: 10",
        "Starting position of the request.",
        "Documented in \"Listing Backups of a Graph (1.0.0)\"",
    ] {
        assert!(help.contains(expected), "missing {expected:?} in:\n{help}");
    }
    let create = hwc(home.path()).args(["taurusdb", "create-backup", "--help"]).output().unwrap();
    let create = String::from_utf8(create.stdout).unwrap();
    assert!(
        create.contains("Request body fields:") && create.contains("4–64 characters, starting with a letter"),
        "{create}"
    );
    let root = hwc(home.path()).arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&root.stdout).contains("254  the service answered with an error"));
}

#[test]
fn usage_errors_exit_2_and_version_is_printed() {
    let home = Home::new("usage");
    let missing = hwc(home.path()).args(["ges", "list-graph-backups"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr_of(&missing).contains("--graph-id <GRAPH_ID>"), "{}", stderr_of(&missing));
    assert_eq!(hwc(home.path()).args(["ges", "no-such-operation"]).output().unwrap().status.code(), Some(2));
    let version = hwc(home.path()).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), concat!("hwc ", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_name_the_generated_commands() {
    let home = Home::new("completion");
    for shell in ["bash", "zsh", "fish"] {
        let output = hwc(home.path()).args(["completion", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains("list-graph-backups") && script.contains("wait-job"), "{shell}");
    }
}

#[test]
fn missing_credentials_exit_253_and_an_unreachable_endpoint_exits_255() {
    let home = Home::new("config-errors");
    let no_credentials = hwc(home.path())
        .env("HWCLOUD_METADATA_ENDPOINT", "http://127.0.0.1:9")
        .args([
            "--project-id",
            PROJECT,
            "--endpoint",
            "ges=http://127.0.0.1:9",
            "ges",
            "list-graph-backups",
            "--graph-id",
            GRAPH,
        ])
        .output()
        .unwrap();
    assert_eq!(no_credentials.status.code(), Some(253), "{}", stderr_of(&no_credentials));

    let unknown_profile = hwc(home.path()).args(["--profile", "nope", "ges", "list-backups"]).output().unwrap();
    assert_eq!(unknown_profile.status.code(), Some(253));
    assert!(stderr_of(&unknown_profile).contains("hwc --profile nope configure"), "{}", stderr_of(&unknown_profile));

    let port = free_port();
    let unreachable = hwc(home.path())
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .args(["--project-id", PROJECT, "--endpoint", &format!("ges=http://127.0.0.1:{port}"), "ges", "list-backups"])
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(255), "{}", stderr_of(&unreachable));
    assert!(stderr_of(&unreachable).contains("could not connect"), "{}", stderr_of(&unreachable));
}

#[test]
fn configure_writes_a_private_profile_without_echoing_the_secret_and_hwc_uses_it() {
    let emulator = Emulator::start(&[]);
    let home = Home::new("configure");
    let output = hwc(home.path())
        .args(["--profile", "lab", "--project-id", PROJECT, "--endpoint", &format!("ges={}", emulator.url("ges"))])
        .args(["--region", "cn-north-4", "configure", "--access-key", AK])
        .write_stdin(format!("{SK}\n"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    for stream in [&output.stdout, &output.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(SK), "the secret key is never printed");
    }
    let written = json_of(&output);
    assert_eq!(written["profile"], "lab");
    let credentials = home.path().join(".huaweicloud/hwc/lab/credentials");
    assert_eq!(written["credentials_file"], credentials.display().to_string());
    let text = std::fs::read_to_string(&credentials).unwrap();
    assert_eq!(
        text,
        format!("[basic]\nak = {AK}\nsk = {SK}\nproject_id = {PROJECT}\n"),
        "an official-SDK profile file"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&credentials).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // The named profile carries credentials, project and endpoint: nothing else is given.
    let listed =
        hwc(home.path()).args(["--profile", "lab", "ges", "list-graph-backups", "--graph-id", GRAPH]).output().unwrap();
    assert!(listed.status.success(), "{}", stderr_of(&listed));
    assert_eq!(json_of(&listed)["backup_count"], 0);
    // Named by HWC_PROFILE, its keys win over the variables (here wrong ones).
    let by_variable = hwc(home.path())
        .env("HWC_PROFILE", "lab")
        .env("HUAWEICLOUD_SDK_AK", "WRONG")
        .env("HUAWEICLOUD_SDK_SK", "WRONG")
        .args(["ges", "list-graph-backups", "--graph-id", GRAPH])
        .output()
        .unwrap();
    assert!(by_variable.status.success(), "{}", stderr_of(&by_variable));
}

/// The README's three lines, as written, from the workspace root (the build step is what `cargo test` did; the
/// port is a free one instead of 8080).
#[test]
fn the_readme_lines_work_against_the_emulator() {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(workspace.join("README.md")).unwrap();
    let block = readme.split("<!-- hwc-demo -->").nth(1).expect("the README marks the hwc lines");
    let lines: Vec<&str> =
        block.lines().skip_while(|l| !l.starts_with("```sh")).skip(1).take_while(|l| !l.starts_with("```")).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    common::emulator_binary();
    let bin = format!("{}/", common::bin_dir().display());
    let port = free_port().to_string();
    let script: Vec<String> = lines
        .iter()
        .map(|l| {
            l.replace("cargo build -q -p hwcloud-emulator -p hwcloud-cli && ", "")
                .replace("target/debug/", &bin)
                .replace("8080", &port)
        })
        .collect();
    let script = format!("set -e\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\n{}\n", script.join("\n"));
    let home = Home::new("readme");
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&workspace)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{script}\n{stdout}\n{}", stderr_of(&output));
    assert!(stdout.contains("\"status\": \"success\""), "the create waited for its job: {stdout}");
    assert!(stdout.contains("backing_up") || stdout.contains("| success"), "the table lists the backup: {stdout}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
