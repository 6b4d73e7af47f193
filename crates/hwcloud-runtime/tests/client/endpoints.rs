//! Where calls go (overrides, regions) and what is refused before anything is sent.

use crate::support::{base, serve, Counter, GES, LIST};
use axum::http::Uri;
use hwcloud_runtime::{Client, Credentials, Error, Method, OperationSpec, Request, ServiceSpec};
use std::sync::{Arc, Mutex};

static TABLED: ServiceSpec = ServiceSpec {
    name: "taurusdb",
    endpoint_template: None,
    endpoint_table: &[("cn-north-4", "https://gaussdb.cn-north-4.myhuaweicloud.com")],
    errors: &[],
};
static TABLED_LIST: OperationSpec = OperationSpec {
    service: &TABLED,
    name: "list_full_backups",
    method: Method::Get,
    path_template: "/v3/{project_id}/backups",
    success: &[200],
    idempotent: true,
    not_found: &[],
};

fn token_client() -> hwcloud_runtime::ClientBuilder {
    Client::builder().credentials(Credentials::token("t"))
}

#[tokio::test]
async fn an_override_with_a_path_prefix_receives_the_call() {
    let paths = Arc::new(Mutex::new(Vec::new()));
    let seen = paths.clone();
    let router = axum::Router::new().fallback(move |uri: Uri| {
        seen.lock().unwrap().push(uri.to_string());
        async { "{}" }
    });
    let addr = serve(router).await;
    let client =
        token_client().region("cn-north-4").endpoint("taurusdb", format!("{}/prefix/", base(addr))).build().unwrap();
    let mut request = Request::new(&TABLED_LIST, "/v3/p1/backups".into());
    request.query.push(("offset", "0".into()));
    client.send(request).await.unwrap();
    assert_eq!(*paths.lock().unwrap(), ["/prefix/v3/p1/backups?offset=0"]);
}

#[test]
fn region_resolution_uses_the_table_then_the_template() {
    let client = token_client().region("cn-north-4").build().unwrap();
    assert_eq!(client.endpoint(&TABLED).unwrap(), "https://gaussdb.cn-north-4.myhuaweicloud.com");
    assert_eq!(client.endpoint(&GES).unwrap(), "https://ges.cn-north-4.myhuaweicloud.com");
    let client = token_client().region("ap-southeast-1").build().unwrap();
    assert_eq!(client.endpoint(&GES).unwrap(), "https://ges.ap-southeast-1.myhuaweicloud.com");
}

#[tokio::test]
async fn an_unknown_region_is_a_config_error_naming_the_fix() {
    let client = token_client().region("xx-moon-1").build().unwrap();
    let err = client.send(Request::new(&TABLED_LIST, "/v3/p/backups".into())).await.unwrap_err();
    let Error::Config(message) = &err else { panic!("{err:?}") };
    for part in ["taurusdb", "xx-moon-1", "endpoint override"] {
        assert!(message.contains(part), "{message}");
    }
    let err = token_client().build().unwrap().send(Request::new(&LIST, "/x".into())).await.unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("ges") && m.contains("region")), "{err:?}");
}

#[tokio::test]
async fn unsendable_input_is_refused_before_sending() {
    let count = Counter::default();
    let hits = count.clone();
    let router = axum::Router::new().fallback(move || {
        hits.hit();
        async { "{}" }
    });
    let client = token_client().endpoint("ges", base(serve(router).await)).build().unwrap();
    for path in ["/v2/p/graphs/%2E%2E/backups", "/v2/p/graphs/../backups", "/v2/a?b=c"] {
        let err = client.send(Request::new(&LIST, path.into())).await.unwrap_err();
        assert_eq!(err.violations().len(), 1, "{path}: {err:?}");
    }
    let mut request = Request::new(&LIST, "/v2/x".into());
    request.headers.push(("X-Language", "en-us\r\nX-Injected: 1".into()));
    let err = client.send(request).await.unwrap_err();
    assert_eq!(err.violations()[0].field, "X-Language");
    assert_eq!(count.get(), 0);
}

#[test]
fn the_builder_refuses_bad_configuration() {
    let no_credentials = Client::builder().region("cn-north-4").build().unwrap_err();
    assert!(matches!(&no_credentials, Error::Config(m) if m.contains("credentials")), "{no_credentials:?}");
    assert!(token_client().region("evil.com/").build().is_err());
    assert!(token_client().endpoint("ges", "not a url").build().is_err());
    assert!(token_client().endpoint("ges", "ftp://127.0.0.1").build().is_err());
    assert!(token_client().total_timeout(std::time::Duration::ZERO).build().is_err());
    let password = Client::builder().credentials(Credentials::password("d", "u", "p")).build().unwrap_err();
    assert!(matches!(&password, Error::Config(m) if m.contains("scope")), "{password:?}");
}

#[test]
fn the_default_project_is_exposed_for_generated_code() {
    assert_eq!(token_client().project_id("p-1").build().unwrap().project_id(), Some("p-1"));
    assert_eq!(token_client().build().unwrap().project_id(), None);
}
