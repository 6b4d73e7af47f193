//! Reads `spec/` into parsed files, turning every YAML or shape error into a located [`Diagnostic`].

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::diag::{Diagnostic, KeyPath, Seg};
use super::locate::Locator;
use super::model::{ErrorCodesFile, OperationFile, ServiceFile};

/// A parsed file with what is needed to point into it.
#[derive(Debug)]
pub struct Located<T> {
    /// Path as shown in messages (relative to the workspace when possible).
    pub path: PathBuf,
    pub locator: Locator,
    pub value: T,
}

impl<T> Located<T> {
    pub fn diag(&self, path: KeyPath, message: impl Into<String>, hint: impl Into<String>) -> Diagnostic {
        let (line, column) = self.locator.find(&path);
        Diagnostic { file: self.path.clone(), line, column, path, message: message.into(), hint: hint.into() }
    }
}

/// One service folder.
#[derive(Debug)]
pub struct ServiceDir {
    pub name: String,
    pub service: Located<ServiceFile>,
    /// `error_codes.yaml`, when the service has one.
    pub error_codes: Option<Located<ErrorCodesFile>>,
    pub operations: Vec<Located<OperationFile>>,
}

/// Reads every service folder under `root`; files that cannot be parsed are reported and left out.
pub fn load(root: &Path, shown_as: &Path) -> (Vec<ServiceDir>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut services = Vec::new();
    let entries = match sorted_entries(root) {
        Ok(e) => e,
        Err(e) => {
            diags.push(io_diag(shown_as, format!("cannot read the spec folder: {e}")));
            return (services, diags);
        }
    };
    for dir in entries.into_iter().filter(|p| p.is_dir()) {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let shown_dir = shown_as.join(&name);
        let service_path = dir.join("service.yaml");
        if !service_path.is_file() {
            diags.push(io_diag(&shown_dir, "service folder has no service.yaml".into()));
            continue;
        }
        let service = parse_file::<ServiceFile>(&service_path, &shown_dir.join("service.yaml"), &mut diags);
        let mut operations = Vec::new();
        let mut error_codes = None;
        match sorted_entries(&dir) {
            Ok(files) => {
                for file in files {
                    let fname = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    if fname == "service.yaml" {
                        continue;
                    }
                    if fname == "error_codes.yaml" {
                        error_codes = parse_file::<ErrorCodesFile>(&file, &shown_dir.join(&fname), &mut diags);
                        continue;
                    }
                    if !(fname.ends_with(".yaml") || fname.ends_with(".yml")) {
                        diags.push(io_diag(&shown_dir.join(&fname), "unexpected file in a service folder".into()));
                        continue;
                    }
                    if let Some(op) = parse_file::<OperationFile>(&file, &shown_dir.join(&fname), &mut diags) {
                        operations.push(op);
                    }
                }
            }
            Err(e) => diags.push(io_diag(&shown_dir, format!("cannot read folder: {e}"))),
        }
        if let Some(service) = service {
            services.push(ServiceDir { name, service, error_codes, operations });
        }
    }
    (services, diags)
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    Ok(entries)
}

fn io_diag(path: &Path, message: String) -> Diagnostic {
    Diagnostic { file: path.to_owned(), line: 1, column: 1, path: KeyPath::default(), message, hint: String::new() }
}

fn parse_file<T: DeserializeOwned>(path: &Path, shown: &Path, diags: &mut Vec<Diagnostic>) -> Option<Located<T>> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(io_diag(shown, format!("cannot read file: {e}")));
            return None;
        }
    };
    let (value, found) = parse_text::<T>(&text, shown);
    diags.extend(found);
    value.map(|value| Located { path: shown.to_owned(), locator: Locator::new(&text), value })
}

/// Parses one file's text. Unknown keys are all reported (not only the first); a shape error (missing key,
/// wrong type) stops that file, with serde's position.
pub fn parse_text<T: DeserializeOwned>(text: &str, shown: &Path) -> (Option<T>, Vec<Diagnostic>) {
    let locator = Locator::new(text);
    let mut unknown: Vec<KeyPath> = Vec::new();
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let mut record = |path: serde_ignored::Path<'_>| unknown.push(ignored_path(&path));
    let ignoring = serde_ignored::Deserializer::new(deserializer, &mut record);
    let result: Result<T, _> = serde_path_to_error::deserialize(ignoring);
    let mut diags = Vec::new();
    for path in &unknown {
        let (line, column) = locator.find(path);
        let key = match path.0.last() {
            Some(Seg::Key(k)) => k.clone(),
            _ => String::new(),
        };
        diags.push(Diagnostic {
            file: shown.to_owned(),
            line,
            column,
            path: path.clone(),
            message: format!("unknown key `{key}`"),
            hint: "remove it or fix its spelling; spec/README.md lists the keys of each table".into(),
        });
    }
    match result {
        Ok(value) => ((diags.is_empty()).then_some(value), diags),
        Err(err) => {
            let path = error_path(err.path());
            let inner = err.into_inner();
            let (line, column) = match inner.location() {
                Some(loc) => (loc.line(), loc.column()),
                None => locator.find(&path),
            };
            let message = inner.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            let hint = hint_for(&message);
            diags.push(Diagnostic { file: shown.to_owned(), line, column, path, message, hint });
            (None, diags)
        }
    }
}

fn hint_for(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        return format!("add `{field}:` here (see spec/README.md)");
    }
    if message.contains("invalid type") {
        return "write a value of the expected type shown in the message".into();
    }
    if message.contains("unknown variant") {
        return "use one of the values listed in the message".into();
    }
    String::new()
}

fn ignored_path(path: &serde_ignored::Path<'_>) -> KeyPath {
    use serde_ignored::Path as P;
    match path {
        P::Root => KeyPath::default(),
        P::Seq { parent, index } => ignored_path(parent).index(*index),
        P::Map { parent, key } => ignored_path(parent).key(key),
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => ignored_path(parent),
    }
}

fn error_path(path: &serde_path_to_error::Path) -> KeyPath {
    use serde_path_to_error::Segment;
    let mut out = KeyPath::default();
    for seg in path.iter() {
        out = match seg {
            Segment::Seq { index } => out.index(*index),
            Segment::Map { key } => out.key(key),
            Segment::Enum { variant } => out.key(variant),
            Segment::Unknown => out,
        };
    }
    out
}
