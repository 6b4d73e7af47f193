//! Every auth mode against the emulator: static token, IAM password, AK/SK (permanent and temporary), requests
//! signed by the official SDK replayed byte for byte, and refusals surfacing as 401 service errors.

mod common;

use std::time::Duration;

use common::{client_with, emulator, service_error, TOKEN};
use hwcloud::ges::list_graph_backups;
use hwcloud::runtime::Credentials;
use hwcloud_emulator::Emulator;

const CREATE_TOKEN: &str = "keystone_create_user_token_by_password";

async fn lists(client: &hwcloud::Client, emu: &Emulator) -> Result<(), hwcloud::Error> {
    client.ges().list_graph_backups().graph_id(emu.graph_id()).send().await.map(|_| ())
}

fn assert_refused(result: Result<(), hwcloud::Error>) {
    let e = service_error(result);
    assert_eq!((e.status, e.code.as_deref()), (401, Some("APIGW.0301")), "{e}");
}

#[tokio::test]
async fn static_token_is_accepted_and_a_wrong_one_refused() {
    let emu = emulator().await;
    lists(&client_with(&emu, Credentials::token(TOKEN)), &emu).await.unwrap();
    assert_refused(lists(&client_with(&emu, Credentials::token("not-the-token")), &emu).await);
    assert_eq!(emu.requests(&list_graph_backups::OPERATION), 2);
}

#[tokio::test]
async fn iam_password_login_issues_a_token_that_the_services_accept() {
    let emu = emulator().await;
    let client = client_with(&emu, emu.password_credentials());
    lists(&client, &emu).await.unwrap();
    let created = client.taurusdb().create_backup().instance_id(emu.taurusdb_instance_id()).name("backup-1").send();
    created.await.unwrap();
    assert_eq!(emu.request_count("iam", CREATE_TOKEN), 1, "the token is cached between calls");

    let wrong = client_with(&emu, Credentials::password("emulator-domain", "emulator-user", "wrong-password"));
    let e = service_error(lists(&wrong, &emu).await);
    assert_eq!(e.status, 401);
    assert_eq!(emu.request_count("ges", "list_graph_backups"), 1, "nothing reached GES without a token");
}

#[tokio::test]
async fn expired_iam_tokens_are_refused() {
    let emu = Emulator::builder().token_ttl(Duration::ZERO).start().await.unwrap();
    let client = client_with(&emu, emu.password_credentials());
    assert_refused(lists(&client, &emu).await);
    assert!(emu.request_count("iam", CREATE_TOKEN) >= 1);
}

#[tokio::test]
async fn ak_sk_signatures_are_verified_on_gets_and_bodies() {
    let emu = emulator().await;
    let client = client_with(&emu, emu.ak_sk_credentials());
    lists(&client, &emu).await.unwrap();
    let gemini = client.geminidb().create_backup().instance_id(emu.geminidb_instance_id());
    gemini.name("backup-signed").description("备份 test").send().await.unwrap();

    let wrong_sk = client_with(&emu, Credentials::ak_sk(hwcloud_emulator::DEFAULT_AK, "wrong-secret"));
    assert_refused(lists(&wrong_sk, &emu).await);
    let unknown_ak = client_with(&emu, Credentials::ak_sk("UNKNOWNAK", "whatever"));
    assert_refused(lists(&unknown_ak, &emu).await);
    assert_refused(
        lists(
            &client_with(
                &emu,
                Credentials::temporary_ak_sk(hwcloud_emulator::DEFAULT_AK, hwcloud_emulator::DEFAULT_SK, "x"),
            ),
            &emu,
        )
        .await,
    );
}

#[tokio::test]
async fn temporary_keys_need_their_signed_security_token() {
    let emu = Emulator::builder().temporary_ak_sk("TMPAK", "TMPSK", "security-token-1").start().await.unwrap();
    lists(&client_with(&emu, emu.ak_sk_credentials()), &emu).await.unwrap();
    let wrong = Credentials::temporary_ak_sk("TMPAK", "TMPSK", "security-token-2");
    assert_refused(lists(&client_with(&emu, wrong), &emu).await);
    assert_refused(lists(&client_with(&emu, Credentials::ak_sk("TMPAK", "TMPSK")), &emu).await);
}

/// A request exactly as the official Python SDK signed it (signing.md), sent to `base` with its original Host.
fn replay(
    base: &str,
    method: &str,
    path_and_query: &str,
    host: &str,
    signed: &str,
    signature: &str,
) -> reqwest::RequestBuilder {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let content_type = if host.starts_with("gaussdb.") { "application/json;charset=utf-8" } else { "application/json" };
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}{path_and_query}"))
        .header("Host", host)
        .header("Content-Type", content_type)
        .header("X-Sdk-Date", "20240101T000000Z")
        .header("User-Agent", "huaweicloud-usdk-python/3.0; test-agent")
        .header("X-Project-Id", "0123456789abcdef0123456789abcdef")
        .header(
            "Authorization",
            format!("SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders={signed}, Signature={signature}"),
        );
    if signed.contains("x-language") {
        request = request.header("X-Language", "en-us");
    }
    request
}

#[tokio::test]
async fn requests_signed_by_the_official_sdk_pass() {
    let emu =
        Emulator::builder().ak_sk("AKTEST", "SKTEST").graph("g-1").geminidb_instance("i-1").start().await.unwrap();
    let (ges, gemini, taurus) = (emu.ges_url(), emu.geminidb_url(), emu.taurusdb_url());
    let project = "/v2/0123456789abcdef0123456789abcdef/graphs/g-1";
    let ges_host = "ges.cn-north-4.myhuaweicloud.com";
    let headers = "content-type;host;user-agent;x-project-id;x-sdk-date";

    // B1: list with a query.
    let b1 = replay(
        &ges,
        "GET",
        &format!("{project}/backups?limit=2&offset=0"),
        ges_host,
        headers,
        "1171d8d10f82767bc660abe2c5464e00342e19a4c08b9068ecd22f7915ed1b5d",
    );
    let (status, _, body) = common::send_raw(b1).await;
    assert_eq!((status, &body["backup_count"]), (200, &serde_json::json!(0)), "{body}");

    // B2: import with the exact body bytes; a changed body no longer matches.
    let b2_sig = "8d453a1a75a02f99dde7242cace8622dbfa8188bb3e577ecbbf7b092da266e39";
    let b2 = replay(&ges, "POST", &format!("{project}/backups/import"), ges_host, headers, b2_sig)
        .body(r#"{"import_path": "obs://bucket/backups/demo_20210101"}"#);
    let (status, _, body) = common::send_raw(b2).await;
    assert!(status == 200 && body["job_id"].is_string(), "{status} {body}");
    let tampered = replay(&ges, "POST", &format!("{project}/backups/import"), ges_host, headers, b2_sig)
        .body(r#"{"import_path": "obs://bucket/backups/other"}"#);
    assert_eq!(common::send_raw(tampered).await.0, 401);

    // B3: the signature passes, then the backup is missing.
    let b3 = replay(
        &ges,
        "DELETE",
        &format!("{project}/backups/b-9"),
        ges_host,
        headers,
        "d8aad74d46bfa09235ba431e7c9d44500c79696e3cb16e70638b1935f62561cb",
    );
    let (status, _, body) = common::send_raw(b3).await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("GES.7024")));

    // B4: GeminiDB create.
    let b4 = replay(
        &gemini,
        "POST",
        "/v3/0123456789abcdef0123456789abcdef/instances/i-1/backups",
        "gaussdb-nosql.cn-north-4.myhuaweicloud.com",
        headers,
        "87302adc666abec4a30c45598ce72016d74fde63c7ebe566a02b1fbf49f5b907",
    )
    .body(r#"{"name": "manual_bk", "description": "my backup"}"#);
    let (status, _, body) = common::send_raw(b4).await;
    assert!(status == 202 && body["backup_id"].is_string(), "{status} {body}");

    // B5: TaurusDB create with X-Language and escaped non-ASCII; signed correctly, but `i-2` breaks the
    // documented instance id rule, so the emulator answers 400 rather than 401.
    let b5 = replay(
        &taurus,
        "POST",
        "/v3/0123456789abcdef0123456789abcdef/backups/create",
        "gaussdb.cn-north-4.myhuaweicloud.com",
        "content-type;host;user-agent;x-language;x-project-id;x-sdk-date",
        "a36bc3bd78e7e93e733b27f75dbd8101987ecb3fec7a6a2f418c820e7a8c84cb",
    )
    .body(r#"{"instance_id": "i-2", "name": "manual_bk", "description": "\u5907\u4efd test"}"#);
    let (status, _, body) = common::send_raw(b5).await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("DBS.200001")), "{body}");
}

#[tokio::test]
async fn stale_signatures_are_refused_when_freshness_is_enforced() {
    let emu = Emulator::builder()
        .ak_sk("AKTEST", "SKTEST")
        .graph("g-1")
        .max_signature_age(Duration::from_secs(15 * 60))
        .start()
        .await
        .unwrap();
    let b1 = replay(
        &emu.ges_url(),
        "GET",
        "/v2/0123456789abcdef0123456789abcdef/graphs/g-1/backups?limit=2&offset=0",
        "ges.cn-north-4.myhuaweicloud.com",
        "content-type;host;user-agent;x-project-id;x-sdk-date",
        "1171d8d10f82767bc660abe2c5464e00342e19a4c08b9068ecd22f7915ed1b5d",
    );
    let (status, _, body) = common::send_raw(b1).await;
    assert_eq!(status, 401, "signed on 2024-01-01: {body}");
    assert!(body["error_msg"].as_str().unwrap().contains("expired"));
    lists(&client_with(&emu, emu.ak_sk_credentials()), &emu).await.unwrap();
}
