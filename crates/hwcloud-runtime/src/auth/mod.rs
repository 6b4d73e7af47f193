//! Who the client calls as: a static token, an IAM user's password (token fetched and renewed), or an AK/SK pair
//! that signs every request (given, or temporary from the ECS metadata service).

pub(crate) mod iam;
pub(crate) mod metadata;
pub(crate) mod project;
pub(crate) mod token;

use crate::config::env;
use crate::error::Error;
use crate::secret::Secret;
use std::fmt;

/// How a client authenticates; chosen once per client.
///
/// `Debug` never shows tokens, secret keys, passwords or security tokens.
#[derive(Clone)]
pub struct Credentials(pub(crate) Kind);

#[derive(Clone)]
pub(crate) enum Kind {
    Token(Secret),
    Password(Password),
    AkSk(AkSk),
}

/// An IAM user's password login.
#[derive(Clone)]
pub(crate) struct Password {
    pub(crate) domain_name: String,
    pub(crate) user_name: String,
    pub(crate) password: Secret,
    pub(crate) scope: Option<TokenScope>,
}

/// An access key pair, permanent or temporary.
#[derive(Clone)]
pub(crate) struct AkSk {
    pub(crate) ak: String,
    pub(crate) sk: Secret,
    pub(crate) security_token: Option<Secret>,
}

/// What an IAM token obtained by password is valid for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenScope {
    /// A project, by id.
    ProjectId(String),
    /// A project, by name (on Huawei Cloud the region's default project is named like the region, e.g. `cn-north-4`).
    ProjectName(String),
    /// The whole account (domain), named like the user's domain; for global services.
    Domain,
}

impl Credentials {
    /// A token obtained elsewhere, sent as `X-Auth-Token`. It is never renewed: a 401 is returned as an error.
    pub fn token(token: impl Into<String>) -> Self {
        Credentials(Kind::Token(Secret::new(token)))
    }

    /// An IAM user's password: the client obtains a token from IAM (`POST /v3/auth/tokens`), caches it, renews it
    /// shortly before it expires and once when a call is refused with 401.
    ///
    /// The token is scoped to the client's project id when one is set, else to the project named like the region.
    pub fn password(domain_name: impl Into<String>, user_name: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials(Kind::Password(Password {
            domain_name: domain_name.into(),
            user_name: user_name.into(),
            password: Secret::new(password),
            scope: None,
        }))
    }

    /// Like [`Credentials::password`], with an explicit token scope.
    pub fn password_scoped(
        domain_name: impl Into<String>,
        user_name: impl Into<String>,
        password: impl Into<String>,
        scope: TokenScope,
    ) -> Self {
        let mut credentials = Self::password(domain_name, user_name, password);
        if let Kind::Password(p) = &mut credentials.0 {
            p.scope = Some(scope);
        }
        credentials
    }

    /// A permanent access key pair: every request is signed with SDK-HMAC-SHA256.
    pub fn ak_sk(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Credentials(Kind::AkSk(AkSk { ak: ak.into(), sk: Secret::new(sk), security_token: None }))
    }

    /// A temporary access key pair: signed like [`Credentials::ak_sk`], with `X-Security-Token` added and signed.
    pub fn temporary_ak_sk(ak: impl Into<String>, sk: impl Into<String>, security_token: impl Into<String>) -> Self {
        Credentials(Kind::AkSk(AkSk {
            ak: ak.into(),
            sk: Secret::new(sk),
            security_token: Some(Secret::new(security_token)),
        }))
    }

    /// AK/SK from `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` and (optional) `HUAWEICLOUD_SDK_SECURITY_TOKEN`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`Credentials::from_env`], reading variables through `lookup` (for tests and other configuration sources).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        match (get(env::AK), get(env::SK)) {
            (Some(ak), Some(sk)) => Ok(match get(env::SECURITY_TOKEN) {
                Some(token) => Self::temporary_ak_sk(ak, sk, token),
                None => Self::ak_sk(ak, sk),
            }),
            (ak, sk) => {
                let missing: Vec<&str> = [(env::AK, ak.is_none()), (env::SK, sk.is_none())]
                    .into_iter()
                    .filter(|m| m.1)
                    .map(|m| m.0)
                    .collect();
                Err(Error::Config(format!(
                    "no credentials in the environment: set {} (and {} for a temporary key)",
                    missing.join(" and "),
                    env::SECURITY_TOKEN
                )))
            }
        }
    }

    /// Which kind of credentials these are, for logs: `token`, `password` or `ak/sk`.
    pub fn kind(&self) -> &'static str {
        match &self.0 {
            Kind::Token(_) => "token",
            Kind::Password(_) => "password",
            Kind::AkSk(_) => "ak/sk",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Token(_) => f.debug_struct("Credentials::Token").field("token", &"***").finish(),
            Kind::Password(p) => f
                .debug_struct("Credentials::Password")
                .field("domain_name", &p.domain_name)
                .field("user_name", &p.user_name)
                .field("password", &"***")
                .field("scope", &p.scope)
                .finish(),
            Kind::AkSk(k) => f
                .debug_struct("Credentials::AkSk")
                .field("ak", &k.ak)
                .field("sk", &"***")
                .field("security_token", &k.security_token.as_ref().map(|_| "***"))
                .finish(),
        }
    }
}
