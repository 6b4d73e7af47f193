//! The official SDKs' regions file (`~/.huaweicloud/regions.yaml`, or the file `HUAWEICLOUD_SDK_REGIONS_FILE`
//! names), shaped `{SERVICE: [{id: REGION, endpoint: URL} or {id: REGION, endpoints: [URL, ...]}]}`.
//!
//! Parsed with saphyr (a maintained, pure-Rust YAML 1.2 parser) so that every mistake names its file and line.

use super::env;
use super::vars::Vars;
use crate::error::Error;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The endpoints a regions file gives, by upper-case SDK service name and region.
#[derive(Debug, Clone, Default)]
pub(crate) struct RegionsFile {
    pub(crate) path: PathBuf,
    services: HashMap<String, HashMap<String, Vec<String>>>,
}

impl RegionsFile {
    /// The endpoints the file lists for `sdk_service` in `region`, when it lists any.
    pub(crate) fn endpoints(&self, sdk_service: &str, region: &str) -> Option<&[String]> {
        self.services.get(&sdk_service.to_ascii_uppercase())?.get(region).map(Vec::as_slice)
    }
}

/// The regions file, when there is one: the file named by `HUAWEICLOUD_SDK_REGIONS_FILE` (which must exist), else
/// `~/.huaweicloud/regions.yaml` (skipped when absent).
pub(crate) fn load(vars: &Vars) -> Result<Option<RegionsFile>, Error> {
    let (path, required) = match vars.get(env::REGIONS_FILE) {
        Some(path) => (PathBuf::from(path), true),
        None => match vars.sdk_file("regions.yaml") {
            Some(path) => (path, false),
            None => return Ok(None),
        },
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&path, &text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(None),
        Err(e) => {
            let named = if required { format!(" (named by {})", env::REGIONS_FILE) } else { String::new() };
            Err(Error::Config(format!("cannot read the regions file {}{named}: {e}; fix or remove it", path.display())))
        }
    }
}

/// Parses a regions file's text; `path` is only for messages.
pub(crate) fn parse(path: &Path, text: &str) -> Result<RegionsFile, Error> {
    let at = |line: usize, message: String| Error::Config(format!("regions file {}:{line}: {message}", path.display()));
    let documents =
        MarkedYaml::load_from_str(text).map_err(|e| at(e.marker().line(), format!("not valid YAML: {}", e.info())))?;
    let mut file = RegionsFile { path: path.to_owned(), services: HashMap::new() };
    let Some(root) = documents.first() else { return Ok(file) };
    let services = match &root.data {
        YamlData::Mapping(map) => map,
        YamlData::Value(Scalar::Null) => return Ok(file),
        _ => return Err(at(line(root), "expected a map of service names (e.g. `GES:`) to lists of regions".into())),
    };
    for (name, regions) in services {
        let service =
            string(name).ok_or_else(|| at(line(name), "a service name must be a string such as GES".into()))?;
        let YamlData::Sequence(entries) = &regions.data else {
            return Err(at(line(regions), format!("`{service}` must be a list of `- id: REGION` entries")));
        };
        let table = file.services.entry(service.to_ascii_uppercase()).or_default();
        for entry in entries {
            let (region, endpoints) = region_entry(entry, &service).map_err(|(l, m)| at(l, m))?;
            if table.insert(region.clone(), endpoints).is_some() {
                return Err(at(line(entry), format!("region `{region}` of `{service}` is listed twice; keep one")));
            }
        }
    }
    Ok(file)
}

/// One `{id, endpoint}` or `{id, endpoints}` entry; `Err` is (line, message).
fn region_entry(entry: &MarkedYaml<'_>, service: &str) -> Result<(String, Vec<String>), (usize, String)> {
    let YamlData::Mapping(map) = &entry.data else {
        return Err((line(entry), format!("an entry of `{service}` must be a map with `id` and `endpoint`")));
    };
    let (mut id, mut endpoints) = (None, Vec::new());
    for (key, value) in map {
        let key_line = line(key);
        match string(key).as_deref() {
            Some("id") => {
                id = Some(string(value).ok_or((key_line, "`id` must be a region id such as cn-north-4".to_owned()))?)
            }
            Some("endpoint") => {
                endpoints.push(string(value).ok_or((key_line, "`endpoint` must be a URL".to_owned()))?);
            }
            Some("endpoints") => {
                let YamlData::Sequence(urls) = &value.data else {
                    return Err((key_line, "`endpoints` must be a list of URLs".to_owned()));
                };
                for url in urls {
                    endpoints.push(string(url).ok_or((line(url), "each of `endpoints` must be a URL".to_owned()))?);
                }
            }
            _ => {
                let shown = string(key).unwrap_or_else(|| "?".into());
                return Err((
                    key_line,
                    format!("unknown key `{shown}`; an entry has `id` and `endpoint` (or `endpoints`)"),
                ));
            }
        }
    }
    let id = id.ok_or((line(entry), format!("an entry of `{service}` has no `id`")))?;
    if endpoints.is_empty() {
        return Err((line(entry), format!("region `{id}` of `{service}` has no `endpoint`")));
    }
    Ok((id, endpoints))
}

fn string(node: &MarkedYaml<'_>) -> Option<String> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        _ => None,
    }
}

fn line(node: &MarkedYaml<'_>) -> usize {
    node.span.start.line()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<RegionsFile, String> {
        parse(Path::new("/etc/regions.yaml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn both_entry_shapes_are_read() {
        let file = parsed(
            "GES:\n  - id: cn-north-4\n    endpoint: http://127.0.0.1:1\nGAUSSDB:\n  - id: ap-southeast-1\n    \
             endpoints:\n      - https://a.example\n      - b.example\nECS:\n  - id: cn-north-4\n    endpoint: x\n",
        )
        .unwrap();
        assert_eq!(file.endpoints("ges", "cn-north-4").unwrap(), ["http://127.0.0.1:1"]);
        assert_eq!(file.endpoints("GAUSSDB", "ap-southeast-1").unwrap(), ["https://a.example", "b.example"]);
        assert!(file.endpoints("GES", "ap-southeast-1").is_none());
        assert!(parsed("").unwrap().endpoints("GES", "cn-north-4").is_none());
    }

    #[test]
    fn mistakes_name_file_and_line() {
        let err = parsed("GES:\n  - id: cn-north-4\n    endpont: http://x\n").unwrap_err();
        assert!(err.contains("/etc/regions.yaml:3") && err.contains("unknown key `endpont`"), "{err}");
        let err = parsed("GES:\n  - id: cn-north-4\n").unwrap_err();
        assert!(err.contains("regions.yaml:2") && err.contains("no `endpoint`"), "{err}");
        let err = parsed("GES: [unclosed\n").unwrap_err();
        assert!(err.contains("regions.yaml:") && err.contains("not valid YAML"), "{err}");
        let err = parsed("GES:\n  id: cn-north-4\n").unwrap_err();
        assert!(err.contains("regions.yaml:2") && err.contains("must be a list"), "{err}");
    }
}
