//! Decoding fields that servers and the documentation's own examples send in a second JSON form: a number or a
//! boolean where the documentation says String (`"num": 3`), a string holding the number where it says Integer
//! (`"keep_days": "7,"`), `"true"` where it says Boolean. Generated models use [`deserialize`] on the rows the spec
//! marks `lenient`; they still send the documented form.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Reads a lenient field into its documented type (`String`, `i32`, `i64`, `bool`, or an `Option` of one, used with
/// `#[serde(default)]`).
pub fn deserialize<'de, D: Deserializer<'de>, T: Lenient>(deserializer: D) -> Result<T, D::Error> {
    let wire = deserializer.deserialize_any(WireVisitor)?;
    T::from_wire(wire).map_err(de::Error::custom)
}

/// A scalar as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    /// A JSON string.
    Text(String),
    /// A JSON integer.
    Integer(i64),
    /// A JSON number with a fraction (or beyond `i64`).
    Number(f64),
    /// A JSON boolean.
    Bool(bool),
    /// `null`.
    Null,
}

/// A documented type that a [`Wire`] value can be read as.
pub trait Lenient: Sized {
    /// The value, or why it cannot be one.
    fn from_wire(wire: Wire) -> Result<Self, String>;
}

impl Lenient for String {
    fn from_wire(wire: Wire) -> Result<Self, String> {
        match wire {
            Wire::Text(text) => Ok(text),
            Wire::Integer(n) => Ok(n.to_string()),
            Wire::Number(n) => Ok(n.to_string()),
            Wire::Bool(b) => Ok(b.to_string()),
            Wire::Null => Err("expected a string, got null".into()),
        }
    }
}

impl Lenient for i64 {
    fn from_wire(wire: Wire) -> Result<Self, String> {
        match wire {
            Wire::Integer(n) => Ok(n),
            Wire::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Ok(n as i64),
            Wire::Text(text) => {
                leading_integer(&text).ok_or_else(|| format!("expected an integer, got the text {:?}", shorten(&text)))
            }
            other => Err(format!("expected an integer, got {other:?}")),
        }
    }
}

impl Lenient for i32 {
    fn from_wire(wire: Wire) -> Result<Self, String> {
        let n = i64::from_wire(wire)?;
        i32::try_from(n).map_err(|_| format!("{n} does not fit a 32-bit integer"))
    }
}

impl Lenient for bool {
    fn from_wire(wire: Wire) -> Result<Self, String> {
        match wire {
            Wire::Bool(b) => Ok(b),
            Wire::Text(text) => {
                text.trim().parse().map_err(|_| format!("expected true or false, got {:?}", shorten(&text)))
            }
            other => Err(format!("expected a boolean, got {other:?}")),
        }
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn from_wire(wire: Wire) -> Result<Self, String> {
        match wire {
            Wire::Null => Ok(None),
            other => T::from_wire(other).map(Some),
        }
    }
}

/// The integer a text starts with, when only separators or spaces follow it: `"7,"` is 7, `"7 days"` is nothing.
pub fn leading_integer(text: &str) -> Option<i64> {
    let text = text.trim();
    let end = text.char_indices().find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-'))).map(|(i, _)| i);
    let (number, rest) = text.split_at(end.unwrap_or(text.len()));
    if !rest.chars().all(|c| c.is_ascii_punctuation() || c.is_whitespace()) {
        return None;
    }
    number.parse().ok()
}

fn shorten(text: &str) -> String {
    text.chars().take(32).collect()
}

struct WireVisitor;

impl<'de> Visitor<'de> for WireVisitor {
    type Value = Wire;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Wire, E> {
        Ok(Wire::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Wire, E> {
        Ok(Wire::Text(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Wire, E> {
        Ok(Wire::Integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Wire, E> {
        Ok(i64::try_from(v).map(Wire::Integer).unwrap_or(Wire::Number(v as f64)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Wire, E> {
        Ok(Wire::Number(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Wire, E> {
        Ok(Wire::Bool(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Wire, E> {
        Ok(Wire::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Wire, E> {
        Ok(Wire::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Policy {
        #[serde(default, deserialize_with = "deserialize")]
        keep_days: Option<i32>,
        #[serde(deserialize_with = "deserialize")]
        num: String,
        #[serde(default, deserialize_with = "deserialize")]
        enabled: Option<bool>,
    }

    fn read(json: &str) -> Result<Policy, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn both_forms_read_as_the_documented_type() {
        let p = read(r#"{"keep_days": "7,", "num": 3, "enabled": "true"}"#).unwrap();
        assert_eq!((p.keep_days, p.num.as_str(), p.enabled), (Some(7), "3", Some(true)));
        let p = read(r#"{"keep_days": 7, "num": "3", "enabled": false}"#).unwrap();
        assert_eq!((p.keep_days, p.num.as_str(), p.enabled), (Some(7), "3", Some(false)));
        let p = read(r#"{"keep_days": null, "num": "3"}"#).unwrap();
        assert_eq!((p.keep_days, p.enabled), (None, None));
    }

    #[test]
    fn what_means_nothing_is_still_an_error() {
        let err = read(r#"{"keep_days": "seven", "num": "3"}"#).unwrap_err().to_string();
        assert!(err.contains("expected an integer"), "{err}");
        assert!(read(r#"{"keep_days": 7, "num": null}"#).is_err());
        assert!(read(r#"{"keep_days": 4000000000, "num": "3"}"#).is_err());
        assert!(read(r#"{"num": ["3"]}"#).is_err());
    }
}
