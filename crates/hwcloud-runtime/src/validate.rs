//! Checks that generated input validation calls: one function per kind of documented rule, each adding a
//! [`Violation`] that names the field, the rule and the fix.

use crate::error::{Error, Violation};

/// The documented rules of one string field, as generated from the spec.
#[derive(Debug, Clone, Copy, Default)]
pub struct StrRules {
    /// Must not be empty (URI parameters: an empty one would change the path).
    pub non_empty: bool,
    /// Exact length in characters.
    pub length: Option<usize>,
    /// Minimum length in characters.
    pub min_length: Option<usize>,
    /// Maximum length in characters.
    pub max_length: Option<usize>,
    /// Allowed characters; `None` means any.
    pub charset: Option<Charset>,
    /// The first character must be an ASCII letter.
    pub starts_with_letter: bool,
    /// Required start.
    pub prefix: Option<&'static str>,
    /// Required end.
    pub suffix: Option<&'static str>,
    /// Characters that may not appear anywhere.
    pub forbidden_chars: &'static str,
    /// Secret fields: messages never quote any part of the value.
    pub sensitive: bool,
}

/// An allowed character set: classes plus literal extra characters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Charset {
    /// ASCII letters of either case.
    pub letters: bool,
    /// ASCII lower-case letters.
    pub lowercase: bool,
    /// ASCII upper-case letters.
    pub uppercase: bool,
    /// ASCII digits.
    pub digits: bool,
    /// Literal extra characters, e.g. `-_`.
    pub extra: &'static str,
    /// How the spec words it, for messages: e.g. "letters, digits, -, _".
    pub description: &'static str,
}

impl Charset {
    fn allows(&self, c: char) -> bool {
        (self.letters && c.is_ascii_alphabetic())
            || (self.lowercase && c.is_ascii_lowercase())
            || (self.uppercase && c.is_ascii_uppercase())
            || (self.digits && c.is_ascii_digit())
            || self.extra.contains(c)
    }
}

/// Collects every violation of one input before deciding; an input is refused once, listing them all.
#[derive(Debug)]
pub struct Violations {
    operation: &'static str,
    found: Vec<Violation>,
}

impl Violations {
    /// An empty collection for one operation's input.
    pub fn new(operation: &'static str) -> Self {
        Violations { operation, found: Vec::new() }
    }

    /// Records one broken rule.
    pub fn push(&mut self, field: &str, rule: &'static str, message: String) {
        self.found.push(Violation { field: field.to_owned(), rule, message });
    }

    /// A mandatory field that was never set.
    pub fn missing(&mut self, field: &str, setter: &str) {
        self.push(field, "required", format!("is mandatory; set it with `.{setter}(...)`"));
    }

    /// Checks a string against its documented rules.
    pub fn check_str(&mut self, field: &str, value: &str, rules: &StrRules) {
        let chars = value.chars().count();
        if rules.non_empty && value.is_empty() {
            self.push(field, "non_empty", "is empty; it fills a path segment, so give a value".into());
            return;
        }
        if let Some(n) = rules.length {
            if chars != n {
                self.push(field, "length", format!("must be exactly {n} characters, got {chars}"));
            }
        }
        if let Some(n) = rules.min_length {
            if chars < n {
                self.push(field, "min_length", format!("must be at least {n} characters, got {chars}"));
            }
        }
        if let Some(n) = rules.max_length {
            if chars > n {
                self.push(field, "max_length", format!("must be at most {n} characters, got {chars}; shorten it"));
            }
        }
        if rules.starts_with_letter && !value.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.push(field, "starts_with_letter", "must start with a letter (A-Z or a-z)".into());
        }
        if let Some(prefix) = rules.prefix {
            if !value.starts_with(prefix) {
                self.push(field, "prefix", format!("must start with `{prefix}`"));
            }
        }
        if let Some(suffix) = rules.suffix {
            if !value.ends_with(suffix) {
                self.push(field, "suffix", format!("must end with `{suffix}`"));
            }
        }
        if let Some(charset) = &rules.charset {
            if let Some((pos, c)) = value.char_indices().find(|(_, c)| !charset.allows(*c)) {
                let what = describe_char(c, pos, rules.sensitive);
                self.push(field, "charset", format!("{what}; only {} are allowed", charset.description));
            }
        }
        if !rules.forbidden_chars.is_empty() {
            if let Some((pos, c)) = value.char_indices().find(|(_, c)| rules.forbidden_chars.contains(*c)) {
                let what = describe_char(c, pos, rules.sensitive);
                let list: String = rules.forbidden_chars.escape_debug().collect();
                self.push(field, "forbidden_chars", format!("{what}; none of \"{list}\" may appear"));
            }
        }
    }

    /// Checks a number against its documented inclusive bounds.
    pub fn check_range(&mut self, field: &str, value: i64, minimum: Option<i64>, maximum: Option<i64>) {
        if let Some(min) = minimum {
            if value < min {
                self.push(field, "minimum", format!("must be at least {min}, got {value}"));
            }
        }
        if let Some(max) = maximum {
            if value > max {
                self.push(field, "maximum", format!("must be at most {max}, got {value}"));
            }
        }
    }

    /// `Ok` when nothing was found, else one [`Error::InvalidInput`] listing every violation.
    pub fn finish(self) -> Result<(), Error> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidInput { operation: self.operation, violations: self.found })
        }
    }
}

/// Takes a mandatory value out of an already validated input; a missing one is still an error, never a panic.
pub fn required<T>(operation: &'static str, field: &str, value: Option<T>) -> Result<T, Error> {
    value.ok_or_else(|| Error::InvalidInput {
        operation,
        violations: vec![Violation { field: field.to_owned(), rule: "required", message: "is mandatory".into() }],
    })
}

/// Serializes a request body; a value that cannot be JSON is refused as input, before anything is sent.
pub fn json_body<T: serde::Serialize>(operation: &'static str, body: &T) -> Result<bytes::Bytes, Error> {
    serde_json::to_vec(body).map(bytes::Bytes::from).map_err(|e| Error::InvalidInput {
        operation,
        violations: vec![Violation {
            field: "body".into(),
            rule: "json",
            message: format!("cannot be serialized: {e}"),
        }],
    })
}

fn describe_char(c: char, byte_pos: usize, sensitive: bool) -> String {
    if sensitive {
        "contains a character that is not allowed".to_owned()
    } else {
        format!("contains {:?} at byte {byte_pos}", c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: StrRules = StrRules {
        non_empty: false,
        length: None,
        min_length: Some(4),
        max_length: Some(64),
        charset: Some(Charset {
            letters: true,
            lowercase: false,
            uppercase: false,
            digits: true,
            extra: "-_",
            description: "letters, digits, -, _",
        }),
        starts_with_letter: true,
        prefix: None,
        suffix: None,
        forbidden_chars: "",
        sensitive: false,
    };

    #[test]
    fn every_broken_rule_is_listed() {
        let mut v = Violations::new("op");
        v.check_str("name", "1a/", &NAME);
        let err = v.finish().unwrap_err();
        let rules: Vec<_> = err.violations().iter().map(|v| v.rule).collect();
        assert_eq!(rules, ["min_length", "starts_with_letter", "charset"]);
        assert!(err.to_string().contains("'/'"), "{err}");
    }

    #[test]
    fn valid_value_passes() {
        let mut v = Violations::new("op");
        v.check_str("name", "backup-1_a", &NAME);
        v.check_range("limit", 10, Some(1), Some(100));
        assert!(v.finish().is_ok());
    }

    #[test]
    fn sensitive_values_are_never_quoted() {
        let rules = StrRules { sensitive: true, forbidden_chars: "!", ..StrRules::default() };
        let mut v = Violations::new("op");
        v.check_str("password", "secret!value", &rules);
        let text = v.finish().unwrap_err().to_string();
        assert!(!text.contains("secret") && !text.contains("'!'"), "{text}");
    }
}
