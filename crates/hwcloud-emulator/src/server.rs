//! The running emulator: one listener per service, each with its own accept loop, and the handle that controls
//! them (counters, faults, jobs) and stops them when dropped.
//!
//! The accept loop is hyper's rather than `axum::serve` so that a request can end without any response: when the
//! router marks a response with [`DropConnection`], the connection is closed instead of answered.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hwcloud_runtime::{ClientBuilder, Credentials, FromRuntime, OperationSpec};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::{AccessKey, Auth};
use crate::config::{EmulatorBuilder, StartError};
use crate::errors::Service;
use crate::faults::{Decision, DropConnection, FaultConfig, FaultCounts, Faults};
use crate::iam::{IamConfig, IamProject, IamUser};
use crate::metadata::Metadata;
use crate::metrics::Counters;
use crate::router::{App, AppState};
use crate::state::{Cloud, Resource, Store};

/// A running emulator. Dropping it stops every listener. `Debug` shows no token, secret key or password.
pub struct Emulator {
    pub(crate) app: AppState,
    urls: HashMap<&'static str, String>,
    region: String,
    graphs: Vec<String>,
    geminidb_instances: Vec<String>,
    taurusdb_instances: Vec<String>,
    tokens: Vec<String>,
    key: AccessKey,
    iam_user: IamUser,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Emulator {
    /// A builder with working defaults (free ports on 127.0.0.1, one graph and one instance per service).
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    pub(crate) async fn start(config: EmulatorBuilder) -> Result<Self, StartError> {
        let mut cloud = Cloud::new(config.project_id.clone(), config.job_duration);
        let named = |ids: &[String], prefix: &str| -> Vec<Resource> {
            ids.iter().map(|id| Resource { id: id.clone(), name: format!("{prefix}{}", short(id)) }).collect()
        };
        cloud.graphs = named(&config.graphs, "graph_");
        cloud.geminidb_instances = named(&config.geminidb_instances, "nosql-");
        cloud.taurusdb_instances = named(&config.taurusdb_instances, "taurus-");
        let app = Arc::new(App {
            store: Store::new(cloud),
            auth: Auth::new(config.tokens.clone(), config.keys.clone(), config.max_signature_age),
            faults: Faults::new(config.faults.clone(), config.fault_seed),
            counters: Counters::default(),
            iam: IamConfig {
                users: config.iam_users.clone(),
                token_ttl: config.token_ttl,
                project_id: config.project_id.clone(),
                project_name: config.region.clone(),
                projects: std::iter::once(IamProject { name: config.region.clone(), id: config.project_id.clone() })
                    .chain(config.iam_projects.iter().cloned())
                    .collect(),
            },
            metadata: Metadata::new(config.metadata_tokens, config.metadata_credential_ttl),
        });
        let mut listeners = vec![
            (Service::Ges, config.ges_addr, crate::ges::router(&app)),
            (Service::GeminiDb, config.geminidb_addr, crate::geminidb::router(&app)),
            (Service::TaurusDb, config.taurusdb_addr, crate::taurusdb::router(&app)),
            (Service::Iam, config.iam_addr, crate::iam::router(&app)),
        ];
        if let Some(addr) = config.metadata_addr {
            listeners.push((Service::Metadata, addr, crate::metadata::router(&app)));
        }
        let (shutdown, stop) = watch::channel(false);
        let mut urls = HashMap::new();
        let mut bound = Vec::new();
        for (service, addr, router) in listeners {
            let listener = TcpListener::bind(addr).await.map_err(|source| StartError::Bind {
                service: service.name(),
                addr,
                source,
            })?;
            let local =
                listener.local_addr().map_err(|source| StartError::Bind { service: service.name(), addr, source })?;
            urls.insert(service.name(), base_url(local));
            bound.push((listener, router));
        }
        let tasks =
            bound.into_iter().map(|(listener, router)| tokio::spawn(serve(listener, router, stop.clone()))).collect();
        let (domain, name, password) = config
            .iam_users
            .first()
            .map(|u| (u.domain.clone(), u.name.clone(), u.password.clone()))
            .unwrap_or_default();
        Ok(Emulator {
            app,
            urls,
            region: config.region,
            graphs: config.graphs,
            geminidb_instances: config.geminidb_instances,
            taurusdb_instances: config.taurusdb_instances,
            tokens: config.tokens,
            key: config.keys.first().cloned().unwrap_or(AccessKey {
                ak: String::new(),
                sk: String::new(),
                security_token: None,
            }),
            iam_user: IamUser { domain, name, password },
            shutdown,
            tasks,
        })
    }

    fn url(&self, service: Service) -> String {
        self.urls.get(service.name()).cloned().unwrap_or_default()
    }

    /// GES base URL, e.g. `http://127.0.0.1:41234`.
    pub fn ges_url(&self) -> String {
        self.url(Service::Ges)
    }

    /// GeminiDB base URL.
    pub fn geminidb_url(&self) -> String {
        self.url(Service::GeminiDb)
    }

    /// TaurusDB base URL.
    pub fn taurusdb_url(&self) -> String {
        self.url(Service::TaurusDb)
    }

    /// IAM base URL (`POST {iam_url}/v3/auth/tokens`).
    pub fn iam_url(&self) -> String {
        self.url(Service::Iam)
    }

    /// The metadata service's base URL (`{url}/openstack/latest/securitykey`), when it is served.
    pub fn metadata_url(&self) -> Option<String> {
        self.urls.get(Service::Metadata.name()).cloned()
    }

    /// `(service, base URL)` for ges, geminidb, taurusdb and iam, in that order, then metadata when served.
    pub fn urls(&self) -> Vec<(&'static str, String)> {
        let mut urls: Vec<(&'static str, String)> =
            [Service::Ges, Service::GeminiDb, Service::TaurusDb, Service::Iam].map(|s| (s.name(), self.url(s))).into();
        urls.extend(self.metadata_url().map(|url| (Service::Metadata.name(), url)));
        urls
    }

    /// The project every service serves.
    pub fn project_id(&self) -> String {
        self.app.store.lock().project_id.clone()
    }

    /// The region name given to clients.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The first seeded graph.
    pub fn graph_id(&self) -> &str {
        self.graphs.first().map(String::as_str).unwrap_or_default()
    }

    /// The first seeded GeminiDB instance.
    pub fn geminidb_instance_id(&self) -> &str {
        self.geminidb_instances.first().map(String::as_str).unwrap_or_default()
    }

    /// The first seeded TaurusDB instance.
    pub fn taurusdb_instance_id(&self) -> &str {
        self.taurusdb_instances.first().map(String::as_str).unwrap_or_default()
    }

    /// All seeded graphs.
    pub fn graph_ids(&self) -> &[String] {
        &self.graphs
    }

    /// The first configured static token, if any.
    pub fn static_token(&self) -> Option<&str> {
        self.tokens.first().map(String::as_str)
    }

    /// Credentials signing with the first accepted access key (temporary when it has a security token).
    pub fn ak_sk_credentials(&self) -> Credentials {
        let key = &self.key;
        match &key.security_token {
            Some(token) => Credentials::temporary_ak_sk(&key.ak, &key.sk, token),
            None => Credentials::ak_sk(&key.ak, &key.sk),
        }
    }

    /// Password credentials of the first IAM user.
    pub fn password_credentials(&self) -> Credentials {
        let user = &self.iam_user;
        Credentials::password(&user.domain, &user.name, &user.password)
    }

    /// A runtime client builder aimed at this emulator: endpoint overrides for ges, geminidb, taurusdb and iam,
    /// the project, the region, and AK/SK credentials ([`Emulator::ak_sk_credentials`]); override any of them.
    /// It reads no environment variable and no file under `~/.huaweicloud`, so that tests are hermetic.
    pub fn runtime_client_builder(&self) -> ClientBuilder {
        self.aimed_builder()
    }

    /// A [`hwcloud::Client`] builder aimed at this emulator, with the defaults of
    /// [`Emulator::runtime_client_builder`]; override any of them.
    pub fn client_builder(&self) -> hwcloud::ClientBuilder {
        self.aimed_builder()
    }

    fn aimed_builder<C: FromRuntime>(&self) -> ClientBuilder<C> {
        ClientBuilder::<C>::default()
            .services(<hwcloud::Client as FromRuntime>::SERVICES)
            .env_lookup(|_| None)
            .region(self.region.clone())
            .project_id(self.project_id())
            .endpoint("ges", self.ges_url())
            .endpoint("geminidb", self.geminidb_url())
            .endpoint("taurusdb", self.taurusdb_url())
            .endpoint("iam", self.iam_url())
            .credentials(self.ak_sk_credentials())
    }

    /// A [`hwcloud::Client`] on [`Emulator::client_builder`]'s defaults.
    pub fn client(&self) -> Result<hwcloud::Client, hwcloud::Error> {
        self.client_builder().build()
    }

    /// How many requests for `operation` of `service` reached the emulator (faulted and refused ones included).
    /// IAM's token requests count as `("iam", "keystone_create_user_token_by_password")`.
    pub fn request_count(&self, service: &str, operation: &str) -> u64 {
        self.app.counters.get(service, operation)
    }

    /// [`Emulator::request_count`] for a generated operation, e.g. `&hwcloud::ges::create_backup::OPERATION`.
    pub fn requests(&self, operation: &OperationSpec) -> u64 {
        self.request_count(operation.service.name, operation.name)
    }

    /// Every request received, by `service.operation` (unknown paths count as `service.unmatched`).
    pub fn request_counts(&self) -> HashMap<String, u64> {
        self.app.counters.snapshot()
    }

    /// The number of requests received, all services together.
    pub fn total_requests(&self) -> u64 {
        self.app.counters.total()
    }

    /// Sets every counter back to zero.
    pub fn reset_counters(&self) {
        self.app.counters.reset();
    }

    /// The faults in force.
    pub fn faults(&self) -> FaultConfig {
        self.app.faults.config()
    }

    /// Replaces the faults in force (rates are clamped to 0.0..=1.0).
    pub fn set_faults(&self, faults: FaultConfig) {
        self.app.faults.set(faults.clamped());
    }

    /// Draws every later fault decision from `seed` (see [`crate::EmulatorBuilder::fault_seed`]).
    pub fn set_fault_seed(&self, seed: u64) {
        self.app.faults.reseed(seed);
    }

    /// How many faults were injected so far, by kind.
    pub fn fault_counts(&self) -> FaultCounts {
        self.app.faults.counts()
    }

    /// The next `n` service requests are answered 503 without being processed (before the rates apply).
    pub fn fail_next_requests(&self, n: u32) {
        self.app.faults.next(Decision::Fail, n);
    }

    /// The next `n` service requests get their connection closed without an answer, without being processed.
    pub fn drop_next_requests(&self, n: u32) {
        self.app.faults.next(Decision::Drop, n);
    }

    /// The next `n` service requests are processed (a create creates, a delete deletes), then answered 503.
    pub fn fail_next_after_processing(&self, n: u32) {
        self.app.faults.next(Decision::FailAfter, n);
    }

    /// The next `n` service requests are processed, then their connection is closed without the answer: the
    /// work is done and the client never hears of it.
    pub fn drop_next_answers(&self, n: u32) {
        self.app.faults.next(Decision::DropAfter, n);
    }

    /// The next `n` jobs started (on any service) end in failure.
    pub fn fail_next_jobs(&self, n: u32) {
        self.app.store.lock().fail_next_jobs(n);
    }

    /// How long jobs started from now on take.
    pub fn set_job_duration(&self, duration: Duration) {
        self.app.store.lock().set_job_duration(duration);
    }

    /// Stops every listener (also done on drop).
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("urls", &self.urls())
            .field("region", &self.region)
            .field("project_id", &self.project_id())
            .field("graphs", &self.graphs)
            .field("geminidb_instances", &self.geminidb_instances)
            .field("taurusdb_instances", &self.taurusdb_instances)
            .field("static_tokens", &self.tokens.len())
            .field("key", &self.key)
            .field("iam_user", &self.iam_user)
            .field("faults", &self.faults())
            .finish_non_exhaustive()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A URL clients can reach: an unspecified bind address is reached through loopback.
fn base_url(addr: SocketAddr) -> String {
    let host = if addr.ip().is_unspecified() { Ipv4Addr::LOCALHOST.into() } else { addr.ip() };
    format!("http://{}", SocketAddr::new(host, addr.port()))
}

/// A short readable suffix for resource names.
fn short(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).take(4).collect()
}

/// Why a connection was closed without an answer (hyper closes the connection when the service errs).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

async fn serve(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    let service = TowerToHyperService::new(router);
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(err) => {
                tracing::warn!("accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let (service, mut stop) = (service.clone(), stop.clone());
        tokio::spawn(async move {
            let handler = hyper::service::service_fn(move |request| {
                let service = service.clone();
                async move {
                    let response = hyper::service::Service::call(&service, request).await.map_err(|e| match e {})?;
                    if response.extensions().get::<DropConnection>().is_some() {
                        return Err(Dropped);
                    }
                    Ok(response)
                }
            });
            let connection = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), handler);
            tokio::select! {
                _ = connection => {}
                _ = stop.changed() => {}
            }
        });
    }
}
