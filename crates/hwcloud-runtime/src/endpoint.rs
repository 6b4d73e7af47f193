//! Which base URL a service is called at: an explicit override, else the region's documented endpoint.

use crate::error::Error;
use crate::operation::ServiceSpec;
use std::collections::HashMap;

/// Checks a base URL given as an endpoint override and normalises it (no trailing `/`).
///
/// Any `http` or `https` URL is accepted, including `http://127.0.0.1:PORT` and URLs with a path prefix; a query
/// or fragment is refused since the request's own query is appended.
pub(crate) fn parse_override(service: &str, base: &str) -> Result<String, Error> {
    let url = url::Url::parse(base)
        .map_err(|e| Error::Config(format!("endpoint override for `{service}` is not a valid URL ({e}): {base:?}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::Config(format!(
            "endpoint override for `{service}` must be an http:// or https:// URL with a host, got {base:?}"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "endpoint override for `{service}` must not have a query or fragment, got {base:?}"
        )));
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

/// The base URL (no trailing `/`) for `service`: the override keyed by its name, else the region table, else the
/// region template.
pub(crate) fn resolve(
    service: &ServiceSpec,
    region: Option<&str>,
    overrides: &HashMap<String, String>,
) -> Result<String, Error> {
    if let Some(base) = overrides.get(service.name) {
        return Ok(base.clone());
    }
    let name = service.name;
    let Some(region) = region else {
        return Err(Error::Config(format!(
            "no region is set, so there is no endpoint for service `{name}`; set one with \
             `ClientBuilder::region(..)` or set an endpoint override with `ClientBuilder::endpoint(\"{name}\", url)`"
        )));
    };
    if let Some((_, url)) = service.endpoint_table.iter().find(|(r, _)| *r == region) {
        return Ok(url.trim_end_matches('/').to_owned());
    }
    if let Some(template) = service.endpoint_template {
        return Ok(template.replace("{region}", region).trim_end_matches('/').to_owned());
    }
    Err(Error::Config(format!(
        "service `{name}` has no known endpoint for region `{region}`; set an endpoint override with \
         `ClientBuilder::endpoint(\"{name}\", \"https://...\")`"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    static TABLE_ONLY: ServiceSpec = ServiceSpec {
        name: "taurusdb",
        endpoint_template: None,
        endpoint_table: &[("cn-north-4", "https://gaussdb.cn-north-4.myhuaweicloud.com/")],
        errors: &[],
    };
    static BOTH: ServiceSpec = ServiceSpec {
        name: "ges",
        endpoint_template: Some("https://ges.{region}.myhuaweicloud.com"),
        endpoint_table: &[("ap-southeast-1", "https://ges.ap-southeast-1.example.com")],
        errors: &[],
    };

    #[test]
    fn table_first_then_template() {
        let none = HashMap::new();
        assert_eq!(resolve(&BOTH, Some("ap-southeast-1"), &none).unwrap(), "https://ges.ap-southeast-1.example.com");
        assert_eq!(resolve(&BOTH, Some("cn-north-4"), &none).unwrap(), "https://ges.cn-north-4.myhuaweicloud.com");
        assert_eq!(
            resolve(&TABLE_ONLY, Some("cn-north-4"), &none).unwrap(),
            "https://gaussdb.cn-north-4.myhuaweicloud.com"
        );
    }

    #[test]
    fn unknown_region_names_service_region_and_fix() {
        let err = resolve(&TABLE_ONLY, Some("xx-moon-1"), &HashMap::new()).unwrap_err().to_string();
        assert!(err.contains("taurusdb") && err.contains("xx-moon-1") && err.contains("endpoint override"), "{err}");
        let err = resolve(&TABLE_ONLY, None, &HashMap::new()).unwrap_err().to_string();
        assert!(err.contains("taurusdb") && err.contains("region"), "{err}");
    }

    #[test]
    fn override_wins_and_is_normalised() {
        let mut overrides = HashMap::new();
        overrides.insert("taurusdb".to_owned(), parse_override("taurusdb", "http://127.0.0.1:8080/").unwrap());
        assert_eq!(resolve(&TABLE_ONLY, Some("xx-moon-1"), &overrides).unwrap(), "http://127.0.0.1:8080");
        assert!(parse_override("ges", "ftp://x").is_err());
        assert!(parse_override("ges", "http://x/?a=1").is_err());
        assert!(parse_override("ges", "not a url").is_err());
    }

    #[test]
    fn region_must_look_like_a_region() {
        assert!(check_region("cn-north-4").is_ok());
        assert!(check_region("evil.com/x").is_err());
        assert!(check_region("").is_err());
    }
}
