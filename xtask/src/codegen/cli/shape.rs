//! What the generated commands know about their JSON: the request body template (`--generate-skeleton`) and the
//! columns `-o table` shows for a listing's items.

use crate::codegen::model::Ctx;
use crate::spec::check::field_type;
use crate::spec::model::Field;
use crate::spec::types::{Scalar, TypeExpr};

/// Objects nested deeper than this are `{}` in the template.
const MAX_DEPTH: usize = 4;

/// The request body as a pretty JSON template in documented order: `""` for strings (the first documented value
/// where there is a value set), the documented default or `0` for numbers, `false`, `{}` for free-form objects,
/// nested objects written out, arrays with one item.
pub fn skeleton(ctx: &Ctx<'_>, rows: &[&Field]) -> String {
    let mut out = String::new();
    object(ctx, rows, 0, &mut out);
    out.push('\n');
    out
}

fn object(ctx: &Ctx<'_>, rows: &[&Field], depth: usize, out: &mut String) {
    if rows.is_empty() || depth >= MAX_DEPTH {
        out.push_str("{}");
        return;
    }
    let pad = "  ".repeat(depth + 1);
    out.push_str("{\n");
    for (i, row) in rows.iter().enumerate() {
        out.push_str(&pad);
        out.push_str(&serde_json::Value::String(row.name.clone()).to_string());
        out.push_str(": ");
        let expr = field_type(row).unwrap_or(TypeExpr::Scalar(Scalar::Json));
        value(ctx, row, &expr, depth + 1, out);
        out.push_str(if i + 1 < rows.len() { ",\n" } else { "\n" });
    }
    out.push_str(&"  ".repeat(depth));
    out.push('}');
}

fn value(ctx: &Ctx<'_>, row: &Field, expr: &TypeExpr, depth: usize, out: &mut String) {
    let default = row.rules.default.as_ref();
    match expr {
        TypeExpr::Scalar(Scalar::String) => {
            let first = row.values.first().map(|v| v.value.clone());
            let text = first.or_else(|| default.and_then(|d| d.as_str().map(str::to_owned))).unwrap_or_default();
            out.push_str(&serde_json::Value::String(text).to_string());
        }
        TypeExpr::Scalar(Scalar::Integer | Scalar::Long) => {
            out.push_str(&default.and_then(serde_yaml::Value::as_i64).unwrap_or(0).to_string())
        }
        TypeExpr::Scalar(Scalar::Float) => out.push_str("0.0"),
        TypeExpr::Scalar(Scalar::Boolean) => {
            out.push_str(if default.and_then(serde_yaml::Value::as_bool) == Some(true) { "true" } else { "false" })
        }
        TypeExpr::Scalar(Scalar::Json) => out.push_str("{}"),
        TypeExpr::Object(name) => {
            let fields: Vec<&Field> =
                ctx.table.types.get(name.as_str()).map(|t| t.fields.iter().collect()).unwrap_or_default();
            object(ctx, &fields, depth, out);
        }
        TypeExpr::Array(inner) => {
            out.push('[');
            value(ctx, row, inner, depth, out);
            out.push(']');
        }
    }
}

/// The columns of `-o table` for a listing's items: the identifying scalar fields (id, name, status, type,
/// times, size) in that order, else the first six scalar fields; `-o wide` shows every documented field.
pub fn table_columns(fields: &[&Field]) -> Vec<String> {
    let scalars: Vec<&str> = fields
        .iter()
        .filter(|f| matches!(field_type(f), Ok(TypeExpr::Scalar(s)) if s != Scalar::Json))
        .map(|f| f.name.as_str())
        .collect();
    let rank = |name: &str| match name {
        "id" => Some(0),
        "name" => Some(1),
        "status" => Some(2),
        n if n.ends_with("type") || n.ends_with("method") => Some(3),
        n if n.ends_with("_time") || n == "created" || n == "updated" => Some(4),
        "size" => Some(5),
        _ => None,
    };
    let mut chosen: Vec<(usize, &str)> = scalars.iter().filter_map(|n| rank(n).map(|r| (r, *n))).collect();
    chosen.sort_by_key(|(r, _)| *r);
    let chosen: Vec<String> = chosen.into_iter().take(7).map(|(_, n)| n.to_owned()).collect();
    if chosen.len() >= 2 {
        chosen
    } else {
        scalars.into_iter().take(6).map(str::to_owned).collect()
    }
}
