//! The official SDKs' profile file (`~/.huaweicloud/credentials`, or the file `HUAWEICLOUD_SDK_CREDENTIALS_FILE`
//! names): INI with a `[basic]` section holding `ak`, `sk`, `project_id`, `security_token` and `iam_endpoint`.
//!
//! The parser is strict on purpose: a misspelt key or an unreadable file is an error naming the file and line,
//! never a silent fall-through to other credentials.

use super::env;
use super::vars::Vars;
use crate::error::Error;
use crate::secret::Secret;
use std::path::{Path, PathBuf};

/// The keys `[basic]` may hold.
const KEYS: &[&str] = &["ak", "sk", "project_id", "security_token", "iam_endpoint", "idp_id", "id_token_file"];

/// What `[basic]` of a profile file says.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub(crate) path: PathBuf,
    pub(crate) ak: String,
    pub(crate) sk: Secret,
    pub(crate) security_token: Option<Secret>,
    pub(crate) project_id: Option<String>,
    pub(crate) iam_endpoint: Option<String>,
}

/// The profile file, when there is one: the file named by `HUAWEICLOUD_SDK_CREDENTIALS_FILE` (which must exist),
/// else `~/.huaweicloud/credentials` (skipped when absent).
pub(crate) fn load(vars: &Vars) -> Result<Option<Profile>, Error> {
    let (path, required) = match vars.get(env::CREDENTIALS_FILE) {
        Some(path) => (PathBuf::from(path), true),
        None => match vars.sdk_file("credentials") {
            Some(path) => (path, false),
            None => return Ok(None),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(None),
        Err(e) => {
            let named = if required { format!(" (named by {})", env::CREDENTIALS_FILE) } else { String::new() };
            return Err(Error::Config(format!(
                "cannot read the profile file {}{named}: {e}; fix or remove it",
                path.display()
            )));
        }
    };
    parse(&path, &text).map(Some)
}

/// Parses a profile file's text; `path` is only for messages.
pub(crate) fn parse(path: &Path, text: &str) -> Result<Profile, Error> {
    let at = |line: usize, message: String| Error::Config(format!("profile file {}:{line}: {message}", path.display()));
    let mut section: Option<String> = None;
    let mut basic_line = None;
    let mut values: Vec<(&'static str, String, usize)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim().trim_start_matches('\u{feff}');
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let name = rest.strip_suffix(']').ok_or_else(|| {
                at(line, format!("section header {trimmed:?} has no closing `]`; write e.g. `[basic]`"))
            })?;
            let name = name.trim().to_owned();
            if name == "basic" {
                if basic_line.is_some() {
                    return Err(at(line, "a second [basic] section; keep one".into()));
                }
                basic_line = Some(line);
            }
            section = Some(name);
            continue;
        }
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(at(line, format!("expected `key = value`, found {:?}", shown(trimmed))));
        };
        let key = trimmed[..split].trim().to_ascii_lowercase();
        let value = trimmed[split + 1..].trim().to_owned();
        match section.as_deref() {
            None => return Err(at(line, format!("`{key}` is outside any section; put it under `[basic]`"))),
            // Other sections belong to other credential types of the official SDKs (e.g. `[global]`).
            Some(other) if other != "basic" => continue,
            Some(_) => {}
        }
        let Some(known) = KEYS.iter().copied().find(|k| *k == key) else {
            return Err(at(line, format!("unknown key `{key}` in [basic]; the keys are {}", KEYS.join(", "))));
        };
        if let Some((_, _, first)) = values.iter().find(|(k, _, _)| *k == known) {
            return Err(at(line, format!("`{known}` is set twice in [basic] (first on line {first}); keep one")));
        }
        if matches!(known, "idp_id" | "id_token_file") {
            return Err(at(
                line,
                format!(
                    "`{known}` (federated identity) is not supported yet; use `ak` and `sk` (and `security_token`)"
                ),
            ));
        }
        values.push((known, value, line));
    }
    let Some(basic_line) = basic_line else {
        return Err(Error::Config(format!(
            "profile file {} has no [basic] section; add one with `ak = ...` and `sk = ...`",
            path.display()
        )));
    };
    let take =
        |key: &str| values.iter().find(|(k, _, _)| *k == key).map(|(_, v, _)| v.clone()).filter(|v| !v.is_empty());
    let (Some(ak), Some(sk)) = (take("ak"), take("sk")) else {
        return Err(at(basic_line, "[basic] needs both `ak` and `sk`".into()));
    };
    Ok(Profile {
        path: path.to_owned(),
        ak,
        sk: Secret::new(sk),
        security_token: take("security_token").map(Secret::new),
        project_id: take("project_id"),
        iam_endpoint: take("iam_endpoint"),
    })
}

/// A line as quoted in an error: short, since a malformed line may hold a secret.
fn shown(line: &str) -> String {
    let mut short: String = line.chars().take(12).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Profile, String> {
        parse(Path::new("/home/u/.huaweicloud/credentials"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn basic_section_is_read_and_other_sections_are_left_alone() {
        let text = "# comment\n[global]\nak = other\ndomain_id = d\n\n[basic]\nAK = AK1\nsk: SK1\nproject_id = p1\n\
                    iam_endpoint = https://iam.example.com\n";
        let profile = parsed(text).unwrap();
        assert_eq!((profile.ak.as_str(), profile.sk.expose()), ("AK1", "SK1"));
        assert_eq!(profile.project_id.as_deref(), Some("p1"));
        assert_eq!(profile.iam_endpoint.as_deref(), Some("https://iam.example.com"));
        assert!(profile.security_token.is_none());
    }

    #[test]
    fn mistakes_name_file_and_line() {
        let err = parsed("[basic]\nak = A\nskk = S\n").unwrap_err();
        assert!(err.contains("/home/u/.huaweicloud/credentials:3") && err.contains("unknown key `skk`"), "{err}");
        let err = parsed("[basic]\nak = A\nak = B\nsk = S\n").unwrap_err();
        assert!(err.contains("credentials:3") && err.contains("set twice"), "{err}");
        let err = parsed("ak = A\n").unwrap_err();
        assert!(err.contains("credentials:1") && err.contains("outside any section"), "{err}");
        let err = parsed("[basic]\nak = A\n").unwrap_err();
        assert!(err.contains("credentials:1") && err.contains("both `ak` and `sk`"), "{err}");
        let err = parsed("[basic]\nsecret-without-equals\n").unwrap_err();
        assert!(err.contains("credentials:2") && !err.contains("secret-without-equals"), "{err}");
        let err = parsed("[basic]\nak = A\nsk = S\nidp_id = x\n").unwrap_err();
        assert!(err.contains("credentials:4") && err.contains("not supported"), "{err}");
        assert!(parsed("[global]\nak = A\n").unwrap_err().contains("no [basic] section"));
    }
}
