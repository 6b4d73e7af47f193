//! The Huawei API Explorer definitions that `spec/` is audited against: which package and version each service is
//! pinned to (`apidefs/pins.yaml`) and the vendored copies of exactly the definitions of the operations in `spec/`
//! (`apidefs/<service>/<OperationId>.json`, byte for byte as in the package's `src/`).
//!
//! Vendored rather than read from cargo's cache: the audit then needs no network, no cargo cache and no build of
//! the packages (they depend on typify and chrono), it takes milliseconds (CI and the before-stop hook run it), and
//! a definition change shows up as a reviewed diff in the repository. Cargo is used only to fetch a new version
//! (`spec-audit --update`) or a definition that is not vendored yet (`spec-draft`); see `fetch.rs`.

pub mod definition;
pub mod fetch;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use definition::Definition;

/// The folder, relative to the workspace root.
pub const DIR: &str = "apidefs";
const PINS: &str = "pins.yaml";

/// One pinned package.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    pub package: String,
    pub version: String,
}

impl Pin {
    pub fn label(&self) -> String {
        format!("{} {}", self.package, self.version)
    }
}

/// Spec service name → pinned package.
pub type Pins = BTreeMap<String, Pin>;

pub fn read_pins(dir: &Path) -> Result<Pins, String> {
    let path = dir.join(PINS);
    let text = fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let pins: Pins = serde_yaml::from_str(&text).map_err(|e| {
        format!(
            "{}: {e}; write `<service>: {{ package: huawei-cloud-api-definitions-<X>, version: <v> }}`",
            path.display()
        )
    })?;
    for (service, pin) in &pins {
        if !pin.package.starts_with("huawei-cloud-api-definitions-") || pin.version.trim().is_empty() {
            return Err(format!(
                "{}: `{service}` pins `{}` `{}`; expected a huawei-cloud-api-definitions-<product> package and a version",
                path.display(),
                pin.package,
                pin.version
            ));
        }
    }
    Ok(pins)
}

pub fn write_pins(dir: &Path, pins: &Pins) -> Result<(), String> {
    let mut text = String::from(
        "# The Huawei API Explorer definition packages that `cargo xtask spec-audit` compares spec/ with, one per spec\n\
         # service. <service>/<OperationId>.json beside this file are verbatim copies of src/<OperationId>.json of these\n\
         # versions, for exactly the operations in spec/. `cargo xtask spec-audit --update <service>@<version>` rewrites\n\
         # this file and those copies; see spec/README.md.\n",
    );
    for (service, pin) in pins {
        text.push_str(&format!("{service}:\n  package: {}\n  version: \"{}\"\n", pin.package, pin.version));
    }
    let path = dir.join(PINS);
    fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// One vendored definition file.
#[derive(Debug, Clone)]
pub struct Vendored {
    /// As shown in messages: `apidefs/ges/CreateBackup2.json`.
    pub shown: PathBuf,
    pub definition: Definition,
}

/// Reads `dir/<service>/*.json`; unreadable or malformed files are returned as messages.
pub fn read_vendored(dir: &Path, shown: &Path, service: &str) -> (Vec<Vendored>, Vec<String>) {
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    let folder = dir.join(service);
    let entries = match fs::read_dir(&folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (found, problems),
        Err(e) => {
            problems.push(format!("cannot read {}: {e}", folder.display()));
            return (found, problems);
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let shown = shown.join(service).join(&name);
        if !name.ends_with(".json") {
            problems.push(format!("{}: unexpected file; only <OperationId>.json files belong here", shown.display()));
            continue;
        }
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{}: cannot read: {e}", shown.display()));
                continue;
            }
        };
        match definition::parse(&text) {
            Ok(definition) => found.push(Vendored { shown, definition }),
            Err(e) => problems.push(format!("{}: {e}", shown.display())),
        }
    }
    (found, problems)
}

/// A path with its parameter names blanked, so that `/v3/{project_id}/x` and `/v3/{projectId}/x` match.
pub fn path_key(method: &str, path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    out.push_str(&method.to_ascii_uppercase());
    out.push(' ');
    let mut in_param = false;
    for c in path.trim_end_matches('/').chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// Every `src/*.json` definition of an unpacked package, keyed by operation id.
pub fn read_package(src: &Path) -> Result<BTreeMap<String, (String, Definition)>, String> {
    let entries = fs::read_dir(src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    let mut out = BTreeMap::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // A package may carry a definition this reader cannot use; it only matters if an operation needs it.
        if let Ok(def) = definition::parse(&text) {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            out.insert(stem, (text, def));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_keys_ignore_parameter_names_and_method_case() {
        assert_eq!(path_key("get", "/v3/{project_id}/backups/"), path_key("GET", "/v3/{projectId}/backups"));
        assert_ne!(path_key("GET", "/v3/{p}/backups"), path_key("POST", "/v3/{p}/backups"));
    }
}
