//! Where calls go (overrides, variables, the regions file, regions) and what is refused before anything is sent.

use crate::support::{base, closed_port, hermetic, serve, Counter, GES, LIST};
use axum::http::Uri;
use hwcloud_runtime::{ClientBuilder, Credentials, Error, Method, OperationSpec, Request, ServiceSpec};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

static TABLED: ServiceSpec = ServiceSpec {
    name: "taurusdb",
    sdk_name: "GAUSSDB",
    regions: &[
        ("ap-southeast-1", "https://gaussdbformysql.ap-southeast-1.myhuaweicloud.com"),
        ("cn-north-4", "https://gaussdb.cn-north-4.myhuaweicloud.com"),
    ],
    global_endpoint: None,
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

fn token_client() -> ClientBuilder {
    hermetic().services(&[&TABLED]).credentials(Credentials::token("t"))
}

/// A builder reading its variables from `vars` instead of the process environment.
fn with_vars(vars: &[(&str, &str)]) -> ClientBuilder {
    let vars: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    token_client().env_lookup(move |name| vars.get(name).cloned())
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("hwcloud-endpoints-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn write(&self, relative: &str, text: &str) -> String {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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
fn regions_resolve_to_their_exact_hosts() {
    let client = token_client().region("cn-north-4").build().unwrap();
    assert_eq!(client.endpoint(&TABLED).unwrap(), "https://gaussdb.cn-north-4.myhuaweicloud.com");
    assert_eq!(client.endpoint(&GES).unwrap(), "https://ges.cn-north-4.myhuaweicloud.com");
    let client = token_client().region("ap-southeast-1").build().unwrap();
    assert_eq!(client.endpoint(&TABLED).unwrap(), "https://gaussdbformysql.ap-southeast-1.myhuaweicloud.com");
}

#[tokio::test]
async fn an_unknown_region_is_a_config_error_listing_the_known_ones() {
    let client = token_client().region("xx-moon-1").build().unwrap();
    let err = client.send(Request::new(&TABLED_LIST, "/v3/p/backups".into())).await.unwrap_err();
    let Error::Config(message) = &err else { panic!("{err:?}") };
    for part in ["taurusdb", "xx-moon-1", "ap-southeast-1, cn-north-4", "HUAWEICLOUD_SDK_REGION_GAUSSDB_XX_MOON_1"] {
        assert!(message.contains(part), "{part}: {message}");
    }
    let err = token_client().build().unwrap().send(Request::new(&LIST, "/x".into())).await.unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("ges") && m.contains("region")), "{err:?}");
}

#[test]
fn the_region_variable_beats_the_regions_file_which_beats_the_table() {
    let dir = TempDir::new("order");
    let file = dir.write(
        "regions.yaml",
        "GES:\n  - id: cn-north-4\n    endpoint: http://127.0.0.1:2\nGAUSSDB:\n  - id: cn-north-4\n    endpoints: [db.example.com, http://127.0.0.1:3]\n",
    );
    let client = with_vars(&[
        ("HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4", "http://127.0.0.1:1, http://127.0.0.1:9"),
        ("HUAWEICLOUD_SDK_REGIONS_FILE", &file),
    ])
    .region("cn-north-4")
    .endpoint("taurusdb", "http://127.0.0.1:4")
    .build()
    .unwrap();
    assert_eq!(client.endpoint(&GES).unwrap(), "http://127.0.0.1:1", "the variable's first endpoint");
    assert_eq!(client.endpoint(&TABLED).unwrap(), "http://127.0.0.1:4", "code overrides everything");

    let client = with_vars(&[("HUAWEICLOUD_SDK_REGIONS_FILE", &file)]).region("cn-north-4").build().unwrap();
    assert_eq!(client.endpoint(&GES).unwrap(), "http://127.0.0.1:2");
    assert_eq!(client.endpoint(&TABLED).unwrap(), "https://db.example.com", "no scheme means https");
    let client = with_vars(&[("HUAWEICLOUD_SDK_REGIONS_FILE", &file)]).region("ap-southeast-1").build().unwrap();
    assert_eq!(client.endpoint(&GES).unwrap(), "https://ges.ap-southeast-1.myhuaweicloud.com");
}

#[test]
fn the_home_regions_file_is_read_and_a_broken_one_refused_with_file_and_line() {
    let home = TempDir::new("home");
    let home_path = home.0.display().to_string();
    home.write(".huaweicloud/regions.yaml", "GES:\n  - id: cn-north-4\n    endpoint: http://127.0.0.1:5\n");
    let client = with_vars(&[("HOME", &home_path)]).region("cn-north-4").build().unwrap();
    assert_eq!(client.endpoint(&GES).unwrap(), "http://127.0.0.1:5");

    let path = home.write(".huaweicloud/regions.yaml", "GES:\n  - id: cn-north-4\n    endpiont: http://x\n");
    let err = with_vars(&[("HOME", &home_path)]).build().unwrap_err().to_string();
    assert!(err.contains(&format!("{path}:3")) && err.contains("endpiont"), "{err}");

    let err = with_vars(&[("HUAWEICLOUD_SDK_REGIONS_FILE", "/nonexistent/regions.yaml")]).build().unwrap_err();
    let err = err.to_string();
    assert!(err.contains("/nonexistent/regions.yaml") && err.contains("HUAWEICLOUD_SDK_REGIONS_FILE"), "{err}");
}

#[test]
fn iam_goes_to_the_variable_then_its_region_then_the_global_endpoint() {
    // The runtime's IAM spec is internal; endpoints are resolved by name, so a spec with the same name, region and
    // global endpoint shows where project lookups and token requests go.
    static IAM: ServiceSpec = ServiceSpec {
        name: "iam",
        sdk_name: "IAM",
        regions: &[("cn-north-4", "https://iam.cn-north-4.myhuaweicloud.com")],
        global_endpoint: Some("https://iam.myhuaweicloud.com"),
        errors: &[],
    };
    let client = with_vars(&[("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://127.0.0.1:7")]).region("cn-north-4").build();
    assert_eq!(client.unwrap().endpoint(&IAM).unwrap(), "http://127.0.0.1:7");
    assert_eq!(token_client().region("cn-north-4").build().unwrap().endpoint(&IAM).unwrap(), IAM.regions[0].1);
    assert_eq!(
        token_client().region("xx-moon-1").build().unwrap().endpoint(&IAM).unwrap(),
        "https://iam.myhuaweicloud.com"
    );
}

#[test]
fn an_endpoint_name_that_is_no_service_is_refused_listing_the_names() {
    let err = token_client().endpoint("gse", "http://127.0.0.1:1").build().unwrap_err().to_string();
    for part in ["`gse` is no service", "ges", "taurusdb", "iam", "metadata"] {
        assert!(err.contains(part), "{part}: {err}");
    }
    assert!(token_client()
        .endpoint("iam", "http://127.0.0.1:1")
        .endpoint("metadata", "http://127.0.0.1:2")
        .build()
        .is_ok());
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

#[tokio::test]
async fn without_any_credentials_the_first_call_says_which_providers_were_tried() {
    let metadata = base(closed_port().await);
    let client = hermetic().region("cn-north-4").endpoint("metadata", &metadata).endpoint("ges", &metadata).build();
    let err = client.unwrap().send(Request::new(&LIST, "/v2/x".into())).await.unwrap_err().to_string();
    for part in ["no credentials", "HUAWEICLOUD_SDK_AK", "profile file", &metadata, "did not answer"] {
        assert!(err.contains(part), "{part}: {err}");
    }
}

#[test]
fn the_builder_refuses_bad_configuration() {
    assert!(token_client().region("evil.com/").build().is_err());
    assert!(token_client().endpoint("ges", "not a url").build().is_err());
    assert!(token_client().endpoint("ges", "ftp://127.0.0.1").build().is_err());
    assert!(token_client().total_timeout(std::time::Duration::ZERO).build().is_err());
    let password = hermetic().credentials(Credentials::password("d", "u", "p")).build().unwrap_err();
    assert!(matches!(&password, Error::Config(m) if m.contains("scope")), "{password:?}");
    let half = with_vars(&[("HUAWEICLOUD_SDK_AK", "AK")]).credentials(Credentials::token("t"));
    assert!(half.build().is_ok(), "credentials in code: the environment's are not read");
    let half = hermetic().env_lookup(|name| (name == "HUAWEICLOUD_SDK_AK").then(|| "AK".to_owned())).build();
    assert!(matches!(&half, Err(Error::Config(m)) if m.contains("HUAWEICLOUD_SDK_SK is not set")), "{half:?}");
    let oidc =
        hermetic().env_lookup(|name| (name == "HUAWEICLOUD_OIDC_PROVIDER_URN").then(|| "urn".to_owned())).build();
    assert!(matches!(&oidc, Err(Error::Config(m)) if m.contains("not supported")), "{oidc:?}");
}

#[test]
fn the_default_project_is_exposed_for_generated_code() {
    assert_eq!(token_client().project_id("p-1").build().unwrap().project_id(), Some("p-1"));
    assert_eq!(token_client().build().unwrap().project_id(), None);
}
