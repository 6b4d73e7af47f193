//! The built binary: it prints one `<service> <base URL>` line per service, issues IAM tokens to a plain HTTP
//! client (not the generated one), and serves the documented bodies to plain HTTP requests.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const PROJECT: &str = "abcdef0123456789abcdef0123456789";
const GRAPH: &str = "g-binary";

async fn start(args: &[&str]) -> (Child, HashMap<String, String>) {
    start_expecting(args, &["ges", "geminidb", "taurusdb", "iam"]).await
}

/// Starts the binary and reads one `<service> <base URL>` line for each of `services`, in that order.
async fn start_expecting(args: &[&str], services: &[&str]) -> (Child, HashMap<String, String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hwcloud-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut urls = Vec::new();
    while urls.len() < services.len() {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await.expect("prints in time");
        let line = line.unwrap().expect("a line per service");
        let (service, url) = line.split_once(' ').expect("`<service> <base URL>`");
        urls.push((service.to_owned(), url.to_owned()));
    }
    let order: Vec<&str> = urls.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(order, services);
    assert!(urls.iter().all(|(_, url)| url.starts_with("http://127.0.0.1:")), "{urls:?}");
    (child, urls.into_iter().collect())
}

#[tokio::test]
async fn binary_prints_urls_issues_iam_tokens_and_lists_backups_over_plain_http() {
    let (_child, urls) =
        start(&["--token", "bin-token", "--project-id", PROJECT, "--graph", GRAPH, "--job-duration-ms", "50"]).await;
    let http = reqwest::Client::new();

    let login = serde_json::json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "emulator-user", "password": "emulator-password", "domain": {"name": "emulator-domain"}}}},
        "scope": {"project": {"name": "cn-north-4"}}}});
    let answer = http.post(format!("{}/v3/auth/tokens", urls["iam"])).json(&login).send().await.unwrap();
    assert_eq!(answer.status(), 201);
    let token = answer.headers()["x-subject-token"].to_str().unwrap().to_owned();
    let body: serde_json::Value = answer.json().await.unwrap();
    let expires = body["token"]["expires_at"].as_str().expect("token.expires_at");
    let expires = time::OffsetDateTime::parse(expires, &time::format_description::well_known::Rfc3339).unwrap();
    assert!(expires > time::OffsetDateTime::now_utc() + Duration::from_secs(23 * 3600));
    assert_eq!(body["token"]["project"]["id"], PROJECT);

    let backups = format!("{}/v2/{PROJECT}/graphs/{GRAPH}/backups", urls["ges"]);
    let created = http.post(&backups).header("X-Auth-Token", &token).send().await.unwrap();
    assert_eq!(created.status(), 200);
    let created: serde_json::Value = created.json().await.unwrap();
    assert!(created["job_id"].is_string() && created["backup_id"].is_string(), "{created}");

    let listed = http.get(format!("{backups}?offset=0&limit=2")).header("X-Auth-Token", &token).send().await.unwrap();
    assert_eq!(listed.status(), 200);
    assert!(listed.headers().contains_key("x-request-id"));
    let listed: serde_json::Value = listed.json().await.unwrap();
    assert_eq!(listed["backup_count"], 1);
    let backup = &listed["backup_list"][0];
    assert_eq!(
        (&backup["id"], &backup["graph_id"], &backup["backup_method"]),
        (&created["backup_id"], &GRAPH.into(), &"manual".into())
    );
    for key in ["name", "graph_name", "status", "start_time", "start_timestamp", "arch", "data_store_version"] {
        assert!(!backup[key].is_null(), "backup_list item has `{key}`: {backup}");
    }

    let taurus = format!("{}/v3/{PROJECT}/backups", urls["taurusdb"]);
    let with_static = http.get(&taurus).header("X-Auth-Token", "bin-token").send().await.unwrap();
    assert_eq!(
        with_static.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"backups": [], "total_count": 0})
    );
    let refused = http.get(&taurus).header("X-Auth-Token", "other").send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json::<serde_json::Value>().await.unwrap()["error_code"], "APIGW.0301");
}

#[tokio::test]
async fn binary_refuses_seeds_that_break_the_documented_rules() {
    let output = Command::new(env!("CARGO_BIN_EXE_hwcloud-emulator"))
        .args(["--taurusdb-instance", "not-an-instance"])
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("in07"));
}

#[tokio::test]
async fn binary_serves_iam_projects_and_the_metadata_service_when_asked() {
    let extra = "ffffffffffffffffffffffffffffffff";
    let args = ["--token", "bin-token", "--metadata", "--metadata-tokens", "required", "--iam-project"];
    let project = format!("cn-north-4={extra}");
    let services = ["ges", "geminidb", "taurusdb", "iam", "metadata"];
    let (_child, urls) = start_expecting(&[args.as_slice(), &[project.as_str()]].concat(), &services).await;
    let http = reqwest::Client::new();

    let projects = http.get(format!("{}/v3/projects?name=cn-north-4", urls["iam"])).header("X-Auth-Token", "bin-token");
    let projects: serde_json::Value = projects.send().await.unwrap().json().await.unwrap();
    let ids: Vec<&str> = projects["projects"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["0123456789abcdef0123456789abcdef", extra]);
    let anonymous = http.get(format!("{}/v3/projects", urls["iam"])).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    let key_url = format!("{}/openstack/latest/securitykey", urls["metadata"]);
    assert_eq!(http.get(&key_url).send().await.unwrap().status(), 401, "a session token is required");
    let token = http
        .put(format!("{}/meta-data/latest/api/token", urls["metadata"]))
        .header("X-Metadata-Token-Ttl-Seconds", "60")
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 200);
    let token = token.text().await.unwrap();
    let key: serde_json::Value =
        http.get(&key_url).header("X-Metadata-Token", token).send().await.unwrap().json().await.unwrap();
    let credential = &key["credential"];
    for field in ["access", "secret", "securitytoken", "expires_at"] {
        assert!(credential[field].as_str().is_some_and(|v| !v.is_empty()), "{field}: {key}");
    }
}

/// The statuses of 20 plain GETs to a binary started with `--fault-seed 9`, then its metrics.
async fn seeded_run() -> (Vec<Option<u16>>, serde_json::Value) {
    let args = ["--token", "bin-token", "--fault-seed", "9", "--drop-after-rate", "0.3", "--fault-after-rate", "0.2"];
    let (_child, urls) = start(&args).await;
    let url = format!("{}/v2/0123456789abcdef0123456789abcdef/graphs/backups", urls["ges"]);
    let mut fates = Vec::new();
    for _ in 0..20 {
        // A fresh client each time: nothing re-sends a request on its own.
        let answer = reqwest::Client::new().get(&url).header("X-Auth-Token", "bin-token").send().await;
        fates.push(answer.ok().map(|a| a.status().as_u16()));
    }
    let metrics = reqwest::get(format!("{}/__emulator/metrics", urls["taurusdb"])).await.unwrap().json().await.unwrap();
    (fates, metrics)
}

#[tokio::test]
async fn binary_faults_after_processing_follow_the_seed_and_metrics_count_them() {
    let (fates, metrics) = seeded_run().await;
    assert_eq!(seeded_run().await.0, fates, "the same seed, the same faults");
    let count = |fate: Option<u16>| fates.iter().filter(|f| **f == fate).count() as u64;
    assert!(count(None) > 0 && count(Some(503)) > 0 && count(Some(200)) > 0, "{fates:?}");
    assert_eq!(metrics["requests"]["ges.list_backups"], 20, "{metrics}");
    assert_eq!(metrics["total_requests"], 20, "{metrics}");
    assert_eq!(metrics["faults"]["drop_after"].as_u64(), Some(count(None)), "{metrics}");
    assert_eq!(metrics["faults"]["error_after"].as_u64(), Some(count(Some(503))), "{metrics}");
}
