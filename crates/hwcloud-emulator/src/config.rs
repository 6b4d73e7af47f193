//! What an emulator starts with: addresses, the project and its resources, accepted credentials, job timing and
//! faults. Every default is valid under the documented rules, so a bare `Emulator::builder().start()` works.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::auth::AccessKey;
use crate::faults::FaultConfig;
use crate::iam::{IamProject, IamUser};
use crate::metadata::MetadataTokens;
use crate::server::Emulator;

/// The project every service serves by default: 32 letters and digits, as TaurusDB requires.
pub const DEFAULT_PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
/// The region name; IAM tokens scoped to the project of this name are accepted.
pub const DEFAULT_REGION: &str = "cn-north-4";
/// The graph seeded when none is given.
pub const DEFAULT_GRAPH_ID: &str = "4c5f882d-a813-4d78-a8e3-6d3212ddd121";
/// The GeminiDB instance seeded when none is given (GeminiDB instance ids end in `in06`).
pub const DEFAULT_GEMINIDB_INSTANCE_ID: &str = "a4d8ea2584e047439a667703c0684119in06";
/// The TaurusDB instance seeded when none is given (36 letters and digits ending in `in07`).
pub const DEFAULT_TAURUSDB_INSTANCE_ID: &str = "07033b125fd94a8a96896f8bcfee6ddain07";
/// The access key accepted when no AK/SK is configured.
pub const DEFAULT_AK: &str = "EMULATORACCESSKEY000";
/// The secret key of [`DEFAULT_AK`]; a well-known value for local tests only.
pub const DEFAULT_SK: &str = "emulator-secret-key-for-local-tests-only";
/// The IAM user (domain, name, password) accepted when none is configured; well-known values for local tests.
pub const DEFAULT_IAM_USER: (&str, &str, &str) = ("emulator-domain", "emulator-user", "emulator-password");
/// How long the metadata service's temporary keys stay valid unless configured.
pub const DEFAULT_METADATA_CREDENTIAL_TTL: Duration = Duration::from_secs(3600);
/// How long a job takes unless configured.
pub const DEFAULT_JOB_DURATION: Duration = Duration::from_millis(1000);

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// A listener could not bind its address.
    #[error("cannot listen for {service} on {addr}: {source}")]
    Bind {
        /// The service whose listener failed.
        service: &'static str,
        /// The address it tried.
        addr: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A seeded id or setting breaks the documented rules, so no client could use it.
    #[error("invalid emulator configuration: {0}")]
    InvalidConfig(String),
}

/// Configures and starts an [`Emulator`]; every setting has a working default.
#[derive(Clone)]
pub struct EmulatorBuilder {
    pub(crate) ges_addr: SocketAddr,
    pub(crate) geminidb_addr: SocketAddr,
    pub(crate) taurusdb_addr: SocketAddr,
    pub(crate) iam_addr: SocketAddr,
    /// Where the metadata service listens; `None` when it is not served.
    pub(crate) metadata_addr: Option<SocketAddr>,
    pub(crate) metadata_tokens: MetadataTokens,
    pub(crate) metadata_credential_ttl: Duration,
    pub(crate) iam_projects: Vec<IamProject>,
    pub(crate) project_id: String,
    pub(crate) region: String,
    pub(crate) graphs: Vec<String>,
    pub(crate) geminidb_instances: Vec<String>,
    pub(crate) taurusdb_instances: Vec<String>,
    pub(crate) tokens: Vec<String>,
    pub(crate) keys: Vec<AccessKey>,
    pub(crate) iam_users: Vec<IamUser>,
    pub(crate) token_ttl: Duration,
    pub(crate) max_signature_age: Option<Duration>,
    pub(crate) job_duration: Duration,
    pub(crate) faults: FaultConfig,
    pub(crate) fault_seed: Option<u64>,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("project_id", &self.project_id)
            .field("graphs", &self.graphs)
            .field("geminidb_instances", &self.geminidb_instances)
            .field("taurusdb_instances", &self.taurusdb_instances)
            .field("tokens", &self.tokens.len())
            .field("keys", &self.keys)
            .field("iam_users", &self.iam_users)
            .field("job_duration", &self.job_duration)
            .field("faults", &self.faults)
            .field("fault_seed", &self.fault_seed)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        let any_port = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        EmulatorBuilder {
            ges_addr: any_port,
            geminidb_addr: any_port,
            taurusdb_addr: any_port,
            iam_addr: any_port,
            metadata_addr: None,
            metadata_tokens: MetadataTokens::default(),
            metadata_credential_ttl: DEFAULT_METADATA_CREDENTIAL_TTL,
            iam_projects: Vec::new(),
            project_id: DEFAULT_PROJECT_ID.into(),
            region: DEFAULT_REGION.into(),
            graphs: Vec::new(),
            geminidb_instances: Vec::new(),
            taurusdb_instances: Vec::new(),
            tokens: Vec::new(),
            keys: Vec::new(),
            iam_users: Vec::new(),
            token_ttl: Duration::from_secs(24 * 3600),
            max_signature_age: None,
            job_duration: DEFAULT_JOB_DURATION,
            faults: FaultConfig::default(),
            fault_seed: None,
        }
    }
}

impl EmulatorBuilder {
    /// Where GES listens (default `127.0.0.1:0`, a free port).
    pub fn ges_addr(mut self, addr: SocketAddr) -> Self {
        self.ges_addr = addr;
        self
    }

    /// Where GeminiDB listens (default `127.0.0.1:0`).
    pub fn geminidb_addr(mut self, addr: SocketAddr) -> Self {
        self.geminidb_addr = addr;
        self
    }

    /// Where TaurusDB listens (default `127.0.0.1:0`).
    pub fn taurusdb_addr(mut self, addr: SocketAddr) -> Self {
        self.taurusdb_addr = addr;
        self
    }

    /// Where IAM listens (default `127.0.0.1:0`).
    pub fn iam_addr(mut self, addr: SocketAddr) -> Self {
        self.iam_addr = addr;
        self
    }

    /// Also serves the ECS metadata service's credential endpoints (`PUT /meta-data/latest/api/token`,
    /// `GET /openstack/latest/securitykey`) on a free port of 127.0.0.1 (see [`Emulator::metadata_url`]).
    pub fn metadata_service(mut self) -> Self {
        self.metadata_addr.get_or_insert(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        self
    }

    /// Serves the metadata service at `addr` (implies [`EmulatorBuilder::metadata_service`]).
    pub fn metadata_addr(mut self, addr: SocketAddr) -> Self {
        self.metadata_addr = Some(addr);
        self
    }

    /// Whether the metadata service issues session tokens and insists on them (default: issued, optional).
    pub fn metadata_tokens(mut self, tokens: MetadataTokens) -> Self {
        self.metadata_tokens = tokens;
        self
    }

    /// How long each temporary key from the metadata service stays valid (default one hour); the services refuse
    /// it afterwards.
    pub fn metadata_credential_ttl(mut self, ttl: Duration) -> Self {
        self.metadata_credential_ttl = ttl;
        self
    }

    /// Adds a project that `GET /v3/projects` lists besides the served one (repeatable), e.g. a second project
    /// named like the region, to make the region's project ambiguous.
    pub fn iam_project(mut self, name: impl Into<String>, id: impl Into<String>) -> Self {
        self.iam_projects.push(IamProject { name: name.into(), id: id.into() });
        self
    }

    /// The project served (32 letters and digits; default [`DEFAULT_PROJECT_ID`]).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = project_id.into();
        self
    }

    /// The region name (default `cn-north-4`): IAM accepts tokens scoped to the project of this name.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Seeds a graph (repeatable); without any, [`DEFAULT_GRAPH_ID`] is seeded.
    pub fn graph(mut self, id: impl Into<String>) -> Self {
        self.graphs.push(id.into());
        self
    }

    /// Seeds a GeminiDB instance (repeatable); without any, [`DEFAULT_GEMINIDB_INSTANCE_ID`] is seeded.
    pub fn geminidb_instance(mut self, id: impl Into<String>) -> Self {
        self.geminidb_instances.push(id.into());
        self
    }

    /// Seeds a TaurusDB instance (repeatable, 36 letters/digits ending in `in07`); without any,
    /// [`DEFAULT_TAURUSDB_INSTANCE_ID`] is seeded.
    pub fn taurusdb_instance(mut self, id: impl Into<String>) -> Self {
        self.taurusdb_instances.push(id.into());
        self
    }

    /// Accepts this `X-Auth-Token` value as is (repeatable).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens.push(token.into());
        self
    }

    /// Accepts requests signed with this access key pair (repeatable); without any, [`DEFAULT_AK`] /
    /// [`DEFAULT_SK`] are accepted.
    pub fn ak_sk(mut self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.keys.push(AccessKey { ak: ak.into(), sk: sk.into(), security_token: None });
        self
    }

    /// Accepts a temporary access key pair: requests must also send (and sign) `X-Security-Token`.
    pub fn temporary_ak_sk(
        mut self,
        ak: impl Into<String>,
        sk: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        self.keys.push(AccessKey { ak: ak.into(), sk: sk.into(), security_token: Some(security_token.into()) });
        self
    }

    /// An IAM user that may obtain tokens by password (repeatable); without any, [`DEFAULT_IAM_USER`] may.
    pub fn iam_user(mut self, domain: impl Into<String>, name: impl Into<String>, password: impl Into<String>) -> Self {
        self.iam_users.push(IamUser { domain: domain.into(), name: name.into(), password: password.into() });
        self
    }

    /// How long IAM tokens stay valid (default 24 hours, as documented).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Refuses AK/SK signatures whose `X-Sdk-Date` is further than `age` from now (off by default, so that
    /// requests signed at a fixed date, like the SDKs' test vectors, can be replayed).
    pub fn max_signature_age(mut self, age: Duration) -> Self {
        self.max_signature_age = Some(age);
        self
    }

    /// How long each job takes from pending to its end (default one second).
    pub fn job_duration(mut self, duration: Duration) -> Self {
        self.job_duration = duration;
        self
    }

    /// The faults to inject from the start (changeable later with [`Emulator::set_faults`]).
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    /// Draws fault decisions from this seed: the same seed and the same sequence of requests get the same
    /// faults (default: a random seed).
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.fault_seed = Some(seed);
        self
    }

    /// Binds every listener and starts serving.
    pub async fn start(self) -> Result<Emulator, StartError> {
        Emulator::start(self.with_defaults()?).await
    }

    /// Fills in the defaults and checks that every seeded id passes the documented rules.
    fn with_defaults(mut self) -> Result<Self, StartError> {
        fill(&mut self.graphs, DEFAULT_GRAPH_ID);
        fill(&mut self.geminidb_instances, DEFAULT_GEMINIDB_INSTANCE_ID);
        fill(&mut self.taurusdb_instances, DEFAULT_TAURUSDB_INSTANCE_ID);
        if self.keys.is_empty() {
            self = self.ak_sk(DEFAULT_AK, DEFAULT_SK);
        }
        if self.iam_users.is_empty() {
            let (domain, name, password) = DEFAULT_IAM_USER;
            self = self.iam_user(domain, name, password);
        }
        let alnum = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
        let invalid = |what: String| Err(StartError::InvalidConfig(what));
        if self.project_id.len() != 32 || !alnum(&self.project_id) {
            return invalid(format!("project id {:?} must be 32 letters and digits", self.project_id));
        }
        let ids = self.graphs.iter().chain(&self.geminidb_instances);
        if let Some(bad) = ids.into_iter().find(|id| id.is_empty() || id.contains('/')) {
            return invalid(format!("graph or instance id {bad:?} must be non-empty and contain no `/`"));
        }
        if let Some(bad) =
            self.taurusdb_instances.iter().find(|id| id.len() != 36 || !id.ends_with("in07") || !alnum(id))
        {
            return invalid(format!("TaurusDB instance id {bad:?} must be 36 letters and digits ending in `in07`"));
        }
        if self.faults.rates().iter().any(|r| !(0.0..=1.0).contains(r)) {
            return invalid("fault rates must be between 0.0 and 1.0".into());
        }
        Ok(self)
    }
}

fn fill(ids: &mut Vec<String>, default: &str) {
    if ids.is_empty() {
        ids.push(default.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_seeds_are_refused() {
        let filled = EmulatorBuilder::default().with_defaults().unwrap();
        assert_eq!(filled.taurusdb_instances, [DEFAULT_TAURUSDB_INSTANCE_ID]);
        assert_eq!(filled.keys.len(), 1);
        assert!(EmulatorBuilder::default().project_id("short").with_defaults().is_err());
        assert!(EmulatorBuilder::default().taurusdb_instance("abcin07").with_defaults().is_err());
        assert!(EmulatorBuilder::default().graph("a/b").with_defaults().is_err());
        let faults = FaultConfig { error_rate: 1.5, ..FaultConfig::default() };
        assert!(EmulatorBuilder::default().faults(faults).with_defaults().is_err());
    }
}
