//! The server side of signing: recompute what a received request's signature should be.

use super::{canonical_request, signature, string_to_sign, ALGORITHM, SDK_DATE_HEADER};

/// Why a received request's signature could not be checked, or did not match.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// No `Authorization` header.
    #[error("missing Authorization header")]
    MissingAuthorization,
    /// The header is not `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`.
    #[error("malformed Authorization header: {0}")]
    MalformedAuthorization(String),
    /// No `X-Sdk-Date` header, so there is no signing time.
    #[error("missing X-Sdk-Date header")]
    MissingDate,
    /// The signature does not match the request.
    #[error("signature does not match the request")]
    Mismatch,
    /// A URL given to [`super::debug_report`] could not be parsed.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
}

/// The parts of an `Authorization: SDK-HMAC-SHA256 ...` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationHeader {
    /// The access key (AK) the client claims; the server looks its secret key up by it.
    pub access_key: String,
    /// The `;`-separated lower-case header names that were signed.
    pub signed_headers: String,
    /// The hex signature the client sent.
    pub signature: String,
}

/// Parses an `Authorization` header value.
pub fn parse_authorization(value: &str) -> Result<AuthorizationHeader, SignError> {
    let malformed = |why: &str| SignError::MalformedAuthorization(why.to_owned());
    let rest = value.trim().strip_prefix(ALGORITHM).ok_or_else(|| malformed("does not start with SDK-HMAC-SHA256"))?;
    if !rest.starts_with(' ') {
        return Err(malformed("expected a space after the algorithm"));
    }
    let (mut access_key, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=').ok_or_else(|| malformed("expected key=value parts"))?;
        let slot = match key {
            "Access" => &mut access_key,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(malformed("unknown part (expected Access, SignedHeaders, Signature)")),
        };
        *slot = Some(val.to_owned());
    }
    match (access_key, signed_headers, signature) {
        (Some(access_key), Some(signed_headers), Some(signature)) => {
            Ok(AuthorizationHeader { access_key, signed_headers, signature })
        }
        _ => Err(malformed("Access, SignedHeaders and Signature are all required")),
    }
}

/// What a received request's signature should have been, with the intermediate strings for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedSignature {
    /// The received `Authorization` header, parsed.
    pub authorization: AuthorizationHeader,
    /// The received `X-Sdk-Date`.
    pub sdk_date: String,
    /// The canonical request recomputed from what was received.
    pub canonical_request: String,
    /// The string to sign recomputed from it.
    pub string_to_sign: String,
    /// The signature the client should have sent.
    pub signature: String,
}

impl ExpectedSignature {
    /// Whether the received signature equals the expected one (compared in constant time).
    pub fn matches(&self) -> bool {
        let (a, b) = (self.signature.as_bytes(), self.authorization.signature.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// Recomputes the signature of a received request over the headers its `Authorization` header names.
///
/// `raw_path` and `raw_query` are as received (still percent-encoded, query without `?`); `sk` is the secret key
/// of `authorization.access_key` (parse the header first with [`parse_authorization`] to look it up).
pub fn expected_signature(
    sk: &str,
    method: &str,
    raw_path: &str,
    raw_query: &str,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<ExpectedSignature, SignError> {
    let authorization = header(headers, "authorization").ok_or(SignError::MissingAuthorization)?;
    let authorization = parse_authorization(&authorization)?;
    let sdk_date = header(headers, SDK_DATE_HEADER).ok_or(SignError::MissingDate)?.trim().to_owned();
    let signed: Vec<(String, String)> = authorization
        .signed_headers
        .split(';')
        .filter_map(|name| header(headers, name).map(|value| (name.to_owned(), value)))
        .collect();
    let canonical_request =
        canonical_request(method, raw_path, raw_query, &signed, &authorization.signed_headers, body);
    let string_to_sign = string_to_sign(&sdk_date, &canonical_request);
    let signature = signature(sk, &string_to_sign);
    Ok(ExpectedSignature { authorization, sdk_date, canonical_request, string_to_sign, signature })
}

/// Checks a received request's signature; `Ok` carries the parsed `Authorization` header.
pub fn verify(
    sk: &str,
    method: &str,
    raw_path: &str,
    raw_query: &str,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<AuthorizationHeader, SignError> {
    let expected = expected_signature(sk, method, raw_path, raw_query, headers, body)?;
    if expected.matches() {
        Ok(expected.authorization)
    } else {
        Err(SignError::Mismatch)
    }
}

/// A header's value as text (non-UTF-8 bytes replaced), or `None` when absent or an invalid name.
fn header(headers: &http::HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_sdk_header() {
        let h =
            parse_authorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=ab12").unwrap();
        assert_eq!(h.access_key, "AK");
        assert_eq!(h.signed_headers, "host;x-sdk-date");
        assert_eq!(h.signature, "ab12");
    }

    #[test]
    fn rejects_malformed_headers() {
        for bad in ["", "Bearer x", "SDK-HMAC-SHA256", "SDK-HMAC-SHA256 Access=AK", "SDK-HMAC-SHA256 Foo=1, Bar"] {
            assert!(parse_authorization(bad).is_err(), "{bad}");
        }
    }
}
