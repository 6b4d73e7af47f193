//! Which configuration a command runs with, and the library client built from it.
//!
//! The library resolves everything as the official SDKs do (`ClientBuilder::from_env()`). A profile is that same
//! setup kept in files: `~/.huaweicloud/hwc/<name>/credentials` is an official-SDK profile file (`[basic]` with
//! `ak`, `sk`, `project_id`) that takes the place of `~/.huaweicloud/credentials`, and `config.json` holds what
//! the official files have no key for (region, endpoints). Flags win over everything.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cli::Globals;
use crate::failure::Failure;

/// The variable naming a profile when `--profile` is not given.
pub const PROFILE_VARIABLE: &str = "HWC_PROFILE";

/// The official SDKs' variables (the library reads them; a profile overrides some).
const CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
const REGION: &str = "HUAWEICLOUD_SDK_REGION";
const KEY_VARIABLES: &[&str] =
    &["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_PROJECT_ID"];

/// `config.json` of a profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Service name → base URL, as `--endpoint` takes them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub endpoints: BTreeMap<String, String>,
}

/// The profile a command uses.
#[derive(Debug)]
pub struct Profile {
    pub name: String,
    pub dir: PathBuf,
    /// Named by `--profile` or `HWC_PROFILE` (then its keys win over the HUAWEICLOUD_SDK_AK/SK variables).
    pub explicit: bool,
    pub settings: Settings,
}

impl Profile {
    pub fn credentials_file(&self) -> PathBuf {
        self.dir.join("credentials")
    }
}

/// `~/.huaweicloud/hwc/<name>` (home from `HOME`, else `USERPROFILE`, as the library finds `~/.huaweicloud`).
pub fn profile_dir(name: &str) -> Result<PathBuf, Failure> {
    let valid =
        !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
    if !valid {
        return Err(Failure::input(
            "profile",
            "charset",
            "a profile name has 1–64 letters, digits, `-` or `_`".to_owned(),
        ));
    }
    let home = ["HOME", "USERPROFILE"].iter().find_map(|v| std::env::var(v).ok().filter(|h| !h.trim().is_empty()));
    let home =
        home.ok_or_else(|| Failure::Config("neither HOME nor USERPROFILE is set, so profiles have no home".into()))?;
    Ok(PathBuf::from(home).join(".huaweicloud").join("hwc").join(name))
}

/// The name `--profile` or `HWC_PROFILE` gives, else `default` (not explicit).
pub fn profile_name(globals: &Globals) -> (String, bool) {
    let named =
        globals.profile.clone().or_else(|| std::env::var(PROFILE_VARIABLE).ok().filter(|p| !p.trim().is_empty()));
    match named {
        Some(name) => (name, true),
        None => ("default".to_owned(), false),
    }
}

/// Reads a profile's `config.json`; absent is empty.
pub fn read_settings(profile_dir: &std::path::Path) -> Result<Settings, Failure> {
    let path = profile_dir.join("config.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| Failure::Config(format!("{}: {e}; fix it or run `hwc configure` again", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(Failure::Config(format!("cannot read {}: {e}", path.display()))),
    }
}

/// The profile in use: the one named (which must exist), else `default` when `hwc configure` wrote one.
pub fn selected(globals: &Globals) -> Result<Option<Profile>, Failure> {
    let (name, explicit) = profile_name(globals);
    let dir = profile_dir(&name)?;
    if !dir.is_dir() {
        if explicit {
            return Err(Failure::Config(format!(
                "there is no profile `{name}` ({} does not exist); write it with `hwc --profile {name} configure`",
                dir.display()
            )));
        }
        return Ok(None);
    }
    let settings = read_settings(&dir)?;
    Ok(Some(Profile { name, dir, explicit, settings }))
}

/// The library client for these options: flags, then the environment and the official files, with the profile in
/// the place of `~/.huaweicloud/credentials`.
pub fn client(globals: &Globals) -> Result<hwcloud::Client, Failure> {
    let profile = selected(globals)?;
    let mut overrides: HashMap<&'static str, Option<String>> = HashMap::new();
    let mut builder = hwcloud::ClientBuilder::from_env();
    if let Some(profile) = &profile {
        let file = profile.credentials_file();
        let user_named_a_file = std::env::var_os(CREDENTIALS_FILE).is_some();
        if file.is_file() && (profile.explicit || !user_named_a_file) {
            overrides.insert(CREDENTIALS_FILE, Some(file.display().to_string()));
        }
        if profile.explicit {
            for variable in KEY_VARIABLES {
                overrides.insert(variable, None);
            }
        }
        if globals.region.is_none() && std::env::var_os(REGION).is_none() {
            if let Some(region) = &profile.settings.region {
                builder = builder.region(region);
            }
        }
        for (service, url) in &profile.settings.endpoints {
            builder = builder.endpoint(service, url);
        }
    }
    builder = builder.env_lookup(move |name| match overrides.get(name) {
        Some(value) => value.clone(),
        None => std::env::var(name).ok(),
    });
    if let Some(region) = &globals.region {
        builder = builder.region(region);
    }
    if let Some(project_id) = &globals.project_id {
        builder = builder.project_id(project_id);
    }
    for (service, url) in &globals.endpoints {
        builder = builder.endpoint(service, url);
    }
    let client = builder.user_agent_suffix(concat!("hwc/", env!("CARGO_PKG_VERSION"))).build()?;
    if globals.debug {
        let from = profile.as_ref().map(|p| format!("profile `{}` ({})", p.name, p.dir.display()));
        eprintln!(
            "hwc: configuration from {}: {client:?}",
            from.unwrap_or_else(|| "the environment and the official SDK files".into())
        );
    }
    Ok(client)
}
