//! The client and its configuration. Sending lives in [`crate::call`]; this module only decides what a client is.

use crate::auth::metadata::{MetadataSource, METADATA};
use crate::auth::token::TokenSource;
use crate::auth::{project, AkSk, Credentials, Kind, TokenScope};
use crate::config::vars::Vars;
use crate::config::{self, env, regions_file, Provided};
use crate::endpoint::{self, Endpoints, Sources};
use crate::error::Error;
use crate::operation::ServiceSpec;
use crate::redact::Redactor;
use crate::retry::RetryConfig;
use crate::secret::Secret;
use crate::transport::{self, HttpSettings, Proxy};
use http::HeaderValue;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

/// `User-Agent` of every request (followed by [`ClientBuilder::user_agent_suffix`], when set).
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

/// A configured connection to Huawei Cloud. Cheap to clone: clones share the connection pool, the token and key
/// caches and the resolved project id.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) project_id: Option<String>,
    /// The project id IAM named for the region, once looked up.
    resolved_project: OnceLock<String>,
    pub(crate) sources: Sources,
    /// Each service's endpoints, resolved on first use; a list, since a client calls a handful of services and
    /// every call looks its service up.
    endpoints: Mutex<Vec<(&'static str, Arc<Endpoints>)>>,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryConfig,
    pub(crate) auth: Auth,
    pub(crate) user_agent: HeaderValue,
    /// The largest success body read (see [`ClientBuilder::max_response_bytes`]).
    pub(crate) max_response_bytes: usize,
    /// Secrets held outside `auth` (the proxy password), masked like the credentials.
    secrets: Vec<Secret>,
    /// `http` was given with [`ClientBuilder::http_client`], so it may follow redirects.
    pub(crate) given_http: bool,
    /// The redactor of the secrets held, with the count of issued secrets it was built with.
    redactor: Mutex<Option<(u64, Arc<Redactor>)>>,
}

/// Credentials made ready for use (a password login becomes a token cache, the metadata service a key cache).
pub(crate) enum Auth {
    Token(Secret),
    Iam(TokenSource),
    AkSk(Arc<AkSk>),
    Metadata(MetadataSource),
}

/// A client type [`ClientBuilder`] can build: a wrapper of the runtime [`Client`] that names the services it
/// calls, so that [`ClientBuilder::endpoint`] can refuse names that are no service. The generated
/// `hwcloud::Client` implements it.
pub trait FromRuntime: From<Client> {
    /// The services the client calls.
    const SERVICES: &'static [&'static ServiceSpec];
}

impl FromRuntime for Client {
    const SERVICES: &'static [&'static ServiceSpec] = &[];
}

/// Endpoint names that are always valid: the runtime's own services.
const RUNTIME_SERVICES: &[&str] = &["iam", "metadata"];

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured like the official SDKs from the environment and the files they read (see
    /// [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::<Client>::from_env().build()
    }

    /// The project id calls fall back on when they do not name one: the configured one, else the one IAM named
    /// for the region once [`Client::resolve_project_id`] looked it up.
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref().or_else(|| self.inner.resolved_project.get().map(String::as_str))
    }

    /// The project id calls fall back on, looking it up first when needed: with AK/SK credentials, a region and no
    /// configured project id, IAM is asked once (`GET /v3/projects?name={region}`) for the region's project; the
    /// answer is cached per IAM endpoint, AK and region, and concurrent first calls share one lookup. `None` when
    /// no project id is configured and none can be looked up (token or password credentials, or no region).
    pub async fn resolve_project_id(&self) -> Result<Option<&str>, Error> {
        if let Some(project_id) = self.project_id() {
            return Ok(Some(project_id));
        }
        let Some(region) = self.region() else { return Ok(None) };
        let Some(key) = self.access_key().await? else { return Ok(None) };
        let id = project::lookup(self, &key.ak, region).await?;
        Ok(Some(self.inner.resolved_project.get_or_init(|| id)))
    }

    /// The region services are called in, when set.
    pub fn region(&self) -> Option<&str> {
        self.inner.sources.region.as_deref()
    }

    /// The base URL (no trailing `/`) calls to `service` go to now, first match wins: its
    /// [`ClientBuilder::endpoint`] override, `HUAWEICLOUD_SDK_REGION_{SDK_NAME}_{REGION}`, the regions file, the
    /// service's region table. With several endpoints, the one in use (see the crate docs on failover).
    pub fn endpoint(&self, service: &ServiceSpec) -> Result<String, Error> {
        Ok(self.endpoints_of(service)?.current().1.to_owned())
    }

    /// All endpoints of `service`, resolved on first use and kept for the client's life.
    pub(crate) fn endpoints_of(&self, service: &ServiceSpec) -> Result<Arc<Endpoints>, Error> {
        let mut cache = self.inner.endpoints.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, known)) = cache.iter().find(|(name, _)| *name == service.name) {
            return Ok(known.clone());
        }
        let resolved = Arc::new(Endpoints::new(endpoint::resolve(service, &self.inner.sources)?));
        cache.push((service.name, resolved.clone()));
        Ok(resolved)
    }

    /// The configured time limits.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// The configured retry policy.
    pub fn retry_config(&self) -> RetryConfig {
        self.inner.retry
    }

    /// Masks every secret the client holds (credentials, tokens and keys issued to it, the proxy password) in
    /// text that comes from a server. Built once and again only after new secrets were issued, since it runs on
    /// every response with a request id.
    pub(crate) fn redactor(&self) -> Arc<Redactor> {
        let issued = match &self.inner.auth {
            Auth::Iam(source) => source.issued(),
            Auth::Metadata(source) => source.issued(),
            Auth::Token(_) | Auth::AkSk(_) => 0,
        };
        let mut cache = self.inner.redactor.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, redactor)) = cache.as_ref().filter(|(built_with, _)| *built_with == issued) {
            return redactor.clone();
        }
        let mut secrets = self.inner.secrets.clone();
        match &self.inner.auth {
            Auth::Token(token) => secrets.push(token.clone()),
            Auth::Iam(source) => source.secrets(&mut secrets),
            Auth::AkSk(key) => secrets.extend([key.sk.clone()].into_iter().chain(key.security_token.clone())),
            Auth::Metadata(source) => source.secrets(&mut secrets),
        }
        let redactor = Arc::new(Redactor::new(&secrets));
        *cache = Some((issued, redactor.clone()));
        redactor
    }

    /// The access key requests are signed with now (fetched from the metadata service when it provides them);
    /// `None` for token and password credentials.
    pub(crate) async fn access_key(&self) -> Result<Option<Arc<AkSk>>, Error> {
        match &self.inner.auth {
            Auth::AkSk(key) => Ok(Some(key.clone())),
            Auth::Metadata(source) => {
                let base = self.endpoint(&METADATA)?;
                source.key(&base).await.map(Some)
            }
            Auth::Token(_) | Auth::Iam(_) => Ok(None),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("region", &inner.sources.region)
            .field("project_id", &self.project_id())
            .field("credentials", &inner.auth)
            .field("endpoints", &inner.sources.overrides)
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
            Auth::Metadata(source) => {
                f.debug_struct("EcsMetadata").field("fetches", &source.fetches()).finish_non_exhaustive()
            }
        }
    }
}

/// Configures a client: [`Client`], or a wrapper such as the generated `hwcloud::Client` (`C`), which
/// `hwcloud::Client::builder()` returns with every setter here.
///
/// Nothing is mandatory: without credentials, the official SDKs' providers are tried (environment, profile file,
/// ECS metadata); a region (or an endpoint per service) is needed before a call can be sent.
pub struct ClientBuilder<C = Client> {
    region: Option<String>,
    credentials: Option<Credentials>,
    project_id: Option<String>,
    endpoints: Vec<(String, String)>,
    timeouts: Timeouts,
    retry: RetryConfig,
    http: Option<reqwest::Client>,
    http_settings: HttpSettings,
    user_agent_suffix: Option<String>,
    max_response_bytes: usize,
    services: Vec<&'static ServiceSpec>,
    vars: Option<Vars>,
    /// Set by [`ClientBuilder::from_env`]: region and project id come from the environment when not set in code.
    read_env: bool,
    builds: PhantomData<fn() -> C>,
}

impl ClientBuilder {
    /// A builder of a runtime [`Client`] with default timeouts and retries and nothing else set.
    pub fn new() -> Self {
        ClientBuilder::default()
    }
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
            http_settings: HttpSettings::default(),
            user_agent_suffix: None,
            max_response_bytes: crate::body::DEFAULT_MAX_RESPONSE_BYTES,
            services: Vec::new(),
            vars: None,
            read_env: false,
            builds: PhantomData,
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
            http_settings: self.http_settings.clone(),
            user_agent_suffix: self.user_agent_suffix.clone(),
            max_response_bytes: self.max_response_bytes,
            services: self.services.clone(),
            vars: self.vars.clone(),
            read_env: self.read_env,
            builds: PhantomData,
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
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("http", &self.http_settings)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("from_env", &self.read_env)
            .finish_non_exhaustive()
    }
}

impl<C> ClientBuilder<C> {
    /// A builder that also takes the region from `HUAWEICLOUD_SDK_REGION` and the project id from
    /// `HUAWEICLOUD_SDK_PROJECT_ID` when code sets none. Everything else is read as for any builder: endpoints
    /// from `HUAWEICLOUD_SDK_REGION_{SERVICE}_{REGION}` and the regions file, and, when code gives no credentials,
    /// the official SDKs' credential providers (see the crate docs, "Configuring like the official SDKs").
    pub fn from_env() -> Self {
        ClientBuilder { read_env: true, ..ClientBuilder::default() }
    }

    /// Reads configuration variables (and `HOME`, which locates `~/.huaweicloud/`) through `lookup` instead of the
    /// process environment: for tests, and for programs that keep their configuration elsewhere. `|_| None`
    /// makes a client that reads no variable and no file.
    pub fn env_lookup(mut self, lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.vars = Some(Vars::from_fn(lookup));
        self
    }

    /// The region services are called in, e.g. `cn-north-4`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// How the client authenticates. Without it, the official SDKs' providers are tried when the client is built.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The default project id (see [`Client::project_id`]). Without it, AK/SK clients look it up in IAM.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sends every call of `service` (its spec name, e.g. `ges`; `iam` for project lookups and token requests;
    /// `metadata` for the ECS metadata service) to `base_url` instead of the region's endpoint; any `http`/`https`
    /// URL, e.g. `http://127.0.0.1:8080`. A name that is no service makes [`ClientBuilder::build`] fail, listing
    /// the valid names.
    pub fn endpoint(mut self, service: impl Into<String>, base_url: impl Into<String>) -> Self {
        self.endpoints.push((service.into(), base_url.into()));
        self
    }

    /// Adds services whose names [`ClientBuilder::endpoint`] accepts, for a builder of the bare runtime
    /// [`Client`] (a generated client names its services itself through [`FromRuntime`]).
    pub fn services(mut self, services: &[&'static ServiceSpec]) -> Self {
        self.services.extend_from_slice(services);
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

    /// Uses this HTTP client instead of building one (its own connect timeout, proxy and TLS settings apply, so
    /// the proxy and TLS settings of this builder are refused next to it).
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`, as the client's own one is: these APIs never
    /// redirect, and reqwest's default policy follows up to 10 redirects, stripping only `Authorization` and
    /// cookies across hosts, so `X-Auth-Token`, `X-Security-Token` and an IAM password login would be sent to
    /// whatever address a `Location` names. With redirects off, a 3xx answer is an [`Error::Service`] naming the
    /// `Location`. An answer that comes from another URL than the one sent (a client that followed a redirect) is
    /// refused with [`Error::Transport`] and never used, but by then the request has gone there. Since the
    /// runtime cannot see a given client's redirect policy, a connect failure through it does not prove that
    /// nothing was sent (it may come from a redirect's target): a create that fails so is not sent again, and
    /// its error says the outcome is unknown. Do not enable
    /// reqwest's decompression features either: bodies are read as sent, and compressed ones are refused.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The largest success body a call reads (default 8 MiB, far above any documented answer). The body is read
    /// chunk by chunk and reading stops at the limit, with [`Error::ResponseTooLarge`]; error bodies are read up
    /// to 64 KiB whatever this says.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Sends every call through this proxy (the ECS metadata service excepted).
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.http_settings.proxy = Some(proxy);
        self
    }

    /// Also trusts the CA certificates of this PEM file (besides the built-in roots), e.g. a company's TLS proxy.
    pub fn ca_bundle(mut self, pem_file: impl Into<PathBuf>) -> Self {
        self.http_settings.ca_bundle = Some(pem_file.into());
        self
    }

    /// Presents this client certificate (PEM) with its private key (PEM) in TLS handshakes.
    pub fn client_certificate(mut self, certificate_pem: impl Into<PathBuf>, key_pem: impl Into<PathBuf>) -> Self {
        self.http_settings.client_certificate = Some((certificate_pem.into(), key_pem.into()));
        self
    }

    /// Switches TLS certificate verification off: any server can then pose as Huawei Cloud. For test servers
    /// only; building such a client logs a warning.
    pub fn danger_skip_tls_verification(mut self) -> Self {
        self.http_settings.skip_tls_verification = true;
        self
    }

    /// Appended to the `User-Agent` of every request, e.g. `my-backup-tool/1.2`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Checks the configuration, reads what it needs from the environment and files, and builds the client;
    /// nothing is sent yet.
    pub fn build(self) -> Result<C, Error>
    where
        C: FromRuntime,
    {
        let vars = self.vars.clone().unwrap_or_else(Vars::process);
        let (mut region, mut project_id) = (self.region, self.project_id);
        if self.read_env {
            region = region.or_else(|| vars.get(env::REGION));
            project_id = project_id.or_else(|| vars.get(env::PROJECT_ID));
        }
        let (provided, profile_iam) = match self.credentials {
            Some(credentials) => (Provided::Static(credentials), None),
            None => {
                let found = config::default_credentials(&vars)?;
                project_id = project_id.or(found.project_id);
                (found.provided, found.iam_endpoint)
            }
        };
        if let Some(region) = &region {
            endpoint::check_region(region)?;
        }
        if project_id.as_deref().is_some_and(|p| p.trim().is_empty()) {
            return Err(Error::Config("the project id is empty; leave it unset or give a project id".into()));
        }
        let known: Vec<&str> =
            C::SERVICES.iter().chain(&self.services).map(|s| s.name).chain(RUNTIME_SERVICES.iter().copied()).collect();
        let mut overrides = HashMap::new();
        for (service, base) in &self.endpoints {
            if !known.contains(&service.as_str()) {
                return Err(Error::Config(format!(
                    "`ClientBuilder::endpoint(\"{service}\", ..)`: `{service}` is no service; the services are {}",
                    known.join(", ")
                )));
            }
            overrides.insert(service.clone(), endpoint::parse_override(service, base)?);
        }
        let mut configured = HashMap::new();
        let iam = profile_iam.or_else(|| vars.get(env::IAM_ENDPOINT).map(|url| (url, env::IAM_ENDPOINT.to_owned())));
        if let Some((value, origin)) = iam {
            configured.insert("iam", endpoint::parse_list(&origin, &value)?);
        }
        if let Some(value) = vars.get(env::METADATA_ENDPOINT) {
            configured.insert("metadata", endpoint::parse_list(env::METADATA_ENDPOINT, &value)?);
        }
        let regions_file = regions_file::load(&vars)?;
        let Timeouts { connect, attempt, total } = self.timeouts;
        if connect.is_zero() || attempt.is_zero() || total.is_zero() {
            return Err(Error::Config(format!("timeouts must be positive, got {:?}", self.timeouts)));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::Config("max_response_bytes must be at least 1".into()));
        }
        if self.retry.max_attempts == 0 {
            return Err(Error::Config("retry.max_attempts must be at least 1 (1 disables retries)".into()));
        }
        let given_http = self.http.is_some();
        let http = match self.http {
            Some(http) => {
                let set = self.http_settings.set_names();
                if !set.is_empty() {
                    return Err(Error::Config(format!(
                        "{} cannot apply to an HTTP client given with `http_client`; configure them on that \
                         reqwest::Client instead",
                        set.join(", ")
                    )));
                }
                http
            }
            None => self.http_settings.build(connect)?,
        };
        let user_agent = transport::user_agent(self.user_agent_suffix.as_deref())?;
        let secrets = self.http_settings.proxy.iter().filter_map(Proxy::password).cloned().collect();
        let auth = match provided {
            Provided::Metadata { tried } => Auth::Metadata(MetadataSource::new(tried)?),
            Provided::Static(credentials) => match credentials.0 {
                Kind::Token(token) => Auth::Token(token),
                Kind::AkSk(key) => Auth::AkSk(Arc::new(key)),
                Kind::Password(login) => {
                    let scope = match (&login.scope, &project_id, &region) {
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
            },
        };
        let inner = Inner {
            http,
            project_id,
            resolved_project: OnceLock::new(),
            sources: Sources { region, overrides, configured, vars, regions_file },
            endpoints: Mutex::new(Vec::new()),
            timeouts: self.timeouts,
            retry: self.retry,
            auth,
            user_agent,
            max_response_bytes: self.max_response_bytes,
            secrets,
            given_http,
            redactor: Mutex::new(None),
        };
        Ok(C::from(Client { inner: Arc::new(inner) }))
    }
}
