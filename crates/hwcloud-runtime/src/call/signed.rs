//! A request prepared and signed exactly as the call path would send it, but not sent: for dry runs and for
//! comparing a signature with what a server expects.

use super::Prepared;
use crate::client::Client;
use crate::error::Error;
use crate::operation::{Method, Request};
use bytes::Bytes;
use http::HeaderMap;
use std::fmt;
use std::time::Instant;

/// A request as it would go on the wire: method, URL, every header (authentication included) and body.
///
/// Credential headers (`X-Auth-Token`, `X-Security-Token`, `Authorization`) are marked sensitive
/// ([`http::HeaderValue::is_sensitive`]); `Debug` prints them as `***`.
pub struct SignedRequest {
    method: Method,
    url: url::Url,
    headers: HeaderMap,
    body: Option<Bytes>,
}

impl SignedRequest {
    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The full URL, query included (encoded and sorted as signed).
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// Every header in the order sent; credentials are marked sensitive.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, if the operation has one.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if value.is_sensitive() { "***" } else { value.to_str().unwrap_or("(binary)") };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &headers)
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish()
    }
}

impl Client {
    /// Prepares and authenticates `request` as the first attempt of [`Client::send`] would, without sending it:
    /// the endpoint is resolved, the query encoded and sorted, the default headers added, and the request signed
    /// (AK/SK) or given its token. Obtaining the token or temporary key may itself call IAM or the ECS metadata
    /// service, as a real call would; the request itself goes nowhere.
    pub async fn prepare_signed(&self, request: Request) -> Result<SignedRequest, Error> {
        let timeouts = self.inner.timeouts;
        let prepared: Prepared = self.prepare(request, Instant::now(), timeouts)?;
        let credential = match self.held_credential(true)? {
            Some(credential) => credential,
            None => self.fetched_credential(None).await?,
        };
        let (headers, _) = self.authorize(&prepared, credential)?;
        Ok(SignedRequest { method: prepared.op.method, url: prepared.url, headers, body: prepared.body })
    }
}

#[cfg(test)]
mod tests {
    use crate::operation::{Method, OperationSpec, Request, ServiceSpec};
    use crate::{sign, Client, Credentials};

    static SERVICE: ServiceSpec =
        ServiceSpec { name: "svc", sdk_name: "SVC", regions: &[], global_endpoint: None, errors: &[] };
    static OP: OperationSpec = OperationSpec {
        service: &SERVICE,
        name: "create",
        method: Method::Post,
        path_template: "/v1/{project_id}/things",
        success: &[200],
        idempotent: false,
        not_found: &[],
    };

    /// The signature verifies as a server checks it, the secret key appears nowhere, and nothing is connected to
    /// (the endpoint is a port nobody listens on).
    #[tokio::test]
    async fn a_signed_request_verifies_and_hides_credentials() {
        let client = Client::builder()
            .services(&[&SERVICE])
            .endpoint("svc", "http://127.0.0.1:9")
            .credentials(Credentials::ak_sk("AK-1", "SECRET-KEY-1"))
            .env_lookup(|_| None)
            .build()
            .unwrap();
        let mut request = Request::new(&OP, "/v1/p1/things".into());
        request.query.push(("b", "2 3".into()));
        request.query.push(("a", "1".into()));
        request.project_id = Some("p1".into());
        request.body = Some(bytes::Bytes::from_static(br#"{"name":"n"}"#));
        let signed = client.prepare_signed(request).await.unwrap();
        assert_eq!(signed.url(), "http://127.0.0.1:9/v1/p1/things?a=1&b=2%203");
        let url = url::Url::parse(signed.url()).unwrap();
        let body = signed.body().unwrap_or_default();
        let verified =
            sign::verify("SECRET-KEY-1", "POST", url.path(), url.query().unwrap_or(""), signed.headers(), body);
        assert_eq!(verified.unwrap().access_key, "AK-1");
        assert!(signed.headers()["authorization"].is_sensitive());
        assert_eq!(signed.headers()["x-project-id"], "p1");
        let shown = format!("{signed:?}");
        assert!(!shown.contains("SECRET-KEY-1") && !shown.contains("Signature=") && shown.contains("***"), "{shown}");
    }
}
