//! The credential providers tried when code gives no credentials, in the official SDKs' order: environment, then
//! profile file, then the ECS metadata service (lazily: it is only asked when the first call needs a key).

use super::vars::Vars;
use super::{env, profile};
use crate::auth::Credentials;
use crate::error::Error;

/// Credentials as a provider found them.
#[derive(Debug)]
pub(crate) enum Provided {
    Static(Credentials),
    /// Temporary keys from the ECS metadata service; `tried` says which providers came up empty, for the error
    /// when the metadata service does not answer either.
    Metadata {
        tried: String,
    },
}

/// What the first provider that had credentials says.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) provided: Provided,
    pub(crate) project_id: Option<String>,
    /// The profile's `iam_endpoint`, with where it came from.
    pub(crate) iam_endpoint: Option<(String, String)>,
}

pub(crate) fn default_credentials(vars: &Vars) -> Result<Found, Error> {
    if let Some(set) = env::OIDC.iter().find(|name| vars.get(name).is_some()) {
        return Err(Error::Config(format!(
            "{set} is set: OIDC federation through STS is not supported yet, and the official SDKs would use it \
             before any other credentials; unset the HUAWEICLOUD_OIDC_* variables or give credentials in code"
        )));
    }
    match (vars.get(env::AK), vars.get(env::SK)) {
        (Some(ak), Some(sk)) => {
            let credentials = match vars.get(env::SECURITY_TOKEN) {
                Some(token) => Credentials::temporary_ak_sk(ak, sk, token),
                None => Credentials::ak_sk(ak, sk),
            };
            return Ok(Found {
                provided: Provided::Static(credentials),
                project_id: vars.get(env::PROJECT_ID),
                iam_endpoint: None,
            });
        }
        (Some(_), None) | (None, Some(_)) => {
            let missing = if vars.get(env::AK).is_none() { env::AK } else { env::SK };
            return Err(Error::Config(format!(
                "{missing} is not set while {} is; set both (and {} for a temporary key) or neither",
                if missing == env::AK { env::SK } else { env::AK },
                env::SECURITY_TOKEN
            )));
        }
        (None, None) => {}
    }
    if let Some(set) = [env::IDP_ID, env::ID_TOKEN_FILE].into_iter().find(|name| vars.get(name).is_some()) {
        return Err(Error::Config(format!(
            "{set} is set: federated id tokens are not supported yet; set {} and {} instead",
            env::AK,
            env::SK
        )));
    }
    if let Some(found) = profile::load(vars)? {
        let credentials = match found.security_token {
            Some(token) => Credentials::temporary_ak_sk(found.ak, found.sk.expose(), token.expose()),
            None => Credentials::ak_sk(found.ak, found.sk.expose()),
        };
        let origin = format!("iam_endpoint in the profile file {}", found.path.display());
        return Ok(Found {
            provided: Provided::Static(credentials),
            project_id: found.project_id.or_else(|| vars.get(env::PROJECT_ID)),
            iam_endpoint: found.iam_endpoint.map(|url| (url, origin)),
        });
    }
    let profile = match (vars.get(env::CREDENTIALS_FILE), vars.sdk_file("credentials")) {
        (Some(path), _) => path,
        (None, Some(path)) => path.display().to_string(),
        (None, None) => "~/.huaweicloud/credentials (no HOME)".to_owned(),
    };
    let tried = format!("{} and {} are not set, there is no profile file at {profile}", env::AK, env::SK);
    Ok(Found { provided: Provided::Metadata { tried }, project_id: vars.get(env::PROJECT_ID), iam_endpoint: None })
}
