//! The client and its configuration. Sending lives in [`crate::call`]; this module only decides what a client is.

use crate::auth::token::TokenSource;
use crate::auth::{env, AkSk, Credentials, Kind, TokenScope};
use crate::endpoint;
use crate::error::Error;
use crate::operation::ServiceSpec;
use crate::retry::RetryConfig;
use crate::secret::Secret;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("hwcloud-rust/", env!("CARGO_PKG_VERSION"));

/// The time limits of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Establishing one connection (TCP + TLS). Only applies to the client's own HTTP stack, not to one given
    /// with [`ClientBuilder::http_client`].
    pub connect: Duration,
    /// One attempt: sending the request and reading the whole response.
    pub attempt: Duration,
    /// The whole call: all attempts, backoff waits and any token fetch.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(10), attempt: Duration::from_secs(30), total: Duration::from_secs(120) }
    }
}

impl Timeouts {
    /// Limit for establishing one connection.
    pub fn connect(mut self, limit: Duration) -> Self {
        self.connect = limit;
        self
    }

    /// Limit for one attempt.
    pub fn attempt(mut self, limit: Duration) -> Self {
        self.attempt = limit;
        self
    }

    /// Limit for the whole call, retries included.
    pub fn total(mut self, limit: Duration) -> Self {
        self.total = limit;
        self
    }
}

/// A configured connection to Huawei Cloud. Cheap to clone: clones share the connection pool and token cache.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) region: Option<String>,
    pub(crate) project_id: Option<String>,
    pub(crate) endpoints: HashMap<String, String>,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryConfig,
    pub(crate) auth: Auth,
}

/// Credentials made ready for use (a password login becomes a token cache).
pub(crate) enum Auth {
    Token(Secret),
    Iam(TokenSource),
    AkSk(AkSk),
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the official SDK environment variables (see [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::<Client>::from_env()?.build()
    }

    /// The default project id; generated code falls back on it when a call does not name a project.
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    /// The region services are called in, when set.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// The base URL (no trailing `/`) calls to `service` go to: its endpoint override, else its documented endpoint
    /// for the region.
    pub fn endpoint(&self, service: &ServiceSpec) -> Result<String, Error> {
        endpoint::resolve(service, self.inner.region.as_deref(), &self.inner.endpoints)
    }

    /// The configured time limits.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// The configured retry policy.
    pub fn retry_config(&self) -> RetryConfig {
        self.inner.retry
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("region", &inner.region)
            .field("project_id", &inner.project_id)
            .field("credentials", &inner.auth)
            .field("endpoints", &inner.endpoints)
            .field("timeouts", &inner.timeouts)
            .field("retry", &inner.retry)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Token(_) => f.write_str("Token(***)"),
            Auth::Iam(source) => f
                .debug_struct("Password")
                .field("domain_name", &source.login().domain_name)
                .field("user_name", &source.login().user_name)
                .field("scope", source.scope())
                .finish_non_exhaustive(),
            Auth::AkSk(k) => f
                .debug_struct("AkSk")
                .field("ak", &k.ak)
                .field("temporary", &k.security_token.is_some())
                .finish_non_exhaustive(),
        }
    }
}

/// A client type [`ClientBuilder`] can build: the runtime [`Client`], or a wrapper of it that names its services.
pub trait FromRuntime: From<Client> {
    /// The services the client calls.
    const SERVICES: &'static [&'static crate::operation::ServiceSpec];
}

impl FromRuntime for Client {
    const SERVICES: &'static [&'static crate::operation::ServiceSpec] = &[];
}

/// Configures a [`Client`] (or a client wrapping it). Only credentials are mandatory; a region (or an endpoint
/// override per service) is needed before a call can be sent.
pub struct ClientBuilder<C = Client> {
    region: Option<String>,
    credentials: Option<Credentials>,
    project_id: Option<String>,
    endpoints: Vec<(String, String)>,
    timeouts: Timeouts,
    retry: RetryConfig,
    http: Option<reqwest::Client>,
    builds: std::marker::PhantomData<fn() -> C>,
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            region: None,
            credentials: None,
            project_id: None,
            endpoints: Vec::new(),
            timeouts: Timeouts::default(),
            retry: RetryConfig::default(),
            http: None,
            builds: std::marker::PhantomData,
        }
    }
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            region: self.region.clone(),
            credentials: self.credentials.clone(),
            project_id: self.project_id.clone(),
            endpoints: self.endpoints.clone(),
            timeouts: self.timeouts,
            retry: self.retry,
            http: self.http.clone(),
            builds: std::marker::PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("project_id", &self.project_id)
            .field("endpoints", &self.endpoints)
            .finish_non_exhaustive()
    }
}

impl<C: FromRuntime> ClientBuilder<C> {
    /// A builder with default timeouts and retries and nothing else set.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// A builder filled from the official SDK environment variables: credentials from `HUAWEICLOUD_SDK_AK`,
    /// `HUAWEICLOUD_SDK_SK` (and `HUAWEICLOUD_SDK_SECURITY_TOKEN`), project from `HUAWEICLOUD_SDK_PROJECT_ID` and
    /// region from `HUAWEICLOUD_SDK_REGION`, the last two when set.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`ClientBuilder::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut builder = ClientBuilder::<C>::new().credentials(Credentials::from_lookup(&lookup)?);
        builder.project_id = get(env::PROJECT_ID);
        builder.region = get(env::REGION);
        Ok(builder)
    }

    /// The region services are called in, e.g. `cn-north-4`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// How the client authenticates.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The default project id (see [`Client::project_id`]).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sends every call of `service` (its spec name, e.g. `ges`, or `iam` for token requests) to `base_url`
    /// instead of the region's endpoint; any `http`/`https` URL, e.g. `http://127.0.0.1:8080`.
    pub fn endpoint(mut self, service: impl Into<String>, base_url: impl Into<String>) -> Self {
        self.endpoints.push((service.into(), base_url.into()));
        self
    }

    /// All time limits at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Limit for establishing one connection (default 10 s).
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.timeouts.connect = limit;
        self
    }

    /// Limit for one attempt (default 30 s).
    pub fn attempt_timeout(mut self, limit: Duration) -> Self {
        self.timeouts.attempt = limit;
        self
    }

    /// Limit for a whole call, retries included (default 120 s).
    pub fn total_timeout(mut self, limit: Duration) -> Self {
        self.timeouts.total = limit;
        self
    }

    /// The retry policy (default: 3 attempts, backoff from 200 ms up to 5 s).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Uses this HTTP client instead of building one (its own connect timeout, proxy and TLS settings apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the configuration and builds the client; nothing is sent yet.
    pub fn build(self) -> Result<C, Error> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(
                "no credentials: set them with `ClientBuilder::credentials(Credentials::...)` or read them from \
                 the environment with `ClientBuilder::from_env()`"
                    .into(),
            )
        })?;
        if let Some(region) = &self.region {
            endpoint::check_region(region)?;
        }
        if self.project_id.as_deref().is_some_and(|p| p.trim().is_empty()) {
            return Err(Error::Config("the project id is empty; leave it unset or give a project id".into()));
        }
        let mut endpoints = HashMap::new();
        for (service, base) in &self.endpoints {
            endpoints.insert(service.clone(), endpoint::parse_override(service, base)?);
        }
        let Timeouts { connect, attempt, total } = self.timeouts;
        if connect.is_zero() || attempt.is_zero() || total.is_zero() {
            return Err(Error::Config(format!("timeouts must be positive, got {:?}", self.timeouts)));
        }
        if self.retry.max_attempts == 0 {
            return Err(Error::Config("retry.max_attempts must be at least 1 (1 disables retries)".into()));
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .use_rustls_tls()
                // HTTP/1.1 like the official SDKs: the signed `Host` header is then exactly what the gateway sees.
                .http1_only()
                .connect_timeout(connect)
                .pool_idle_timeout(Duration::from_secs(60))
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let auth = match credentials.0 {
            Kind::Token(token) => Auth::Token(token),
            Kind::AkSk(key) => Auth::AkSk(key),
            Kind::Password(login) => {
                let scope = match (&login.scope, &self.project_id, &self.region) {
                    (Some(scope), _, _) => scope.clone(),
                    (None, Some(project), _) => TokenScope::ProjectId(project.clone()),
                    (None, None, Some(region)) => TokenScope::ProjectName(region.clone()),
                    (None, None, None) => {
                        return Err(Error::Config(
                            "password credentials need a token scope: set a project id or a region, or use \
                             `Credentials::password_scoped`"
                                .into(),
                        ))
                    }
                };
                Auth::Iam(TokenSource::new(login, scope))
            }
        };
        let inner = Inner {
            http,
            region: self.region,
            project_id: self.project_id,
            endpoints,
            timeouts: self.timeouts,
            retry: self.retry,
            auth,
        };
        Ok(C::from(Client { inner: Arc::new(inner) }))
    }
}
