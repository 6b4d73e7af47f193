//! Holds one spec operation against its API Explorer definition, row by row, and lists every difference in
//! parameters, bodies (nested tables included), mandatory flags, types, enum values, stated bounds and success
//! codes. Each difference names the spec element where a marker may explain it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::apidefs::definition::{json_text, Definition, Kind, Location, Property, Schema};
use crate::spec::accepted;
use crate::spec::check::{field_type, DiagSource};
use crate::spec::diag::{kp, KeyPath};
use crate::spec::load::{Located, ServiceDir};
use crate::spec::model::{Aspect, Body, Field, OperationFile, TypeDef};
use crate::spec::types::{Scalar, TypeExpr};

/// One fact on which the spec and the definition disagree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    pub file: PathBuf,
    pub line: usize,
    /// The spec element (row, table, or the operation: empty path) whose markers may explain it.
    pub owner: KeyPath,
    /// As printed: `query_parameters.limit.type`, `backup_list.encrypted`, `success`.
    pub path: String,
    pub aspect: Aspect,
    /// `not_in_spec`: the definition's field, as a marker's `field` names it.
    pub field: Option<String>,
    pub spec: String,
    pub explorer: String,
}

/// Where a type table is written.
#[derive(Clone, Copy)]
struct TypeAt<'a> {
    file: &'a dyn DiagSource,
    index: usize,
    def: &'a TypeDef,
}

struct Cx<'a> {
    types: BTreeMap<&'a str, TypeAt<'a>>,
    /// Type tables being compared, to stop at recursive types.
    stack: Vec<&'a str>,
    out: Vec<Difference>,
}

/// Every difference between `op` and `def`; rows of shared types are reported in the file that defines them.
pub fn compare<'a>(service: &'a ServiceDir, op: &'a Located<OperationFile>, def: &Definition) -> Vec<Difference> {
    let mut types = BTreeMap::new();
    let service_file: &dyn DiagSource = &service.service;
    for (index, t) in service.service.value.types.iter().enumerate() {
        types.entry(t.name.as_str()).or_insert(TypeAt { file: service_file, index, def: t });
    }
    for other in &service.operations {
        let file: &dyn DiagSource = other;
        for (index, t) in other.value.types.iter().enumerate() {
            types.entry(t.name.as_str()).or_insert(TypeAt { file, index, def: t });
        }
    }
    let mut cx = Cx { types, stack: Vec::new(), out: Vec::new() };
    cx.operation(op, def);
    cx.out.sort();
    cx.out.dedup();
    cx.out
}

impl<'a> Cx<'a> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        file: &dyn DiagSource,
        owner: KeyPath,
        line_at: &KeyPath,
        path: String,
        aspect: Aspect,
        field: Option<String>,
        spec: String,
        explorer: String,
    ) {
        let (line, _) = file.locator().find(line_at);
        self.out.push(Difference { file: file.path().to_owned(), line, owner, path, aspect, field, spec, explorer });
    }

    fn operation(&mut self, op: &'a Located<OperationFile>, def: &Definition) {
        let file: &'a dyn DiagSource = op;
        let o = &op.value;
        for location in [Location::Path, Location::Query, Location::Header] {
            let section = location.section();
            let rows = match location {
                Location::Path => &o.uri_parameters,
                Location::Query => &o.query_parameters,
                Location::Header => &o.headers,
            };
            let headers = location == Location::Header;
            let params: Vec<_> = def.parameters.iter().filter(|p| p.location == location).collect();
            for p in &params {
                if !rows.iter().any(|r| names_match(r, &p.name, headers)) {
                    let at = if rows.is_empty() { kp!["path"] } else { kp![section] };
                    let name = format!("{section}.{}", p.name);
                    let printed = p.schema.printed();
                    self.push(file, kp![], &at, name.clone(), Aspect::NotInSpec, Some(name), "absent".into(), printed);
                }
            }
            for (i, row) in rows.iter().enumerate() {
                let at = kp![section, i];
                let subject = format!("{section}.{}", row.name);
                match params.iter().find(|p| names_match(row, &p.name, headers)) {
                    Some(p) => self.row(file, at, &subject, row, &p.schema, Some(p.required)),
                    None => self.not_in_definition(file, at, subject, &row.ty),
                }
            }
        }

        match (&o.request_body, &def.body) {
            (Some(body), Some(d)) => self.body(file, kp!["request_body"], "request_body", body, &d.schema, true),
            (Some(_), None) => self.not_in_definition(file, kp!["request_body"], "request_body".into(), "a body"),
            (None, Some(d)) if d.schema.properties().is_some_and(|p| !p.is_empty()) => self.push(
                file,
                kp![],
                &kp!["method"],
                "request_body".into(),
                Aspect::NotInSpec,
                Some("request_body".into()),
                "absent".into(),
                d.schema.printed(),
            ),
            _ => {}
        }

        let def_success: BTreeSet<u16> = def.responses.iter().filter_map(|r| r.code()).filter(is_success).collect();
        let spec_success: BTreeSet<u16> = o.success.iter().copied().collect();
        if !def_success.is_empty() && def_success != spec_success {
            self.push(
                file,
                kp![],
                &kp!["success"],
                "success".into(),
                Aspect::Success,
                None,
                list(spec_success),
                list(def_success),
            );
        }

        for (j, r) in o.responses.iter().enumerate() {
            // The success response is compared with the definition's even when their codes differ.
            let paired = def.responses.iter().find(|d| d.code() == Some(r.status)).or_else(|| {
                o.success
                    .contains(&r.status)
                    .then(|| def.responses.iter().find(|d| d.code().is_some_and(|c| is_success(&c))))
                    .flatten()
            });
            let Some(d) = paired else { continue };
            let prefix = format!("responses.{}", r.status);
            let at = kp!["responses", j, "body"];
            match (&r.body, &d.schema) {
                (Some(body), Some(schema)) => self.body(file, at, &prefix, body, schema, false),
                (Some(_), None) => self.not_in_definition(file, at, prefix, "a body"),
                (None, Some(schema)) if schema.properties().is_some_and(|p| !p.is_empty()) => {
                    let printed = schema.printed();
                    let line_at = kp!["responses", j];
                    self.push(
                        file,
                        kp![],
                        &line_at,
                        prefix.clone(),
                        Aspect::NotInSpec,
                        Some(prefix),
                        "absent".into(),
                        printed,
                    )
                }
                _ => {}
            }
        }
    }

    fn not_in_definition(&mut self, file: &dyn DiagSource, at: KeyPath, subject: String, spec: &str) {
        self.push(file, at.clone(), &at, subject, Aspect::NotInDefinition, None, spec.to_owned(), "absent".into());
    }

    fn body(
        &mut self,
        file: &'a dyn DiagSource,
        at: KeyPath,
        prefix: &str,
        body: &'a Body,
        def: &Schema,
        request: bool,
    ) {
        let Some(props) = def.properties() else {
            let printed = def.printed();
            self.push(file, at.clone(), &at, format!("{prefix}.type"), Aspect::Type, None, "an object".into(), printed);
            return;
        };
        match &body.reference {
            Some(name) => self.named_table(name, props, request),
            None => self.table(file, at.clone(), prefix, &body.fields, at.key("fields"), props, request),
        }
    }

    fn named_table(&mut self, name: &str, props: &[Property], request: bool) {
        let Some(t) = self.types.get(name).copied() else { return };
        if self.stack.contains(&t.def.name.as_str()) {
            return;
        }
        self.stack.push(&t.def.name);
        let at = kp!["types", t.index];
        self.table(t.file, at.clone(), &t.def.name, &t.def.fields, at.key("fields"), props, request);
        self.stack.pop();
    }

    #[allow(clippy::too_many_arguments)]
    fn table(
        &mut self,
        file: &'a dyn DiagSource,
        owner: KeyPath,
        prefix: &str,
        rows: &'a [Field],
        rows_at: KeyPath,
        props: &[Property],
        request: bool,
    ) {
        for p in props {
            if !rows.iter().any(|r| names_match(r, &p.name, false)) {
                let path = format!("{prefix}.{}", p.name);
                let printed = p.schema.printed();
                self.push(
                    file,
                    owner.clone(),
                    &owner,
                    path,
                    Aspect::NotInSpec,
                    Some(p.name.clone()),
                    "absent".into(),
                    printed,
                );
            }
        }
        for (i, row) in rows.iter().enumerate() {
            let at = rows_at.index(i);
            let subject = format!("{prefix}.{}", row.name);
            match props.iter().find(|p| names_match(row, &p.name, false)) {
                Some(p) => self.row(file, at, &subject, row, &p.schema, request.then_some(p.required)),
                None => self.not_in_definition(file, at, subject, &row.ty),
            }
        }
    }

    /// One row against one definition field; `required` is `None` in responses, where the spec has no flag.
    fn row(
        &mut self,
        file: &'a dyn DiagSource,
        at: KeyPath,
        subject: &str,
        row: &'a Field,
        def: &Schema,
        required: Option<bool>,
    ) {
        let Ok(ty) = field_type(row) else { return };
        let push = |cx: &mut Self, aspect: Aspect, line_key: &str, spec: String, explorer: String| {
            let path = format!("{subject}.{}", aspect.key());
            cx.push(file, at.clone(), &at.key(line_key), path, aspect, None, spec, explorer);
        };
        if !fits(&ty, def) {
            push(self, Aspect::Type, "type", row.ty.clone(), def.printed());
        } else if let (Some(name), Some(object)) = (ty.object_name(), def.object()) {
            if let Some(props) = object.properties() {
                self.named_table(name, props, required.is_some());
            }
        }
        if let (Some(def_required), Some(spec_mandatory)) = (required, row.mandatory) {
            if def_required != spec_mandatory {
                push(self, Aspect::Mandatory, "mandatory", spec_mandatory.to_string(), def_required.to_string());
            }
        }
        // The spec holds value sets on String rows only.
        if !def.enum_values.is_empty() && ty == TypeExpr::Scalar(Scalar::String) {
            let def_values: Vec<String> = def.enum_values.iter().map(json_text).collect();
            let spec_values: Vec<String> = row.values.iter().map(|v| v.value.clone()).collect();
            let as_set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
            if as_set(&def_values) != as_set(&spec_values) {
                push(self, Aspect::Values, "values", bracketed(&spec_values), bracketed(&def_values));
            }
        }
        let rules = &row.rules;
        let bounds = [
            (
                Aspect::MinLength,
                def.min_length.map(|n| n.to_string()),
                rules.min_length.or(rules.length).map(|n| n.to_string()),
            ),
            (
                Aspect::MaxLength,
                def.max_length.map(|n| n.to_string()),
                rules.max_length.or(rules.length).map(|n| n.to_string()),
            ),
            (Aspect::Minimum, def.minimum.as_ref().map(json_text), rules.minimum.map(|n| n.to_string())),
            (Aspect::Maximum, def.maximum.as_ref().map(json_text), rules.maximum.map(|n| n.to_string())),
            (Aspect::Default, def.default.as_ref().map(json_text), rules.default.as_ref().and_then(accepted::render)),
        ];
        // The spec holds numeric bounds on Integer and Long rows only (a String row's range stays in its prose).
        let numeric = matches!(ty, TypeExpr::Scalar(Scalar::Integer | Scalar::Long));
        for (aspect, explorer, spec) in bounds {
            if matches!(aspect, Aspect::Minimum | Aspect::Maximum) && !numeric {
                continue;
            }
            if let Some(explorer) = explorer {
                if spec.as_deref() != Some(explorer.as_str()) {
                    push(self, aspect, "rules", spec.unwrap_or_else(|| "nothing".into()), explorer);
                }
            }
        }
    }
}

fn is_success(code: &u16) -> bool {
    (200..300).contains(code)
}

fn names_match(row: &Field, name: &str, case_insensitive: bool) -> bool {
    let same = |a: &str| if case_insensitive { a.eq_ignore_ascii_case(name) } else { a == name };
    same(&row.name) || row.aliases.iter().any(|a| same(a))
}

/// Whether a spec type and a definition type say the same (object names aside: tables are compared row by row).
fn fits(spec: &TypeExpr, def: &Schema) -> bool {
    match (spec, &def.kind) {
        (_, Kind::Unspecified) => true,
        (TypeExpr::Scalar(s), kind) => matches!(
            (s, kind),
            (Scalar::String, Kind::String)
                | (Scalar::Integer, Kind::Integer | Kind::AnyInteger)
                | (Scalar::Long, Kind::Long | Kind::AnyInteger)
                | (Scalar::Float, Kind::Number)
                | (Scalar::Boolean, Kind::Boolean)
                | (Scalar::Json, Kind::FreeObject)
        ),
        (TypeExpr::Object(_), Kind::Object(_)) => true,
        (TypeExpr::Array(inner), Kind::Array(items)) => fits(inner, items),
        _ => false,
    }
}

fn bracketed(values: &[String]) -> String {
    format!("[{}]", values.join(", "))
}

fn list(codes: BTreeSet<u16>) -> String {
    bracketed(&codes.iter().map(u16::to_string).collect::<Vec<_>>())
}
