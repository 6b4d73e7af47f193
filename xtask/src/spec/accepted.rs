//! The `accepted_differences` markers: where they may stand, what each must say, and the list of every place that
//! can hold one (rows, tables, operations), which `cargo xtask spec-audit` uses to look markers up and to find
//! stale ones.

use std::collections::BTreeSet;

use super::check::DiagSource;
use super::diag::{kp, Diagnostic, KeyPath};
use super::load::ServiceDir;
use super::model::{AcceptedDifference, Aspect, Field, OperationFile};

/// What kind of spec element holds the markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Operation,
    /// An object table: a `types` entry, `request_body` or a response `body`.
    Table,
    Row,
}

/// One spec element that can carry `accepted_differences`.
pub struct Owner<'a> {
    pub file: &'a dyn DiagSource,
    /// Key path of the element in its file (empty for the operation itself).
    pub path: KeyPath,
    pub place: Place,
    /// How audit messages name it: `query_parameters.limit`, `backups.size`, `request_body`, `create_backup`.
    pub subject: String,
    pub markers: &'a [AcceptedDifference],
}

/// Every element of one service that can hold markers, in file order.
pub fn owners(service: &ServiceDir) -> Vec<Owner<'_>> {
    let mut out = Vec::new();
    let file: &dyn DiagSource = &service.service;
    for (k, t) in service.service.value.types.iter().enumerate() {
        table_owners(file, kp!["types", k], &t.name, &t.accepted_differences, &t.fields, &mut out);
    }
    for op in &service.operations {
        let file: &dyn DiagSource = op;
        let o: &OperationFile = &op.value;
        out.push(Owner {
            file,
            path: KeyPath::default(),
            place: Place::Operation,
            subject: o.operation.clone(),
            markers: &o.accepted_differences,
        });
        for (section, rows) in
            [("uri_parameters", &o.uri_parameters), ("query_parameters", &o.query_parameters), ("headers", &o.headers)]
        {
            row_owners(file, kp![section], section, rows, &mut out);
        }
        if let Some(body) = &o.request_body {
            table_owners(file, kp!["request_body"], "request_body", &body.accepted_differences, &body.fields, &mut out);
        }
        for (j, r) in o.responses.iter().enumerate() {
            if let Some(body) = &r.body {
                let subject = format!("responses.{}", r.status);
                table_owners(
                    file,
                    kp!["responses", j, "body"],
                    &subject,
                    &body.accepted_differences,
                    &body.fields,
                    &mut out,
                );
            }
        }
        for (k, t) in o.types.iter().enumerate() {
            table_owners(file, kp!["types", k], &t.name, &t.accepted_differences, &t.fields, &mut out);
        }
    }
    out
}

fn table_owners<'a>(
    file: &'a dyn DiagSource,
    path: KeyPath,
    subject: &str,
    markers: &'a [AcceptedDifference],
    rows: &'a [Field],
    out: &mut Vec<Owner<'a>>,
) {
    out.push(Owner { file, path: path.clone(), place: Place::Table, subject: subject.to_owned(), markers });
    row_owners(file, path.key("fields"), subject, rows, out);
}

fn row_owners<'a>(file: &'a dyn DiagSource, base: KeyPath, prefix: &str, rows: &'a [Field], out: &mut Vec<Owner<'a>>) {
    for (i, row) in rows.iter().enumerate() {
        out.push(Owner {
            file,
            path: base.index(i),
            place: Place::Row,
            subject: format!("{prefix}.{}", row.name),
            markers: &row.accepted_differences,
        });
    }
}

/// What the definition says, as written in a marker's `explorer` and printed by the audit: scalars as text, a list
/// as `[a, b]`. `None` for maps and nested lists, which no difference prints.
pub fn render(value: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value as Y;
    match value {
        Y::String(s) => Some(s.clone()),
        Y::Bool(b) => Some(b.to_string()),
        Y::Number(n) => Some(n.to_string()),
        Y::Null => Some("null".into()),
        Y::Sequence(items) => {
            let parts: Option<Vec<String>> =
                items.iter().map(|v| if v.is_sequence() { None } else { render(v) }).collect();
            parts.map(|p| format!("[{}]", p.join(", ")))
        }
        Y::Mapping(_) | Y::Tagged(_) => None,
    }
}

fn allowed(place: Place) -> &'static [Aspect] {
    use Aspect::*;
    match place {
        Place::Operation => &[Success, NotInSpec],
        Place::Table => &[NotInSpec, NotInDefinition, Type],
        Place::Row => &[Type, Mandatory, Values, Minimum, Maximum, MinLength, MaxLength, Default, NotInDefinition],
    }
}

fn keys(aspects: &[Aspect]) -> String {
    aspects.iter().map(|a| a.key()).collect::<Vec<_>>().join(", ")
}

/// Checks every marker's shape and place; whether it still matches the definition is the audit's job.
pub fn check(services: &[ServiceDir]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for service in services {
        for owner in owners(service) {
            let mut seen = BTreeSet::new();
            for (i, m) in owner.markers.iter().enumerate() {
                let at = owner.path.key("accepted_differences").index(i);
                let mut report = |key: &str, message: String, hint: &str| {
                    diags.push(owner.file.diag(at.key(key), message, hint.to_owned()));
                };
                if !allowed(owner.place).contains(&m.aspect) {
                    let hint = match m.aspect {
                        Aspect::NotInSpec => {
                            "put it on the table (types entry, request_body, response body) or \
                                              the operation that lacks the field"
                        }
                        Aspect::Success => "put it at the top level of the operation file",
                        _ => "put it on the row it is about",
                    };
                    report(
                        "aspect",
                        format!("aspect `{}` cannot stand here; here: {}", m.aspect.key(), keys(allowed(owner.place))),
                        hint,
                    );
                }
                if m.reason.trim().is_empty() || m.reason.contains('\n') {
                    report(
                        "reason",
                        "`reason` must be one non-empty line".into(),
                        "say in one line why the spec differs",
                    );
                }
                match (m.aspect, &m.field) {
                    (Aspect::NotInSpec, None) => report(
                        "aspect",
                        "`not_in_spec` needs `field`: the definition's field the spec leaves out".into(),
                        "e.g. `field: encrypted`, or `field: headers.X-Language` at operation level",
                    ),
                    (Aspect::NotInSpec, Some(_)) | (_, None) => {}
                    (_, Some(_)) => report(
                        "field",
                        "`field` is only for `not_in_spec`".into(),
                        "remove it; the marker is about the row it stands on",
                    ),
                }
                match (&m.explorer, m.aspect) {
                    (None, Aspect::NotInDefinition) => {}
                    (None, _) => report(
                        "aspect",
                        "no `explorer`: what the definition says".into(),
                        "copy the value that `cargo xtask spec-audit` prints after `definition (...) says`",
                    ),
                    (Some(v), _) if render(v).is_none() => report(
                        "explorer",
                        "`explorer` must be a value or a flat list".into(),
                        "copy the value that `cargo xtask spec-audit` prints",
                    ),
                    (Some(_), Aspect::NotInDefinition) => report(
                        "explorer",
                        "`not_in_definition` takes no `explorer`".into(),
                        "remove it: the definition has nothing here",
                    ),
                    (Some(_), _) => {}
                }
                if !seen.insert((m.aspect, m.field.clone())) {
                    report(
                        "aspect",
                        format!("a second `{}` marker for the same thing", m.aspect.key()),
                        "keep one marker per difference",
                    );
                }
            }
        }
    }
    diags
}
