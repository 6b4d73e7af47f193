//! The checks generated input validation calls: one function per kind of documented rule, each adding a
//! [`Violation`] that names the field, the rule and the fix. Generated code only says which rule applies to which
//! field; how a rule is checked and worded lives here, once.

use std::fmt;

use crate::error::{Error, Violation};
use crate::operation::OperationSpec;

/// The documented rules of one string field. Generated rule sets spell out only what the documentation states:
/// `StrRules { max_length: Some(64), ..StrRules::NONE }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrRules {
    /// Must not be empty (path parameters: an empty one would change the path).
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

impl StrRules {
    /// No rule at all.
    pub const NONE: StrRules = StrRules {
        non_empty: false,
        length: None,
        min_length: None,
        max_length: None,
        charset: None,
        starts_with_letter: false,
        prefix: None,
        suffix: None,
        forbidden_chars: "",
        sensitive: false,
    };

    /// A path parameter the documentation states no rule for: it only must not be empty.
    pub const NON_EMPTY: StrRules = StrRules { non_empty: true, ..StrRules::NONE };
}

impl Default for StrRules {
    fn default() -> Self {
        StrRules::NONE
    }
}

/// An allowed character set: ASCII classes plus literal extra characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl Charset {
    /// Nothing allowed; the base of every other set.
    pub const NONE: Charset = Charset { letters: false, lowercase: false, uppercase: false, digits: false, extra: "" };
    /// ASCII letters and digits.
    pub const LETTERS_DIGITS: Charset = Charset { letters: true, digits: true, ..Charset::NONE };
    /// ASCII lower-case letters and digits.
    pub const LOWERCASE_DIGITS: Charset = Charset { lowercase: true, digits: true, ..Charset::NONE };

    fn allows(&self, c: char) -> bool {
        (self.letters && c.is_ascii_alphabetic())
            || (self.lowercase && c.is_ascii_lowercase())
            || (self.uppercase && c.is_ascii_uppercase())
            || (self.digits && c.is_ascii_digit())
            || self.extra.contains(c)
    }
}

impl fmt::Display for Charset {
    /// In plain words, e.g. "letters, digits, `-`, `_`".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let classes = [
            (self.letters, "letters"),
            (self.lowercase, "lower-case letters"),
            (self.uppercase, "upper-case letters"),
            (self.digits, "digits"),
        ];
        let mut parts: Vec<String> = classes.iter().filter(|c| c.0).map(|c| c.1.to_owned()).collect();
        parts.extend(self.extra.chars().map(|c| format!("`{c}`")));
        f.write_str(&parts.join(", "))
    }
}

/// Collects every violation of one input before deciding; an input is refused once, listing them all.
#[derive(Debug)]
pub struct Violations {
    operation: &'static OperationSpec,
    found: Vec<Violation>,
}

impl Violations {
    /// An empty collection for one operation's input.
    pub fn new(operation: &'static OperationSpec) -> Self {
        Violations { operation, found: Vec::new() }
    }

    /// Records one broken rule.
    pub fn push(&mut self, field: &str, rule: &'static str, message: String) {
        self.found.push(Violation::new(field, rule, message));
    }

    /// A mandatory field must be set; `setter` is the builder method that sets it.
    pub fn require(&mut self, field: &str, setter: &str, present: bool) {
        if !present {
            self.push(field, "required", format!("is mandatory; set it with `.{setter}(...)`"));
        }
    }

    /// A field the documentation makes mandatory under a condition on another field (`when`, described by
    /// `condition`, e.g. "`type` is `backup`") must then be set.
    pub fn require_when(&mut self, field: &str, setter: &str, present: bool, when: bool, condition: &str) {
        if when && !present {
            self.push(field, "mandatory_when", format!("is mandatory when {condition}; set it with `.{setter}(...)`"));
        }
    }

    /// A value of a documented value set, when present, must be one of the documented values.
    pub fn check_documented(&mut self, field: &str, value: Option<&str>, documented: &[&str]) {
        let Some(value) = value else { return };
        if !documented.contains(&value) {
            let listed: Vec<String> = documented.iter().map(|v| format!("`{v}`")).collect();
            let shown = value.chars().take(64).collect::<String>();
            self.push(
                field,
                "values",
                format!("is {shown:?}, which is not documented; use one of {}", listed.join(", ")),
            );
        }
    }

    /// A one-hour time window `hh:mm-HH:MM` (UTC), when present: HH is hh + 1 (`23:00-00:00` wraps), both sides
    /// have the same minutes, and those are one of `minutes`.
    pub fn check_time_window(&mut self, field: &str, value: Option<&str>, minutes: &[u8]) {
        let Some(value) = value else { return };
        let allowed: Vec<String> = minutes.iter().map(|m| format!("{m:02}")).collect();
        let parse = |part: &str| -> Option<(u8, u8)> {
            let (h, m) = part.split_once(':')?;
            let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
            if !(two_digits(h) && two_digits(m)) {
                return None;
            }
            Some((h.parse().ok()?, m.parse().ok()?))
        };
        let parsed = value.split_once('-').and_then(|(from, to)| Some((parse(from)?, parse(to)?)));
        let message = match parsed {
            None => Some("must be written hh:mm-HH:MM, e.g. 21:00-22:00".to_owned()),
            Some(((h1, _), _)) if h1 > 23 => Some(format!("starts at hour {h1}; hours go from 00 to 23")),
            Some(((h1, _), (h2, _))) if h2 != (h1 + 1) % 24 => {
                Some(format!("must end one hour after it starts ({h1:02} → {:02})", (h1 + 1) % 24))
            }
            Some(((_, m1), (_, m2))) if m1 != m2 => Some("must have the same minutes at both ends".to_owned()),
            Some(((_, m1), _)) if !minutes.contains(&m1) => {
                Some(format!("has minutes {m1:02}; use {}", allowed.join(", ")))
            }
            Some(_) => None,
        };
        if let Some(message) = message {
            self.push(field, "time_window", message);
        }
    }

    /// Checks a string, when present, against its documented rules.
    pub fn check_str(&mut self, field: &str, value: Option<&str>, rules: &StrRules) {
        let Some(value) = value else { return };
        if rules.non_empty && value.is_empty() {
            self.push(field, "non_empty", "is empty; it fills a path segment, so give a value".into());
            return;
        }
        // Ids are ASCII: counted and checked by byte, the common case on every call.
        let chars = if value.is_ascii() { value.len() } else { value.chars().count() };
        if let Some(n) = rules.length.filter(|n| chars != *n) {
            self.push(field, "length", format!("must be exactly {n} characters, got {chars}"));
        }
        if let Some(n) = rules.min_length.filter(|n| chars < *n) {
            self.push(field, "min_length", format!("must be at least {n} characters, got {chars}"));
        }
        if let Some(n) = rules.max_length.filter(|n| chars > *n) {
            self.push(field, "max_length", format!("must be at most {n} characters, got {chars}; shorten it"));
        }
        if rules.starts_with_letter && !value.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.push(field, "starts_with_letter", "must start with a letter (A-Z or a-z)".into());
        }
        if let Some(prefix) = rules.prefix.filter(|p| !value.starts_with(p)) {
            self.push(field, "prefix", format!("must start with `{prefix}`"));
        }
        if let Some(suffix) = rules.suffix.filter(|s| !value.ends_with(s)) {
            self.push(field, "suffix", format!("must end with `{suffix}`"));
        }
        if let Some(charset) = &rules.charset {
            let outside = if value.is_ascii() {
                value
                    .bytes()
                    .position(|b| !charset.allows(char::from(b)))
                    .map(|pos| (pos, char::from(value.as_bytes()[pos])))
            } else {
                value.char_indices().find(|(_, c)| !charset.allows(*c))
            };
            if let Some((pos, c)) = outside {
                let what = describe_char(c, pos, rules.sensitive);
                self.push(field, "charset", format!("{what}; only {charset} are allowed"));
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

    /// Checks every string of a list against the documented rules of its items.
    pub fn check_strs<'a>(&mut self, field: &str, values: impl IntoIterator<Item = &'a String>, rules: &StrRules) {
        for value in values {
            self.check_str(field, Some(value), rules);
        }
    }

    /// Checks a number, when present, against its documented inclusive bounds.
    pub fn check_range(&mut self, field: &str, value: Option<i64>, minimum: Option<i64>, maximum: Option<i64>) {
        let Some(value) = value else { return };
        if let Some(min) = minimum.filter(|min| value < *min) {
            self.push(field, "minimum", format!("must be at least {min}, got {value}"));
        }
        if let Some(max) = maximum.filter(|max| value > *max) {
            self.push(field, "maximum", format!("must be at most {max}, got {value}"));
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

/// Takes a mandatory value out of an input; a missing one is an error naming the field, never a panic.
pub fn required<T>(operation: &'static OperationSpec, field: &str, value: Option<T>) -> Result<T, Error> {
    value.ok_or_else(|| Error::InvalidInput {
        operation,
        violations: vec![Violation::new(field, "required", "is mandatory")],
    })
}

/// Serializes a request body; a value that cannot be JSON is refused as input, before anything is sent.
pub fn json_body<T: serde::Serialize>(operation: &'static OperationSpec, body: &T) -> Result<bytes::Bytes, Error> {
    serde_json::to_vec(body).map(bytes::Bytes::from).map_err(|e| Error::InvalidInput {
        operation,
        violations: vec![Violation::new("body", "json", format!("cannot be serialized: {e}"))],
    })
}

fn describe_char(c: char, byte_pos: usize, sensitive: bool) -> String {
    if sensitive {
        "contains a character that is not allowed".to_owned()
    } else {
        format!("contains {c:?} at byte {byte_pos}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SERVICE: crate::ServiceSpec =
        crate::ServiceSpec { name: "test", sdk_name: "TEST", regions: &[], global_endpoint: None, errors: &[] };
    static OP: OperationSpec = OperationSpec {
        service: &SERVICE,
        name: "op",
        method: crate::Method::Put,
        path_template: "/",
        success: &[200],
        idempotent: true,
        not_found: &[],
    };

    fn rules_broken(check: impl FnOnce(&mut Violations)) -> Vec<&'static str> {
        let mut v = Violations::new(&OP);
        check(&mut v);
        v.found.iter().map(|v| v.rule).collect()
    }

    #[test]
    fn time_windows_are_one_hour_on_allowed_minutes() {
        let check = |text: &str| rules_broken(|v| v.check_time_window("start_time", Some(text), &[0, 15, 30, 45]));
        assert!(check("21:00-22:00").is_empty());
        assert!(check("23:15-00:15").is_empty(), "wraps at midnight");
        for bad in ["21:00-23:00", "21:00-22:30", "21:10-22:10", "2100-2200", "24:00-01:00", "1:00-2:00", ""] {
            assert_eq!(check(bad), ["time_window"], "{bad}");
        }
    }

    #[test]
    fn conditional_and_documented_values() {
        assert_eq!(
            rules_broken(|v| v.require_when("backup_id", "backup_id", false, true, "`type` is `backup`")),
            ["mandatory_when"]
        );
        assert!(rules_broken(|v| v.require_when("backup_id", "backup_id", false, false, "x")).is_empty());
        assert_eq!(rules_broken(|v| v.check_documented("type", Some("bakup"), &["backup", "timestamp"])), ["values"]);
        assert!(rules_broken(|v| v.check_documented("type", Some("backup"), &["backup", "timestamp"])).is_empty());
    }

    #[test]
    fn charsets_read_as_plain_words() {
        assert_eq!(Charset::LETTERS_DIGITS.to_string(), "letters, digits");
        assert_eq!(Charset { extra: "-_", ..Charset::LETTERS_DIGITS }.to_string(), "letters, digits, `-`, `_`");
    }
}
