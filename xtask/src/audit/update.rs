//! `cargo xtask spec-audit --update [<service>@]<version>|latest`: fetches that version of the pinned packages
//! through cargo, prints what changed in the definitions of our operations, vendors the new definitions, moves the
//! pins, and audits again, so that each new difference points at a spec row to check against the page.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::{audit, changes, Paths, Report};
use crate::apidefs::{self, fetch, path_key, Definition};
use crate::spec::load::ServiceDir;

pub fn run(root: &Path, arg: &str) -> Result<Report, String> {
    let (only, version) = match arg.split_once('@') {
        Some((service, version)) => (Some(service), version),
        None => (None, arg),
    };
    if version.is_empty() {
        return Err("give a version: `--update ges@0.1.20241101`, `--update latest`".into());
    }
    let paths = Paths::of_workspace(root);
    let mut pins = apidefs::read_pins(&paths.apidefs)?;
    let services = loaded_services(&paths)?;
    let targets: Vec<String> = match only {
        Some(s) if pins.contains_key(s) => vec![s.to_owned()],
        Some(s) => {
            return Err(format!("`{s}` is not pinned; pinned: {}", pins.keys().cloned().collect::<Vec<_>>().join(", ")))
        }
        None => pins.keys().cloned().collect(),
    };
    for name in targets {
        let Some(pin) = pins.get_mut(&name) else { continue };
        let service =
            services.iter().find(|s| s.name == name).ok_or_else(|| format!("spec/ has no service `{name}`"))?;
        let fetched = fetch::fetch(root, &pin.package, version)?;
        let new_label = format!("{} {}", pin.package, fetched.version);
        println!("{name}: {} -> {new_label}", pin.label());
        for line in update_service(&paths, service, &fetched.src)? {
            println!("  {line}");
        }
        pin.version = fetched.version;
    }
    apidefs::write_pins(&paths.apidefs, &pins)?;
    Ok(audit(&paths))
}

/// The spec's operations, all of which must parse (a file that does not would lose its vendored definition).
fn loaded_services(paths: &Paths) -> Result<Vec<ServiceDir>, String> {
    let (services, diags) = crate::spec::load::load(&paths.spec, &paths.spec_shown);
    if diags.is_empty() {
        Ok(services)
    } else {
        let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        Err(format!("spec/ does not parse; fix it first:\n{}", shown.join("\n")))
    }
}

/// A definition file of a package: its stem and its (text, parsed definition).
type PackageEntry<'a> = (&'a String, &'a (String, Definition));

/// Vendors, from the unpacked package at `src`, the definition of each operation of `service`, and says per
/// operation what changed against the vendored copy.
pub fn update_service(paths: &Paths, service: &ServiceDir, src: &Path) -> Result<Vec<String>, String> {
    let package = apidefs::read_package(src)?;
    let mut by_path: BTreeMap<String, Vec<PackageEntry<'_>>> = BTreeMap::new();
    for (stem, entry) in &package {
        by_path.entry(path_key(&entry.1.method, &entry.1.path)).or_default().push((stem, entry));
    }
    let (vendored, problems) = apidefs::read_vendored(&paths.apidefs, &paths.apidefs_shown, &service.name);
    if let Some(p) = problems.first() {
        return Err(p.clone());
    }
    let folder = paths.apidefs.join(&service.name);
    fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let mut keep = Vec::new();
    let mut lines = Vec::new();
    for op in &service.operations {
        let key = path_key(&op.value.method, &op.value.path);
        let name = format!("{}/{}", service.name, op.value.operation);
        let old = vendored.iter().find(|v| path_key(&v.definition.method, &v.definition.path) == key);
        let candidates = by_path.get(&key).cloned().unwrap_or_default();
        let chosen = match candidates.as_slice() {
            [] => {
                lines.push(format!("{name}: the package has no {key}; its vendored definition is removed"));
                continue;
            }
            [one] => *one,
            several => {
                let same =
                    old.and_then(|o| several.iter().find(|(_, e)| e.1.operation_id == o.definition.operation_id));
                match same {
                    Some(s) => *s,
                    None => {
                        let ids: Vec<&str> = several.iter().map(|(s, _)| s.as_str()).collect();
                        return Err(format!(
                            "{name}: the package has several definitions of {key}: {}",
                            ids.join(", ")
                        ));
                    }
                }
            }
        };
        let (stem, (text, def)) = chosen;
        let file = format!("{stem}.json");
        match old {
            None => lines.push(format!("{name}: vendored {}", def.operation_id)),
            Some(o) => {
                let diff = changes::diff(&changes::flatten(&o.definition), &changes::flatten(def));
                if diff.is_empty() {
                    lines.push(format!("{name} ({}): unchanged", def.operation_id));
                } else {
                    lines.push(format!("{name} ({}): {} changes", def.operation_id, diff.len()));
                    lines.extend(diff.into_iter().map(|l| format!("  {l}")));
                }
            }
        }
        let path = folder.join(&file);
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        keep.push(file);
    }
    for v in &vendored {
        let file = v.shown.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        if !keep.contains(&file) {
            let path = folder.join(&file);
            fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    Ok(lines)
}
