//! AK/SK request signing (`SDK-HMAC-SHA256`), byte-identical to the official Huawei Cloud SDKs.
//!
//! The functions are pure so that both sides can share them: the client signs with [`sign_request`], and a server
//! (such as the emulator) recomputes the expected signature of a received request with [`expected_signature`] or
//! checks it with [`verify`]. [`debug_report`] shows every intermediate string for one request, which is what the
//! `sign` example prints.
//!
//! The steps, in the words of the official SDKs: the canonical request is
//! `METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nSHA256(body)`; the string to sign is
//! `SDK-HMAC-SHA256\n<X-Sdk-Date>\nSHA256(canonical request)`; the signature is `HMAC-SHA256(SK, string to sign)`.

mod report;
mod verify;

pub use report::debug_report;
pub use verify::{expected_signature, parse_authorization, verify, AuthorizationHeader, ExpectedSignature, SignError};

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use std::fmt;

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// The header carrying the signing time, `%Y%m%dT%H%M%SZ` in UTC.
pub const SDK_DATE_HEADER: &str = "X-Sdk-Date";

/// Everything except `A-Za-z0-9-_.~` is percent-encoded (upper-case hex), in paths and queries alike.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

const SDK_DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");

/// Formats a signing time as `X-Sdk-Date` wants it, e.g. `20240101T000000Z`.
pub fn sdk_date(at: time::OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    // The format only has numeric components, so formatting cannot fail for any representable date.
    utc.format(SDK_DATE_FORMAT).unwrap_or_default()
}

/// Percent-encodes a string keeping only `A-Za-z0-9-_.~`, as the signer does for path segments and query parts.
pub fn encode(value: &str) -> String {
    percent_encode(value.as_bytes(), UNRESERVED).to_string()
}

/// The canonical URI of a path as sent on the wire: percent-decoded, split on `/`, each segment re-encoded, and a
/// trailing `/` added. A `%2F` inside a parameter therefore canonicalises as a real `/`, as in the official SDKs.
pub fn canonical_uri(wire_path: &str) -> String {
    let decoded = percent_decode_str(wire_path).decode_utf8_lossy();
    // Written into one string: this runs on every signed request (and on every one the emulator checks).
    let mut uri = String::with_capacity(decoded.len() + 1);
    for (i, segment) in decoded.split('/').enumerate() {
        if i > 0 {
            uri.push('/');
        }
        uri.extend(percent_encode(segment.as_bytes(), UNRESERVED));
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query of raw (not encoded) pairs: sorted by key then value, both encoded, joined with `&`.
///
/// The client sends exactly this string as its query, so the server sees what was signed.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut sorted: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
    sorted.sort_unstable();
    encoded_query(&sorted)
}

/// [`canonical_query`] of pairs the caller owns, sorted in place instead of in a copy (the call path's version).
pub(crate) fn canonical_query_sorting<K: AsRef<str>, V: AsRef<str>>(pairs: &mut [(K, V)]) -> String {
    pairs.sort_unstable_by(|(k1, v1), (k2, v2)| (k1.as_ref(), v1.as_ref()).cmp(&(k2.as_ref(), v2.as_ref())));
    encoded_query(pairs)
}

/// Sorted pairs, encoded and joined with `&`.
fn encoded_query<K: AsRef<str>, V: AsRef<str>>(sorted: &[(K, V)]) -> String {
    let plain: usize = sorted.iter().map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 2).sum();
    let mut query = String::with_capacity(plain);
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            query.push('&');
        }
        query.extend(percent_encode(k.as_ref().as_bytes(), UNRESERVED));
        query.push('=');
        query.extend(percent_encode(v.as_ref().as_bytes(), UNRESERVED));
    }
    query
}

/// The canonical query of a query string as received (`a=1&b=x%20y`): decoded, then as [`canonical_query`].
///
/// Canonical strings come back unchanged, so the client may pass its wire query here too.
pub fn canonical_query_from_wire(wire_query: &str) -> String {
    let pairs: Vec<(String, String)> = wire_query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (
                percent_decode_str(k).decode_utf8_lossy().into_owned(),
                percent_decode_str(v).decode_utf8_lossy().into_owned(),
            )
        })
        .collect();
    canonical_query(&pairs)
}

/// The `SignedHeaders` list for a set of header names: lower-cased, those containing `_` left out, sorted,
/// duplicates removed, joined with `;`.
pub fn signed_headers<N: AsRef<str>>(names: impl IntoIterator<Item = N>) -> String {
    let mut names: Vec<String> =
        names.into_iter().map(|n| n.as_ref().to_ascii_lowercase()).filter(|n| !n.contains('_')).collect();
    names.sort_unstable();
    names.dedup();
    names.join(";")
}

/// Lower-case hex SHA-256 of the exact body bytes (the empty body included).
pub fn payload_hash(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The canonical request for the headers named in `signed_headers` (a `;`-separated list as produced by
/// [`signed_headers`]); header names are matched case-insensitively and values trimmed.
pub fn canonical_request<H: AsRef<str>, V: AsRef<str>>(
    method: &str,
    wire_path: &str,
    wire_query: &str,
    headers: &[(H, V)],
    signed_headers: &str,
    body: &[u8],
) -> String {
    let mut canonical_headers = String::new();
    for name in signed_headers.split(';').filter(|n| !n.is_empty()) {
        let value = header_value(headers, name).unwrap_or("");
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value.trim());
        canonical_headers.push('\n');
    }
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        canonical_uri(wire_path),
        canonical_query_from_wire(wire_query),
        canonical_headers,
        signed_headers,
        payload_hash(body)
    )
}

/// `SDK-HMAC-SHA256\n<sdk date>\n<hex SHA-256 of the canonical request>`.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{sdk_date}\n{}", hex::encode(Sha256::digest(canonical_request.as_bytes())))
}

/// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the secret key's bytes (no key derivation).
pub fn signature(sk: &str, string_to_sign: &str) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(sk.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The `Authorization` header value: `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<list>, Signature=<hex>`.
pub fn authorization(ak: &str, signed_headers: &str, signature: &str) -> String {
    format!("{ALGORITHM} Access={ak}, SignedHeaders={signed_headers}, Signature={signature}")
}

/// Every intermediate result of signing one request; `Display` prints them as the `sign` example does, with the
/// `Authorization` header on the last line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string that was HMAC'ed.
    pub string_to_sign: String,
    /// The `;`-separated signed header names.
    pub signed_headers: String,
    /// The hex signature.
    pub signature: String,
    /// The full `Authorization` header value.
    pub authorization: String,
}

impl fmt::Display for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "--- canonical request:\n{}", self.canonical_request)?;
        writeln!(f, "--- string to sign:\n{}", self.string_to_sign)?;
        write!(f, "Authorization: {}", self.authorization)
    }
}

/// Signs a request whose headers already include `Host` and `X-Sdk-Date` (and `X-Security-Token` /
/// `X-Project-Id` when used): every header without `_` in its name is signed.
pub fn sign_request<H: AsRef<str>, V: AsRef<str>>(
    ak: &str,
    sk: &str,
    method: &str,
    wire_path: &str,
    wire_query: &str,
    headers: &[(H, V)],
    body: &[u8],
) -> SignedRequest {
    let signed = signed_headers(headers.iter().map(|(name, _)| name.as_ref()));
    let canonical_request = canonical_request(method, wire_path, wire_query, headers, &signed, body);
    let date = header_value(headers, SDK_DATE_HEADER).unwrap_or("").trim();
    let string_to_sign = string_to_sign(date, &canonical_request);
    let signature = signature(sk, &string_to_sign);
    let authorization = authorization(ak, &signed, &signature);
    SignedRequest { canonical_request, string_to_sign, signed_headers: signed, signature, authorization }
}

fn header_value<'a, H: AsRef<str>, V: AsRef<str>>(headers: &'a [(H, V)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.as_ref().eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_decodes_splits_and_reencodes() {
        assert_eq!(canonical_uri("/v2/p/graphs/g%2F1/backups"), "/v2/p/graphs/g/1/backups/");
        assert_eq!(canonical_uri("/a%20b/c~d/"), "/a%20b/c~d/");
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/%E5%A4%87"), "/%E5%A4%87/");
    }

    #[test]
    fn query_is_sorted_and_encoded() {
        assert_eq!(canonical_query(&[("offset", "0"), ("limit", "2")]), "limit=2&offset=0");
        assert_eq!(canonical_query(&[("k", "b"), ("k", "a"), ("x y", "a/b")]), "k=a&k=b&x%20y=a%2Fb");
        assert_eq!(canonical_query_from_wire("b=2&a=x%2fy&flag"), "a=x%2Fy&b=2&flag=");
        let canonical = canonical_query(&[("name", "备份 1"), ("a", "~")]);
        assert_eq!(canonical_query_from_wire(&canonical), canonical);
        let mut owned = vec![("k", "b".to_owned()), ("x y", "a/b".into()), ("k", "a".into())];
        assert_eq!(canonical_query_sorting(&mut owned), "k=a&k=b&x%20y=a%2Fb");
    }

    #[test]
    fn signed_headers_skip_underscores() {
        assert_eq!(signed_headers(["X-Sdk-Date", "Host", "my_header", "Content-Type"]), "content-type;host;x-sdk-date");
    }

    #[test]
    fn sdk_date_format() {
        assert_eq!(sdk_date(time::macros::datetime!(2024-01-02 03:04:05 +08:00)), "20240101T190405Z");
    }
}
