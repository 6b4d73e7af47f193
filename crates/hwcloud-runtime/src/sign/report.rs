//! Signing one request described on the command line, showing every step (what the `sign` example prints).

use super::{sign_request, SignError, SignedRequest, SDK_DATE_HEADER};

/// Signs `method url` with the given headers and body at `sdk_date`, adding `Host` (with `:port` when the URL has
/// an explicit one) and `X-Sdk-Date` to the signed headers, as the official SDKs do.
///
/// The query of `url` is canonicalised (sorted and re-encoded) just as the client does before sending.
pub fn debug_report(
    ak: &str,
    sk: &str,
    sdk_date: &str,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<SignedRequest, SignError> {
    let parsed = url::Url::parse(url).map_err(|e| SignError::InvalidUrl(e.to_string()))?;
    let host = parsed.host_str().ok_or_else(|| SignError::InvalidUrl("the URL has no host".into()))?;
    let host = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let mut all: Vec<(String, String)> = headers.to_vec();
    let has = |all: &[(String, String)], name: &str| all.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    if !has(&all, "Host") {
        all.push(("Host".into(), host));
    }
    if !has(&all, SDK_DATE_HEADER) {
        all.push((SDK_DATE_HEADER.into(), sdk_date.to_owned()));
    }
    Ok(sign_request(ak, sk, method, parsed.path(), parsed.query().unwrap_or(""), &all, body))
}
