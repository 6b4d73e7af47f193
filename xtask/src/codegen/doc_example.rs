//! The rustdoc example of an operation: a complete program that creates the client, calls, and reads the result,
//! run by `cargo test --doc` against the emulator. It sets what the call needs: the mandatory fields, and those the
//! documented example makes mandatory through `mandatory_when`; values come from the documented example request
//! (objects built with their constructor and `with_` methods), and from the emulator's fixtures for resource ids
//! and restorable times, which the page's example cannot know.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use super::examples::example_values;
use super::model::Ctx;
use super::operation::{InputField, Op, Place};
use crate::spec::check::field_type;
use crate::spec::conditions;
use crate::spec::model::{Field, TimeFormat};
use crate::spec::types::{Scalar, TypeExpr};

/// What the example program is being built from: its hidden set-up lines and the types it names.
struct Program<'a> {
    ctx: &'a Ctx<'a>,
    /// `hwcloud::{service}::{operation}::OPERATION`, for fixtures.
    operation: String,
    hidden: Vec<String>,
    /// Fixture variables already bound.
    bound: BTreeSet<String>,
    /// Types named by the example, for its `use` line.
    types: BTreeSet<String>,
}

impl Program<'_> {
    /// A variable holding the emulator's value for field `path` (`instance_id`, `restore_point.backup_id`).
    fn fixture(&mut self, path: &str, row: &Field, ty: &TypeExpr) -> String {
        let last = path.rsplit('.').next().unwrap_or(path);
        let mut name = super::names::snake(last);
        if !self.bound.insert(name.clone()) {
            name = super::names::snake(&path.replace('.', "_"));
            self.bound.insert(name.clone());
        }
        let operation = &self.operation;
        let call = format!("emulator.fixture(&{operation}, {path:?}).await?");
        self.hidden.push(match ty {
            TypeExpr::Scalar(Scalar::Integer | Scalar::Long) => {
                let rust = if *ty == TypeExpr::Scalar(Scalar::Long) { "i64" } else { "i32" };
                format!("# let {name}: {rust} = {call}.parse()?;")
            }
            _ => format!("# let {name} = {call};"),
        });
        if matches!(ty, TypeExpr::Scalar(Scalar::String)) && row.values.is_empty() {
            format!("&{name}")
        } else {
            name
        }
    }

    /// The Rust expression for value `json` of row `row` at `path`, or `None` when the example cannot give one.
    fn expr(&mut self, path: &str, row: &Field, ty: &TypeExpr, json: Option<&Json>) -> Option<String> {
        if needs_fixture(row) {
            return Some(self.fixture(path, row, ty));
        }
        let json = json?;
        let lenient = row.lenient.then(|| conditions::lenient_value(ty, json)).flatten();
        let json = lenient.as_ref().unwrap_or(json);
        match (ty, json) {
            (TypeExpr::Scalar(Scalar::String), Json::String(s)) => Some(format!("{s:?}")),
            (TypeExpr::Scalar(Scalar::Integer | Scalar::Long), Json::Number(n)) => n.as_i64().map(|n| n.to_string()),
            (TypeExpr::Scalar(Scalar::Float), Json::Number(n)) => n.as_f64().map(|n| format!("{n:?}")),
            (TypeExpr::Scalar(Scalar::Boolean), Json::Bool(b)) => Some(b.to_string()),
            (TypeExpr::Object(name), Json::Object(object)) => self.object(path, name, object),
            (TypeExpr::Array(inner), Json::Array(items)) => {
                let items: Option<Vec<String>> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.expr(&format!("{path}[{i}]"), row, inner, Some(item)))
                    .collect();
                Some(format!("vec![{}]", items?.join(", ")))
            }
            _ => None,
        }
    }

    /// `Type::new(mandatory...)` and a `with_` call for each field the example's values make mandatory.
    fn object(&mut self, path: &str, name: &str, object: &serde_json::Map<String, Json>) -> Option<String> {
        let table = self.ctx.table.types.get(name)?;
        let rust = self.ctx.rust_names.get(name)?.clone();
        self.types.insert(rust.clone());
        let mut args = Vec::new();
        let mut withs = Vec::new();
        for row in &table.fields {
            let ty = field_type(row).ok()?;
            let here = format!("{path}.{}", row.name);
            let value = object.get(&row.name);
            let method = row.rust_name.clone().unwrap_or_else(|| super::names::snake(&row.name));
            if row.mandatory == Some(true) {
                args.push(self.expr(&here, row, &ty, value)?);
            } else if needed(row, object) {
                withs.push(format!(".with_{method}({})", self.expr(&here, row, &ty, value)?));
            }
        }
        Some(format!("{rust}::new({}){}", args.join(", "), withs.concat()))
    }
}

/// Ids and restorable times come from the emulator: the page's example values name resources it does not have.
fn needs_fixture(row: &Field) -> bool {
    let wire = &row.name;
    ((wire == "id" || wire.ends_with("_id")) && row.values.is_empty()) || row.format == Some(TimeFormat::UnixMs)
}

/// Whether an optional row must be set because the example's other values make it mandatory.
fn needed(row: &Field, object: &serde_json::Map<String, Json>) -> bool {
    row.mandatory_when.iter().any(|c| conditions::holds(c, object))
}

pub fn doc_example(op: &Op<'_>) -> Vec<String> {
    let o = op.o;
    let values = o.examples.requests.first().map(|ex| example_values(&op.fields, &o.path, ex));
    let service = &op.ctx.service.name;
    let operation = &o.operation;
    let mut program = Program {
        ctx: op.ctx,
        operation: format!("hwcloud::{service}::{operation}::OPERATION"),
        hidden: vec![
            "# #[tokio::main(flavor = \"current_thread\")]".to_owned(),
            "# async fn main() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
            "# let emulator = hwcloud_emulator::Emulator::builder().start().await?;".to_owned(),
        ],
        bound: BTreeSet::new(),
        types: BTreeSet::new(),
    };
    // The example's values by place, as JSON objects, for `mandatory_when` and the values themselves.
    let mut params = serde_json::Map::new();
    if let Some(v) = &values {
        for (i, raw) in &v.params {
            let f = &op.fields[*i];
            let typed = matches!(f.rust.expr, TypeExpr::Scalar(Scalar::Integer | Scalar::Long | Scalar::Boolean));
            let value = typed.then(|| serde_json::from_str(raw).ok()).flatten();
            params.insert(f.rust.field.name.clone(), value.unwrap_or_else(|| Json::from(raw.as_str())));
        }
    }
    let body = values.as_ref().and_then(|v| v.body.as_ref()).and_then(Json::as_object).cloned().unwrap_or_default();
    let mut calls = Vec::new();
    for f in op.fields.iter().filter(|f| !f.client_supplied()) {
        let section = if f.place == Place::Body { &body } else { &params };
        if !(f.mandatory() || needed(f.rust.field, section)) {
            continue;
        }
        calls.push(setter_call(&mut program, f, section));
    }
    let mut lines = vec!["```".to_owned()];
    lines.extend(program.hidden);
    if !program.types.is_empty() {
        let types: Vec<&str> = program.types.iter().map(String::as_str).collect();
        let list = if types.len() == 1 { types[0].to_owned() } else { format!("{{{}}}", types.join(", ")) };
        lines.push(format!("use hwcloud::{service}::types::{list};"));
        lines.push(String::new());
    }
    lines.push("// Against the cloud: `let client = hwcloud::Client::from_env()?;`. Here, a local emulator:".into());
    lines.push("let client = emulator.client()?;".into());
    lines.push("let output = client".into());
    lines.push(format!("    .{service}()"));
    lines.push(format!("    .{operation}()"));
    lines.extend(calls);
    lines.push("    .send()".into());
    lines.push("    .await?;".into());
    lines.extend(read_result(op));
    lines.push("println!(\"request id: {:?}\", output.request_id());".into());
    lines.push("# Ok(())".into());
    lines.push("# }".into());
    lines.push("```".into());
    lines
}

/// `.field(value)` for one input field: from the example when it gives a usable value, else from a fixture.
fn setter_call(program: &mut Program<'_>, f: &InputField<'_>, section: &serde_json::Map<String, Json>) -> String {
    let name = f.rust.ident.to_string();
    let row = f.rust.field;
    let value = program.expr(&row.name, row, &f.rust.expr, section.get(&row.name));
    let value = value.unwrap_or_else(|| program.fixture(&row.name, row, &f.rust.expr));
    format!("    .{name}({value})")
}

/// A line reading what the call returned: the page's items, the started job, or the first documented field.
fn read_result(op: &Op<'_>) -> Option<String> {
    if let Some(p) = &op.o.pagination {
        let items = super::names::snake(&p.items);
        return Some(format!("println!(\"{{}} items on this page\", output.{items}().len());"));
    }
    if let Some(job) = &op.o.returns_job {
        let field = super::names::snake(&job.field);
        return Some(format!("println!(\"started job {{:?}}\", output.{field}());"));
    }
    let first = crate::spec::check::success_fields(op.o, &op.ctx.table).into_iter().next()?;
    let field = first.rust_name.clone().unwrap_or_else(|| super::names::snake(&first.name));
    Some(format!("println!(\"{}: {{:?}}\", output.{field}());", first.name))
}
