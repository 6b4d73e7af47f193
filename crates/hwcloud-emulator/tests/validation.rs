//! The same documented rules on both sides: input the generated client refuses never reaches the emulator, and
//! the same input sent raw (skipping the client) is refused by the emulator with 400 and the documented code.

mod common;

use common::{client, emulator, raw, send_raw};
use reqwest::Method;

fn assert_refused_client_side<T: std::fmt::Debug>(result: Result<T, hwcloud::Error>, field: &str) {
    match result {
        Err(hwcloud::Error::InvalidInput { violations, .. }) => {
            assert!(violations.iter().any(|v| v.field == field), "{violations:?}");
        }
        other => panic!("expected InvalidInput on {field}, got {other:?}"),
    }
}

#[tokio::test]
async fn ges_rules_hold_on_both_sides() {
    let emu = emulator().await;
    let ges = client(&emu).ges();
    let graph = emu.graph_id();
    let long_project = "p".repeat(65);

    assert_refused_client_side(
        ges.list_graph_backups().graph_id(graph).project_id(&long_project).send().await,
        "project_id",
    );
    assert_refused_client_side(ges.import_backup().graph_id(graph).send().await, "import_path");
    assert_refused_client_side(ges.show_job().graph_id("").job_id("j").send().await, "graph_id");
    assert_eq!(emu.total_requests(), 0, "nothing was sent");

    let url = format!("{}/v2/{long_project}/graphs/{graph}/backups", emu.ges_url());
    let (status, _, body) = send_raw(raw(Method::GET, url)).await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("GES.0001")), "{body}");
    assert!(body["error_msg"].as_str().unwrap().contains("project_id"));

    let import = format!("{}/v2/{}/graphs/{graph}/backups/import", emu.ges_url(), emu.project_id());
    let (status, _, body) = send_raw(raw(Method::POST, import.clone()).body("{}")).await;
    assert_eq!(
        (status, &body),
        (
            400,
            &serde_json::json!({
                "error_code": "GES.7049", "error_msg": "The parameter [import_path] is not exist."
            })
        )
    );
    let (status, _, body) = send_raw(raw(Method::POST, import.clone()).body("{not json")).await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("GES.0001")));
    let (status, _, body) = send_raw(raw(Method::POST, import).body(r#"{"import_path": 7}"#)).await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("GES.0001")));

    let list = format!("{}/v2/{}/graphs/backups?limit=ten", emu.ges_url(), emu.project_id());
    let (status, _, body) = send_raw(raw(Method::GET, list)).await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("GES.0001")));
}

#[tokio::test]
async fn geminidb_rules_hold_on_both_sides() {
    let emu = emulator().await;
    let db = client(&emu).geminidb();
    let instance = emu.geminidb_instance_id();

    assert_refused_client_side(
        db.create_backup().instance_id(instance).name("ab").description("d").send().await,
        "name",
    );
    assert_refused_client_side(
        db.create_backup().instance_id(instance).name("backup-1").description("a<b").send().await,
        "description",
    );
    assert_refused_client_side(db.list_backups().offset(0).limit(10).send().await, "offset");
    assert_refused_client_side(db.list_backups().offset(1).send().await, "limit");
    assert_refused_client_side(db.list_jobs().limit(51).send().await, "limit");
    assert_eq!(emu.total_requests(), 0);

    let create = format!("{}/v3/{}/instances/{instance}/backups", emu.geminidb_url(), emu.project_id());
    let body =
        |json: &str| raw(Method::POST, create.clone()).header("Content-Type", "application/json").body(json.to_owned());
    let (status, _, answer) = send_raw(body(r#"{"name": "ab", "description": "d"}"#)).await;
    assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.280277")), "{answer}");
    let (status, _, answer) = send_raw(body(r#"{"name": "backup-1", "description": "a<b"}"#)).await;
    assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.280127")));
    let (status, _, answer) = send_raw(body(r#"{"name": "backup-1"}"#)).await;
    assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.200001")));

    let list =
        |query: &str| raw(Method::GET, format!("{}/v3/{}/backups?{query}", emu.geminidb_url(), emu.project_id()));
    for query in ["offset=0&limit=10", "offset=1", "offset=1&limit=101", "offset=1&limit=10&datastore_type=oracle"] {
        let (status, _, answer) = send_raw(list(query)).await;
        assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.200001")), "{query}: {answer}");
    }
    let jobs = raw(Method::GET, format!("{}/v3/{}/jobs?limit=51", emu.geminidb_url(), emu.project_id()));
    assert_eq!(send_raw(jobs).await.0, 400);
}

#[tokio::test]
async fn taurusdb_rules_hold_on_both_sides() {
    let emu = emulator().await;
    let db = client(&emu).taurusdb();

    assert_refused_client_side(db.create_backup().instance_id("short").name("backup-1").send().await, "instance_id");
    assert_refused_client_side(db.list_backups().limit(0).send().await, "limit");
    assert_refused_client_side(db.list_backups().project_id("abc").send().await, "project_id");
    assert_refused_client_side(db.show_job().send().await, "id");
    assert_eq!(emu.total_requests(), 0);

    let create = format!("{}/v3/{}/backups/create", emu.taurusdb_url(), emu.project_id());
    let (status, _, answer) =
        send_raw(raw(Method::POST, create.clone()).body(r#"{"instance_id": "short", "name": "backup-1"}"#)).await;
    assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.200001")));
    assert!(answer["error_msg"].as_str().unwrap().contains("instance_id"), "{answer}");
    let body = format!(r#"{{"instance_id": "{}", "name": "1backup"}}"#, emu.taurusdb_instance_id());
    let (status, _, answer) = send_raw(raw(Method::POST, create).body(body)).await;
    assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.280277")));

    for query in ["limit=0", "offset=-1", "backup_type=weekly"] {
        let url = format!("{}/v3/{}/backups?{query}", emu.taurusdb_url(), emu.project_id());
        let (status, _, answer) = send_raw(raw(Method::GET, url)).await;
        assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.200001")), "{query}");
    }
    let (status, _, answer) = send_raw(raw(Method::GET, format!("{}/v3/abc/backups", emu.taurusdb_url()))).await;
    assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.200001")));
    let (status, _, answer) =
        send_raw(raw(Method::GET, format!("{}/v3/{}/jobs", emu.taurusdb_url(), emu.project_id()))).await;
    assert_eq!((status, answer["error_code"].as_str()), (400, Some("DBS.200001")), "{answer}");
}

#[tokio::test]
async fn unknown_apis_answer_404_and_every_answer_has_a_unique_request_id() {
    let emu = emulator().await;
    let mut ids = std::collections::HashSet::new();
    let urls = [
        (Method::GET, format!("{}/v2/nope", emu.ges_url()), 404),
        (Method::PUT, format!("{}/v2/{}/graphs/backups", emu.ges_url(), emu.project_id()), 404),
        (Method::GET, format!("{}/v3/{}/backups?offset=1&limit=1", emu.geminidb_url(), emu.project_id()), 200),
        (Method::GET, format!("{}/v3/{}/backups", emu.taurusdb_url(), emu.project_id()), 200),
        (Method::GET, format!("{}/v3/{}/backups", emu.taurusdb_url(), emu.project_id()), 200),
        (Method::GET, format!("{}/v3/auth/tokens", emu.iam_url()), 404),
    ];
    for (method, url, expected) in urls {
        let (status, id, body) = send_raw(raw(method, url.clone())).await;
        assert_eq!(status, expected, "{url}: {body}");
        if status == 404 {
            assert!(body["error_code"].is_string() || body["error"].is_object(), "{body}");
        }
        assert!(ids.insert(id.expect("X-Request-Id on every answer")), "request ids are unique");
    }
    let unauthenticated =
        reqwest::get(format!("{}/v2/{}/graphs/backups", emu.ges_url(), emu.project_id())).await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert!(unauthenticated.headers().contains_key("x-request-id"));
}
