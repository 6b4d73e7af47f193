//! What changed between two versions of one definition, fact by fact (parameters, fields, types, flags, enums,
//! bounds, descriptions, examples): the "the docs changed" signal that `spec-audit --update` prints.

use std::collections::BTreeMap;

use crate::apidefs::definition::{json_text, Definition, Schema};

/// Every fact of a definition under a stable key, e.g. `query_parameters.limit.type` → `Integer`.
pub fn flatten(def: &Definition) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut put = |k: String, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.insert(k, v);
        }
    };
    put("operation".into(), Some(format!("{} {} {}", def.operation_id, def.method, def.path)));
    put("summary".into(), def.summary.clone());
    put("description".into(), def.description.clone());
    put("constraint".into(), def.constraint.clone());
    let mut facts = Vec::new();
    for p in &def.parameters {
        let at = format!("{}.{}", p.location.section(), p.name);
        facts.push((format!("{at}.required"), p.required.to_string()));
        schema_facts(&at, &p.schema, &mut facts, 0);
    }
    if let Some(b) = &def.body {
        facts.push(("request_body.required".into(), b.required.to_string()));
        schema_facts("request_body", &b.schema, &mut facts, 0);
    }
    for r in &def.responses {
        let at = format!("responses.{}", r.status);
        facts.push((format!("{at}.description"), r.description.clone().unwrap_or_default()));
        if let Some(s) = &r.schema {
            schema_facts(&at, s, &mut facts, 0);
        }
        if let Some(e) = &r.example {
            facts.push((format!("{at}.example"), e.to_string()));
        }
    }
    for (i, e) in def.request_examples.iter().enumerate() {
        let at = format!("examples.requests[{i}]");
        facts.push((format!("{at}.title"), e.title.clone().unwrap_or_default()));
        facts.push((format!("{at}.line"), e.line.clone().unwrap_or_default()));
        facts.push((format!("{at}.body"), e.body.as_ref().map(ToString::to_string).unwrap_or_default()));
    }
    for (k, v) in facts {
        put(k, Some(v));
    }
    out
}

fn schema_facts(at: &str, s: &Schema, out: &mut Vec<(String, String)>, depth: usize) {
    out.push((format!("{at}.type"), s.printed()));
    let mut put = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            out.push((format!("{at}.{key}"), v));
        }
    };
    put("description", s.description.clone());
    if !s.enum_values.is_empty() {
        put("enum", Some(format!("[{}]", s.enum_values.iter().map(json_text).collect::<Vec<_>>().join(", "))));
    }
    put("minimum", s.minimum.as_ref().map(json_text));
    put("maximum", s.maximum.as_ref().map(json_text));
    put("min_length", s.min_length.map(|n| n.to_string()));
    put("max_length", s.max_length.map(|n| n.to_string()));
    put("pattern", s.pattern.clone());
    put("default", s.default.as_ref().map(json_text));
    if depth > 16 {
        return;
    }
    match &s.kind {
        crate::apidefs::definition::Kind::Object(props) => {
            for p in props {
                let sub = format!("{at}.{}", p.name);
                out.push((format!("{sub}.required"), p.required.to_string()));
                schema_facts(&sub, &p.schema, out, depth + 1);
            }
        }
        crate::apidefs::definition::Kind::Array(items) => schema_facts(&format!("{at}[]"), items, out, depth + 1),
        _ => {}
    }
}

/// One line per fact added, removed or changed.
pub fn diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<String> {
    let mut lines = Vec::new();
    for (k, v) in new {
        match old.get(k) {
            None => lines.push(format!("+ {k}: {}", one_line(v))),
            Some(o) if o != v => lines.push(format!("~ {k}: {} -> {}", one_line(o), one_line(v))),
            Some(_) => {}
        }
    }
    for (k, v) in old {
        if !new.contains_key(k) {
            lines.push(format!("- {k}: {}", one_line(v)));
        }
    }
    lines.sort_by(|a, b| a[2..].cmp(&b[2..]));
    lines
}

fn one_line(s: &str) -> String {
    s.replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apidefs::definition::parse;

    #[test]
    fn a_changed_flag_and_a_new_field_are_listed() {
        let old = r#"{"paths": {"/v1/x": {"get": {"operationId": "X", "parameters": [
            {"in": "query", "name": "limit", "type": "integer", "required": false}],
            "responses": {"200": {"schema": {"properties": {"a": {"type": "string"}}}}}}}}}"#;
        let new = old.replace("\"required\": false", "\"required\": true").replace(
            r#""a": {"type": "string"}"#,
            r#""a": {"type": "string"}, "b": {"type": "boolean", "description": "新"}"#,
        );
        let lines = diff(&flatten(&parse(old).expect("old")), &flatten(&parse(&new).expect("new")));
        assert_eq!(
            lines,
            [
                "~ query_parameters.limit.required: false -> true",
                "+ responses.200.b.description: 新",
                "+ responses.200.b.required: false",
                "+ responses.200.b.type: Boolean",
            ]
        );
    }
}
