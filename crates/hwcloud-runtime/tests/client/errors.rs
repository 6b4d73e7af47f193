//! Service errors in every documented body shape, non-JSON bodies, and decoding of success bodies.

use crate::support::{builder, serve, Counter, CREATE, LIST};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use hwcloud_runtime::{decode, Error, Request, ResponseMeta};
use serde::Deserialize;

const SHAPES: &[(&str, &str)] = &[
    ("snake", r#"{"error_code": "DBS.200022", "error_msg": "The DB instance does not exist."}"#),
    ("camel_message", r#"{"errorCode": "DBS.200022", "errorMessage": "The DB instance does not exist."}"#),
    ("camel_msg", r#"{"errorCode": "DBS.200022", "errorMsg": "The DB instance does not exist."}"#),
    ("plain", r#"{"code": "DBS.200022", "message": "The DB instance does not exist."}"#),
    ("nested", r#"{"error": {"code": "DBS.200022", "message": "The DB instance does not exist.", "title": "x"}}"#),
    ("multiline", "{\"error_code\": \"DBS.200022\", \"error_msg\": \"The DB instance\\n  does not exist.\"}"),
];

async fn shape_server() -> std::net::SocketAddr {
    let mut router = axum::Router::new();
    for (name, body) in SHAPES {
        router = router.route(
            &format!("/{name}"),
            get(move || async move {
                let mut headers = HeaderMap::new();
                headers.insert("x-request-id", "req-123".parse().unwrap());
                (StatusCode::NOT_FOUND, headers, *body)
            }),
        );
    }
    serve(router).await
}

#[tokio::test]
async fn every_documented_error_shape_is_parsed() {
    let client = builder(shape_server().await).build().unwrap();
    for (name, _) in SHAPES {
        let err = client.send(Request::new(&LIST, format!("/{name}"))).await.unwrap_err();
        let service = err.as_service_error().unwrap_or_else(|| panic!("{name}: {err:?}"));
        assert_eq!(service.status, 404, "{name}");
        assert_eq!(service.operation.name, "list_backups");
        assert_eq!(service.code.as_deref(), Some("DBS.200022"), "{name}");
        assert_eq!(service.message.as_deref(), Some("The DB instance does not exist."), "{name}");
        assert_eq!(service.request_id.as_deref(), Some("req-123"), "{name}");
        let text = err.to_string();
        assert!(!text.contains('\n'), "{text}");
        for part in ["404", "DBS.200022", "The DB instance does not exist.", "req-123"] {
            assert!(text.contains(part), "{name}: {text}");
        }
    }
}

#[tokio::test]
async fn an_html_gateway_page_is_a_service_error_with_a_bounded_snippet() {
    let count = Counter::default();
    let hits = count.clone();
    let page =
        format!("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>{}</body></html>", "备".repeat(1000));
    let router = axum::Router::new().fallback(move || {
        hits.hit();
        let page = page.clone();
        async move {
            let mut headers = HeaderMap::new();
            headers.insert("x-openstack-request-id", "os-req-9".parse().unwrap());
            headers.insert("content-type", "text/html".parse().unwrap());
            (StatusCode::BAD_GATEWAY, headers, page).into_response()
        }
    });
    let client = builder(serve(router).await).build().unwrap();
    let err = client.send(Request::new(&CREATE, "/v2/p/graphs/g/backups".into())).await.unwrap_err();
    let Error::Service(service) = &err else { panic!("{err:?}") };
    assert_eq!(service.status, 502);
    assert_eq!((service.code.as_deref(), service.message.as_deref()), (None, None));
    assert_eq!(service.request_id.as_deref(), Some("os-req-9"));
    assert!(
        service.body_snippet.starts_with("<html>") && service.body_snippet.len() <= 512,
        "{}",
        service.body_snippet
    );
    let text = err.to_string();
    assert!(!text.contains('\n') && text.contains("502 Bad Gateway") && text.contains("os-req-9"), "{text}");
    assert_eq!(count.get(), 1, "a 502 on a create is not retried");
}

#[derive(Debug, Deserialize, PartialEq)]
struct Backups {
    #[serde(default)]
    backup_count: Option<i64>,
    #[serde(default)]
    backups: Vec<Backup>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Backup {
    id: String,
    size: i64,
}

#[tokio::test]
async fn bodies_decode_and_decoding_errors_say_where() {
    let router = axum::Router::new()
        .route(
            "/good",
            get(|| async {
                ([("x-request-id", "r-good")], r#"{"backup_count": 1, "backups": [{"id": "b1", "size": 3}]}"#)
            }),
        )
        .route(
            "/bad",
            get(|| async {
                ([("x-request-id", "r-bad")], r#"{"backups": [{"id": "b1", "size": 3}, {"id": "b2", "size": "big"}]}"#)
            }),
        )
        .route("/empty", get(|| async { "" }));
    let client = builder(serve(router).await).build().unwrap();

    let raw = client.send(Request::new(&LIST, "/good".into())).await.unwrap();
    let meta = ResponseMeta::from(&raw);
    assert_eq!((meta.status, meta.request_id.as_deref()), (200, Some("r-good")));
    let good: Backups = decode(&LIST, &raw).unwrap();
    assert_eq!(good.backups, vec![Backup { id: "b1".into(), size: 3 }]);

    let raw = client.send(Request::new(&LIST, "/bad".into())).await.unwrap();
    let err = decode::<Backups>(&LIST, &raw).unwrap_err();
    let Error::Decode { operation, status, request_id, path, .. } = &err else { panic!("{err:?}") };
    assert_eq!(
        (operation.name, *status, request_id.as_deref(), path.as_str()),
        ("list_backups", 200, Some("r-bad"), "backups[1].size")
    );
    assert!(err.to_string().contains("backups[1].size"), "{err}");

    let raw = client.send(Request::new(&LIST, "/empty".into())).await.unwrap();
    assert_eq!(decode::<Backups>(&LIST, &raw).unwrap(), Backups { backup_count: None, backups: vec![] });
}
