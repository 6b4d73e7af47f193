//! `hwc` against the emulator binary: real processes, real HTTP on 127.0.0.1. Listing over several pages,
//! queries, waiting for jobs (success, failure, time-out, Ctrl-C and resuming), validation, service errors, dry
//! runs, `--body` and the output formats.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{json_of, stderr_of, Emulator, Home, GRAPH, SK, TAURUS_INSTANCE};
use serde_json::Value;

fn create_ges_backups(emulator: &Emulator, home: &Home, n: usize) {
    for _ in 0..n {
        emulator.hwc(home.path()).args(["ges", "create-backup", "--graph-id", GRAPH, "-o", "none"]).assert().success();
    }
}

#[test]
fn listing_returns_every_item_over_several_pages_in_the_documented_shape() {
    let emulator = Emulator::start(&[]);
    let home = Home::new("pages");
    create_ges_backups(&emulator, &home, 5);
    let all = emulator
        .hwc(home.path())
        .args(["ges", "list-graph-backups", "--graph-id", GRAPH, "--page-size", "2"])
        .output()
        .unwrap();
    assert!(all.status.success(), "{}", stderr_of(&all));
    let all = json_of(&all);
    assert_eq!(all["backup_count"], 5);
    let ids: Vec<&str> = all["backup_list"].as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 5);
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 5, "five different backups over three pages: {ids:?}");

    let one_page = emulator
        .hwc(home.path())
        .args(["ges", "list-graph-backups", "--graph-id", GRAPH, "--limit", "2", "--no-paginate"])
        .output()
        .unwrap();
    assert_eq!(json_of(&one_page)["backup_list"].as_array().unwrap().len(), 2);
    let capped = emulator
        .hwc(home.path())
        .args(["ges", "list-graph-backups", "--graph-id", GRAPH, "--page-size", "2", "--max-items", "3"])
        .output()
        .unwrap();
    assert_eq!(json_of(&capped)["backup_list"].as_array().unwrap().len(), 3);
}

#[test]
fn a_query_returns_a_json_array_of_ids_from_every_page() {
    let emulator = Emulator::start(&[]);
    let home = Home::new("query");
    create_ges_backups(&emulator, &home, 3);
    let output = emulator
        .hwc(home.path())
        .args(["ges", "list-graph-backups", "--graph-id", GRAPH, "--page-size", "2", "--query", "backup_list[].id"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let ids = json_of(&output);
    let ids = ids.as_array().expect("an array");
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(Value::is_string), "{ids:?}");

    let bad = emulator
        .hwc(home.path())
        .args(["ges", "list-graph-backups", "--graph-id", GRAPH, "--query", "backup_list["])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "an invalid query is a usage error: {}", stderr_of(&bad));
}

#[test]
fn create_backup_wait_exits_0_with_the_completed_job_in_the_output() {
    let emulator = Emulator::start(&["--job-duration-ms", "300"]);
    let home = Home::new("wait");
    let output =
        emulator.hwc(home.path()).args(["ges", "create-backup", "--graph-id", GRAPH, "--wait"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let out = json_of(&output);
    assert!(out["backup_id"].is_string() && out["job_id"].is_string(), "{out}");
    assert_eq!(out["status"], "success", "the final job is merged into the output: {out}");
    let progress = stderr_of(&output);
    assert!(progress.contains(&format!("job {}: success", out["job_id"].as_str().unwrap())), "{progress}");
    assert!(!progress.contains('\u{1b}'), "no escape codes when stderr is a pipe: {progress:?}");

    let taurus = emulator
        .hwc(home.path())
        .args(["taurusdb", "create-backup", "--instance-id", TAURUS_INSTANCE, "--name", "nightly-1", "--wait", "-q"])
        .output()
        .unwrap();
    assert!(taurus.status.success(), "{}", stderr_of(&taurus));
    let out = json_of(&taurus);
    assert_eq!(out["backup"]["name"], "nightly-1");
    assert_eq!(out["job"]["status"], "Completed", "{out}");
    assert!(stderr_of(&taurus).is_empty(), "--quiet: {}", stderr_of(&taurus));
}

#[test]
fn a_failed_job_exits_250_and_a_wait_that_runs_out_exits_251() {
    let emulator = Emulator::start(&["--job-duration-ms", "300"]);
    let home = Home::new("job-failures");
    let failed = emulator
        .hwc(home.path())
        .args(["ges", "import-backup", "--graph-id", GRAPH, "--import-path", "obs://bucket/fail/backup", "--wait"])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(250), "{}", stderr_of(&failed));
    assert!(stderr_of(&failed).contains("failed with status failed"), "{}", stderr_of(&failed));
    assert!(failed.stdout.is_empty());

    let slow = Emulator::start(&["--job-duration-ms", "60000"]);
    let timed_out = slow
        .hwc(home.path())
        .args(["ges", "create-backup", "--graph-id", GRAPH, "--wait", "--wait-timeout", "1s"])
        .output()
        .unwrap();
    assert_eq!(timed_out.status.code(), Some(251), "{}", stderr_of(&timed_out));
    assert!(stderr_of(&timed_out).contains("still not finished"), "{}", stderr_of(&timed_out));
}

#[test]
fn ctrl_c_while_waiting_exits_130_and_prints_the_command_that_resumes() {
    let emulator = Emulator::start(&["--job-duration-ms", "2500"]);
    let home = Home::new("interrupt");
    let mut child = emulator
        .hwc_process(home.path())
        .args(["ges", "create-backup", "--graph-id", GRAPH, "--wait"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (send, receive) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    let first = receive.recv_timeout(Duration::from_secs(30)).expect("a progress line");
    assert!(first.contains(": pending"), "{first}");
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "hwc ends after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    // hwc has exited, so its stderr is at its end: wait for the reader to pass on every line.
    reader.join().unwrap();
    let lines: Vec<String> = receive.try_iter().collect();
    let resume = lines.iter().find(|l| l.contains("wait-job")).unwrap_or_else(|| panic!("{lines:?}"));
    let words: Vec<&str> = resume.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"hwc"), "{resume}");
    assert!(resume.contains(&format!("ges wait-job --graph-id {GRAPH} --job-id ")), "{resume}");

    // The printed command, run as printed (its words are plain), finds the job finished.
    let resumed = common::hwc(home.path())
        .env("HUAWEICLOUD_SDK_AK", common::AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", common::PROJECT)
        .args(&words[1..])
        .output()
        .unwrap();
    assert!(resumed.status.success(), "{}", stderr_of(&resumed));
    assert_eq!(json_of(&resumed)["status"], "success");
}

#[test]
fn a_three_character_taurusdb_backup_name_exits_252_naming_the_field_and_the_rule() {
    let emulator = Emulator::start(&[]);
    let home = Home::new("invalid");
    let output = emulator
        .hwc(home.path())
        .args(["taurusdb", "create-backup", "--instance-id", TAURUS_INSTANCE, "--name", "abc"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(252));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("--name (`name`)") && stderr.contains("min_length") && stderr.contains("nothing was sent"),
        "{stderr}"
    );
    let listed = emulator
        .hwc(home.path())
        .args(["taurusdb", "list-backups", "--instance-id", TAURUS_INSTANCE])
        .output()
        .unwrap();
    assert_eq!(json_of(&listed)["total_count"], 0, "nothing was created");

    let json = emulator
        .hwc(home.path())
        .args([
            "--error-format",
            "json",
            "taurusdb",
            "create-backup",
            "--instance-id",
            TAURUS_INSTANCE,
            "--name",
            "abc",
        ])
        .output()
        .unwrap();
    let error: Value = serde_json::from_slice(&json.stderr).expect("stderr is one JSON object");
    assert_eq!(error["error"]["violations"][0]["field"], "name");
    assert_eq!(error["error"]["violations"][0]["flag"], "--name (`name`)");
    assert_eq!(error["error"]["exit_code"], 252);

    let not_a_number = emulator
        .hwc(home.path())
        .args(["ges", "list-graph-backups", "--graph-id", GRAPH, "--page-size", "ten"])
        .output()
        .unwrap();
    assert_eq!(not_a_number.status.code(), Some(252), "{}", stderr_of(&not_a_number));
    assert!(stderr_of(&not_a_number).contains("--page-size takes an integer"), "{}", stderr_of(&not_a_number));
}

#[test]
fn deleting_a_missing_ges_backup_exits_254_with_the_code_and_request_id() {
    let emulator = Emulator::start(&[]);
    let home = Home::new("missing");
    let output = emulator
        .hwc(home.path())
        .args(["ges", "delete-backup", "--graph-id", GRAPH, "--backup-id", "no-such-backup"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(254));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("code: GES.7024"), "{stderr}");
    let request_id = stderr.lines().find_map(|l| l.trim().strip_prefix("request id: ")).expect("request id line");
    assert!(request_id.len() >= 16 && request_id != "(none)", "{stderr}");
    assert!(output.stdout.is_empty(), "no data on stdout");

    let json = emulator
        .hwc(home.path())
        .args(["--error-format", "json", "ges", "delete-backup", "--graph-id", GRAPH, "--backup-id", "no-such-backup"])
        .output()
        .unwrap();
    let error: Value = serde_json::from_slice(&json.stderr).unwrap();
    assert_eq!(error["error"]["code"], "GES.7024");
    assert_eq!(error["error"]["not_found"], true);
}

#[test]
fn dry_run_prints_the_signed_request_without_the_secret_key_and_creates_nothing() {
    let emulator = Emulator::start(&[]);
    let home = Home::new("dry-run");
    let output = emulator
        .hwc(home.path())
        .args(["--dry-run", "taurusdb", "create-backup", "--instance-id", TAURUS_INSTANCE, "--name", "nightly"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains(SK), "{text}");
    let request = json_of(&output);
    assert_eq!(request["method"], "POST");
    assert_eq!(request["url"], format!("{}/v3/{}/backups/create", emulator.url("taurusdb"), common::PROJECT));
    let authorization = request["headers"]["authorization"].as_str().unwrap();
    assert!(authorization.starts_with(&format!("SDK-HMAC-SHA256 Access={}", common::AK)), "{authorization}");
    assert!(authorization.ends_with("Signature=***"), "{authorization}");
    assert!(request["headers"]["x-sdk-date"].is_string());
    assert_eq!(request["body"]["name"], "nightly");
    let listed = emulator
        .hwc(home.path())
        .args(["taurusdb", "list-backups", "--instance-id", TAURUS_INSTANCE])
        .output()
        .unwrap();
    assert_eq!(json_of(&listed)["total_count"], 0, "the dry run created nothing");

    let invalid = emulator
        .hwc(home.path())
        .args(["--dry-run", "taurusdb", "create-backup", "--instance-id", TAURUS_INSTANCE, "--name", "ab"])
        .output()
        .unwrap();
    assert_eq!(invalid.status.code(), Some(252), "a dry run validates too");
}

#[test]
fn body_files_are_merged_under_explicit_flags_and_unknown_keys_are_refused() {
    let emulator = Emulator::start(&["--job-duration-ms", "100"]);
    let home = Home::new("body");
    let file = home.path().join("body.json");
    std::fs::write(
        &file,
        format!(r#"{{"instance_id": "{TAURUS_INSTANCE}", "name": "from-file", "description": "weekly"}}"#),
    )
    .unwrap();
    let output = emulator
        .hwc(home.path())
        .args(["taurusdb", "create-backup", "--body", &format!("@{}", file.display()), "--name", "from-flag"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let out = json_of(&output);
    assert_eq!(out["backup"]["name"], "from-flag", "the flag wins: {out}");
    assert_eq!(out["backup"]["description"], "weekly", "the file fills the rest: {out}");

    let unknown = emulator
        .hwc(home.path())
        .args(["taurusdb", "create-backup", "--body", r#"{"instance_id": "x", "name": "abcd", "nmae": "typo"}"#])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(252));
    assert!(
        stderr_of(&unknown).contains("`nmae`") && stderr_of(&unknown).contains("no field of the request body"),
        "{}",
        stderr_of(&unknown)
    );

    let skeleton =
        emulator.hwc(home.path()).args(["taurusdb", "create-backup", "--generate-skeleton"]).output().unwrap();
    assert!(skeleton.status.success(), "{}", stderr_of(&skeleton));
    let template = json_of(&skeleton);
    assert_eq!(template, serde_json::json!({"instance_id": "", "name": "", "description": ""}));
}

#[test]
fn table_wide_tsv_and_none_outputs() {
    let emulator = Emulator::start(&[]);
    let home = Home::new("formats");
    create_ges_backups(&emulator, &home, 2);
    let run = |format: &str| {
        let output = emulator
            .hwc(home.path())
            .args(["-o", format, "ges", "list-graph-backups", "--graph-id", GRAPH])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    let table = run("table");
    assert!(table.lines().any(|l| l.contains("id") && l.contains("status")), "{table}");
    assert!(!table.contains("graph_size_type_index"), "table shows the main columns: {table}");
    assert!(run("wide").contains("graph_size_type_index"));
    let tsv = run("tsv");
    assert_eq!(tsv.lines().count(), 2, "{tsv}");
    assert!(tsv.lines().all(|l| l.split('\t').count() > 5), "{tsv}");
    assert_eq!(run("none"), "");
}
