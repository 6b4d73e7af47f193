//! Rows whose meaning depends on another row or on what servers really send: `mandatory_when` conditions on a
//! sibling row, and `lenient` rows read in a second JSON form. The checks here, and what examples and the generator
//! need from them (does a condition hold on an example object, how it reads in words, what a lenient value means).

use serde_json::Value as Json;

use super::check::{field_type, DiagSource};
use super::diag::{Diagnostic, KeyPath};
use super::model::{Condition, Field, Test};
use super::types::{Scalar, TypeExpr};

/// Checks the `mandatory_when` conditions and the `lenient` flag of one row of `rows`.
pub fn check_row(
    file: &dyn DiagSource,
    at: &KeyPath,
    row: &Field,
    rows: &[Field],
    ty: &TypeExpr,
    diags: &mut Vec<Diagnostic>,
) {
    let mut report = |key: KeyPath, message: String, hint: &str| {
        diags.push(file.diag(key, message, hint.to_owned()));
    };
    if row.lenient && !matches!(ty, TypeExpr::Scalar(Scalar::String | Scalar::Integer | Scalar::Long | Scalar::Boolean))
    {
        report(at.key("lenient"), "`lenient` applies to String, Integer, Long and Boolean rows".into(), "remove it");
    }
    if row.lenient && !row.values.is_empty() {
        report(at.key("lenient"), "`lenient` on a row with `values`".into(), "remove one of them");
    }
    if row.mandatory_when.is_empty() {
        return;
    }
    if row.mandatory != Some(false) {
        report(
            at.key("mandatory_when"),
            format!("`mandatory_when` on row `{}`, which is not `mandatory: false`", row.name),
            "conditions only make sense on optional request rows; write `mandatory: false` or remove them",
        );
    }
    for (i, cond) in row.mandatory_when.iter().enumerate() {
        let here = at.key("mandatory_when").index(i);
        let given = [!cond.equals.is_empty(), !cond.not_equals.is_empty(), cond.absent].iter().filter(|b| **b).count();
        if given > 1 {
            report(
                here.clone(),
                "a condition takes at most one of `equals`, `not_equals`, `absent`".into(),
                "split it into two conditions (any one that holds makes the row mandatory)",
            );
        }
        if cond.field == row.name {
            report(here.key("field"), "a row cannot depend on itself".into(), "name a sibling row");
            continue;
        }
        let Some(sibling) = rows.iter().find(|r| r.name == cond.field) else {
            let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
            report(
                here.key("field"),
                format!("`{}` is not a row of this table", cond.field),
                &format!("name one of: {}", names.join(", ")),
            );
            continue;
        };
        let Ok(sibling_ty) = field_type(sibling) else { continue };
        let values = cond.equals.iter().chain(&cond.not_equals);
        for (j, value) in values.enumerate() {
            if let Err(why) = fits(sibling, &sibling_ty, value) {
                let key = if j < cond.equals.len() { "equals" } else { "not_equals" };
                report(here.key(key), format!("`{}`: {why}", cond.field), "write a value the sibling row can take");
            }
        }
    }
}

fn fits(sibling: &Field, ty: &TypeExpr, value: &serde_yaml::Value) -> Result<(), String> {
    if !sibling.values.is_empty() {
        let text = value.as_str().ok_or("compare a documented value set with its text values")?;
        return match sibling.values.iter().any(|v| v.value == text) {
            true => Ok(()),
            false => Err(format!("`{text}` is not one of its documented values")),
        };
    }
    let ok = match ty {
        TypeExpr::Scalar(Scalar::String) => value.is_string(),
        TypeExpr::Scalar(Scalar::Integer | Scalar::Long) => value.as_i64().is_some(),
        TypeExpr::Scalar(Scalar::Boolean) => value.is_bool(),
        _ => return Err("only scalar rows can be compared with values; test presence instead".into()),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{value:?} does not fit its type"))
    }
}

/// Whether a condition holds on a JSON object (a documented example).
pub fn holds(cond: &Condition, object: &serde_json::Map<String, Json>) -> bool {
    let value = object.get(&cond.field).filter(|v| !v.is_null());
    let same = |wanted: &serde_yaml::Value| match (value, serde_json::to_value(wanted)) {
        (Some(v), Ok(w)) => *v == w,
        _ => false,
    };
    match cond.test() {
        Test::Set => value.is_some(),
        Test::Absent => value.is_none(),
        Test::Equals(values) => values.iter().any(same),
        Test::NotEquals(values) => value.is_some() && !values.iter().any(same),
    }
}

/// A value as the condition's words print it: `backup`, `0`.
pub fn value_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    }
}

/// The conditions in words, for messages and documentation: "`type` is `backup`, or `type` is not set".
pub fn words(conds: &[Condition]) -> String {
    let one = |c: &Condition| {
        let field = &c.field;
        let list = |values: &[serde_yaml::Value]| {
            values.iter().map(|v| format!("`{}`", value_text(v))).collect::<Vec<_>>().join(" or ")
        };
        match c.test() {
            Test::Set => format!("`{field}` is set"),
            Test::Absent => format!("`{field}` is not set"),
            Test::Equals(values) => format!("`{field}` is {}", list(values)),
            Test::NotEquals(values) => format!("`{field}` is set and is not {}", list(values)),
        }
    };
    conds.iter().map(one).collect::<Vec<_>>().join(", or ")
}

/// The value a lenient row means when it arrives in its second form: the text of a number or boolean for a String
/// row, the number at the start of a string for an Integer or Long row (`"7,"` is 7), a boolean from `"true"` or
/// `"false"`. `None` when the value is already in the documented form or means nothing.
pub fn lenient_value(ty: &TypeExpr, value: &Json) -> Option<Json> {
    match (ty, value) {
        (TypeExpr::Scalar(Scalar::String), Json::Number(n)) => Some(Json::String(n.to_string())),
        (TypeExpr::Scalar(Scalar::String), Json::Bool(b)) => Some(Json::String(b.to_string())),
        (TypeExpr::Scalar(Scalar::Integer | Scalar::Long), Json::String(s)) => leading_integer(s).map(Json::from),
        (TypeExpr::Scalar(Scalar::Boolean), Json::String(s)) => s.trim().parse::<bool>().ok().map(Json::from),
        _ => None,
    }
}

/// The integer a text starts with, when only separators follow it (`"7,"`, `" 12 "`); the runtime's lenient decoding
/// reads it the same way.
pub fn leading_integer(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits_end = text.char_indices().find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-'))).map(|(i, _)| i);
    let (number, rest) = text.split_at(digits_end.unwrap_or(text.len()));
    if !rest.chars().all(|c| c.is_ascii_punctuation() || c.is_whitespace()) {
        return None;
    }
    number.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_numbers_read_like_the_runtime() {
        assert_eq!(leading_integer("7,"), Some(7));
        assert_eq!(leading_integer(" 12 "), Some(12));
        assert_eq!(leading_integer("-3"), Some(-3));
        assert_eq!(leading_integer("7 days"), None);
        assert_eq!(leading_integer(","), None);
        assert_eq!(lenient_value(&TypeExpr::Scalar(Scalar::String), &Json::from(3)), Some(Json::from("3")));
        assert_eq!(lenient_value(&TypeExpr::Scalar(Scalar::Integer), &Json::from("7,")), Some(Json::from(7)));
        assert_eq!(lenient_value(&TypeExpr::Scalar(Scalar::Integer), &Json::from(7)), None);
    }

    #[test]
    fn conditions_read_as_words_and_hold_on_examples() {
        let cond = |yaml: &str| serde_yaml::from_str::<Condition>(yaml).unwrap();
        let backup = cond("{ field: type, equals: [backup] }");
        let unset = cond("{ field: type, absent: true }");
        let enabled = cond("{ field: keep_days, not_equals: [0] }");
        assert_eq!(words(&[backup.clone(), unset.clone()]), "`type` is `backup`, or `type` is not set");
        assert_eq!(words(std::slice::from_ref(&enabled)), "`keep_days` is set and is not `0`");
        let object = |json: &str| serde_json::from_str::<Json>(json).unwrap().as_object().cloned().unwrap();
        assert!(holds(&backup, &object(r#"{"type": "backup"}"#)));
        assert!(!holds(&backup, &object(r#"{"type": "timestamp"}"#)));
        assert!(holds(&unset, &object(r#"{}"#)));
        assert!(holds(&enabled, &object(r#"{"keep_days": 7}"#)));
        assert!(!holds(&enabled, &object(r#"{"keep_days": 0}"#)));
        assert!(!holds(&enabled, &object(r#"{}"#)));
    }
}
