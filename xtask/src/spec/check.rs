//! Checks that the parsed spec makes sense as a whole: names, references, paths, rules, paging, jobs and
//! documented examples. Every problem is collected; nothing stops at the first one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::diag::{kp, Diagnostic, KeyPath};
use super::load::{Located, ServiceDir};
use super::model::{Field, OperationFile, Rules, Supplier, TimeFormat, TypeDef};
use super::types::{self, Scalar, TypeExpr};

const CHARSET_CLASSES: &[&str] = &["letters", "digits", "lowercase", "uppercase"];
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH"];

/// Where a type was defined: file index (`None` = service.yaml) and its position in that file's `types`.
#[derive(Clone, Copy)]
struct TypeOrigin {
    op: Option<usize>,
    index: usize,
}

/// Every table of one service by name.
pub struct TypeTable<'a> {
    pub types: BTreeMap<&'a str, &'a TypeDef>,
}

impl<'a> TypeTable<'a> {
    pub fn of(service: &'a ServiceDir) -> TypeTable<'a> {
        let mut types = BTreeMap::new();
        for t in &service.service.value.types {
            types.entry(t.name.as_str()).or_insert(t);
        }
        for op in &service.operations {
            for t in &op.value.types {
                types.entry(t.name.as_str()).or_insert(t);
            }
        }
        TypeTable { types }
    }
}

/// The region table: an SDK service name, a template only together with the regions it is filled for, https
/// URLs, region ids that can sit in a host name and in an environment variable name, and no region listed twice.
fn check_endpoints(
    file: &Located<super::model::ServiceFile>,
    ep: &super::model::Endpoints,
    diags: &mut Vec<Diagnostic>,
) {
    let sdk = &ep.sdk_service;
    if sdk.is_empty() || !sdk.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        diags.push(file.diag(
            kp!["endpoints", "sdk_service"],
            format!("sdk_service `{sdk}` must be the official SDKs' upper-case service name"),
            "e.g. `GES`, as in HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4",
        ));
    }
    match (&ep.template, ep.regions.is_empty()) {
        (None, true) if ep.table.is_empty() => diags.push(file.diag(
            kp!["endpoints"],
            "no region has an endpoint",
            "give `template: \"https://host.{region}...\"` with `regions: [...]`, or a `table:` of {region, url}",
        )),
        (Some(_), true) => diags.push(file.diag(
            kp!["endpoints", "template"],
            "a template without `regions` names no region",
            "list the regions the template is filled for in `regions: [...]`",
        )),
        (None, false) => diags.push(file.diag(
            kp!["endpoints", "regions"],
            "`regions` without a `template` gives those regions no URL",
            "add `template:` or write each region as a `table:` row with its URL",
        )),
        (Some(t), false) if !t.contains("{region}") || !t.starts_with("https://") => diags.push(file.diag(
            kp!["endpoints", "template"],
            format!("template `{t}` must be an https URL containing `{{region}}`"),
            "e.g. https://ges.{region}.myhuaweicloud.com",
        )),
        _ => {}
    }
    let region_ok =
        |r: &str| !r.is_empty() && r.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let mut seen = BTreeSet::new();
    for (i, region) in ep.regions.iter().enumerate() {
        if !region_ok(region) {
            diags.push(file.diag(
                kp!["endpoints", "regions", i],
                format!("region `{region}` is not a region id"),
                "lower-case letters, digits and `-`, e.g. cn-north-4",
            ));
        }
        if !seen.insert(region.as_str()) {
            diags.push(file.diag(
                kp!["endpoints", "regions", i],
                format!("region `{region}` is listed twice"),
                "remove one",
            ));
        }
    }
    for (i, row) in ep.table.iter().enumerate() {
        if !region_ok(&row.region) {
            diags.push(file.diag(
                kp!["endpoints", "table", i, "region"],
                format!("region `{}` is not a region id", row.region),
                "lower-case letters, digits and `-`, e.g. cn-north-4",
            ));
        }
        if !seen.insert(row.region.as_str()) {
            diags.push(file.diag(
                kp!["endpoints", "table", i, "region"],
                format!("region `{}` already has an endpoint", row.region),
                "keep one row per region (a table row must not repeat a region of `regions`)",
            ));
        }
        if !row.url.starts_with("https://") || row.url.ends_with('/') {
            diags.push(file.diag(
                kp!["endpoints", "table", i, "url"],
                "endpoint URL must use https and have no trailing `/`",
                "write https://host",
            ));
        }
    }
}

/// The resolved type of a row: its printed type with `ref` applied.
pub fn field_type(field: &Field) -> Result<TypeExpr, String> {
    let parsed = types::parse(&field.ty)?;
    Ok(match &field.reference {
        Some(r) => parsed.with_object(r),
        None => parsed,
    })
}

pub fn check(services: &[ServiceDir]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for service in services {
        check_service(service, &mut diags);
    }
    diags
}

fn check_service(service: &ServiceDir, diags: &mut Vec<Diagnostic>) {
    let file = &service.service;
    let meta = &file.value;
    if meta.service != service.name {
        diags.push(file.diag(
            kp!["service"],
            format!("service `{}` is in folder `{}`", meta.service, service.name),
            format!("write `service: {}` or rename the folder", service.name),
        ));
    }
    if !is_snake(&meta.service) {
        diags.push(file.diag(kp!["service"], "service name must be lower-case snake_case", "e.g. `ges`"));
    }
    check_endpoints(file, &meta.endpoints, diags);

    check_error_codes(service, diags);

    // Type names: one namespace per service.
    let mut seen: BTreeMap<&str, TypeOrigin> = BTreeMap::new();
    let mut all_types: Vec<(TypeOrigin, &TypeDef)> = Vec::new();
    all_types.extend(meta.types.iter().enumerate().map(|(index, t)| (TypeOrigin { op: None, index }, t)));
    for (oi, op) in service.operations.iter().enumerate() {
        all_types.extend(op.value.types.iter().enumerate().map(|(index, t)| (TypeOrigin { op: Some(oi), index }, t)));
    }
    for (origin, t) in &all_types {
        let (file, name_path) = origin_file(service, origin, kp!["name"]);
        if let Some(first) = seen.get(t.name.as_str()) {
            let (first_file, first_path) = origin_file(service, first, kp![]);
            let (l, _) = first_file.locator().find(&first_path);
            diags.push(file.diag_at(
                name_path.clone(),
                format!("type `{}` is defined twice (first in {}:{l})", t.name, first_file.path().display()),
                "give the second table a distinct `name` and keep its printed title in `table:`",
            ));
        } else {
            seen.insert(&t.name, *origin);
        }
        if !is_snake(&t.name) {
            diags.push(file.diag_at(
                name_path,
                format!("type name `{}` is not snake_case", t.name),
                "use lower-case letters, digits and _",
            ));
        }
    }
    let table = TypeTable::of(service);
    for (origin, t) in &all_types {
        let (f, base) = origin_file(service, origin, kp![]);
        check_rows(f, &base.key("fields"), &t.fields, &table, RowTable::Other, diags);
    }

    // Operations.
    let mut op_names: BTreeMap<&str, &std::path::Path> = BTreeMap::new();
    for op in &service.operations {
        if let Some(first) = op_names.insert(&op.value.operation, &op.path) {
            diags.push(op.diag(
                kp!["operation"],
                format!("operation `{}` is also defined in {}", op.value.operation, first.display()),
                "operation names must be unique in a service",
            ));
        }
        check_operation(op, &table, diags);
    }

    if let Some(job) = &meta.job {
        match service.operations.iter().find(|o| o.value.operation == job.operation) {
            None => diags.push(file.diag(
                kp!["job", "operation"],
                format!("job operation `{}` does not exist", job.operation),
                format!("name one of: {}", names(service.operations.iter().map(|o| o.value.operation.as_str()))),
            )),
            Some(op) => {
                let o = &op.value;
                let params = o.uri_parameters.iter().chain(&o.query_parameters);
                if !params.clone().any(|p| p.name == job.id_parameter) {
                    diags.push(file.diag(
                        kp!["job", "id_parameter"],
                        format!("`{}` is not a parameter of `{}`", job.id_parameter, job.operation),
                        format!("name one of: {}", names(params.map(|p| p.name.as_str()))),
                    ));
                }
                let success = success_fields(o, &table);
                for (key, path) in
                    [("status", &job.status), ("failure_reason", &job.failure_reason), ("progress", &job.progress)]
                {
                    if key != "status" && path.is_empty() {
                        continue;
                    }
                    match resolve_path(&success, path, &table) {
                        Ok(TypeExpr::Scalar(Scalar::String)) => {}
                        Ok(TypeExpr::Scalar(Scalar::Float | Scalar::Integer | Scalar::Long)) if key == "progress" => {}
                        Ok(other) => diags.push(file.diag(
                            kp!["job", key],
                            format!("`{}` leads to {other:?}, not a String", path.join(".")),
                            "point at the String field",
                        )),
                        Err(e) => diags.push(file.diag(
                            kp!["job", key],
                            e,
                            "list the keys from the response down to the field",
                        )),
                    }
                }
                let mut states = BTreeSet::new();
                for (key, values) in
                    [("success", &job.success), ("failure", &job.failure), ("in_progress", &job.in_progress)]
                {
                    if values.is_empty() {
                        diags.push(file.diag(
                            kp!["job", key],
                            format!("`{key}` lists no status value"),
                            "list the documented values",
                        ));
                    }
                    for v in values {
                        if !states.insert(v.as_str()) {
                            diags.push(file.diag(
                                kp!["job", key],
                                format!("status `{v}` is listed twice"),
                                "each value belongs to one state",
                            ));
                        }
                    }
                }
            }
        }
    }
}

/// Error codes: unique, well formed, and their not-found operations exist.
fn check_error_codes(service: &ServiceDir, diags: &mut Vec<Diagnostic>) {
    let Some(file) = &service.error_codes else { return };
    let table = &file.value;
    if table.service != service.name {
        diags.push(file.diag(
            kp!["service"],
            format!("service `{}` is in folder `{}`", table.service, service.name),
            format!("write `service: {}`", service.name),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, row) in table.codes.iter().enumerate() {
        let at = kp!["codes", i];
        if !seen.insert(row.code.as_str()) {
            diags.push(file.diag(at.key("code"), format!("code `{}` is listed twice", row.code), "keep one row"));
        }
        if !(400..600).contains(&row.status) {
            diags.push(file.diag(
                at.key("status"),
                format!("status {} is not an error status", row.status),
                "copy the table's 4xx/5xx status",
            ));
        }
        let Some(not_found) = &row.not_found else { continue };
        for (j, op) in not_found.operations.iter().enumerate() {
            if !service.operations.iter().any(|o| &o.value.operation == op) {
                diags.push(file.diag(
                    at.key("not_found").key("operations").index(j),
                    format!("operation `{op}` does not exist"),
                    format!("name one of: {}", names(service.operations.iter().map(|o| o.value.operation.as_str()))),
                ));
            }
        }
    }
}

fn origin_file<'a>(service: &'a ServiceDir, origin: &TypeOrigin, rest: KeyPath) -> (&'a dyn DiagSource, KeyPath) {
    let mut path = kp!["types", origin.index];
    path.0.extend(rest.0);
    match origin.op {
        None => (&service.service, path),
        Some(i) => (&service.operations[i], path),
    }
}

/// Lets type checks point into either kind of file.
pub trait DiagSource {
    fn diag(&self, path: KeyPath, message: String, hint: String) -> Diagnostic;
    fn locator(&self) -> &super::locate::Locator;
    fn path(&self) -> &std::path::Path;
}

impl<T> DiagSource for Located<T> {
    fn diag(&self, path: KeyPath, message: String, hint: String) -> Diagnostic {
        Located::diag(self, path, message, hint)
    }
    fn locator(&self) -> &super::locate::Locator {
        &self.locator
    }
    fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl dyn DiagSource + '_ {
    fn diag_at(&self, path: KeyPath, message: impl Into<String>, hint: impl Into<String>) -> Diagnostic {
        DiagSource::diag(self, path, message.into(), hint.into())
    }
}

/// Which kind of table rows come from: `supplied_by` depends on it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RowTable {
    Headers,
    Uri,
    Other,
}

fn check_rows(
    file: &dyn DiagSource,
    base: &KeyPath,
    rows: &[Field],
    table: &TypeTable<'_>,
    kind: RowTable,
    diags: &mut Vec<Diagnostic>,
) {
    let mut names_seen = BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        let at = base.index(i);
        if !names_seen.insert(row.name.as_str()) {
            diags.push(file.diag_at(
                at.key("name"),
                format!("row `{}` appears twice in this table", row.name),
                "remove the duplicate row",
            ));
        }
        match (row.supplied_by, kind) {
            (None, _) | (Some(Supplier::Auth | Supplier::Transport), RowTable::Headers) => {}
            (Some(Supplier::Client), RowTable::Uri) if row.name == "project_id" => {}
            (Some(_), _) => diags.push(file.diag_at(
                at.key("supplied_by"),
                "`supplied_by: auth|transport` is only for header rows, `supplied_by: client` only for the \
                 `project_id` URI parameter",
                "remove it",
            )),
        }
        let ty = match field_type(row) {
            Ok(t) => t,
            Err(e) => {
                diags.push(file.diag_at(at.key("type"), e, ""));
                continue;
            }
        };
        if let Some(name) = ty.object_name() {
            if !table.types.contains_key(name) {
                diags.push(file.diag_at(
                    at.key(if row.reference.is_some() { "ref" } else { "type" }),
                    format!("type `{name}` is not defined in this service"),
                    format!("define it under `types:` or refer to one of: {}", names(table.types.keys().copied())),
                ));
            }
        }
        if row.reference.is_some() && ty.object_name().is_none() {
            diags.push(file.diag_at(at.key("ref"), "`ref` on a row that is not an object type", "remove `ref`"));
        }
        let mut values = BTreeSet::new();
        for (vi, v) in row.values.iter().enumerate() {
            if !values.insert(v.value.as_str()) {
                diags.push(file.diag_at(
                    at.key("values").index(vi),
                    format!("value `{}` is listed twice", v.value),
                    "enum values must be unique",
                ));
            }
            if v.value.is_empty() {
                diags.push(file.diag_at(at.key("values").index(vi), "empty enum value", "remove it"));
            }
        }
        if !row.values.is_empty() && ty != TypeExpr::Scalar(Scalar::String) {
            diags.push(file.diag_at(
                at.key("values"),
                "`values` is only supported on String rows",
                "remove `values` or fix the type",
            ));
        }
        check_rules(file, &at.key("rules"), &row.rules, &ty, diags);
        if let Some(flag) = &row.cli_flag {
            let kebab = flag.starts_with(|c: char| c.is_ascii_lowercase())
                && flag.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !kebab {
                diags.push(file.diag_at(
                    at.key("cli_flag"),
                    format!("`{flag}` is not a flag name"),
                    "write it in kebab-case without `--`, e.g. instance-region",
                ));
            }
        }
        super::conditions::check_row(file, &at, row, rows, &ty, diags);
        let format_fits = match row.format {
            None => true,
            Some(TimeFormat::DateTime | TimeFormat::UtcDateTime) => ty == TypeExpr::Scalar(Scalar::String),
            Some(TimeFormat::UnixMs) => matches!(ty, TypeExpr::Scalar(Scalar::Long | Scalar::String)),
        };
        if !format_fits {
            diags.push(file.diag_at(
                at.key("format"),
                "`format: date-time`/`utc-date-time` go on String rows, `format: unix-ms` on Long or String rows",
                "fix the type or remove `format`",
            ));
        }
    }
}

fn check_rules(file: &dyn DiagSource, at: &KeyPath, rules: &Rules, ty: &TypeExpr, diags: &mut Vec<Diagnostic>) {
    let is_string = *ty == TypeExpr::Scalar(Scalar::String);
    let is_int = matches!(ty, TypeExpr::Scalar(Scalar::Integer | Scalar::Long));
    let string_rules = [
        ("length", rules.length.is_some()),
        ("min_length", rules.min_length.is_some()),
        ("max_length", rules.max_length.is_some()),
        ("charset", !rules.charset.is_empty()),
        ("starts_with_letter", rules.starts_with_letter),
        ("prefix", rules.prefix.is_some()),
        ("suffix", rules.suffix.is_some()),
        ("forbidden_chars", rules.forbidden_chars.is_some()),
        ("time_window", rules.time_window.is_some()),
    ];
    for (key, set) in string_rules {
        if set && !is_string {
            diags.push(file.diag_at(
                at.key(key),
                format!("`{key}` applies to String rows only"),
                "remove it or fix the row's type",
            ));
        }
    }
    for (key, set) in [("minimum", rules.minimum.is_some()), ("maximum", rules.maximum.is_some())] {
        if set && !is_int {
            diags.push(file.diag_at(
                at.key(key),
                format!("`{key}` applies to Integer/Long rows only"),
                "remove it or fix the row's type",
            ));
        }
    }
    for (ci, class) in rules.charset.iter().enumerate() {
        if !CHARSET_CLASSES.contains(&class.as_str()) && class.chars().count() != 1 {
            diags.push(file.diag_at(
                at.key("charset").index(ci),
                format!("unknown character class `{class}`"),
                format!("write one of {} or a single character such as \"-\"", CHARSET_CLASSES.join(", ")),
            ));
        }
    }
    if let Some(window) = &rules.time_window {
        let mut seen = BTreeSet::new();
        if window.minutes.is_empty() || window.minutes.iter().any(|m| *m >= 60 || !seen.insert(*m)) {
            diags.push(file.diag_at(
                at.key("time_window").key("minutes"),
                "`minutes` must list distinct minutes from 0 to 59",
                "write the minutes the prose allows, e.g. [0, 15, 30, 45]",
            ));
        }
    }
    if let (Some(min), Some(max)) = (rules.min_length, rules.max_length) {
        if min > max {
            diags.push(file.diag_at(
                at.key("min_length"),
                format!("min_length {min} exceeds max_length {max}"),
                "swap or fix the bounds",
            ));
        }
    }
    if let (Some(min), Some(max)) = (rules.minimum, rules.maximum) {
        if min > max {
            diags.push(file.diag_at(
                at.key("minimum"),
                format!("minimum {min} exceeds maximum {max}"),
                "swap or fix the bounds",
            ));
        }
    }
    if rules.length.is_some() && (rules.min_length.is_some() || rules.max_length.is_some()) {
        diags.push(file.diag_at(
            at.key("length"),
            "`length` together with min/max_length",
            "keep only `length` for an exact size",
        ));
    }
    if let Some(default) = &rules.default {
        let ok = match ty {
            TypeExpr::Scalar(Scalar::String) => default.is_string(),
            TypeExpr::Scalar(Scalar::Integer | Scalar::Long) => default.as_i64().is_some(),
            TypeExpr::Scalar(Scalar::Float) => default.as_f64().is_some(),
            TypeExpr::Scalar(Scalar::Boolean) => default.is_bool(),
            _ => false,
        };
        if !ok {
            diags.push(file.diag_at(
                at.key("default"),
                "default does not match the row's type",
                "write a value of the row's type",
            ));
        } else if let Err(broken) = satisfies(rules, &yaml_to_json(default)) {
            diags.push(file.diag_at(
                at.key("default"),
                format!("default breaks rule `{broken}`"),
                "fix the default or the rule",
            ));
        }
    }
}

fn check_operation(op: &Located<OperationFile>, table: &TypeTable<'_>, diags: &mut Vec<Diagnostic>) {
    let o = &op.value;
    let file: &dyn DiagSource = op;
    if !is_snake(&o.operation) {
        diags.push(op.diag(
            kp!["operation"],
            format!("`{}` is not snake_case", o.operation),
            "e.g. list_graph_backups",
        ));
    }
    if !METHODS.contains(&o.method.as_str()) {
        diags.push(op.diag(
            kp!["method"],
            format!("unknown method `{}`", o.method),
            format!("write one of {}", METHODS.join(", ")),
        ));
    }
    if !o.path.starts_with('/') {
        diags.push(op.diag(kp!["path"], "path must start with `/`", "copy the path from the URI section"));
    }
    let in_path = match path_params(&o.path) {
        Ok(p) => p,
        Err(e) => {
            diags.push(op.diag(kp!["path"], e, "write parameters as {name}"));
            Vec::new()
        }
    };
    for name in &in_path {
        if !o.uri_parameters.iter().any(|p| &p.name == name) {
            diags.push(op.diag(
                kp!["path"],
                format!("`{{{name}}}` in the path is not a URI parameter"),
                format!("add a `uri_parameters` row named `{name}`"),
            ));
        }
    }
    for (i, p) in o.uri_parameters.iter().enumerate() {
        if !in_path.contains(&p.name) {
            diags.push(op.diag(
                kp!["uri_parameters", i, "name"],
                format!("URI parameter `{}` does not appear in the path", p.name),
                format!("add `{{{}}}` to `path` or move the row to query_parameters", p.name),
            ));
        }
        if p.mandatory != Some(true) {
            diags.push(op.diag(
                kp!["uri_parameters", i, "mandatory"],
                "URI parameters are always mandatory",
                "write `mandatory: true`",
            ));
        }
    }
    for (key, rows) in
        [("uri_parameters", &o.uri_parameters), ("query_parameters", &o.query_parameters), ("headers", &o.headers)]
    {
        for (i, row) in rows.iter().enumerate() {
            if row.mandatory.is_none() {
                diags.push(op.diag(
                    kp![key, i],
                    format!("row `{}` has no `mandatory`", row.name),
                    "copy the Mandatory column: true or false",
                ));
            }
            match field_type(row) {
                Ok(TypeExpr::Scalar(
                    Scalar::String | Scalar::Integer | Scalar::Long | Scalar::Boolean | Scalar::Float,
                )) => {}
                Ok(TypeExpr::Array(inner)) if key == "query_parameters" && matches!(*inner, TypeExpr::Scalar(_)) => {}
                Ok(_) => diags.push(op.diag(
                    kp![key, i, "type"],
                    "parameters must be scalars",
                    "use String, Integer, Long, Boolean",
                )),
                Err(_) => {}
            }
        }
        let kind = match key {
            "headers" => RowTable::Headers,
            "uri_parameters" => RowTable::Uri,
            _ => RowTable::Other,
        };
        check_rows(file, &kp![key], rows, table, kind, diags);
    }
    if let Some(body) = &o.request_body {
        match (&body.reference, body.fields.is_empty()) {
            (Some(_), false) => diags.push(op.diag(kp!["request_body"], "both `ref` and `fields`", "keep one")),
            (None, true) => diags.push(op.diag(
                kp!["request_body"],
                "request body without fields",
                "add `fields:` or remove request_body",
            )),
            _ => {}
        }
        check_body_ref(op, &kp!["request_body", "ref"], body.reference.as_deref(), table, diags);
        for (i, row) in body.fields.iter().enumerate() {
            if row.mandatory.is_none() {
                diags.push(op.diag(
                    kp!["request_body", "fields", i],
                    format!("row `{}` has no `mandatory`", row.name),
                    "copy the Mandatory column",
                ));
            }
        }
        check_rows(file, &kp!["request_body", "fields"], &body.fields, table, RowTable::Other, diags);
    }
    if o.success.is_empty() {
        diags.push(op.diag(kp!["success"], "no success status", "list the documented success code, e.g. [200]"));
    }
    let mut statuses = BTreeSet::new();
    for (i, r) in o.responses.iter().enumerate() {
        if !statuses.insert(r.status) {
            diags.push(op.diag(
                kp!["responses", i, "status"],
                format!("status {} listed twice", r.status),
                "merge the entries",
            ));
        }
        if !(100..=599).contains(&r.status) {
            diags.push(op.diag(
                kp!["responses", i, "status"],
                format!("{} is not an HTTP status", r.status),
                "write a 3-digit status",
            ));
        }
        if let Some(body) = &r.body {
            if body.reference.is_some() && !body.fields.is_empty() {
                diags.push(op.diag(kp!["responses", i, "body"], "both `ref` and `fields`", "keep one"));
            }
            check_body_ref(op, &kp!["responses", i, "body", "ref"], body.reference.as_deref(), table, diags);
            check_rows(file, &kp!["responses", i, "body", "fields"], &body.fields, table, RowTable::Other, diags);
        }
    }
    for (i, code) in o.success.iter().enumerate() {
        if !(200..300).contains(code) {
            diags.push(op.diag(kp!["success", i], format!("{code} is not a 2xx status"), "success codes are 2xx"));
        }
        if !statuses.contains(code) {
            diags.push(op.diag(
                kp!["success", i],
                format!("no `responses` entry for success status {code}"),
                format!("add `- status: {code}` to responses"),
            ));
        }
    }
    let success = success_fields(o, table);
    if let Some(p) = &o.pagination {
        for (key, name) in [("offset", &p.offset), ("limit", &p.limit)] {
            match o.query_parameters.iter().find(|q| &q.name == name) {
                Some(q) if matches!(field_type(q), Ok(TypeExpr::Scalar(Scalar::Integer | Scalar::Long))) => {}
                Some(_) => diags.push(op.diag(
                    kp!["pagination", key],
                    format!("`{name}` is not an Integer"),
                    "page parameters are integers",
                )),
                None => diags.push(op.diag(
                    kp!["pagination", key],
                    format!("`{name}` is not a query parameter"),
                    "name the query parameter",
                )),
            }
        }
        match success.iter().find(|f| f.name == p.items).map(|f| field_type(f)) {
            Some(Ok(TypeExpr::Array(_))) => {}
            Some(_) => diags.push(op.diag(
                kp!["pagination", "items"],
                format!("`{}` is not an array", p.items),
                "name the array field",
            )),
            None => diags.push(op.diag(
                kp!["pagination", "items"],
                format!("`{}` is not a success response field", p.items),
                "name the array field",
            )),
        }
        if let Some(total) = &p.total {
            match success.iter().find(|f| &f.name == total).map(|f| field_type(f)) {
                Some(Ok(TypeExpr::Scalar(Scalar::Integer | Scalar::Long))) => {}
                _ => diags.push(op.diag(
                    kp!["pagination", "total"],
                    format!("`{total}` is not an Integer success response field"),
                    "name the total count field",
                )),
            }
        }
    }
    if let Some(job) = &o.returns_job {
        if !matches!(
            success.iter().find(|f| f.name == job.field).map(|f| field_type(f)),
            Some(Ok(TypeExpr::Scalar(Scalar::String)))
        ) {
            diags.push(op.diag(
                kp!["returns_job", "field"],
                format!("`{}` is not a String success response field", job.field),
                "name the job id field",
            ));
        }
    }
    check_examples(op, table, diags);
}

fn check_body_ref(
    op: &Located<OperationFile>,
    at: &KeyPath,
    reference: Option<&str>,
    table: &TypeTable<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(name) = reference {
        if !table.types.contains_key(name) {
            diags.push(op.diag(
                at.clone(),
                format!("type `{name}` is not defined in this service"),
                format!("refer to one of: {}", names(table.types.keys().copied())),
            ));
        }
    }
}

/// Rows of the first success response body (inline or referenced).
pub fn success_fields<'a>(o: &'a OperationFile, table: &TypeTable<'a>) -> Vec<&'a Field> {
    o.success
        .first()
        .and_then(|code| o.responses.iter().find(|r| r.status == *code))
        .map(|r| response_fields(r.body.as_ref(), table))
        .unwrap_or_default()
}

pub fn response_fields<'a>(body: Option<&'a super::model::Body>, table: &TypeTable<'a>) -> Vec<&'a Field> {
    match body {
        None => Vec::new(),
        Some(b) => match &b.reference {
            Some(r) => table.types.get(r.as_str()).map(|t| t.fields.iter().collect()).unwrap_or_default(),
            None => b.fields.iter().collect(),
        },
    }
}

fn resolve_path(fields: &[&Field], path: &[String], table: &TypeTable<'_>) -> Result<TypeExpr, String> {
    let (first, rest) = path.split_first().ok_or("empty path")?;
    let field = fields.iter().find(|f| &f.name == first).ok_or_else(|| format!("no response field `{first}`"))?;
    let mut ty = field_type(field)?;
    let mut rest = rest;
    loop {
        match (&ty, rest.split_first()) {
            (_, None) => return Ok(ty),
            (TypeExpr::Array(inner), Some((idx, tail))) if idx.parse::<usize>().is_ok() => {
                ty = (**inner).clone();
                rest = tail;
            }
            (TypeExpr::Object(name), Some(_)) => {
                let t = table.types.get(name.as_str()).ok_or_else(|| format!("type `{name}` is not defined"))?;
                let sub: Vec<&Field> = t.fields.iter().collect();
                return resolve_path(&sub, rest, table);
            }
            (other, Some((key, _))) => return Err(format!("cannot go into `{key}` of {other:?}")),
        }
    }
}

fn check_examples(op: &Located<OperationFile>, table: &TypeTable<'_>, diags: &mut Vec<Diagnostic>) {
    let o = &op.value;
    for (i, ex) in o.examples.requests.iter().enumerate() {
        let at = kp!["examples", "requests", i];
        let mut parts = ex.line.split_whitespace();
        let (method, url) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if method != o.method {
            diags.push(op.diag(
                at.key("line"),
                format!("example method `{method}` differs from `{}`", o.method),
                "copy the request line as printed",
            ));
        }
        let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
        let path_and_query = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("");
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        match match_path(&o.path, path) {
            None => diags.push(op.diag(
                at.key("line"),
                format!("example path `{path}` does not match `{}`", o.path),
                "fix the path or record a correction",
            )),
            Some(values) => {
                for (name, value) in values {
                    if is_placeholder(&value) {
                        continue;
                    }
                    if let Some(row) = o.uri_parameters.iter().find(|p| p.name == name) {
                        if let Err(rule) = satisfies(&row.rules, &Json::String(value.clone())) {
                            diags.push(op.diag(
                                at.key("line"),
                                format!("example value `{value}` of `{name}` breaks rule `{rule}`"),
                                "fix the example (with a `correction:`) or the rule",
                            ));
                        }
                    }
                }
            }
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match o.query_parameters.iter().find(|q| q.name == k) {
                None => diags.push(op.diag(
                    at.key("line"),
                    format!("example query `{k}` is not a query parameter"),
                    "add the row or fix the example",
                )),
                Some(_) if is_placeholder(v) => {}
                Some(row) => {
                    let value = match field_type(row) {
                        Ok(TypeExpr::Scalar(Scalar::Integer | Scalar::Long)) => {
                            v.parse::<i64>().map(Json::from).unwrap_or(Json::String(v.into()))
                        }
                        _ => Json::String(v.into()),
                    };
                    if let Err(rule) = check_value(row, &value, table, true, &row.name) {
                        diags.push(op.diag(
                            at.key("line"),
                            format!("example query `{k}={v}` breaks `{rule}`"),
                            "fix the example or the rule",
                        ));
                    }
                }
            }
        }
        match (&ex.body, &o.request_body) {
            (Some(text), Some(body)) => match serde_json::from_str::<Json>(text) {
                Err(e) => diags.push(op.diag(
                    at.key("body"),
                    format!("example body is not JSON: {e}"),
                    "put the corrected JSON in `body` and explain in `correction:`",
                )),
                Ok(json) => {
                    let fields = response_fields(Some(body), table);
                    if let Err(e) = check_object(&fields, &json, table, true, "") {
                        diags.push(op.diag(
                            at.key("body"),
                            format!("example body: {e}"),
                            "fix the example (with a `correction:`) or the table",
                        ));
                    }
                }
            },
            (Some(_), None) => diags.push(op.diag(
                at.key("body"),
                "example has a body but the operation has no request_body",
                "remove the body or add the table",
            )),
            _ => {}
        }
    }
    for (i, ex) in o.examples.responses.iter().enumerate() {
        let at = kp!["examples", "responses", i];
        let Some(text) = &ex.body else { continue };
        let json = match serde_json::from_str::<Json>(text) {
            Ok(j) => j,
            Err(e) => {
                diags.push(op.diag(
                    at.key("body"),
                    format!("example body is not JSON: {e}"),
                    "put the corrected JSON in `body` and explain in `correction:`",
                ));
                continue;
            }
        };
        let fields = match (&ex.reference, o.responses.iter().find(|r| r.status == ex.status)) {
            (Some(r), _) => match table.types.get(r.as_str()) {
                Some(t) => t.fields.iter().collect(),
                None => {
                    diags.push(op.diag(
                        at.key("ref"),
                        format!("type `{r}` is not defined"),
                        "name a type of this service",
                    ));
                    continue;
                }
            },
            (None, Some(resp)) => response_fields(resp.body.as_ref(), table),
            (None, None) => {
                diags.push(op.diag(
                    at.key("status"),
                    format!("no response table for status {}", ex.status),
                    "add `ref:` naming the type to check this example against",
                ));
                continue;
            }
        };
        if let Err(e) = check_object(&fields, &json, table, false, "") {
            diags.push(op.diag(
                at.key("body"),
                format!("example body: {e}"),
                "fix the example (with a `correction:`) or the table",
            ));
        }
    }
}

fn is_placeholder(v: &str) -> bool {
    v.starts_with('{') && v.ends_with('}')
}

/// Checks a JSON object against rows: known names (or aliases), types, and for requests mandatory rows and rules.
pub fn check_object(
    fields: &[&Field],
    json: &Json,
    table: &TypeTable<'_>,
    request: bool,
    at: &str,
) -> Result<(), String> {
    let Json::Object(map) = json else { return Err(format!("{} must be a JSON object", display_at(at))) };
    for (key, value) in map {
        let row = fields.iter().find(|f| f.name == *key || f.aliases.iter().any(|a| a == key));
        let Some(row) = row else {
            return Err(format!(
                "unknown field `{}{key}`; known: {}",
                prefix(at),
                names(fields.iter().map(|f| f.name.as_str()))
            ));
        };
        let here = format!("{}{key}", prefix(at));
        check_value(row, value, table, request, &here)?;
    }
    if request {
        for f in fields.iter().filter(|f| f.mandatory == Some(true)) {
            if !map.contains_key(&f.name) {
                return Err(format!("mandatory field `{}{}` is missing", prefix(at), f.name));
            }
        }
        for f in fields.iter().filter(|f| !map.contains_key(&f.name)) {
            if f.mandatory_when.iter().any(|c| super::conditions::holds(c, map)) {
                return Err(format!(
                    "field `{}{}` is missing; it is mandatory when {}",
                    prefix(at),
                    f.name,
                    super::conditions::words(&f.mandatory_when)
                ));
            }
        }
    }
    Ok(())
}

fn check_value(row: &Field, value: &Json, table: &TypeTable<'_>, request: bool, at: &str) -> Result<(), String> {
    if value.is_null() && !request {
        return Ok(());
    }
    // A row with a bad type is reported where it is declared, not again for each example.
    let Ok(ty) = field_type(row) else { return Ok(()) };
    let lenient = row.lenient.then(|| super::conditions::lenient_value(&ty, value)).flatten();
    let value = lenient.as_ref().unwrap_or(value);
    check_typed(&ty, value, table, request, at)?;
    if request {
        satisfies(&row.rules, value).map_err(|rule| format!("`{at}` breaks rule `{rule}`"))?;
    }
    Ok(())
}

fn check_typed(ty: &TypeExpr, value: &Json, table: &TypeTable<'_>, request: bool, at: &str) -> Result<(), String> {
    let ok = match ty {
        TypeExpr::Scalar(Scalar::String) => value.is_string(),
        TypeExpr::Scalar(Scalar::Integer) => value.as_i64().is_some_and(|v| i32::try_from(v).is_ok()),
        TypeExpr::Scalar(Scalar::Long) => value.as_i64().is_some(),
        TypeExpr::Scalar(Scalar::Float) => value.is_number(),
        TypeExpr::Scalar(Scalar::Boolean) => value.is_boolean(),
        TypeExpr::Scalar(Scalar::Json) => true,
        TypeExpr::Object(name) => {
            let t = table.types.get(name.as_str()).ok_or_else(|| format!("type `{name}` is not defined"))?;
            let fields: Vec<&Field> = t.fields.iter().collect();
            return check_object(&fields, value, table, request, at);
        }
        TypeExpr::Array(inner) => {
            let Json::Array(items) = value else { return Err(format!("`{at}` must be an array")) };
            for (i, item) in items.iter().enumerate() {
                check_typed(inner, item, table, request, &format!("{at}[{i}]"))?;
            }
            true
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("`{at}` is {value}, which does not fit type {ty:?}"))
    }
}

fn prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}.")
    }
}

fn display_at(at: &str) -> String {
    if at.is_empty() {
        "the body".into()
    } else {
        format!("`{at}`")
    }
}

/// Whether a value satisfies the machine rules; `Err` names the first broken rule.
pub fn satisfies(rules: &Rules, value: &Json) -> Result<(), &'static str> {
    if let Some(s) = value.as_str() {
        let n = s.chars().count();
        let allowed = |c: char| {
            rules.charset.iter().any(|class| match class.as_str() {
                "letters" => c.is_ascii_alphabetic(),
                "digits" => c.is_ascii_digit(),
                "lowercase" => c.is_ascii_lowercase(),
                "uppercase" => c.is_ascii_uppercase(),
                single => single.chars().eq(std::iter::once(c)),
            })
        };
        let checks: [(&'static str, bool); 9] = [
            ("length", rules.length.is_none_or(|l| n == l as usize)),
            ("min_length", rules.min_length.is_none_or(|l| n >= l as usize)),
            ("max_length", rules.max_length.is_none_or(|l| n <= l as usize)),
            (
                "starts_with_letter",
                !rules.starts_with_letter || s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()),
            ),
            ("prefix", rules.prefix.as_deref().is_none_or(|p| s.starts_with(p))),
            ("suffix", rules.suffix.as_deref().is_none_or(|p| s.ends_with(p))),
            ("charset", rules.charset.is_empty() || s.chars().all(allowed)),
            ("forbidden_chars", rules.forbidden_chars.as_deref().is_none_or(|f| !s.chars().any(|c| f.contains(c)))),
            ("time_window", rules.time_window.as_ref().is_none_or(|w| time_window_fits(s, &w.minutes))),
        ];
        if let Some((rule, _)) = checks.iter().find(|(_, ok)| !ok) {
            return Err(rule);
        }
    }
    if let Some(v) = value.as_i64() {
        if rules.minimum.is_some_and(|m| v < m) {
            return Err("minimum");
        }
        if rules.maximum.is_some_and(|m| v > m) {
            return Err("maximum");
        }
    }
    Ok(())
}

/// `hh:mm-HH:MM` with HH one hour after hh (`23:00-00:00` wraps) and the same minutes, one of `minutes`; the runtime's
/// `check_time_window` decides the same way.
pub fn time_window_fits(text: &str, minutes: &[u8]) -> bool {
    let parse = |part: &str| -> Option<(u8, u8)> {
        let (h, m) = part.split_once(':')?;
        let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        (digits(h) && digits(m)).then(|| Some((h.parse().ok()?, m.parse().ok()?))).flatten()
    };
    let Some((from, to)) = text.split_once('-') else { return false };
    match (parse(from), parse(to)) {
        (Some((h1, m1)), Some((h2, m2))) => h1 < 24 && h2 == (h1 + 1) % 24 && m1 == m2 && minutes.contains(&m1),
        _ => false,
    }
}

fn yaml_to_json(v: &serde_yaml::Value) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

fn match_path(template: &str, actual: &str) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let a: Vec<&str> = actual.trim_end_matches('/').split('/').collect();
    if t.len() != a.len() {
        return None;
    }
    let mut values = Vec::new();
    for (ts, as_) in t.iter().zip(&a) {
        match ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => values.push((name.to_owned(), (*as_).to_owned())),
            None if ts == as_ => {}
            None => return None,
        }
    }
    Some(values)
}

/// The `{name}` parameters of a path template, in order.
pub fn path_params(path: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for seg in path.split('/') {
        if seg.contains('{') || seg.contains('}') {
            let name = seg
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .filter(|n| is_snake(n))
                .ok_or_else(|| format!("path segment `{seg}` is not a whole `{{name}}` parameter"))?;
            out.push(name.to_owned());
        }
    }
    Ok(out)
}

pub fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = it.collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}
