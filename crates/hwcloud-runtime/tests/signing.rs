//! Signing: every vector of `shared/signing.md` (produced by the official Python SDK), the verification helper a
//! server uses, and real requests checked by a local server that recomputes their signatures.

mod support;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, Uri};
use hwcloud_runtime::sign::{self, SignError};
use hwcloud_runtime::{path::encode_segment, Client, Credentials, Method, OperationSpec, Request, ServiceSpec};
use std::sync::{Arc, Mutex};
use support::serve;

struct Vector {
    name: &'static str,
    method: &'static str,
    url: &'static str,
    /// Headers as listed, without `Host`, `X-Sdk-Date` and `Authorization`.
    headers: &'static [(&'static str, &'static str)],
    body: Option<&'static str>,
    canonical_request: &'static str,
    string_to_sign: &'static str,
    authorization: &'static str,
}

const DATE: &str = "20240101T000000Z";

const VECTORS: &[Vector] = &[
    Vector {
        name: "A1",
        method: "GET",
        url: "https://ges.cn-north-4.myhuaweicloud.com/v2/proj-123/graphs/g-1/backups?limit=2&offset=0",
        headers: &[("Content-Type", "application/json")],
        body: None,
        canonical_request: r#"GET
/v2/proj-123/graphs/g-1/backups/
limit=2&offset=0
content-type:application/json
host:ges.cn-north-4.myhuaweicloud.com
x-sdk-date:20240101T000000Z

content-type;host;x-sdk-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"#,
        string_to_sign: r#"SDK-HMAC-SHA256
20240101T000000Z
a2ce67b9b872fd79309a38e7e1f1d7e478e98314ada371afc7917118e9bcfead"#,
        authorization: "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;x-sdk-date, Signature=61ba43f818bcd88c485df1478f70f2614ec75e4b18e31fef4b38ef76a34a60df",
    },
    Vector {
        name: "A2",
        method: "POST",
        url: "https://ges.cn-north-4.myhuaweicloud.com/v2/proj-123/graphs/g-1/backups/import",
        headers: &[("Content-Type", "application/json")],
        body: Some(r#"{"import_path": "obs://bucket/backups/demo_20210101"}"#),
        canonical_request: r#"POST
/v2/proj-123/graphs/g-1/backups/import/

content-type:application/json
host:ges.cn-north-4.myhuaweicloud.com
x-sdk-date:20240101T000000Z

content-type;host;x-sdk-date
24fe6f52cf79d06e0ecc26afdf2726668a244ccf938be1cf891ed5b10100538c"#,
        string_to_sign: r#"SDK-HMAC-SHA256
20240101T000000Z
3febdece936460b83bf810b0997448c39ac7794bbc9e4929860c8e955f20cb2a"#,
        authorization: "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;x-sdk-date, Signature=941bc6b69008b610fa820f8b2ba897a51a18e6356ec0fd744726537bb7c8d0f4",
    },
    Vector {
        name: "B1",
        method: "GET",
        url: "https://ges.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/graphs/g-1/backups?limit=2&offset=0",
        headers: &[("Content-Type", "application/json"), ("User-Agent", "huaweicloud-usdk-python/3.0; test-agent"), ("X-Project-Id", "0123456789abcdef0123456789abcdef")],
        body: None,
        canonical_request: r#"GET
/v2/0123456789abcdef0123456789abcdef/graphs/g-1/backups/
limit=2&offset=0
content-type:application/json
host:ges.cn-north-4.myhuaweicloud.com
user-agent:huaweicloud-usdk-python/3.0; test-agent
x-project-id:0123456789abcdef0123456789abcdef
x-sdk-date:20240101T000000Z

content-type;host;user-agent;x-project-id;x-sdk-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"#,
        string_to_sign: r#"SDK-HMAC-SHA256
20240101T000000Z
f221d3d429c4b76f660dc16efba4dd477f5b68da01a7328a6f7297285e01fd84"#,
        authorization: "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=1171d8d10f82767bc660abe2c5464e00342e19a4c08b9068ecd22f7915ed1b5d",
    },
    Vector {
        name: "B2",
        method: "POST",
        url: "https://ges.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/graphs/g-1/backups/import",
        headers: &[("Content-Type", "application/json"), ("User-Agent", "huaweicloud-usdk-python/3.0; test-agent"), ("X-Project-Id", "0123456789abcdef0123456789abcdef")],
        body: Some(r#"{"import_path": "obs://bucket/backups/demo_20210101"}"#),
        canonical_request: r#"POST
/v2/0123456789abcdef0123456789abcdef/graphs/g-1/backups/import/

content-type:application/json
host:ges.cn-north-4.myhuaweicloud.com
user-agent:huaweicloud-usdk-python/3.0; test-agent
x-project-id:0123456789abcdef0123456789abcdef
x-sdk-date:20240101T000000Z

content-type;host;user-agent;x-project-id;x-sdk-date
24fe6f52cf79d06e0ecc26afdf2726668a244ccf938be1cf891ed5b10100538c"#,
        string_to_sign: r#"SDK-HMAC-SHA256
20240101T000000Z
bc44a9e2c7f9e3122004414c454c9b756aec01296d07fdb443cd0e5056aeba70"#,
        authorization: "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=8d453a1a75a02f99dde7242cace8622dbfa8188bb3e577ecbbf7b092da266e39",
    },
    Vector {
        name: "B3",
        method: "DELETE",
        url: "https://ges.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/graphs/g-1/backups/b-9",
        headers: &[("Content-Type", "application/json"), ("User-Agent", "huaweicloud-usdk-python/3.0; test-agent"), ("X-Project-Id", "0123456789abcdef0123456789abcdef")],
        body: None,
        canonical_request: r#"DELETE
/v2/0123456789abcdef0123456789abcdef/graphs/g-1/backups/b-9/

content-type:application/json
host:ges.cn-north-4.myhuaweicloud.com
user-agent:huaweicloud-usdk-python/3.0; test-agent
x-project-id:0123456789abcdef0123456789abcdef
x-sdk-date:20240101T000000Z

content-type;host;user-agent;x-project-id;x-sdk-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"#,
        string_to_sign: r#"SDK-HMAC-SHA256
20240101T000000Z
e6036fd098fcb23bf9fd21d3e5706b9b497685595b064642b1ce7870bf554553"#,
        authorization: "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=d8aad74d46bfa09235ba431e7c9d44500c79696e3cb16e70638b1935f62561cb",
    },
    Vector {
        name: "B4",
        method: "POST",
        url: "https://gaussdb-nosql.cn-north-4.myhuaweicloud.com/v3/0123456789abcdef0123456789abcdef/instances/i-1/backups",
        headers: &[("Content-Type", "application/json"), ("User-Agent", "huaweicloud-usdk-python/3.0; test-agent"), ("X-Project-Id", "0123456789abcdef0123456789abcdef")],
        body: Some(r#"{"name": "manual_bk", "description": "my backup"}"#),
        canonical_request: r#"POST
/v3/0123456789abcdef0123456789abcdef/instances/i-1/backups/

content-type:application/json
host:gaussdb-nosql.cn-north-4.myhuaweicloud.com
user-agent:huaweicloud-usdk-python/3.0; test-agent
x-project-id:0123456789abcdef0123456789abcdef
x-sdk-date:20240101T000000Z

content-type;host;user-agent;x-project-id;x-sdk-date
9446a79a96ecbcab7f6f2770c8fb8e01bf11f2b05ed763620f5dd2d23414a859"#,
        string_to_sign: r#"SDK-HMAC-SHA256
20240101T000000Z
534502ac863c76e0cfce9fe48b4f556c9de17a5456bbabf3764dd6c095cb4d32"#,
        authorization: "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=87302adc666abec4a30c45598ce72016d74fde63c7ebe566a02b1fbf49f5b907",
    },
    Vector {
        name: "B5",
        method: "POST",
        url: "https://gaussdb.cn-north-4.myhuaweicloud.com/v3/0123456789abcdef0123456789abcdef/backups/create",
        headers: &[("X-Language", "en-us"), ("Content-Type", "application/json;charset=utf-8"), ("User-Agent", "huaweicloud-usdk-python/3.0; test-agent"), ("X-Project-Id", "0123456789abcdef0123456789abcdef")],
        body: Some(r#"{"instance_id": "i-2", "name": "manual_bk", "description": "\u5907\u4efd test"}"#),
        canonical_request: r#"POST
/v3/0123456789abcdef0123456789abcdef/backups/create/

content-type:application/json;charset=utf-8
host:gaussdb.cn-north-4.myhuaweicloud.com
user-agent:huaweicloud-usdk-python/3.0; test-agent
x-language:en-us
x-project-id:0123456789abcdef0123456789abcdef
x-sdk-date:20240101T000000Z

content-type;host;user-agent;x-language;x-project-id;x-sdk-date
119327d7437c6c5e3b45089427c886cfe827299417f6ece4ff590af2469b78d3"#,
        string_to_sign: r#"SDK-HMAC-SHA256
20240101T000000Z
30fcc730f2c10a82aaa60857c416c856869eb830bacdd6893cf6bf4f1124d675"#,
        authorization: "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;user-agent;x-language;x-project-id;x-sdk-date, Signature=a36bc3bd78e7e93e733b27f75dbd8101987ecb3fec7a6a2f418c820e7a8c84cb",
    },
];

fn owned(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

#[test]
fn every_vector_is_reproduced_byte_for_byte() {
    for v in VECTORS {
        let body = v.body.unwrap_or("").as_bytes();
        let report = sign::debug_report("AKTEST", "SKTEST", DATE, v.method, v.url, &owned(v.headers), body).unwrap();
        assert_eq!(report.canonical_request, v.canonical_request, "{}: canonical request", v.name);
        assert_eq!(report.string_to_sign, v.string_to_sign, "{}: string to sign", v.name);
        assert_eq!(report.authorization, v.authorization, "{}: authorization", v.name);
        // What the `sign` example prints: every step, the Authorization header last.
        let printed = report.to_string();
        assert!(printed.contains(v.canonical_request) && printed.contains(v.string_to_sign), "{}", v.name);
        assert_eq!(printed.lines().last().unwrap(), format!("Authorization: {}", v.authorization), "{}", v.name);
    }
}

#[test]
fn every_vector_through_the_step_functions() {
    for v in VECTORS {
        let url = url::Url::parse(v.url).unwrap();
        let mut headers = owned(v.headers);
        headers.push(("Host".into(), url.host_str().unwrap().into()));
        headers.push(("X-Sdk-Date".into(), DATE.into()));
        let signed = sign::signed_headers(headers.iter().map(|(n, _)| n));
        let body = v.body.unwrap_or("").as_bytes();
        let canonical =
            sign::canonical_request(v.method, url.path(), url.query().unwrap_or(""), &headers, &signed, body);
        assert_eq!(canonical, v.canonical_request, "{}", v.name);
        let to_sign = sign::string_to_sign(DATE, &canonical);
        assert_eq!(to_sign, v.string_to_sign, "{}", v.name);
        let authorization = sign::authorization("AKTEST", &signed, &sign::signature("SKTEST", &to_sign));
        assert_eq!(authorization, v.authorization, "{}", v.name);
    }
}

fn received_headers(v: &Vector) -> http::HeaderMap {
    let url = url::Url::parse(v.url).unwrap();
    let mut map = http::HeaderMap::new();
    for (name, value) in v.headers {
        map.insert(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
    }
    map.insert("host", url.host_str().unwrap().parse().unwrap());
    map.insert("x-sdk-date", DATE.parse().unwrap());
    map.insert("authorization", v.authorization.parse().unwrap());
    // Headers added by the HTTP stack after signing are not signed and must not matter.
    map.insert("accept", "*/*".parse().unwrap());
    map
}

#[test]
fn verification_helper_accepts_every_vector_and_rejects_tampering() {
    for v in VECTORS {
        let url = url::Url::parse(v.url).unwrap();
        let (path, query) = (url.path(), url.query().unwrap_or(""));
        let headers = received_headers(v);
        let body = v.body.unwrap_or("").as_bytes();
        let expected = sign::expected_signature("SKTEST", v.method, path, query, &headers, body).unwrap();
        assert_eq!(expected.canonical_request, v.canonical_request, "{}", v.name);
        assert!(expected.matches(), "{}", v.name);
        let auth = sign::verify("SKTEST", v.method, path, query, &headers, body).unwrap();
        assert_eq!(auth.access_key, "AKTEST");

        let wrong_key = sign::verify("SKOTHER", v.method, path, query, &headers, body);
        assert_eq!(wrong_key.unwrap_err(), SignError::Mismatch, "{}", v.name);
        let tampered_body = sign::verify("SKTEST", v.method, path, query, &headers, b"{}");
        assert_eq!(tampered_body.unwrap_err(), SignError::Mismatch, "{}", v.name);
        let tampered_path = sign::verify("SKTEST", v.method, "/v2/other", query, &headers, body);
        assert_eq!(tampered_path.unwrap_err(), SignError::Mismatch, "{}", v.name);
        let mut no_date = headers.clone();
        no_date.remove("x-sdk-date");
        assert_eq!(sign::verify("SKTEST", v.method, path, query, &no_date, body).unwrap_err(), SignError::MissingDate);
    }
}

/// What a server received, and what the verification helper made of it.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Received>>>);

#[derive(Clone, Debug)]
struct Received {
    path_and_query: String,
    headers: HeaderMap,
    canonical_request: String,
    verified: bool,
}

/// Accepts any request signed with `SKTEST`; anything else gets 401.
async fn verifying(
    State(seen): State<Seen>,
    method: HttpMethod,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let outcome =
        sign::expected_signature("SKTEST", method.as_str(), uri.path(), uri.query().unwrap_or(""), &headers, &body);
    let (canonical_request, verified) = match outcome {
        Ok(expected) => (expected.canonical_request.clone(), expected.matches()),
        Err(_) => (String::new(), false),
    };
    let path_and_query = uri.path_and_query().map(|p| p.to_string()).unwrap_or_default();
    seen.0.lock().unwrap().push(Received { path_and_query, headers, canonical_request, verified });
    if verified {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

async fn verifying_server() -> (Seen, String) {
    let seen = Seen::default();
    let router = axum::Router::new().fallback(verifying).with_state(seen.clone());
    let addr = serve(router).await;
    (seen, format!("http://{addr}"))
}

static SVC: ServiceSpec =
    ServiceSpec { name: "svc", sdk_name: "SVC", regions: &[], global_endpoint: None, errors: &[] };

const fn op(method: Method) -> OperationSpec {
    OperationSpec {
        service: &SVC,
        name: "signed_call",
        method,
        path_template: "/",
        success: &[200],
        idempotent: true,
        not_found: &[],
    }
}
static GET: OperationSpec = op(Method::Get);
static POST: OperationSpec = op(Method::Post);
static DELETE: OperationSpec = op(Method::Delete);

#[tokio::test]
async fn client_requests_carry_the_vectors_canonical_requests() {
    let (seen, base) = verifying_server().await;
    let client = Client::builder()
        .services(&[&SVC])
        .env_lookup(|_| None)
        .credentials(Credentials::ak_sk("AKTEST", "SKTEST"))
        .endpoint("svc", &base)
        .build()
        .unwrap();
    for v in VECTORS.iter().filter(|v| v.name.starts_with('B')) {
        let url = url::Url::parse(v.url).unwrap();
        let operation = match v.method {
            "GET" => &GET,
            "POST" => &POST,
            _ => &DELETE,
        };
        let mut request = Request::new(operation, url.path().to_owned());
        request.query = url
            .query_pairs()
            .map(|(k, val)| (if k == "limit" { "limit" } else { "offset" }, val.into_owned()))
            .collect();
        for (name, value) in v.headers.iter().filter(|(n, _)| *n != "X-Project-Id") {
            request.headers.push((name, value.to_string()));
        }
        // Reused as the SDKs do, so that the canonical request can be compared whole.
        request.headers.push(("X-Sdk-Date", DATE.into()));
        request.project_id = Some("0123456789abcdef0123456789abcdef".into());
        request.body = v.body.map(|b| Bytes::from_static(b.as_bytes()));
        let raw = client.send(request).await.unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(raw.status, 200);

        let received = seen.0.lock().unwrap().pop().unwrap();
        assert!(received.verified, "{}", v.name);
        let host = base.trim_start_matches("http://");
        let as_if_at_huawei = received
            .canonical_request
            .replace(&format!("host:{host}\n"), &format!("host:{}\n", url.host_str().unwrap()));
        assert_eq!(as_if_at_huawei, v.canonical_request, "{}", v.name);
    }
}

#[tokio::test]
async fn security_token_and_project_id_are_sent_and_signed() {
    let (seen, base) = verifying_server().await;
    let client = Client::builder()
        .services(&[&SVC])
        .env_lookup(|_| None)
        .credentials(Credentials::temporary_ak_sk("AKTEST", "SKTEST", "security-token-value"))
        .endpoint("svc", &base)
        .build()
        .unwrap();
    let mut request = Request::new(&GET, "/v3/p1/backups".into());
    request.project_id = Some("p1".into());
    client.send(request).await.unwrap();
    let received = seen.0.lock().unwrap().pop().unwrap();
    assert!(received.verified);
    assert_eq!(received.headers["x-security-token"], "security-token-value");
    assert_eq!(received.headers["x-project-id"], "p1");
    let auth = sign::parse_authorization(received.headers["authorization"].to_str().unwrap()).unwrap();
    assert_eq!(auth.signed_headers, "content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token");
    assert_eq!(received.headers["user-agent"], hwcloud_runtime::USER_AGENT);
}

#[tokio::test]
async fn awkward_paths_and_queries_are_signed_as_sent() {
    let (seen, base) = verifying_server().await;
    let client = Client::builder()
        .services(&[&SVC])
        .env_lookup(|_| None)
        .credentials(Credentials::ak_sk("AKTEST", "SKTEST"))
        .endpoint("svc", &base)
        .build()
        .unwrap();
    let path = format!("/v2/p/graphs/{}/backups", encode_segment("g/1 备~x"));
    let mut request = Request::new(&POST, path);
    request.query = vec![("name", "备份 a/b&c=d+e".into()), ("limit", "2".into()), ("name", "a".into())];
    request.body = Some(Bytes::from_static(b"{\"k\": \"\\u5907\"}"));
    client.send(request).await.unwrap();
    let received = seen.0.lock().unwrap().pop().unwrap();
    assert!(received.verified);
    // The wire query is the canonical one: sorted, every reserved character encoded.
    assert_eq!(
        received.path_and_query,
        "/v2/p/graphs/g%2F1%20%E5%A4%87~x/backups?limit=2&name=a&name=%E5%A4%87%E4%BB%BD%20a%2Fb%26c%3Dd%2Be"
    );
    assert!(received.canonical_request.contains("\n/v2/p/graphs/g/1%20%E5%A4%87~x/backups/\n"));
}

#[tokio::test]
async fn a_server_with_another_secret_refuses_the_signature() {
    let (seen, base) = verifying_server().await;
    let client = Client::builder()
        .services(&[&SVC])
        .env_lookup(|_| None)
        .credentials(Credentials::ak_sk("AKTEST", "NOT-SKTEST"))
        .endpoint("svc", &base)
        .build()
        .unwrap();
    let err = client.send(Request::new(&GET, "/v3/x".into())).await.unwrap_err();
    assert_eq!(err.as_service_error().map(|s| s.status), Some(401));
    assert!(!seen.0.lock().unwrap().pop().unwrap().verified);
}
