//! One API Explorer definition (the Swagger 2.0 JSON of one operation, as shipped under `src/` of the
//! `huawei-cloud-api-definitions-*` packages) read into the facts the audit and the drafts use, with every `$ref`
//! resolved. The JSON is outside input: anything unexpected is an error naming the file, never a panic.

use serde_json::{Map, Value as Json};

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    Path,
    Query,
    Header,
}

impl Location {
    /// The spec section that holds such rows.
    pub fn section(self) -> &'static str {
        match self {
            Location::Path => "uri_parameters",
            Location::Query => "query_parameters",
            Location::Header => "headers",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Definition {
    pub operation_id: String,
    /// Upper-case, as in the spec.
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// `x-constraint`: which engines the call applies to, and similar.
    pub constraint: Option<String>,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    pub request_examples: Vec<RequestExample>,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub location: Location,
    pub name: String,
    pub required: bool,
    pub schema: Schema,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub required: bool,
    pub schema: Schema,
}

#[derive(Debug, Clone)]
pub struct Response {
    /// `200`, `400`, ... or `default`.
    pub status: String,
    pub description: Option<String>,
    pub schema: Option<Schema>,
    pub example: Option<Json>,
}

impl Response {
    pub fn code(&self) -> Option<u16> {
        self.status.parse().ok()
    }
}

#[derive(Debug, Clone)]
pub struct RequestExample {
    pub title: Option<String>,
    pub line: Option<String>,
    pub body: Option<Json>,
}

#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub kind: Kind,
    /// The `definitions` entry this schema came from, when it was a `$ref`.
    pub name: Option<String>,
    pub description: Option<String>,
    pub enum_values: Vec<Json>,
    pub minimum: Option<Json>,
    pub maximum: Option<Json>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub default: Option<Json>,
    pub example: Option<Json>,
}

#[derive(Debug, Clone, Default)]
pub enum Kind {
    String,
    /// `integer` with format `int32`.
    Integer,
    /// `integer` with format `int64`.
    Long,
    /// `integer` without a format: fits the spec's Integer and Long alike.
    AnyInteger,
    Number,
    Boolean,
    /// An object without properties (or a map): the spec's free-form `Object`.
    FreeObject,
    Object(Vec<Property>),
    Array(Box<Schema>),
    /// No type given, or one the spec has no word for (`file`).
    #[default]
    Unspecified,
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub required: bool,
    pub schema: Schema,
}

impl Schema {
    /// The type in the spec's vocabulary: `String`, `Long`, `MysqlBackupPolicy object`, `Array of String`, ...
    pub fn printed(&self) -> String {
        match &self.kind {
            Kind::String => "String".into(),
            Kind::Integer | Kind::AnyInteger => "Integer".into(),
            Kind::Long => "Long".into(),
            Kind::Number => "Double".into(),
            Kind::Boolean => "Boolean".into(),
            Kind::FreeObject => "Object".into(),
            Kind::Object(_) => match &self.name {
                Some(n) => format!("{n} object"),
                None => "object".into(),
            },
            Kind::Array(inner) => match &inner.kind {
                Kind::Object(_) => match &inner.name {
                    Some(n) => format!("Array of {n} objects"),
                    None => "Array of objects".into(),
                },
                _ => format!("Array of {}", inner.printed()),
            },
            Kind::Unspecified => "unspecified".into(),
        }
    }

    pub fn properties(&self) -> Option<&[Property]> {
        match &self.kind {
            Kind::Object(p) => Some(p),
            _ => None,
        }
    }

    /// The object schema this one holds: itself, or its array items (through nested arrays).
    pub fn object(&self) -> Option<&Schema> {
        match &self.kind {
            Kind::Object(_) => Some(self),
            Kind::Array(inner) => inner.object(),
            _ => None,
        }
    }
}

/// A JSON value as the audit prints it: strings bare, integral numbers without a fraction.
pub fn json_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// `$ref` chains longer than this are taken as a cycle.
const MAX_DEPTH: usize = 24;

/// Parses one definition file's text; `Err` says what is wrong.
pub fn parse(text: &str) -> Result<Definition, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let paths = doc.get("paths").and_then(Json::as_object).ok_or("no `paths` object")?;
    let mut operations = paths.iter().flat_map(|(path, methods)| {
        methods.as_object().into_iter().flatten().map(move |(method, op)| (path, method, op))
    });
    let (path, method, op) = operations.next().ok_or("`paths` holds no operation")?;
    if operations.next().is_some() {
        return Err("`paths` holds more than one operation; expected one per file".into());
    }
    let op = op.as_object().ok_or("the operation is not an object")?;
    let ctx = Context { doc: &doc };
    let operation_id = text_of(op, "operationId")
        .or_else(|| doc.get("name").and_then(Json::as_str).map(str::to_owned))
        .ok_or("no `operationId`")?;

    let mut parameters = Vec::new();
    let mut body = None;
    for (i, raw) in op.get("parameters").and_then(Json::as_array).into_iter().flatten().enumerate() {
        let param = ctx.deref(raw, 0).map_err(|e| format!("parameters[{i}]: {e}"))?;
        let param = param.as_object().ok_or_else(|| format!("parameters[{i}] is not an object"))?;
        let name = text_of(param, "name").ok_or_else(|| format!("parameters[{i}] has no `name`"))?;
        let required = param.get("required").and_then(Json::as_bool).unwrap_or(false);
        let location = match param.get("in").and_then(Json::as_str) {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            Some("body") => {
                let schema = param.get("schema").ok_or_else(|| format!("body parameter `{name}` has no schema"))?;
                body = Some(Body {
                    required,
                    schema: ctx.schema(schema, 0).map_err(|e| format!("body parameter `{name}`: {e}"))?,
                });
                continue;
            }
            // formData and cookies have no place in the spec; the audit ignores them.
            _ => continue,
        };
        let schema = ctx.schema(&Json::Object(param.clone()), 0).map_err(|e| format!("parameter `{name}`: {e}"))?;
        parameters.push(Parameter { location, name, required, schema });
    }
    if body.is_none() {
        // OpenAPI 3 style, used by a few packages.
        if let Some(rb) = op.get("requestBody") {
            let rb = ctx.deref(rb, 0)?;
            if let Some(schema) = json_content_schema(&rb) {
                body = Some(Body {
                    required: rb.get("required").and_then(Json::as_bool).unwrap_or(false),
                    schema: ctx.schema(schema, 0).map_err(|e| format!("requestBody: {e}"))?,
                });
            }
        }
    }

    let mut responses = Vec::new();
    for (status, raw) in op.get("responses").and_then(Json::as_object).into_iter().flatten() {
        // A dangling `$ref` here (some packages point at a `responses` section they do not ship) leaves the
        // status without a schema rather than the whole definition unreadable.
        let Ok(r) = ctx.deref(raw, 0) else {
            responses.push(Response { status: status.clone(), description: None, schema: None, example: None });
            continue;
        };
        let schema = match r.get("schema").or_else(|| json_content_schema(&r)) {
            Some(s) => Some(ctx.schema(s, 0).map_err(|e| format!("responses.{status}: {e}"))?),
            None => None,
        };
        let example = r
            .get("examples")
            .and_then(|e| e.get("application/json"))
            .or_else(|| r.get("x-response-examples-1"))
            .cloned();
        responses.push(Response {
            status: status.clone(),
            description: r.get("description").and_then(Json::as_str).map(str::to_owned),
            schema,
            example,
        });
    }

    let mut request_examples = Vec::new();
    for n in 1..=20 {
        let line = text_of(op, &format!("x-request-examples-url-{n}"));
        let body = op.get(&format!("x-request-examples-{n}")).cloned();
        if line.is_none() && body.is_none() {
            continue;
        }
        let title = text_of(op, &format!("x-request-examples-description-{n}"));
        request_examples.push(RequestExample { title, line, body });
    }

    Ok(Definition {
        operation_id,
        method: method.to_ascii_uppercase(),
        path: path.clone(),
        summary: text_of(op, "summary"),
        description: text_of(op, "description"),
        constraint: text_of(op, "x-constraint").filter(|c| !c.trim().is_empty()),
        parameters,
        body,
        responses,
        request_examples,
    })
}

fn text_of(map: &Map<String, Json>, key: &str) -> Option<String> {
    map.get(key).and_then(Json::as_str).map(str::to_owned)
}

fn json_content_schema(r: &Json) -> Option<&Json> {
    let content = r.get("content")?.as_object()?;
    let media = content.iter().find(|(k, _)| k.contains("json")).or_else(|| content.iter().next())?.1;
    media.get("schema")
}

struct Context<'a> {
    doc: &'a Json,
}

impl Context<'_> {
    /// Follows `$ref` (to `#/definitions/`, `#/parameters/`, `#/components/...`) until a value without one; keys
    /// beside a `$ref` override the target's.
    fn deref(&self, value: &Json, depth: usize) -> Result<Json, String> {
        let Some(reference) = value.get("$ref").and_then(Json::as_str) else {
            return Ok(value.clone());
        };
        if depth > MAX_DEPTH {
            return Err(format!("`$ref` chain through `{reference}` is too deep (a cycle?)"));
        }
        let target = self.lookup(reference)?;
        let mut resolved = self.deref(target, depth + 1)?;
        if let (Some(out), Some(extra)) = (resolved.as_object_mut(), value.as_object()) {
            for (k, v) in extra {
                if k != "$ref" {
                    out.insert(k.clone(), v.clone());
                }
            }
            out.entry("x-ref-name").or_insert_with(|| Json::String(ref_name(reference).to_owned()));
        }
        Ok(resolved)
    }

    fn lookup(&self, reference: &str) -> Result<&Json, String> {
        let pointer = reference.strip_prefix('#').ok_or_else(|| format!("`$ref` `{reference}` is not local"))?;
        self.doc.pointer(pointer).ok_or_else(|| format!("`$ref` `{reference}` points at nothing"))
    }

    fn schema(&self, raw: &Json, depth: usize) -> Result<Schema, String> {
        if depth > MAX_DEPTH {
            return Ok(Schema { kind: Kind::FreeObject, ..Schema::default() });
        }
        let value = self.deref(raw, depth)?;
        let map = value.as_object().ok_or("a schema is not an object")?;
        let format = map.get("format").and_then(Json::as_str);
        let kind = match map.get("type").and_then(Json::as_str) {
            Some("string") => Kind::String,
            Some("integer") => match format {
                Some("int64") => Kind::Long,
                Some("int32") => Kind::Integer,
                _ => Kind::AnyInteger,
            },
            Some("number") => Kind::Number,
            Some("boolean") => Kind::Boolean,
            Some("array") => {
                let items = map.get("items").ok_or("an array schema has no `items`")?;
                Kind::Array(Box::new(self.schema(items, depth + 1)?))
            }
            Some("object") | None if map.get("properties").and_then(Json::as_object).is_some_and(|p| !p.is_empty()) => {
                self.object(map, depth)?
            }
            Some("object") => Kind::FreeObject,
            None if map.contains_key("additionalProperties") => Kind::FreeObject,
            _ => Kind::Unspecified,
        };
        Ok(Schema {
            kind,
            name: map.get("x-ref-name").and_then(Json::as_str).map(str::to_owned),
            description: map.get("description").and_then(Json::as_str).map(str::to_owned),
            enum_values: map.get("enum").and_then(Json::as_array).into_iter().flatten().map(enum_value).collect(),
            minimum: map.get("minimum").cloned(),
            maximum: map.get("maximum").cloned(),
            min_length: map.get("minLength").and_then(Json::as_u64),
            max_length: map.get("maxLength").and_then(Json::as_u64),
            pattern: map.get("pattern").and_then(Json::as_str).map(str::to_owned),
            default: map.get("default").cloned(),
            example: map.get("example").or_else(|| map.get("x-example")).cloned(),
        })
    }

    fn object(&self, map: &Map<String, Json>, depth: usize) -> Result<Kind, String> {
        let required: Vec<&str> =
            map.get("required").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str).collect();
        let mut properties = Vec::new();
        for (name, raw) in map.get("properties").and_then(Json::as_object).into_iter().flatten() {
            let own_flag = raw.get("required").and_then(Json::as_bool).unwrap_or(false);
            let schema = self.schema(raw, depth + 1).map_err(|e| format!("property `{name}`: {e}"))?;
            properties.push(Property {
                name: name.clone(),
                required: own_flag || required.contains(&name.as_str()),
                schema,
            });
        }
        Ok(Kind::Object(properties))
    }
}

/// Some definitions write a value with its Chinese gloss (`"BUILDING:备份中"`, `"Auto 自动全量备份"`); the wire value is
/// the part before the gloss.
fn enum_value(value: &Json) -> Json {
    let Some(text) = value.as_str() else { return value.clone() };
    let is_gloss = |c: char| matches!(c, '\u{3000}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}');
    if !text.chars().any(is_gloss) {
        return value.clone();
    }
    let head = text.split([' ', ':', '：', '(', '（']).next().unwrap_or(text).trim();
    if head.is_empty() || head.chars().any(is_gloss) {
        value.clone()
    } else {
        Json::String(head.to_owned())
    }
}

fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEF: &str = r##"{
      "definitions": {
        "Req": { "required": ["policy"], "properties": {
          "policy": { "$ref": "#/definitions/Policy", "description": "策略" } } },
        "Policy": { "type": "object", "required": ["keep_days"], "properties": {
          "keep_days": { "type": "integer", "format": "int32", "minimum": 0, "maximum": 35 },
          "period": { "type": "string", "enum": ["1", "2:每周二"] },
          "tags": { "type": "array", "items": { "type": "string" } },
          "loop": { "$ref": "#/definitions/Loop" } } },
        "Loop": { "properties": { "next": { "$ref": "#/definitions/Loop" } } }
      },
      "parameters": { "project_id": { "in": "path", "name": "project_id", "required": true, "type": "string" } },
      "paths": { "/v3/{project_id}/policy": { "put": {
        "operationId": "SetPolicy",
        "parameters": [ { "$ref": "#/parameters/project_id" },
          { "in": "query", "name": "limit", "type": "integer" },
          { "in": "body", "name": "body", "required": true, "schema": { "$ref": "#/definitions/Req" } } ],
        "responses": { "200": { "description": "ok", "schema": { "properties": { "count": { "type": "integer", "format": "int64" } } },
                                "examples": { "application/json": { "count": 1 } } } },
        "x-request-examples-url-1": "PUT https://{endpoint}/v3/p/policy",
        "x-request-examples-1": { "policy": { "keep_days": 7 } }
      } } }
    }"##;

    #[test]
    fn refs_required_lists_and_examples_are_resolved() {
        let d = parse(DEF).expect("parses");
        assert_eq!((d.operation_id.as_str(), d.method.as_str()), ("SetPolicy", "PUT"));
        assert_eq!(d.parameters.len(), 2);
        assert!(d.parameters[0].required && d.parameters[0].location == Location::Path);
        assert!(matches!(d.parameters[1].schema.kind, Kind::AnyInteger));
        let body = d.body.expect("body");
        let policy = &body.schema.properties().expect("object")[0];
        assert!(policy.required);
        assert_eq!(policy.schema.printed(), "Policy object");
        assert_eq!(policy.schema.description.as_deref(), Some("策略"));
        let fields = policy.schema.properties().expect("policy fields");
        let keep = fields.iter().find(|p| p.name == "keep_days").expect("keep_days");
        assert!(keep.required && keep.schema.printed() == "Integer" && keep.schema.maximum == Some(35.into()));
        let period = fields.iter().find(|p| p.name == "period").expect("period");
        assert_eq!(period.schema.enum_values, vec![Json::from("1"), Json::from("2")], "the gloss is not a value");
        assert_eq!(
            fields.iter().find(|p| p.name == "tags").map(|p| p.schema.printed()).as_deref(),
            Some("Array of String")
        );
        assert_eq!(d.responses[0].code(), Some(200));
        assert!(d.responses[0].example.is_some());
        assert_eq!(d.request_examples.len(), 1);
    }

    #[test]
    fn broken_definitions_are_errors_not_panics() {
        assert!(parse("[]").unwrap_err().contains("paths"));
        assert!(parse(r#"{"paths": {}}"#).unwrap_err().contains("no operation"));
        let dangling = DEF.replace("#/definitions/Policy\"", "#/definitions/Nope\"");
        assert!(parse(&dangling).unwrap_err().contains("points at nothing"));
        for (cut, _) in DEF.char_indices().step_by(37) {
            let _ = parse(&DEF[..cut]);
        }
    }
}
