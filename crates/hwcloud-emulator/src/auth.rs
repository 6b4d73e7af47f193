//! Who may call the services: AK/SK signatures checked exactly as the official SDKs compute them (through the
//! runtime's `sign` module), static tokens, and tokens issued by the emulator's own IAM endpoint.
//!
//! Secrets are never logged or echoed: refusals say what was wrong, never what was sent.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::http::{HeaderMap, Method, Uri};
use hwcloud_runtime::sign::{self, SignError};
use time::OffsetDateTime;

use crate::wire::header_str;

/// An access key pair the emulator accepts; with a security token it is a temporary one.
#[derive(Clone)]
pub(crate) struct AccessKey {
    pub(crate) ak: String,
    pub(crate) sk: String,
    pub(crate) security_token: Option<String>,
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("ak", &self.ak)
            .field("sk", &"***")
            .field("security_token", &self.security_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// A token issued by the IAM endpoint.
#[derive(Debug, Clone)]
pub(crate) struct IssuedToken {
    pub(crate) token: String,
    pub(crate) issued_at: OffsetDateTime,
    pub(crate) expires_at: OffsetDateTime,
}

/// The accepted credentials and the tokens issued so far.
pub(crate) struct Auth {
    static_tokens: Vec<String>,
    keys: Vec<AccessKey>,
    /// When set, a signature whose `X-Sdk-Date` is further than this from now is refused (replay protection).
    max_signature_age: Option<Duration>,
    issued: Mutex<HashMap<String, OffsetDateTime>>,
    /// Temporary keys handed out by the metadata service, by AK, with their expiry.
    temporary: Mutex<HashMap<String, (AccessKey, OffsetDateTime)>>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth").field("static_tokens", &self.static_tokens.len()).field("keys", &self.keys).finish()
    }
}

impl Auth {
    pub(crate) fn new(static_tokens: Vec<String>, keys: Vec<AccessKey>, max_signature_age: Option<Duration>) -> Self {
        Auth {
            static_tokens,
            keys,
            max_signature_age,
            issued: Mutex::new(HashMap::new()),
            temporary: Mutex::new(HashMap::new()),
        }
    }

    /// Issues a fresh temporary access key (with its security token) valid for `ttl`, forgetting expired ones.
    pub(crate) fn issue_temporary_key(&self, ttl: Duration) -> (AccessKey, OffsetDateTime) {
        let expires_at = OffsetDateTime::now_utc() + ttl;
        let key = AccessKey {
            ak: format!("TMP{}", crate::ids::hex(17).to_ascii_uppercase()),
            sk: crate::ids::hex(40),
            security_token: Some(crate::ids::token()),
        };
        let mut temporary = self.temporary.lock().unwrap_or_else(PoisonError::into_inner);
        let now = OffsetDateTime::now_utc();
        temporary.retain(|_, (_, expiry)| *expiry > now);
        temporary.insert(key.ak.clone(), (key.clone(), expires_at));
        (key, expires_at)
    }

    /// The key of `ak`: a configured one, or a temporary one that has not expired.
    fn key(&self, ak: &str) -> Result<AccessKey, String> {
        if let Some(key) = self.keys.iter().find(|k| k.ak == ak) {
            return Ok(key.clone());
        }
        let temporary = self.temporary.lock().unwrap_or_else(PoisonError::into_inner);
        match temporary.get(ak) {
            Some((key, expiry)) if *expiry > OffsetDateTime::now_utc() => Ok(key.clone()),
            Some(_) => Err("the temporary access key has expired".to_owned()),
            None => Err("Get secretKey failed (unknown access key)".to_owned()),
        }
    }

    /// Issues a fresh token valid for `ttl`, forgetting the ones that have expired.
    pub(crate) fn issue(&self, ttl: Duration) -> IssuedToken {
        let issued_at = OffsetDateTime::now_utc();
        let expires_at = issued_at + ttl;
        let token = crate::ids::token();
        let mut issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        issued.retain(|_, expiry| *expiry > issued_at);
        issued.insert(token.clone(), expires_at);
        IssuedToken { token, issued_at, expires_at }
    }

    /// Checks one request's credentials; `Err` says why it is refused (without quoting secrets).
    pub(crate) fn check(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
        if let Some(authorization) = header_str(headers, "authorization") {
            return self.check_signature(&authorization, method, uri, headers, body);
        }
        if let Some(token) = header_str(headers, "x-auth-token") {
            return self.check_token(&token);
        }
        Err("no credentials: send X-Auth-Token or an SDK-HMAC-SHA256 Authorization header".into())
    }

    fn check_token(&self, token: &str) -> Result<(), String> {
        if self.static_tokens.iter().any(|t| constant_time_eq(t, token)) {
            return Ok(());
        }
        let issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        match issued.iter().find(|(t, _)| constant_time_eq(t, token)) {
            Some((_, expiry)) if *expiry > OffsetDateTime::now_utc() => Ok(()),
            Some(_) => Err("the token has expired".into()),
            None => Err("the token is invalid".into()),
        }
    }

    fn check_signature(
        &self,
        authorization: &str,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), String> {
        let parsed = sign::parse_authorization(authorization).map_err(|e| e.to_string())?;
        let key = self.key(&parsed.access_key)?;
        let query = uri.query().unwrap_or("");
        sign::verify(&key.sk, method.as_str(), uri.path(), query, headers, body).map_err(|e| match e {
            SignError::Mismatch => "verify aksk signature fail".to_owned(),
            other => other.to_string(),
        })?;
        if let Some(max_age) = self.max_signature_age {
            check_freshness(header_str(headers, "x-sdk-date").as_deref().unwrap_or(""), max_age)?;
        }
        let sent = header_str(headers, "x-security-token");
        match (&key.security_token, sent) {
            (None, None) => Ok(()),
            (None, Some(_)) => Err("X-Security-Token sent with a permanent access key".into()),
            (Some(_), None) => Err("a temporary access key needs X-Security-Token".into()),
            (Some(expected), Some(sent)) => {
                let signed = parsed.signed_headers.split(';').any(|h| h == "x-security-token");
                if signed && constant_time_eq(expected, &sent) {
                    Ok(())
                } else {
                    Err("the security token is invalid or not signed".into())
                }
            }
        }
    }
}

/// Refuses an `X-Sdk-Date` (`20240101T000000Z`) further than `max_age` from now, in either direction.
fn check_freshness(sdk_date: &str, max_age: Duration) -> Result<(), String> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let signed_at = time::PrimitiveDateTime::parse(sdk_date.trim(), format)
        .map_err(|_| "X-Sdk-Date is not formatted yyyyMMddTHHmmssZ".to_owned())?
        .assume_utc();
    if (OffsetDateTime::now_utc() - signed_at).unsigned_abs() > max_age {
        return Err("the signature has expired (X-Sdk-Date is too far from now)".into());
    }
    Ok(())
}

/// Compares secrets without stopping at the first difference.
fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn signed_headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (k, v) in pairs {
            headers
                .insert(axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    /// Vector B1 of signing.md, produced by the official Python SDK.
    #[test]
    fn accepts_the_official_sdk_vector_and_refuses_a_tampered_one() {
        let keys = vec![AccessKey { ak: "AKTEST".into(), sk: "SKTEST".into(), security_token: None }];
        let auth = Auth::new(vec![], keys.clone(), None);
        let mut headers = signed_headers(&[
            ("content-type", "application/json"),
            ("x-sdk-date", "20240101T000000Z"),
            ("user-agent", "huaweicloud-usdk-python/3.0; test-agent"),
            ("x-project-id", "0123456789abcdef0123456789abcdef"),
            ("host", "ges.cn-north-4.myhuaweicloud.com"),
            (
                "authorization",
                "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, \
                 Signature=1171d8d10f82767bc660abe2c5464e00342e19a4c08b9068ecd22f7915ed1b5d",
            ),
        ]);
        let uri: Uri = "/v2/0123456789abcdef0123456789abcdef/graphs/g-1/backups?limit=2&offset=0".parse().unwrap();
        assert_eq!(auth.check(&Method::GET, &uri, &headers, b""), Ok(()));
        let other: Uri = "/v2/0123456789abcdef0123456789abcdef/graphs/g-1/backups?limit=3&offset=0".parse().unwrap();
        assert_eq!(auth.check(&Method::GET, &other, &headers, b"").unwrap_err(), "verify aksk signature fail");
        let strict = Auth::new(vec![], keys, Some(Duration::from_secs(900)));
        assert!(strict.check(&Method::GET, &uri, &headers, b"").unwrap_err().contains("expired"));
        headers.insert("x-auth-token", HeaderValue::from_static("ignored when signed"));
        assert!(auth.check(&Method::DELETE, &uri, &headers, b"").is_err());
    }

    #[test]
    fn tokens_static_issued_and_expired() {
        let auth = Auth::new(vec!["static".into()], vec![], None);
        let uri: Uri = "/".parse().unwrap();
        let check = |token: &str| auth.check(&Method::GET, &uri, &signed_headers(&[("x-auth-token", token)]), b"");
        assert!(check("static").is_ok());
        assert!(check("nope").is_err());
        let fresh = auth.issue(Duration::from_secs(60));
        assert!(check(&fresh.token).is_ok());
        let stale = auth.issue(Duration::ZERO);
        assert_eq!(check(&stale.token).unwrap_err(), "the token has expired");
        assert!(auth.check(&Method::GET, &uri, &HeaderMap::new(), b"").is_err());
    }
}
