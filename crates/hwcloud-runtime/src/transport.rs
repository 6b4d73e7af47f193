//! The client's own HTTP stack, with the settings users of the official SDKs have for it: a proxy (with
//! credentials), a custom CA bundle, a client certificate, switching TLS verification off, a User-Agent suffix.

use crate::client::USER_AGENT;
use crate::error::Error;
use crate::secret::Secret;
use http::HeaderValue;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// An HTTP(S) proxy every call goes through (the ECS metadata service excepted), optionally with basic
/// authentication. `Debug` never shows the password, also when it was given inside the URL.
#[derive(Clone)]
pub struct Proxy {
    /// The URL without user name and password, or why it is unusable (without quoting it).
    url: Result<String, String>,
    username: Option<String>,
    password: Option<Secret>,
}

impl Proxy {
    /// A proxy at `url`, e.g. `http://proxy.example.com:3128`; a user name and password in the URL
    /// (`http://user:password@host:port`) are taken as [`Proxy::basic_auth`].
    pub fn new(url: impl AsRef<str>) -> Self {
        let parsed = url::Url::parse(url.as_ref()).map_err(|e| format!("the proxy URL is not a valid URL ({e})"));
        let mut proxy = Proxy { url: Err(String::new()), username: None, password: None };
        proxy.url = parsed.and_then(|mut url| {
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                return Err("the proxy URL must be http:// or https:// with a host".to_owned());
            }
            let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
            if !url.username().is_empty() {
                proxy.username = Some(decode(url.username()));
                proxy.password = Some(Secret::new(url.password().map(decode).unwrap_or_default()));
            }
            // Both setters only fail for URLs without a host, refused above.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            Ok(url.as_str().trim_end_matches('/').to_owned())
        });
        proxy
    }

    /// Authenticates to the proxy with `Proxy-Authorization: Basic ...`.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self.password = Some(Secret::new(password));
        self
    }

    /// The proxy password, for masking it where a server echoes it.
    pub(crate) fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    fn to_reqwest(&self) -> Result<reqwest::Proxy, Error> {
        let url = self.url.as_ref().map_err(|why| Error::Config(why.clone()))?;
        let mut proxy =
            reqwest::Proxy::all(url).map_err(|e| Error::Config(format!("the proxy {url} cannot be used: {e}")))?;
        if let Some(username) = &self.username {
            proxy = proxy.basic_auth(username, self.password.as_ref().map(Secret::expose).unwrap_or_default());
        }
        Ok(proxy)
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &self.url.as_deref().unwrap_or("<invalid>"))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

/// What the client's own HTTP stack is built with.
#[derive(Debug, Clone, Default)]
pub(crate) struct HttpSettings {
    pub(crate) proxy: Option<Proxy>,
    pub(crate) ca_bundle: Option<PathBuf>,
    pub(crate) client_certificate: Option<(PathBuf, PathBuf)>,
    pub(crate) skip_tls_verification: bool,
}

impl HttpSettings {
    /// The names of the settings made, for refusing them next to a caller's own `reqwest::Client`.
    pub(crate) fn set_names(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        if self.proxy.is_some() {
            set.push("proxy");
        }
        if self.ca_bundle.is_some() {
            set.push("ca_bundle");
        }
        if self.client_certificate.is_some() {
            set.push("client_certificate");
        }
        if self.skip_tls_verification {
            set.push("danger_skip_tls_verification");
        }
        set
    }

    pub(crate) fn build(&self, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            // HTTP/1.1 like the official SDKs: the signed `Host` header is then exactly what the gateway sees.
            .http1_only()
            // These APIs never redirect, and following one would send the credentials (`X-Auth-Token`,
            // `X-Security-Token`, an IAM password login) wherever `Location` points: a 3xx is an error instead.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60));
        if let Some(proxy) = &self.proxy {
            builder = builder.proxy(proxy.to_reqwest()?);
        }
        if let Some(path) = &self.ca_bundle {
            let pem = read(path, "CA bundle")?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| Error::Config(format!("the CA bundle {} is not PEM certificates: {e}", path.display())))?;
            if certificates.is_empty() {
                return Err(Error::Config(format!("the CA bundle {} holds no certificate", path.display())));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        if let Some((certificate, key)) = &self.client_certificate {
            let mut pem = read(certificate, "client certificate")?;
            pem.push(b'\n');
            pem.extend(read(key, "client key")?);
            let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
                Error::Config(format!(
                    "the client certificate {} and key {} are not a PEM certificate and its private key: {e}",
                    certificate.display(),
                    key.display()
                ))
            })?;
            builder = builder.identity(identity);
        }
        if self.skip_tls_verification {
            tracing::warn!(
                "TLS certificate verification is OFF for this client: any server can pose as Huawei Cloud and read \
                 its credentials and data. Only use this against a test server you control."
            );
            builder = builder.danger_accept_invalid_certs(true);
        }
        builder.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }
}

/// The `User-Agent` of every request: ours, then the caller's suffix.
pub(crate) fn user_agent(suffix: Option<&str>) -> Result<HeaderValue, Error> {
    match suffix.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(HeaderValue::from_static(USER_AGENT)),
        Some(suffix) => HeaderValue::from_str(&format!("{USER_AGENT} {suffix}")).map_err(|_| {
            Error::Config("the User-Agent suffix cannot be sent in an HTTP header (control characters)".into())
        }),
    }
}

fn read(path: &PathBuf, what: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::Config(format!("cannot read the {what} {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_proxy_url_is_moved_out_and_never_shown() {
        let proxy = Proxy::new("http://alice:s%3Fcret@proxy.example.com:3128/");
        let shown = format!("{proxy:?}");
        assert!(shown.contains("http://proxy.example.com:3128") && shown.contains("alice"), "{shown}");
        assert!(!shown.contains("cret"), "{shown}");
        assert_eq!(proxy.password.as_ref().map(Secret::expose), Some("s?cret"));
        let bad = Proxy::new("http//no-scheme:secret@x");
        assert!(!format!("{bad:?}").contains("secret"));
        assert!(bad.to_reqwest().is_err());
    }

    #[test]
    fn the_user_agent_suffix_follows_ours() {
        assert_eq!(user_agent(Some("my-app/1.2")).unwrap().to_str().unwrap(), format!("{USER_AGENT} my-app/1.2"));
        assert_eq!(user_agent(None).unwrap(), USER_AGENT);
        assert!(user_agent(Some("a\r\nX-Evil: 1")).is_err());
    }
}
