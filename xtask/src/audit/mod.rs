//! `cargo xtask spec-audit`: holds every spec operation against its pinned Huawei API Explorer definition (a second,
//! machine-readable source of the same facts) and fails on each difference that the spec does not explain with an
//! `accepted_differences` marker, and on each marker whose difference is gone. `--update` moves a pin to a newer
//! package and prints what changed for our operations.

pub mod changes;
pub mod compare;
#[cfg(test)]
pub(crate) mod tests;
pub mod update;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::apidefs::{self, path_key};
use crate::spec::accepted::{self, Owner, Place};
use crate::spec::diag::KeyPath;
use crate::spec::model::Aspect;
use compare::Difference;

/// Where the spec and the vendored definitions are, and how messages name them.
pub struct Paths {
    pub spec: PathBuf,
    pub spec_shown: PathBuf,
    pub apidefs: PathBuf,
    pub apidefs_shown: PathBuf,
}

impl Paths {
    pub fn of_workspace(root: &Path) -> Paths {
        Paths {
            spec: root.join("spec"),
            spec_shown: PathBuf::from("spec"),
            apidefs: root.join(apidefs::DIR),
            apidefs_shown: PathBuf::from(apidefs::DIR),
        }
    }
}

/// A reported line: `file:line: message`, with what to do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)?;
        if !self.help.is_empty() {
            write!(f, "\n    help: {}", self.help)?;
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
pub struct Report {
    /// `service/operation` → `OperationId` (package version) for every operation compared.
    pub compared: Vec<(String, String)>,
    /// Accepted differences with their reasons (printed by `--verbose`).
    pub accepted: Vec<(Finding, String)>,
    pub unexplained: Vec<Finding>,
    pub stale: Vec<Finding>,
    /// Anything that stopped a comparison: spec errors, a missing pin or definition, an unused vendored file.
    pub problems: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.unexplained.is_empty() && self.stale.is_empty() && self.problems.is_empty()
    }
}

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    match args {
        [] | ["--verbose"] => {
            let report = audit(&Paths::of_workspace(root));
            print(&report, args == ["--verbose"]);
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        ["--update", version] => match update::run(root, version) {
            Ok(report) => {
                print(&report, false);
                if report.passed() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask spec-audit [--verbose] | cargo xtask spec-audit --update [<service>@]<version>|latest");
            ExitCode::from(2)
        }
    }
}

pub fn print(report: &Report, verbose: bool) {
    for p in &report.problems {
        eprintln!("error: {p}");
    }
    for f in report.unexplained.iter().chain(&report.stale) {
        eprintln!("{f}");
    }
    if verbose {
        for (f, reason) in &report.accepted {
            println!("accepted: {}:{}: {} ({reason})", f.file.display(), f.line, f.message);
        }
    }
    println!(
        "spec-audit: {} operations compared with their definitions; {} differences accepted, {} unexplained, {} stale \
         acceptances{}",
        report.compared.len(),
        report.accepted.len(),
        report.unexplained.len(),
        report.stale.len(),
        if report.problems.is_empty() { String::new() } else { format!(", {} other problems", report.problems.len()) }
    );
}

/// Audits the whole spec against the vendored definitions.
pub fn audit(paths: &Paths) -> Report {
    let mut report = Report::default();
    let services = match crate::spec::load_and_check(&paths.spec, &paths.spec_shown) {
        Ok(s) => s,
        Err(diags) => {
            report.problems.extend(diags.iter().map(ToString::to_string));
            report.problems.push("the spec does not load; `cargo xtask spec-check` shows the same errors".into());
            return report;
        }
    };
    let pins = match apidefs::read_pins(&paths.apidefs) {
        Ok(p) => p,
        Err(e) => {
            report.problems.push(e);
            return report;
        }
    };
    for name in pins.keys() {
        if !services.iter().any(|s| &s.name == name) {
            report.problems.push(format!(
                "{}: pins `{name}`, which is not a folder of spec/; remove it",
                paths.apidefs_shown.join("pins.yaml").display()
            ));
        }
    }

    let mut differences: Vec<(Difference, String)> = Vec::new();
    for service in &services {
        let Some(pin) = pins.get(&service.name) else {
            report.problems.push(format!(
                "spec service `{}` has no pinned definition package; add it to {}",
                service.name,
                paths.apidefs_shown.join("pins.yaml").display()
            ));
            continue;
        };
        let label = pin.label();
        let (vendored, problems) = apidefs::read_vendored(&paths.apidefs, &paths.apidefs_shown, &service.name);
        report.problems.extend(problems);
        let mut by_path: BTreeMap<String, &apidefs::Vendored> = BTreeMap::new();
        for v in &vendored {
            let key = path_key(&v.definition.method, &v.definition.path);
            if let Some(first) = by_path.insert(key.clone(), v) {
                report.problems.push(format!(
                    "{} and {} are both {key}; keep the one the spec transcribes",
                    first.shown.display(),
                    v.shown.display()
                ));
            }
        }
        let mut used = BTreeSet::new();
        for op in &service.operations {
            let key = path_key(&op.value.method, &op.value.path);
            let Some(v) = by_path.get(&key) else {
                report.problems.push(format!(
                    "{}: no vendored definition is {key}; run `cargo xtask spec-audit --update {}@{}` to copy it from \
                     the pinned package",
                    op.path.display(),
                    service.name,
                    pin.version
                ));
                continue;
            };
            used.insert(key);
            report.compared.push((
                format!("{}/{}", service.name, op.value.operation),
                format!("{} ({label})", v.definition.operation_id),
            ));
            differences.extend(compare::compare(service, op, &v.definition).into_iter().map(|d| (d, label.clone())));
        }
        for (key, v) in &by_path {
            if !used.contains(key) {
                report.problems.push(format!(
                    "{}: no spec operation is {key}; delete it (the vendored set is exactly the operations in spec/)",
                    v.shown.display()
                ));
            }
        }
    }
    differences.sort();
    differences.dedup();

    let owners: Vec<Owner<'_>> = services.iter().flat_map(accepted::owners).collect();
    let by_owner: BTreeMap<(PathBuf, KeyPath), &Owner<'_>> =
        owners.iter().map(|o| ((o.file.path().to_owned(), o.path.clone()), o)).collect();
    let mut used: BTreeSet<(PathBuf, KeyPath, usize)> = BTreeSet::new();
    for (d, label) in &differences {
        let owner = by_owner.get(&(d.file.clone(), d.owner.clone()));
        let markers = owner.map(|o| o.markers).unwrap_or_default();
        let found = markers.iter().position(|m| {
            m.aspect == d.aspect
                && m.field == d.field
                && match (&m.explorer, d.aspect) {
                    (None, Aspect::NotInDefinition) => true,
                    (Some(v), _) => accepted::render(v).as_deref() == Some(d.explorer.as_str()),
                    (None, _) => false,
                }
        });
        let message = format!("{}: spec says {}, definition ({label}) says {}", d.path, d.spec, d.explorer);
        let finding = Finding { file: d.file.clone(), line: d.line, message, help: String::new() };
        match found {
            Some(i) => {
                used.insert((d.file.clone(), d.owner.clone(), i));
                report.accepted.push((finding, markers[i].reason.clone()));
            }
            None => {
                let help = explain_help(d, owner.map(|o| o.place));
                report.unexplained.push(Finding { help, ..finding });
            }
        }
    }

    for owner in &owners {
        for (i, m) in owner.markers.iter().enumerate() {
            if used.contains(&(owner.file.path().to_owned(), owner.path.clone(), i)) {
                continue;
            }
            let (line, _) = owner.file.locator().find(&owner.path.key("accepted_differences").index(i));
            let about = match &m.field {
                Some(f) if owner.place != Place::Operation => format!("{}.{f}", owner.subject),
                Some(f) => f.clone(),
                None => format!("{}.{}", owner.subject, m.aspect.key()),
            };
            let now = differences.iter().find(|(d, _)| {
                d.file == owner.file.path() && d.owner == owner.path && d.aspect == m.aspect && d.field == m.field
            });
            let (message, help) = match now {
                Some((d, label)) => (
                    format!(
                        "{about}: accepted difference is stale: the definition ({label}) now says {}, the marker records {}",
                        d.explorer,
                        m.explorer.as_ref().and_then(accepted::render).unwrap_or_default()
                    ),
                    "the definition changed: check the English page again, then fix the row or update `explorer`".into(),
                ),
                None => (
                    format!("{about}: accepted difference is stale: the spec and the definition no longer differ here"),
                    "remove the marker (or, if a comparison of this element is missing, say so in an issue)".into(),
                ),
            };
            report.stale.push(Finding { file: owner.file.path().to_owned(), line, message, help });
        }
    }
    report.unexplained.sort();
    report.stale.sort();
    report
}

fn explain_help(d: &Difference, place: Option<Place>) -> String {
    let mut marker = format!("{{ aspect: {}", d.aspect.key());
    if let Some(field) = &d.field {
        marker.push_str(&format!(", field: {}", crate::draft::yaml::flow_scalar(field)));
    }
    if d.aspect != Aspect::NotInDefinition {
        let explorer =
            if d.explorer.starts_with('[') { d.explorer.clone() } else { crate::draft::yaml::flow_scalar(&d.explorer) };
        marker.push_str(&format!(", explorer: {explorer}"));
    }
    marker.push_str(", reason: <what the English page says> }");
    let place = match place {
        Some(Place::Row) => "on this row",
        Some(Place::Table) => "on this table",
        _ => "at the top level of this file",
    };
    format!(
        "if the spec has it wrong, fix it from the English page; if the page says what the spec says, add \
         `accepted_differences: [{marker}]` {place}"
    )
}
