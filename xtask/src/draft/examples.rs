//! Makes a definition's example fit the schema it illustrates, as the spec's examples must: fields the schema lacks
//! are dropped and scalars of the wrong JSON type converted where their text allows, each change listed for the
//! example's `correction:`.

use serde_json::Value as Json;

use crate::apidefs::definition::{Kind, Schema};

/// Fits `value` to `schema` in place; returns one line per change, e.g. "dropped `database_tables`".
pub fn fit(value: &mut Json, schema: &Schema) -> Vec<String> {
    let mut changes = Vec::new();
    walk(value, schema, "", &mut changes, 0);
    changes
}

fn walk(value: &mut Json, schema: &Schema, at: &str, changes: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    let join = |key: &str| if at.is_empty() { key.to_owned() } else { format!("{at}.{key}") };
    match (&schema.kind, value) {
        (Kind::Object(props), Json::Object(map)) => {
            let unknown: Vec<String> = map.keys().filter(|k| !props.iter().any(|p| &p.name == *k)).cloned().collect();
            for key in unknown {
                map.remove(&key);
                changes.push(format!("dropped `{}`, which the definition's schema lacks", join(&key)));
            }
            for p in props {
                if let Some(v) = map.get_mut(&p.name) {
                    walk(v, &p.schema, &join(&p.name), changes, depth + 1);
                }
            }
        }
        (Kind::Array(items), Json::Array(list)) => {
            for (i, v) in list.iter_mut().enumerate() {
                walk(v, items, &format!("{at}[{i}]"), changes, depth + 1);
            }
        }
        (Kind::String, v @ (Json::Number(_) | Json::Bool(_))) => {
            let text = v.to_string();
            changes.push(format!("`{at}` {text} written as the string \"{text}\" (the definition types it string)"));
            *v = Json::String(text);
        }
        (Kind::Integer | Kind::Long | Kind::AnyInteger, v @ Json::String(_)) => {
            let text = v.as_str().unwrap_or_default().to_owned();
            match crate::spec::conditions::leading_integer(&text) {
                Some(n) if text.trim() == n.to_string() => {
                    changes.push(format!("`{at}` \"{n}\" written as the number {n} (the definition types it integer)"));
                    *v = Json::from(n);
                }
                Some(n) => {
                    changes.push(format!(
                        "`{at}` {text:?} written as the number {n} (the definition types it integer; if servers send \
                         such text, mark the row `lenient` and keep the printed value)"
                    ));
                    *v = Json::from(n);
                }
                None => changes
                    .push(format!("`{at}` is {v}, which the definition types integer: write what the page means")),
            }
        }
        (Kind::Number, v @ Json::String(_)) => {
            if let Some(n) =
                v.as_str().and_then(|s| s.trim().parse::<f64>().ok()).and_then(serde_json::Number::from_f64)
            {
                changes.push(format!("`{at}` \"{n}\" written as the number {n} (the definition types it number)"));
                *v = Json::Number(n);
            }
        }
        (Kind::Boolean, v @ Json::String(_)) => {
            if let Some(b) = v.as_str().and_then(|s| s.trim().parse::<bool>().ok()) {
                changes.push(format!("`{at}` \"{b}\" written as {b} (the definition types it boolean)"));
                *v = Json::Bool(b);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apidefs::definition::parse;

    #[test]
    fn unknown_fields_go_and_mistyped_scalars_are_converted() {
        let def = parse(
            r#"{"paths": {"/x": {"get": {"operationId": "X", "responses": {"200": {"schema": {"properties": {
                "id": {"type": "string"}, "n": {"type": "integer"},
                "list": {"type": "array", "items": {"properties": {"a": {"type": "string"}}}}}}}}}}}}"#,
        )
        .expect("parses");
        let schema = def.responses[0].schema.as_ref().expect("schema");
        let mut example: Json =
            serde_json::from_str(r#"{"id": 7, "n": "3", "extra": 1, "list": [{"a": "x", "b": 2}]}"#).expect("json");
        let changes = fit(&mut example, schema);
        assert_eq!(example, serde_json::json!({"id": "7", "n": 3, "list": [{"a": "x"}]}));
        assert_eq!(changes.len(), 4, "{changes:?}");
        assert!(changes.iter().any(|c| c.contains("dropped `list[0].b`")), "{changes:?}");
    }
}
