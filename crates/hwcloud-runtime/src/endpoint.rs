//! Which base URLs a service is called at, in the official SDKs' order: an override in code, the variable
//! `HUAWEICLOUD_SDK_REGION_{SERVICE}_{REGION}`, the regions file, then the spec's region table. Several endpoints
//! may be given; [`Endpoints`] remembers which one calls go to, so that a host that cannot be resolved or whose
//! TLS handshake fails is skipped by later calls too.

use crate::config::env;
use crate::config::regions_file::RegionsFile;
use crate::config::vars::Vars;
use crate::error::Error;
use crate::operation::ServiceSpec;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Everything endpoints are resolved from, captured when the client is built.
#[derive(Debug)]
pub(crate) struct Sources {
    pub(crate) region: Option<String>,
    /// `ClientBuilder::endpoint` overrides by service name, checked and normalised.
    pub(crate) overrides: HashMap<String, String>,
    /// Settings for runtime services that come from the environment or the profile (`iam`, `metadata`), checked
    /// and normalised; they rank below code overrides and above everything else.
    pub(crate) configured: HashMap<&'static str, Vec<String>>,
    pub(crate) vars: Vars,
    pub(crate) regions_file: Option<RegionsFile>,
}

/// The endpoints of one service and the one calls currently go to.
#[derive(Debug)]
pub(crate) struct Endpoints {
    bases: Vec<Base>,
    current: AtomicUsize,
}

/// One base URL, parsed once: every call's URL is built from it without parsing scheme and host again (parsing
/// a whole URL costs more than the rest of preparing a call).
#[derive(Debug)]
struct Base {
    text: String,
    /// The parsed URL and its `host[:port]` as signed, or why it does not parse.
    parsed: Result<(url::Url, String), String>,
}

impl Base {
    fn new(text: String) -> Self {
        let parsed = url::Url::parse(&text).map_err(|e| e.to_string()).map(|url| {
            let host = url.host_str().unwrap_or_default();
            let host = match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            };
            (url, host)
        });
        Base { text, parsed }
    }
}

impl Endpoints {
    pub(crate) fn new(urls: Vec<String>) -> Self {
        Endpoints { bases: urls.into_iter().map(Base::new).collect(), current: AtomicUsize::new(0) }
    }

    /// The index and base URL calls go to now.
    pub(crate) fn current(&self) -> (usize, &str) {
        let index = self.current.load(Ordering::Relaxed).min(self.bases.len().saturating_sub(1));
        (index, self.text(index))
    }

    /// Base URL `index` as configured.
    pub(crate) fn text(&self, index: usize) -> &str {
        self.bases.get(index).map(|b| b.text.as_str()).unwrap_or_default()
    }

    /// The `host[:port]` of endpoint `index`, as the `Host` header signs it.
    pub(crate) fn host(&self, index: usize) -> &str {
        match self.bases.get(index).map(|b| &b.parsed) {
            Some(Ok((_, host))) => host,
            _ => "",
        }
    }

    /// The URL of `path` (encoded, starting with `/`) and `query` (encoded, may be empty) at endpoint `index`:
    /// the same URL as parsing `{base}{path}?{query}`, with only path and query parsed. `Err` says why the base
    /// URL does not parse.
    pub(crate) fn url(&self, index: usize, path: &str, query: &str) -> Result<url::Url, String> {
        let (base, _) = match self.bases.get(index).map(|b| &b.parsed) {
            Some(Ok(parsed)) => parsed,
            Some(Err(why)) => return Err(why.clone()),
            None => return Err(url::ParseError::RelativeUrlWithoutBase.to_string()),
        };
        let mut url = base.clone();
        match base.path() {
            "/" => url.set_path(path),
            prefix => url.set_path(&format!("{prefix}{path}")),
        }
        url.set_query((!query.is_empty()).then_some(query));
        Ok(url)
    }

    /// Moves calls past endpoint `index` (which just failed): the next one, wrapping around. `None` when there is
    /// only one.
    pub(crate) fn fail_over(&self, index: usize) -> Option<(usize, &str)> {
        if self.bases.len() < 2 {
            return None;
        }
        let next = (index + 1) % self.bases.len();
        // Another call may have moved on already; either way calls now start at `next`.
        let _ = self.current.compare_exchange(index, next, Ordering::Relaxed, Ordering::Relaxed);
        Some((next, self.text(next)))
    }

    pub(crate) fn len(&self) -> usize {
        self.bases.len()
    }
}

/// The base URLs (no trailing `/`) of `service`, first match wins: code override, runtime setting from the
/// environment or profile, `HUAWEICLOUD_SDK_REGION_{SERVICE}_{REGION}`, the regions file, the region table, the
/// service's global endpoint.
pub(crate) fn resolve(service: &ServiceSpec, sources: &Sources) -> Result<Vec<String>, Error> {
    let name = service.name;
    if let Some(base) = sources.overrides.get(name) {
        return Ok(vec![base.clone()]);
    }
    if let Some(urls) = sources.configured.get(name) {
        return Ok(urls.clone());
    }
    let Some(region) = sources.region.as_deref() else {
        if let Some(global) = service.global_endpoint {
            return Ok(vec![global.to_owned()]);
        }
        return Err(Error::Config(format!(
            "no region is set, so there is no endpoint for service `{name}`; set one with \
             `ClientBuilder::region(..)` (or {}), or set an endpoint with `ClientBuilder::endpoint(\"{name}\", url)`",
            env::REGION
        )));
    };
    let variable = env::region_endpoint_variable(service.sdk_name, region);
    if let Some(value) = sources.vars.get(&variable) {
        return parse_list(&variable, &value);
    }
    if let Some(file) = &sources.regions_file {
        if let Some(urls) = file.endpoints(service.sdk_name, region) {
            let origin = format!("{} ({} / {region})", file.path.display(), service.sdk_name);
            return urls.iter().map(|url| parse_one(&origin, url)).collect();
        }
    }
    if let Some((_, url)) = service.regions.iter().find(|(r, _)| *r == region) {
        return Ok(vec![url.trim_end_matches('/').to_owned()]);
    }
    if let Some(global) = service.global_endpoint {
        return Ok(vec![global.to_owned()]);
    }
    let known: Vec<&str> = service.regions.iter().map(|(r, _)| *r).collect();
    Err(Error::Config(format!(
        "service `{name}` has no known endpoint for region `{region}`; its regions are {}. Set {variable}, add \
         `{}: [{{id: {region}, endpoint: URL}}]` to the regions file ({} or ~/.huaweicloud/regions.yaml), or call \
         `ClientBuilder::endpoint(\"{name}\", \"https://...\")`",
        if known.is_empty() { "none".to_owned() } else { known.join(", ") },
        service.sdk_name,
        env::REGIONS_FILE,
    )))
}

/// A comma-separated list of endpoints, as the environment variables hold them.
pub(crate) fn parse_list(origin: &str, value: &str) -> Result<Vec<String>, Error> {
    let urls: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|u| parse_one(origin, u))
        .collect::<Result<_, _>>()?;
    if urls.is_empty() {
        return Err(Error::Config(format!("{origin} lists no endpoint; give a URL such as https://host")));
    }
    Ok(urls)
}

/// One endpoint as the official SDKs read it: used as given when it starts with `http`, else with `https://` in
/// front.
fn parse_one(origin: &str, value: &str) -> Result<String, Error> {
    let value = value.trim();
    if value.starts_with("http") {
        parse_override(origin, value)
    } else {
        parse_override(origin, &format!("https://{value}"))
    }
}

/// Checks a base URL and normalises it (no trailing `/`); `origin` names where it came from (a service's override,
/// a variable, a file).
///
/// Any `http` or `https` URL is accepted, including `http://127.0.0.1:PORT` and URLs with a path prefix; a query
/// or fragment is refused since the request's own query is appended.
pub(crate) fn parse_override(origin: &str, base: &str) -> Result<String, Error> {
    let url = url::Url::parse(base)
        .map_err(|e| Error::Config(format!("endpoint for `{origin}` is not a valid URL ({e}): {base:?}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::Config(format!(
            "endpoint for `{origin}` must be an http:// or https:// URL with a host, got {base:?}"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!("endpoint for `{origin}` must not have a query or fragment, got {base:?}")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(format!("endpoint for `{origin}` must not hold a user name or password")));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A region fills a host name, so only the characters region ids use are accepted.
pub(crate) fn check_region(region: &str) -> Result<(), Error> {
    let valid = !region.is_empty()
        && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "region {region:?} is not a region id (lower-case letters, digits and `-`, e.g. `cn-north-4`)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static TAURUSDB: ServiceSpec = ServiceSpec {
        name: "taurusdb",
        sdk_name: "GAUSSDB",
        regions: &[
            ("ap-southeast-1", "https://gaussdbformysql.ap-southeast-1.myhuaweicloud.com"),
            ("cn-north-4", "https://gaussdb.cn-north-4.myhuaweicloud.com/"),
        ],
        global_endpoint: None,
        errors: &[],
    };
    static GLOBAL: ServiceSpec = ServiceSpec {
        name: "iam",
        sdk_name: "IAM",
        regions: &[("cn-north-4", "https://iam.cn-north-4.myhuaweicloud.com")],
        global_endpoint: Some("https://iam.myhuaweicloud.com"),
        errors: &[],
    };

    fn sources(region: Option<&str>, vars: &'static [(&'static str, &'static str)]) -> Sources {
        Sources {
            region: region.map(str::to_owned),
            overrides: HashMap::new(),
            configured: HashMap::new(),
            vars: Vars::from_fn(move |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())),
            regions_file: None,
        }
    }

    #[test]
    fn the_table_gives_exact_hosts() {
        let resolved = resolve(&TAURUSDB, &sources(Some("cn-north-4"), &[])).unwrap();
        assert_eq!(resolved, ["https://gaussdb.cn-north-4.myhuaweicloud.com"]);
        let resolved = resolve(&TAURUSDB, &sources(Some("ap-southeast-1"), &[])).unwrap();
        assert_eq!(resolved, ["https://gaussdbformysql.ap-southeast-1.myhuaweicloud.com"]);
    }

    #[test]
    fn an_unknown_region_lists_the_known_ones_and_the_fixes() {
        let err = resolve(&TAURUSDB, &sources(Some("xx-moon-1"), &[])).unwrap_err().to_string();
        for part in ["taurusdb", "xx-moon-1", "ap-southeast-1, cn-north-4", "HUAWEICLOUD_SDK_REGION_GAUSSDB_XX_MOON_1"]
        {
            assert!(err.contains(part), "{part}: {err}");
        }
        let err = resolve(&TAURUSDB, &sources(None, &[])).unwrap_err().to_string();
        assert!(err.contains("taurusdb") && err.contains("region"), "{err}");
    }

    #[test]
    fn a_global_service_falls_back_to_its_global_endpoint() {
        assert_eq!(resolve(&GLOBAL, &sources(Some("xx-moon-1"), &[])).unwrap(), ["https://iam.myhuaweicloud.com"]);
        assert_eq!(resolve(&GLOBAL, &sources(None, &[])).unwrap(), ["https://iam.myhuaweicloud.com"]);
        assert_eq!(
            resolve(&GLOBAL, &sources(Some("cn-north-4"), &[])).unwrap(),
            ["https://iam.cn-north-4.myhuaweicloud.com"]
        );
    }

    #[test]
    fn the_variable_beats_the_table_and_may_list_several() {
        let vars = &[("HUAWEICLOUD_SDK_REGION_GAUSSDB_CN_NORTH_4", " http://127.0.0.1:1/ , db.example.com ")];
        let resolved = resolve(&TAURUSDB, &sources(Some("cn-north-4"), vars)).unwrap();
        assert_eq!(resolved, ["http://127.0.0.1:1", "https://db.example.com"]);
        let bad = &[("HUAWEICLOUD_SDK_REGION_GAUSSDB_CN_NORTH_4", "http://x/?q=1")];
        let err = resolve(&TAURUSDB, &sources(Some("cn-north-4"), bad)).unwrap_err().to_string();
        assert!(err.contains("HUAWEICLOUD_SDK_REGION_GAUSSDB_CN_NORTH_4") && err.contains("query"), "{err}");
    }

    #[test]
    fn an_override_wins_and_is_normalised() {
        let mut sources = sources(Some("xx-moon-1"), &[]);
        sources.overrides.insert("taurusdb".into(), parse_override("taurusdb", "http://127.0.0.1:8080/").unwrap());
        assert_eq!(resolve(&TAURUSDB, &sources).unwrap(), ["http://127.0.0.1:8080"]);
        assert!(parse_override("ges", "ftp://x").is_err());
        assert!(parse_override("ges", "http://x/?a=1").is_err());
        assert!(parse_override("ges", "not a url").is_err());
        assert!(parse_override("ges", "http://user:pw@x").unwrap_err().to_string().find("pw").is_none());
    }

    #[test]
    fn failing_over_moves_every_later_call_too() {
        let endpoints = Endpoints::new(vec!["https://a".into(), "https://b".into()]);
        assert_eq!(endpoints.current(), (0, "https://a"));
        assert_eq!(endpoints.fail_over(0), Some((1, "https://b")));
        assert_eq!(endpoints.current(), (1, "https://b"));
        assert_eq!(Endpoints::new(vec!["https://a".into()]).fail_over(0), None);
    }

    #[test]
    fn a_url_built_from_the_parsed_base_is_the_url_parsed_whole() {
        let bases = ["http://127.0.0.1:8080", "https://h.example.com", "https://h.example.com:443", "http://[::1]:9"];
        let bases = bases.into_iter().chain(["https://h.example.com/prefix/v1", "https://h.example.com/a%20b"]);
        let paths = ["/v2/p/graphs/g%2F1/backups", "/v2/p/x y/%E5%A4%87", "/", "/v2/a\\b"];
        for base in bases {
            let endpoints = Endpoints::new(vec![base.to_owned()]);
            for path in paths {
                for query in ["", "a=1&b=x%20y", "k=%2F"] {
                    let whole =
                        if query.is_empty() { format!("{base}{path}") } else { format!("{base}{path}?{query}") };
                    let expected = url::Url::parse(&whole).unwrap();
                    assert_eq!(endpoints.url(0, path, query).unwrap(), expected, "{whole}");
                    let host = expected.host_str().unwrap();
                    let host = expected.port().map_or(host.to_owned(), |port| format!("{host}:{port}"));
                    assert_eq!(endpoints.host(0), host);
                }
            }
        }
        assert!(Endpoints::new(vec!["not a url".into()]).url(0, "/", "").is_err());
        assert!(Endpoints::new(Vec::new()).url(0, "/", "").is_err());
    }

    #[test]
    fn region_must_look_like_a_region() {
        assert!(check_region("cn-north-4").is_ok());
        assert!(check_region("evil.com/x").is_err());
        assert!(check_region("").is_err());
    }
}
