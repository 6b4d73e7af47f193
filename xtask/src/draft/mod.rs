//! `cargo xtask spec-draft <service> <OperationId>`: writes a draft `spec/<service>/<operation>.yaml` from the
//! operation's API Explorer definition, so that a transcription starts from every row, type, mandatory flag, enum
//! and example the definition has. What only the English page can say is left as `TODO(page)`, the definition's
//! Chinese text as `TODO(translate) <text>`; the loader rejects both, so `cargo xtask spec-check` lists what is
//! left to fill in. The definition is vendored beside the pins, so `spec-audit` covers the new operation at once.

pub mod examples;
pub mod text;
pub mod yaml;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value as Json;

use crate::apidefs::definition::{json_text, Definition, Kind, Location, Property, Schema};
use crate::apidefs::{self, fetch};
use crate::spec::load::ServiceDir;
use text::{blocks, draft_text, prose_values};

const PAGE: &str = "TODO(page)";

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    match run_inner(root, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Args<'a> {
    service: &'a str,
    operation_id: &'a str,
    out: Option<PathBuf>,
    force: bool,
}

fn parse_args<'a>(args: &[&'a str]) -> Result<Args<'a>, String> {
    let usage = "usage: cargo xtask spec-draft <service> <OperationId> [--out FILE] [--force]";
    let mut positional = Vec::new();
    let (mut out, mut force) = (None, false);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--force" => force = true,
            "--out" => out = Some(PathBuf::from(rest.next().ok_or(usage)?)),
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`; {usage}")),
            value => positional.push(value),
        }
    }
    match positional.as_slice() {
        [service, operation_id] => Ok(Args { service, operation_id, out, force }),
        _ => Err(usage.into()),
    }
}

fn run_inner(root: &Path, args: &[&str]) -> Result<(), String> {
    let args = parse_args(args)?;
    let defs_dir = root.join(apidefs::DIR);
    let pins = apidefs::read_pins(&defs_dir)?;
    let service_name = args.service.to_ascii_lowercase();
    let pin = pins.get(&service_name).ok_or_else(|| {
        format!(
            "no definition package is pinned for `{}`; pinned: {}",
            args.service,
            pins.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    let (services, _) = crate::spec::load::load(&root.join("spec"), Path::new("spec"));
    let service = services.iter().find(|s| s.name == service_name).ok_or_else(|| {
        format!("spec/{service_name}/service.yaml does not load; fix it first (`cargo xtask spec-check`)")
    })?;

    let file_name = format!("{}.json", args.operation_id);
    let vendored = defs_dir.join(&service_name).join(&file_name);
    let text = match fs::read_to_string(&vendored) {
        Ok(t) => t,
        Err(_) => {
            let fetched = fetch::fetch(root, &pin.package, &pin.version)?;
            let path = fetched.src.join(&file_name);
            fs::read_to_string(&path).map_err(|_| not_found(&fetched.src, args.operation_id, &pin.label()))?
        }
    };
    let def = apidefs::definition::parse(&text).map_err(|e| format!("{} {file_name}: {e}", pin.label()))?;
    let operation = operation_name(&def.operation_id);
    let draft = draft(service, &def, &operation, &format!("{} (src/{file_name})", pin.label()));

    let in_spec = args.out.is_none();
    let out = args.out.unwrap_or_else(|| root.join("spec").join(&service_name).join(format!("{operation}.yaml")));
    if out.exists() && !args.force {
        return Err(format!("{} exists; pass --force to overwrite it, or --out FILE", out.display()));
    }
    fs::write(&out, &draft).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let translate = draft.matches(text::TRANSLATE).count();
    let page = draft.matches(PAGE).count();
    println!(
        "wrote {}: {translate} TODO(translate), {page} TODO(page) left to fill in from the English page",
        out.display()
    );
    if in_spec {
        if !vendored.exists() {
            fs::write(&vendored, &text).map_err(|e| format!("cannot write {}: {e}", vendored.display()))?;
            println!("vendored {} for `cargo xtask spec-audit`", vendored.display());
        }
        println!("next: fill it in, then `cargo xtask spec-check`, `cargo xtask spec-audit`, `cargo xtask codegen`");
    } else {
        println!(
            "the definition was not vendored (the draft is outside spec/); once it is in spec/, run \
             `cargo xtask spec-audit --update {service_name}@{}`",
            pin.version
        );
    }
    Ok(())
}

fn not_found(src: &Path, wanted: &str, label: &str) -> String {
    let lower = wanted.to_ascii_lowercase();
    let mut near: Vec<String> = fs::read_dir(src)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|s| {
            let s = s.to_ascii_lowercase();
            s.contains(&lower)
                || lower.contains(&s)
                || lower.split(char::is_numeric).next().is_some_and(|p| s.starts_with(p))
        })
        .collect();
    near.sort();
    near.truncate(12);
    format!("{label} has no {wanted}.json; names are case-sensitive. Close: {}", near.join(", "))
}

/// `UpdateGaussMySqlBackupPolicy` → `update_gauss_my_sql_backup_policy`; GES's version suffix (`CreateBackup2`) goes.
pub fn operation_name(operation_id: &str) -> String {
    snake(operation_id.trim_end_matches(|c: char| c.is_ascii_digit()))
}

pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            out.push('_');
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    let mut collapsed = String::new();
    for part in out.split('_').filter(|p| !p.is_empty()) {
        if !collapsed.is_empty() {
            collapsed.push('_');
        }
        collapsed.push_str(part);
    }
    if collapsed.starts_with(|c: char| c.is_ascii_digit()) || collapsed.is_empty() {
        collapsed.insert_str(0, "t_");
    }
    collapsed
}

/// A table the draft writes under `types:`.
struct TypeOut {
    name: String,
    table: String,
    description: Option<String>,
    note: Option<String>,
    rows: String,
}

struct Drafter<'a> {
    /// Tables of the service the draft may reuse: name → field names.
    existing: Vec<(&'a str, BTreeSet<String>)>,
    /// Type names in use in the service's namespace.
    taken: BTreeSet<String>,
    /// Definition schema (name, request side) → type name, for schemas already drafted.
    made: BTreeMap<(String, bool), String>,
    types: Vec<TypeOut>,
}

/// The draft's text for `def`, reusing the service's tables where the definition's objects have the same fields.
pub fn draft(service: &ServiceDir, def: &Definition, operation: &str, source: &str) -> String {
    let mut existing = Vec::new();
    let all_types = service.service.value.types.iter().chain(service.operations.iter().flat_map(|o| &o.value.types));
    for t in all_types {
        let names = t.fields.iter().map(|f| f.name.clone()).collect();
        existing.push((t.name.as_str(), names));
    }
    let taken = existing.iter().map(|(n, _)| (*n).to_owned()).collect();
    let mut d = Drafter { existing, taken, made: BTreeMap::new(), types: Vec::new() };
    d.operation(def, operation, source)
}

fn is_success(r: &apidefs::definition::Response) -> bool {
    r.code().is_some_and(|c| (200..300).contains(&c))
}

impl Drafter<'_> {
    fn operation(&mut self, def: &Definition, operation: &str, source: &str) -> String {
        let mut out = String::new();
        self.header(&mut out, def, operation, source);
        self.parameters(&mut out, def);
        self.request_body(&mut out, def);
        self.responses(&mut out, def);
        status_codes(&mut out, def);
        self.examples(&mut out, def);
        self.type_tables(&mut out);
        out
    }

    /// Everything above the tables: names, source, method and path, success codes, job and paging.
    fn header(&self, out: &mut String, def: &Definition, operation: &str, source: &str) {
        out.push_str(&format!(
            "# Draft written by `cargo xtask spec-draft` from the API Explorer definition {source}.\n\
             # Complete it against the English page, row by row; `cargo xtask spec-check` lists each line still marked\n\
             # TODO: `(translate)` before the definition's Chinese text, to be replaced by the page's wording, and\n\
             # `(page)` where only the page can say. Rows, types, mandatory flags, enums and examples are the\n\
             # definition's: where the page differs, follow the page and record the difference with\n\
             # `accepted_differences` (spec/README.md); `cargo xtask spec-audit` compares the result with the definition.\n"
        ));
        out.push_str(&format!("operation: {operation}\n"));
        out.push_str(&format!("title: {}\n", yaml::scalar(&format!("{PAGE} the page title as printed"))));
        out.push_str("source:\n");
        out.push_str(&format!(
            "  file: {}\n",
            yaml::scalar(&format!("{PAGE} the page under ../shared, e.g. docs/<page>.txt"))
        ));
        let summary = def.description.as_deref().or(def.summary.as_deref()).unwrap_or("");
        yaml::text(
            out,
            0,
            "summary",
            &draft_text(if summary.trim().is_empty() { "TODO(page) the Function text" } else { summary }),
        );
        out.push_str(&format!("method: {}\npath: {}\n", def.method, yaml::scalar(&def.path)));
        let idempotent = matches!(def.method.as_str(), "GET" | "PUT" | "DELETE" | "HEAD");
        if !idempotent {
            out.push_str("# false: repeating this request may create a second resource (true only if the page says it cannot).\n");
        }
        out.push_str(&format!("idempotent: {idempotent}\n"));
        let success: Vec<String> = def.responses.iter().filter(|r| is_success(r)).map(|r| r.status.clone()).collect();
        if success.is_empty() {
            out.push_str(&format!(
                "# {PAGE} the definition names no success status; write the page's.\nsuccess: [200]\n"
            ));
        } else {
            out.push_str(&format!("success: [{}]\n", success.join(", ")));
        }
        let success_schema = def.responses.iter().find(|r| is_success(r)).and_then(|r| r.schema.as_ref());
        if let Some(props) = success_schema.and_then(Schema::properties) {
            if props.iter().any(|p| p.name == "job_id" && matches!(p.schema.kind, Kind::String)) {
                out.push_str("returns_job: { field: job_id }\n");
            }
        }
        self.pagination(out, def, success_schema);
        let mut notes = vec![format!("Drafted from the API Explorer definition {source}.")];
        if let Some(c) = &def.constraint {
            notes.push(draft_text(c));
        }
        out.push_str("notes:\n");
        for n in notes {
            yaml::item(out, 2, &n);
        }
    }

    fn parameters(&mut self, out: &mut String, def: &Definition) {
        for location in [Location::Path, Location::Query, Location::Header] {
            let params: Vec<_> = def.parameters.iter().filter(|p| p.location == location).collect();
            if params.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{}:\n", location.section()));
            for p in params {
                let required = p.required || location == Location::Path;
                let name = header_name(&p.name, location);
                self.row(out, 2, &name, &p.schema, Some(required), Some(location));
            }
        }
    }

    fn request_body(&mut self, out: &mut String, def: &Definition) {
        if let Some(body) = &def.body {
            out.push_str("\nrequest_body:\n");
            out.push_str(&format!("  table: {}\n", yaml::scalar(&format!("{PAGE} the request body table's title"))));
            match body.schema.properties() {
                Some(props) => {
                    out.push_str("  fields:\n");
                    for p in props {
                        self.row(out, 4, &p.name, &p.schema, Some(p.required), None);
                    }
                }
                None => out.push_str(&format!(
                    "  # {PAGE} the definition's body is {}, not a table of fields; transcribe the page's table.\n  fields: []\n",
                    body.schema.printed()
                )),
            }
        }
    }

    fn responses(&mut self, out: &mut String, def: &Definition) {
        out.push_str("\nresponses:\n");
        for r in &def.responses {
            let Some(code) = r.code() else {
                out.push_str(&format!("  # the definition also has a `{}` response without a status code\n", r.status));
                continue;
            };
            out.push_str(&format!("  - status: {code}\n"));
            if let Some(desc) = r.description.as_deref().filter(|d| !d.trim().is_empty()) {
                yaml::text(out, 4, "description", &draft_text(desc));
            }
            let Some(props) = r.schema.as_ref().and_then(Schema::properties) else { continue };
            let schema = r.schema.as_ref();
            let reuse = self.reusable(props);
            match (reuse, is_success(r)) {
                (Some(name), _) => out.push_str(&format!("    body: {{ ref: {name} }}\n")),
                (None, true) => {
                    out.push_str("    body:\n      fields:\n");
                    for p in props {
                        self.row(out, 8, &p.name, &p.schema, None, None);
                    }
                }
                (None, false) => {
                    let name = schema.map(|s| self.object_type(s, "error", false)).unwrap_or_default();
                    out.push_str(&format!("    body: {{ ref: {name} }}\n"));
                }
            }
        }
    }

    fn type_tables(&self, out: &mut String) {
        if !self.types.is_empty() {
            out.push_str("\ntypes:\n");
            for t in &self.types {
                if let Some(note) = &t.note {
                    out.push_str(&format!("  # {note}\n"));
                }
                out.push_str(&format!("  - name: {}\n", t.name));
                out.push_str(&format!("    table: {}\n", yaml::scalar(&t.table)));
                if let Some(d) = &t.description {
                    yaml::text(out, 4, "description", d);
                }
                if t.rows.is_empty() {
                    out.push_str("    fields: []\n");
                } else {
                    out.push_str("    fields:\n");
                    out.push_str(&t.rows);
                }
            }
        }
    }

    fn pagination(&self, out: &mut String, def: &Definition, success: Option<&Schema>) {
        let query = |name: &str| def.parameters.iter().find(|p| p.location == Location::Query && p.name == name);
        let (Some(offset), Some(limit)) = (query("offset"), query("limit")) else { return };
        let props = success.and_then(Schema::properties).unwrap_or_default();
        let Some(items) = props.iter().find(|p| matches!(p.schema.kind, Kind::Array(_))) else { return };
        let total = props.iter().find(|p| {
            matches!(p.schema.kind, Kind::Integer | Kind::Long | Kind::AnyInteger)
                && (p.name.contains("count") || p.name.contains("total"))
        });
        let integer =
            |p: &apidefs::definition::Parameter| matches!(p.schema.kind, Kind::Integer | Kind::Long | Kind::AnyInteger);
        let mut text = format!("pagination:\n  offset: offset\n  limit: limit\n  items: {}\n", items.name);
        if let Some(t) = total {
            text.push_str(&format!("  total: {}\n", t.name));
        }
        if integer(offset) && integer(limit) {
            out.push_str("# Check on the page whether offset counts items (the default) or pages (`unit: pages`).\n");
            out.push_str(&text);
        } else {
            out.push_str("# The definition types offset/limit as strings; paging needs Integer rows (see taurusdb/list_backups):\n");
            for line in text.lines() {
                out.push_str(&format!("# {line}\n"));
            }
        }
    }

    /// A service table with exactly these fields, if any.
    fn reusable(&self, props: &[Property]) -> Option<String> {
        let names: BTreeSet<String> = props.iter().map(|p| p.name.clone()).collect();
        self.existing.iter().find(|(_, fields)| *fields == names).map(|(n, _)| (*n).to_owned())
    }

    /// The type name for an object schema: a reusable service table, one already drafted, or a new one.
    fn object_type(&mut self, schema: &Schema, field: &str, request: bool) -> String {
        let printed = schema.name.clone().unwrap_or_else(|| field.to_owned());
        let key = (printed.clone(), request);
        if let Some(name) = self.made.get(&key) {
            return name.clone();
        }
        let props = schema.properties().unwrap_or_default();
        // Response tables only: a request table's rows carry mandatory flags that a reused table may not.
        if let Some(name) = self.reusable(props).filter(|_| !request) {
            self.made.insert(key, name.clone());
            return name;
        }
        let base = snake(&printed);
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        let note = (name != base).then(|| {
            format!("the service already has a table `{base}` with other fields; reuse it if the page prints the same table")
        });
        self.taken.insert(name.clone());
        self.made.insert(key, name.clone());
        let mut rows = String::new();
        for p in props {
            self.row(&mut rows, 6, &p.name, &p.schema, request.then_some(p.required), None);
        }
        let description = schema.description.as_deref().map(draft_text);
        self.types.push(TypeOut { name: name.clone(), table: printed, description, note, rows });
        name
    }

    /// The printed type and, when the table name differs from it, the `ref`.
    fn type_of(
        &mut self,
        schema: &Schema,
        field: &str,
        request: bool,
    ) -> (String, Option<String>, Option<&'static str>) {
        match &schema.kind {
            Kind::Object(_) => {
                let name = self.object_type(schema, field, request);
                let printed = schema.name.clone().unwrap_or_else(|| field.to_owned());
                let reference = (name != printed).then_some(name);
                (format!("{printed} object"), reference, None)
            }
            Kind::Array(inner) => match &inner.kind {
                Kind::Object(_) => {
                    let name = self.object_type(inner, field, request);
                    let printed = inner.name.clone().unwrap_or_else(|| field.to_owned());
                    let reference = (name != printed).then_some(name);
                    (format!("Array of {printed} objects"), reference, None)
                }
                Kind::Array(_) => {
                    ("Object".into(), None, Some("the definition nests arrays, which the spec cannot type"))
                }
                _ => (format!("Array of {}", scalar_word(inner)), None, None),
            },
            Kind::Unspecified => ("Object".into(), None, Some("the definition gives no type")),
            Kind::AnyInteger => (
                "Integer".into(),
                None,
                Some("the definition gives no int32/int64 format; Long if the values can be large"),
            ),
            _ => (scalar_word(schema).into(), None, None),
        }
    }

    fn row(
        &mut self,
        out: &mut String,
        indent: usize,
        name: &str,
        schema: &Schema,
        mandatory: Option<bool>,
        location: Option<Location>,
    ) {
        let pad = " ".repeat(indent);
        let (mut ty, mut reference, mut note) = self.type_of(schema, name, mandatory.is_some());
        if location.is_some() && !parameter_type_ok(&ty) {
            note = Some("the definition gives a structured parameter; the spec's parameters are scalars");
            (ty, reference) = ("String".into(), None);
        }
        out.push_str(&format!("{pad}- name: {}\n", yaml::scalar(name)));
        let pad = format!("{pad}  ");
        let indent = indent + 2;
        if let Some(m) = mandatory {
            out.push_str(&format!("{pad}mandatory: {m}\n"));
        }
        if let Some(note) = note {
            out.push_str(&format!("{pad}# {note}\n"));
        }
        out.push_str(&format!("{pad}type: {}\n", yaml::scalar(&ty)));
        if let Some(r) = reference {
            out.push_str(&format!("{pad}ref: {r}\n"));
        }
        let b = blocks(schema.description.as_deref().unwrap_or(""));
        let mut any = false;
        for (key, value) in [
            ("description", &b.description),
            ("definition", &b.definition),
            ("constraints", &b.constraints),
            ("range", &b.range),
            ("default_value", &b.default_value),
        ] {
            if let Some(v) = value {
                yaml::text(out, indent, key, v);
                any = true;
            }
        }
        if !any {
            out.push_str(&format!("{pad}description: {}\n", yaml::scalar(&format!("{PAGE} the row's description"))));
        }
        self.rules(out, &pad, schema, &ty);
        if ty == "String" {
            let mut values: Vec<(String, String)> =
                schema.enum_values.iter().map(|v| (json_text(v), String::new())).collect();
            if values.is_empty() {
                values = prose_values(schema.description.as_deref().unwrap_or(""));
                if !values.is_empty() {
                    out.push_str(&format!(
                        "{pad}# values read from the definition's prose: keep the ones the page lists\n"
                    ));
                }
            }
            if !values.is_empty() {
                out.push_str(&format!("{pad}values:\n"));
                for (value, description) in values {
                    if description.is_empty() {
                        out.push_str(&format!("{pad}  - {{ value: {} }}\n", yaml::flow_scalar(&value)));
                    } else {
                        out.push_str(&format!(
                            "{pad}  - {{ value: {}, description: {} }}\n",
                            yaml::flow_scalar(&value),
                            yaml::flow_scalar(&draft_text(&description))
                        ));
                    }
                }
            }
        } else if !schema.enum_values.is_empty() {
            let values: Vec<String> = schema.enum_values.iter().map(json_text).collect();
            out.push_str(&format!(
                "{pad}# the definition's values: [{}] (the spec holds value sets on String rows only)\n",
                values.join(", ")
            ));
        }
        if location == Some(Location::Header) {
            if name.eq_ignore_ascii_case("X-Auth-Token") {
                out.push_str(&format!("{pad}sensitive: true\n{pad}supplied_by: auth\n"));
            } else if name.eq_ignore_ascii_case("Content-Type") {
                out.push_str(&format!("{pad}supplied_by: transport\n"));
            }
        }
        let secret = location == Some(Location::Header) && name.eq_ignore_ascii_case("X-Auth-Token");
        if let Some(example) = schema.example.as_ref().filter(|_| !secret) {
            let shown = json_text(example);
            if !shown.contains('\n') && shown.len() <= 120 {
                out.push_str(&format!("{pad}# example in the definition: {shown}\n"));
            }
        }
    }

    fn rules(&self, out: &mut String, pad: &str, schema: &Schema, ty: &str) {
        let mut rules = Vec::new();
        let is_string = ty == "String";
        let is_int = ty == "Integer" || ty == "Long";
        if is_string {
            match (schema.min_length, schema.max_length) {
                (Some(a), Some(b)) if a == b => rules.push(format!("length: {a}")),
                (a, b) => {
                    rules.extend(a.filter(|n| *n > 0).map(|n| format!("min_length: {n}")));
                    rules.extend(b.map(|n| format!("max_length: {n}")));
                }
            }
        }
        if is_int {
            rules.extend(schema.minimum.as_ref().and_then(Json::as_i64).map(|n| format!("minimum: {n}")));
            rules.extend(schema.maximum.as_ref().and_then(Json::as_i64).map(|n| format!("maximum: {n}")));
        }
        let default = match (&schema.default, is_string, is_int) {
            (Some(Json::String(s)), true, _) => Some(yaml::flow_scalar(s)),
            (Some(Json::Number(n)), _, true) if n.is_i64() => Some(n.to_string()),
            (Some(Json::Bool(b)), _, _) if ty == "Boolean" => Some(b.to_string()),
            _ => None,
        };
        rules.extend(default.map(|d| format!("default: {d}")));
        if !rules.is_empty() {
            out.push_str(&format!("{pad}rules: {{ {} }}\n", rules.join(", ")));
        }
        if let Some(p) = &schema.pattern {
            out.push_str(&format!("{pad}# pattern in the definition: {p}\n"));
        }
    }

    fn examples(&self, out: &mut String, def: &Definition) {
        let requests: Vec<_> = def.request_examples.iter().collect();
        let responses: Vec<_> = def.responses.iter().filter(|r| r.code().is_some() && r.example.is_some()).collect();
        if requests.is_empty() && responses.is_empty() {
            return;
        }
        out.push_str("\nexamples:\n");
        if !requests.is_empty() {
            out.push_str("  requests:\n");
            for ex in requests {
                let title =
                    ex.title.as_deref().map(draft_text).unwrap_or_else(|| format!("{PAGE} the example's title"));
                out.push_str(&format!("    - title: {}\n", yaml::scalar(&title)));
                // Some definitions write the method in lower case; pages print it as the URI section does.
                let line = match ex.line.as_deref().and_then(|l| l.split_once(' ')) {
                    Some((method, rest)) => format!("{} {rest}", method.to_ascii_uppercase()),
                    None => format!("{} https://{{endpoint}}{}", def.method, def.path),
                };
                out.push_str(&format!("      line: {}\n", yaml::scalar(&line)));
                match (&ex.body, &def.body) {
                    (Some(body), Some(b)) => example_body(out, body, Some(&b.schema)),
                    (Some(body), None) => {
                        let text = format!(
                            "{PAGE} check against the page's example. The definition's example sends {body}, but it \
                             documents no request body; the body is left out."
                        );
                        yaml::text(out, 6, "correction", &text);
                    }
                    (None, _) => {}
                }
            }
        }
        if !responses.is_empty() {
            out.push_str("  responses:\n");
            for r in responses {
                out.push_str(&format!("    - status: {}\n", r.status));
                if let Some(d) = r.description.as_deref().filter(|d| !d.trim().is_empty()) {
                    out.push_str(&format!("      title: {}\n", yaml::scalar(&draft_text(d))));
                }
                if let Some(body) = &r.example {
                    example_body(out, body, r.schema.as_ref());
                }
            }
        }
    }
}

/// The status codes the definition lists, with the standard reason phrases.
fn status_codes(out: &mut String, def: &Definition) {
    let codes: Vec<_> = def.responses.iter().filter_map(|r| r.code().map(|c| (c, r))).collect();
    if !codes.is_empty() {
        out.push_str("\nstatus_codes:\n");
        for (code, r) in codes {
            let description = r.description.as_deref().filter(|d| !d.trim().is_empty()).map(draft_text);
            let description = description.unwrap_or_else(|| format!("{PAGE} the status code's description"));
            out.push_str(&format!(
                "  - {{ status: {code}, text: {}, description: {} }}\n",
                yaml::flow_scalar(reason_phrase(code)),
                yaml::flow_scalar(&description)
            ));
        }
    }
}

/// `body: |` with the JSON pretty-printed, fitted to its schema; what fitting changed goes to `correction:`.
fn example_body(out: &mut String, body: &Json, schema: Option<&Schema>) {
    let mut parsed = match body {
        Json::String(s) => serde_json::from_str::<Json>(s).unwrap_or_else(|_| body.clone()),
        other => other.clone(),
    };
    let changes = schema.map(|s| examples::fit(&mut parsed, s)).unwrap_or_default();
    if text::has_cjk(&parsed.to_string()) {
        out.push_str(&format!(
            "      # {PAGE} this example holds Chinese text; the English page's example may differ\n"
        ));
    }
    json_block(out, 6, &parsed);
    if !changes.is_empty() {
        let text = format!("{PAGE} check against the page's example. {}.", changes.join("; "));
        yaml::text(out, 6, "correction", &text);
    }
}

/// `body: |` with the JSON pretty-printed.
fn json_block(out: &mut String, indent: usize, body: &Json) {
    let text = serde_json::to_string_pretty(body).unwrap_or_default();
    let pad = " ".repeat(indent);
    out.push_str(&format!("{pad}body: |\n"));
    for line in text.lines() {
        out.push_str(&format!("{pad}  {line}\n"));
    }
}

fn scalar_word(schema: &Schema) -> &'static str {
    match schema.kind {
        Kind::String => "String",
        Kind::Integer | Kind::AnyInteger => "Integer",
        Kind::Long => "Long",
        Kind::Number => "Double",
        Kind::Boolean => "Boolean",
        _ => "Object",
    }
}

fn parameter_type_ok(ty: &str) -> bool {
    matches!(ty, "String" | "Integer" | "Long" | "Double" | "Boolean")
        || ty.starts_with("Array of ") && !ty.ends_with("objects")
}

/// Header names as the pages print them; the definitions sometimes write them in lower case.
fn header_name(name: &str, location: Location) -> String {
    if location != Location::Header {
        return name.to_owned();
    }
    for known in ["X-Auth-Token", "Content-Type", "X-Language", "X-Project-Id", "X-Sdk-Date", "X-Security-Token"] {
        if name.eq_ignore_ascii_case(known) {
            return known.to_owned();
        }
    }
    name.to_owned()
}

fn reason_phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "TODO(page) the status text",
    }
}
