//! The five seed operations through the generated client against a real HTTP server on 127.0.0.1: what arrives
//! on the server is checked field by field, responses are decoded, and invalid input never leaves the client.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use hwcloud::runtime::{Credentials, RetryConfig};
use hwcloud::Client;

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
struct Recorder {
    seen: Vec<Seen>,
    reply: Option<(u16, String)>,
}

type Shared = Arc<Mutex<Recorder>>;

async fn record(
    axum::extract::State(state): axum::extract::State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let mut rec = state.lock().expect("lock");
    rec.seen.push(Seen { method, path: uri.path().to_owned(), query: uri.query().map(str::to_owned), headers, body });
    let (status, body) = rec.reply.clone().unwrap_or((200, "{}".into()));
    let status = StatusCode::from_u16(status).expect("valid status");
    (status, [("X-Request-Id", "req-42"), ("Content-Type", "application/json")], body)
}

struct Server {
    url: String,
    state: Shared,
}

impl Server {
    async fn start() -> Server {
        let state: Shared = Arc::default();
        let app = axum::Router::new().fallback(record).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Server { url, state }
    }

    fn reply(&self, status: u16, body: &str) {
        self.state.lock().expect("lock").reply = Some((status, body.to_owned()));
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.lock().expect("lock").seen.clone()
    }

    fn client(&self, project_id: &str) -> Client {
        Client::builder()
            .credentials(Credentials::token("test-token"))
            .project_id(project_id)
            .endpoint("ges", &self.url)
            .endpoint("geminidb", &self.url)
            .endpoint("taurusdb", &self.url)
            .retry(RetryConfig::disabled())
            .build()
            .expect("client builds")
    }
}

const GES_PROJECT: &str = "proj123";
const TAURUS_PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TAURUS_INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

fn json(body: &Bytes) -> serde_json::Value {
    serde_json::from_slice(body).expect("the request body is JSON")
}

#[tokio::test]
async fn import_backup_posts_the_obs_path() {
    let server = Server::start().await;
    server.reply(200, r#"{"job_id":"ff8080815f9a3c84015f9a438ff70001"}"#);
    let out = server
        .client(GES_PROJECT)
        .ges()
        .import_backup()
        .graph_id("g-1")
        .import_path("obs://bucket/backups/demo")
        .send()
        .await
        .expect("import succeeds");
    assert_eq!(out.job_id.as_deref(), Some("ff8080815f9a3c84015f9a438ff70001"));
    assert_eq!(out.request_id(), Some("req-42"));
    assert_eq!(out.http_status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/v2/proj123/graphs/g-1/backups/import");
    assert_eq!(req.query, None);
    assert_eq!(req.headers["x-auth-token"], "test-token");
    assert_eq!(req.headers["content-type"], "application/json");
    assert_eq!(json(&req.body), serde_json::json!({"import_path": "obs://bucket/backups/demo"}));
}

#[tokio::test]
async fn list_graph_backups_sends_paging_and_decodes_the_documented_example() {
    let server = Server::start().await;
    server.reply(
        200,
        r#"{"backup_count":2,"backup_list":[
            {"id":"ada3e720","name":"b1","backup_method":"manual","status":"success","size":1,"duration":54,
             "start_timestamp":1623160513000,"product_type":"InMemory","encrypted":false},
            {"id":"7ed3f51d","name":"b2","backup_method":"scheduled","status":"backing_up"}]}"#,
    );
    let out = server
        .client(GES_PROJECT)
        .ges()
        .list_graph_backups()
        .graph_id("g-1")
        .offset(0)
        .limit(2)
        .send()
        .await
        .expect("list succeeds");
    let req = &server.seen()[0];
    assert_eq!(req.method, Method::GET);
    assert_eq!(req.path, "/v2/proj123/graphs/g-1/backups");
    assert_eq!(req.query.as_deref(), Some("limit=2&offset=0"));
    assert!(req.body.is_empty());

    use hwcloud::ges::types::{GraphBackupMethod, GraphBackupStatus};
    assert_eq!(out.backup_count, Some(2));
    let list = out.backup_list.expect("list present");
    assert_eq!(list[0].backup_method, Some(GraphBackupMethod::Manual));
    assert_eq!(list[0].start_timestamp, Some(1_623_160_513_000));
    assert_eq!(list[1].status, Some(GraphBackupStatus::BackingUp));
    // A value the documentation does not list is kept and written back unchanged.
    let scheduled = list[1].backup_method.as_ref().expect("present");
    assert!(matches!(scheduled, GraphBackupMethod::Unknown(v) if v.as_str() == "scheduled"), "{scheduled:?}");
    // Known values never end up in `Unknown`, so equality follows the wire value.
    assert_eq!(GraphBackupMethod::from("manual"), GraphBackupMethod::Manual);
    assert_eq!(GraphBackupMethod::from(String::from("scheduled")), *scheduled);
    assert_eq!(serde_json::to_value(&list[1]).expect("encodes")["backup_method"], "scheduled");
}

#[tokio::test]
async fn delete_backup_puts_every_parameter_in_its_own_segment() {
    let server = Server::start().await;
    server.reply(200, "");
    let out = server
        .client(GES_PROJECT)
        .ges()
        .delete_backup()
        .graph_id("../x")
        .backup_id("a/b?c")
        .send()
        .await
        .expect("delete succeeds");
    assert_eq!(out.request_id(), Some("req-42"));
    let req = &server.seen()[0];
    assert_eq!(req.method, Method::DELETE);
    assert_eq!(req.path, "/v2/proj123/graphs/..%2Fx/backups/a%2Fb%3Fc");
    assert_eq!(req.query, None);
}

#[tokio::test]
async fn geminidb_create_backup_returns_job_and_backup_ids() {
    let server = Server::start().await;
    server.reply(202, r#"{"job_id":"8061ceaf","backup_id":"646d88d0in06"}"#);
    let out = server
        .client("054e292c9880d4992f02c0196d3ea468")
        .geminidb()
        .create_backup()
        .instance_id("a4d8ea2584e047439a667703c0684119in06")
        .name("backup-4f57")
        .description("manual backup")
        .send()
        .await
        .expect("create succeeds");
    assert_eq!((out.job_id.as_deref(), out.backup_id.as_deref()), (Some("8061ceaf"), Some("646d88d0in06")));
    assert_eq!(out.http_status(), 202);
    let req = &server.seen()[0];
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/v3/054e292c9880d4992f02c0196d3ea468/instances/a4d8ea2584e047439a667703c0684119in06/backups");
    assert_eq!(json(&req.body), serde_json::json!({"name": "backup-4f57", "description": "manual backup"}));
}

#[tokio::test]
async fn taurusdb_create_backup_sends_language_and_decodes_the_backup() {
    let server = Server::start().await;
    server.reply(
        201,
        r#"{"backup":{"id":"2f4ddb93","name":"backup-1","description":"Manual backup",
            "begin_time":"2020-07-07T01:17:05+0800","status":"BUILDING","type":"manual",
            "instance_id":"07033b125fd94a8a96896f8bcfee6ddain07"},"job_id":"e0fbbfc8"}"#,
    );
    let out = server
        .client(TAURUS_PROJECT)
        .taurusdb()
        .create_backup()
        .x_language("en-us")
        .instance_id(TAURUS_INSTANCE)
        .name("backup-1")
        .send()
        .await
        .expect("create succeeds");
    let backup = out.backup.expect("backup present");
    assert_eq!(backup.status.map(|s| s.to_string()).as_deref(), Some("BUILDING"));
    assert_eq!(out.job_id.as_deref(), Some("e0fbbfc8"));
    let req = &server.seen()[0];
    assert_eq!(req.path, format!("/v3/{TAURUS_PROJECT}/backups/create"));
    assert_eq!(req.headers["x-language"], "en-us");
    // Optional fields left unset are not sent at all.
    assert_eq!(json(&req.body), serde_json::json!({"instance_id": TAURUS_INSTANCE, "name": "backup-1"}));
}

#[tokio::test]
async fn a_documented_error_body_becomes_a_service_error() {
    let server = Server::start().await;
    server.reply(400, r#"{"errorCode":"GES.7049","errorMessage":"The parameter [import_path] is not exist."}"#);
    let err = server
        .client(GES_PROJECT)
        .ges()
        .import_backup()
        .graph_id("g-1")
        .import_path("obs://x")
        .send()
        .await
        .expect_err("400 is an error");
    let service = err.as_service_error().expect("a service error");
    assert_eq!((service.status, service.code.as_deref()), (400, Some("GES.7049")));
    assert_eq!(service.request_id.as_deref(), Some("req-42"));
}

/// Every rule of the five seed pages: a value breaking it is refused with the rule named, and nothing is sent.
#[tokio::test]
async fn every_seed_rule_is_enforced_before_sending() {
    let server = Server::start().await;
    let long = |n: usize| "a".repeat(n);
    let ges = server.client(GES_PROJECT).ges();
    let gemini = server.client("054e292c9880d4992f02c0196d3ea468").geminidb();
    let taurus = server.client(TAURUS_PROJECT).taurusdb();
    let gemini_ok = || gemini.create_backup().instance_id("i-1").name("backup-1").description("d");
    let taurus_ok = || taurus.create_backup().instance_id(TAURUS_INSTANCE).name("backup-1");

    let cases: Vec<(&str, &str, &str, hwcloud::Error)> = vec![
        (
            "GES project_id length",
            "project_id",
            "max_length",
            ges.list_graph_backups().project_id(long(65)).graph_id("g").send().await.expect_err("refused"),
        ),
        (
            "GES project_id charset",
            "project_id",
            "charset",
            ges.import_backup().project_id("proj-1").graph_id("g").import_path("p").send().await.expect_err("refused"),
        ),
        (
            "GES graph_id empty",
            "graph_id",
            "non_empty",
            ges.delete_backup().graph_id("").backup_id("b").send().await.expect_err("refused"),
        ),
        (
            "GES import_path missing",
            "import_path",
            "required",
            ges.import_backup().graph_id("g").send().await.expect_err("refused"),
        ),
        (
            "GES backup_id missing",
            "backup_id",
            "required",
            ges.delete_backup().graph_id("g").send().await.expect_err("refused"),
        ),
        ("GeminiDB name short", "name", "min_length", gemini_ok().name("abc").send().await.expect_err("refused")),
        ("GeminiDB name long", "name", "max_length", gemini_ok().name(long(65)).send().await.expect_err("refused")),
        (
            "GeminiDB name letter",
            "name",
            "starts_with_letter",
            gemini_ok().name("1backup").send().await.expect_err("refused"),
        ),
        ("GeminiDB name charset", "name", "charset", gemini_ok().name("back up").send().await.expect_err("refused")),
        (
            "GeminiDB description long",
            "description",
            "max_length",
            gemini_ok().description(long(257)).send().await.expect_err("refused"),
        ),
        (
            "GeminiDB description chars",
            "description",
            "forbidden_chars",
            gemini_ok().description("a=b").send().await.expect_err("refused"),
        ),
        (
            "GeminiDB description missing",
            "description",
            "required",
            gemini.create_backup().instance_id("i-1").name("backup-1").send().await.expect_err("refused"),
        ),
        (
            "TaurusDB project_id length",
            "project_id",
            "length",
            taurus_ok().project_id("0123456789abcdef").send().await.expect_err("refused"),
        ),
        (
            "TaurusDB project_id charset",
            "project_id",
            "charset",
            taurus_ok().project_id("0123456789abcdef0123456789abcde_").send().await.expect_err("refused"),
        ),
        (
            "TaurusDB instance_id length",
            "instance_id",
            "length",
            taurus_ok().instance_id("abcin07").send().await.expect_err("refused"),
        ),
        (
            "TaurusDB instance_id suffix",
            "instance_id",
            "suffix",
            taurus_ok().instance_id("07033b125fd94a8a96896f8bcfee6ddain06").send().await.expect_err("refused"),
        ),
        (
            "TaurusDB instance_id charset",
            "instance_id",
            "charset",
            taurus_ok().instance_id("07033b125fd94a8a96896f8bcfee6dd-in07").send().await.expect_err("refused"),
        ),
        (
            "TaurusDB name letter",
            "name",
            "starts_with_letter",
            taurus_ok().name("_backup").send().await.expect_err("refused"),
        ),
        (
            "TaurusDB description carriage return",
            "description",
            "forbidden_chars",
            taurus_ok().description("line\rbreak").send().await.expect_err("refused"),
        ),
        (
            "TaurusDB description long",
            "description",
            "max_length",
            taurus_ok().description(long(257)).send().await.expect_err("refused"),
        ),
        (
            "TaurusDB name missing",
            "name",
            "required",
            taurus.create_backup().instance_id(TAURUS_INSTANCE).send().await.expect_err("refused"),
        ),
    ];
    for (case, field, rule, err) in &cases {
        let hit = err.violations().iter().any(|v| v.field == *field && v.rule == *rule);
        assert!(hit, "{case}: expected rule {rule} on {field}, got: {err}");
        let text = err.to_string();
        assert!(text.contains(field) && text.contains(rule) && text.contains("nothing was sent"), "{case}: {text}");
    }
    assert_eq!(server.seen().len(), 0, "no request may reach the server");
}

#[tokio::test]
async fn all_violations_are_listed_at_once() {
    let server = Server::start().await;
    let err = server
        .client(TAURUS_PROJECT)
        .taurusdb()
        .create_backup()
        .instance_id("x")
        .name("1")
        .description("<>")
        .send()
        .await
        .expect_err("refused");
    let rules: Vec<(&str, &str)> = err.violations().iter().map(|v| (v.field.as_str(), v.rule)).collect();
    for expected in [
        ("instance_id", "length"),
        ("instance_id", "suffix"),
        ("name", "min_length"),
        ("name", "starts_with_letter"),
        ("description", "forbidden_chars"),
    ] {
        assert!(rules.contains(&expected), "{expected:?} missing from {rules:?}");
    }
    assert_eq!(server.seen().len(), 0);
}
