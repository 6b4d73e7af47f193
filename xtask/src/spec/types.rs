//! The `type` column as printed (`String`, `Array of backup_list objects`, `backup object`, ...) parsed into a
//! type expression.

/// A scalar type of the documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    String,
    Integer,
    Long,
    Float,
    Boolean,
    /// Free-form JSON (`Object` with no table).
    Json,
}

/// A parsed `type` column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    Scalar(Scalar),
    /// `<name> object`: a table of the same service.
    Object(String),
    Array(Box<TypeExpr>),
}

fn scalar(word: &str) -> Option<Scalar> {
    Some(match word.to_ascii_lowercase().trim_end_matches('s') {
        "string" => Scalar::String,
        "integer" | "int" => Scalar::Integer,
        "long" => Scalar::Long,
        "float" | "double" | "number" => Scalar::Float,
        "boolean" | "bool" => Scalar::Boolean,
        "object" => Scalar::Json,
        _ => return None,
    })
}

/// Parses a printed type; `Err` carries the accepted forms.
pub fn parse(text: &str) -> Result<TypeExpr, String> {
    let text = text.trim();
    let expected = || {
        format!(
            "unknown type `{text}`; write String, Integer, Long, Float, Double, Boolean, Object, \
             `<table> object`, `Array of <table> objects` or `Array of String`"
        )
    };
    if let Some(inner) = text.strip_prefix("Array of ").or_else(|| text.strip_prefix("array of ")) {
        let inner = inner.trim();
        if let Some(s) = scalar(inner) {
            return Ok(TypeExpr::Array(Box::new(TypeExpr::Scalar(s))));
        }
        let name = inner.strip_suffix(" objects").or_else(|| inner.strip_suffix(" object")).ok_or_else(expected)?;
        return valid_name(name).map(|n| TypeExpr::Array(Box::new(TypeExpr::Object(n)))).ok_or_else(expected);
    }
    if let Some(s) = scalar(text) {
        return Ok(TypeExpr::Scalar(s));
    }
    let name = text.strip_suffix(" object").ok_or_else(expected)?;
    valid_name(name).map(TypeExpr::Object).ok_or_else(expected)
}

fn valid_name(name: &str) -> Option<String> {
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then(|| name.to_owned())
}

impl TypeExpr {
    /// The table this type points at, if any (through arrays).
    pub fn object_name(&self) -> Option<&str> {
        match self {
            TypeExpr::Object(n) => Some(n),
            TypeExpr::Array(inner) => inner.object_name(),
            TypeExpr::Scalar(_) => None,
        }
    }

    /// Replaces the referenced table name (for rows with an explicit `ref`).
    pub fn with_object(self, name: &str) -> TypeExpr {
        match self {
            TypeExpr::Object(_) => TypeExpr::Object(name.to_owned()),
            TypeExpr::Array(inner) => TypeExpr::Array(Box::new(inner.with_object(name))),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_forms() {
        assert_eq!(parse("String"), Ok(TypeExpr::Scalar(Scalar::String)));
        assert_eq!(parse("Long"), Ok(TypeExpr::Scalar(Scalar::Long)));
        assert_eq!(parse("backup object"), Ok(TypeExpr::Object("backup".into())));
        assert_eq!(
            parse("Array of backup_list objects"),
            Ok(TypeExpr::Array(Box::new(TypeExpr::Object("backup_list".into()))))
        );
        assert_eq!(parse("Array of strings"), Ok(TypeExpr::Array(Box::new(TypeExpr::Scalar(Scalar::String)))));
        assert!(parse("Strnig").unwrap_err().contains("unknown type `Strnig`"));
        assert!(parse("Array of ").is_err());
    }
}
