//! Odd inputs are refused before sending, as `InvalidInput` naming the parameter, with bounded messages: URLs
//! longer than gateways accept, a project id that no header can carry, a `..` path parameter.

use crate::support::{builder, hermetic, serve, Counter, CREATE, DELETE, LIST};
use hwcloud_runtime::{path, Credentials, Error, Request, MAX_URL_BYTES};

async fn counting_server() -> (std::net::SocketAddr, Counter) {
    let count = Counter::default();
    let hits = count.clone();
    let router = axum::Router::new().fallback(move || {
        hits.hit();
        async { "{}" }
    });
    (serve(router).await, count)
}

fn refused_field(err: &Error) -> (&str, &'static str) {
    match err.violations() {
        [one] => (one.field.as_str(), one.rule),
        other => panic!("expected one violation, got {other:?} in {err:?}"),
    }
}

#[tokio::test]
async fn a_url_longer_than_gateways_accept_is_refused_naming_the_parameter() {
    let (addr, count) = counting_server().await;
    let client = builder(addr).build().unwrap();
    let long = "g".repeat(100_000);

    let path = format!("/v2/p/graphs/{}/backups", path::segment(&CREATE, "graph_id", Some(&long)).unwrap());
    let err = client.send(Request::new(&CREATE, path)).await.unwrap_err();
    assert_eq!(refused_field(&err), ("graph_id", "url_length"));
    assert!(err.to_string().len() < 400, "a bounded message: {err}");

    let mut request = Request::new(&LIST, "/v2/p/graphs/backups".into());
    request.query.push(("backup_name", long.clone()));
    request.query.push(("limit", "10".into()));
    let err = client.send(request).await.unwrap_err();
    assert_eq!(refused_field(&err), ("backup_name", "url_length"));

    let just_fits = "a".repeat(MAX_URL_BYTES - "/v2/p/graphs/backups?q=".len());
    let mut request = Request::new(&LIST, "/v2/p/graphs/backups".into());
    request.query.push(("q", just_fits));
    client.send(request).await.unwrap();
    assert_eq!(count.get(), 1, "only the URL within the limit was sent");
}

#[tokio::test]
async fn a_project_id_with_a_line_break_is_refused_as_input_naming_it() {
    let (addr, count) = counting_server().await;
    let client = hermetic()
        .credentials(Credentials::ak_sk("AK-ID", "sk-secret-value"))
        .endpoint("ges", crate::support::base(addr))
        .build()
        .unwrap();
    let mut request = Request::new(&LIST, "/v2/p%0D%0AX/graphs/backups".into());
    request.project_id = Some("p\r\nX-Injected: 1".into());
    let err = client.send(request).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(refused_field(&err), ("project_id", "header_value"));
    assert_eq!(count.get(), 0);
}

#[test]
fn a_dot_dot_path_parameter_is_refused_naming_the_parameter() {
    for value in [".", ".."] {
        let err = path::segment(&DELETE, "backup_id", Some(value)).unwrap_err();
        assert_eq!(refused_field(&err), ("backup_id", "path_segment"));
    }
    assert_eq!(path::segment(&DELETE, "backup_id", Some("../x")).unwrap(), "..%2Fx");
}
