//! What a server sends back may end up in errors and logs, so it is cleaned first: every secret the client holds
//! is replaced by `***` (a gateway or IAM that quotes the rejected request would otherwise put the token or the
//! password into `ServiceError::message`), and quoted text is cut to a bounded length.

use std::borrow::Cow;

use crate::secret::Secret;

/// What a secret is replaced with.
pub(crate) const MASK: &str = "***";

/// Secrets shorter than this are not searched for: masking every `t` of a message because a test token is `t`
/// would garble errors, and real secrets are longer (IAM passwords have at least 6 characters, tokens and keys
/// far more).
const MIN_SECRET_CHARS: usize = 6;

/// The secrets to mask, each in the spellings a server may echo it in: as is, JSON-escaped, HTML-escaped and
/// percent-encoded.
#[derive(Default)]
pub(crate) struct Redactor {
    needles: Vec<String>,
}

impl Redactor {
    /// A redactor for `secrets` (short or empty ones are skipped).
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Self {
        let mut needles = Vec::new();
        for secret in secrets {
            let raw = secret.expose();
            if raw.chars().count() < MIN_SECRET_CHARS {
                continue;
            }
            // JSON-escaped twice too: a gateway quoting a JSON request body inside its own JSON error.
            let json = json_escaped(raw);
            let json_twice = json_escaped(&json);
            let html = raw.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
            let percent = crate::path::encode_segment(raw);
            for spelling in [raw.to_owned(), json, json_twice, html, percent] {
                if !needles.contains(&spelling) {
                    needles.push(spelling);
                }
            }
        }
        // Longest first, so that a secret containing another one is masked whole.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Redactor { needles }
    }

    /// `text` with every secret replaced by [`MASK`].
    pub(crate) fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut text = Cow::Borrowed(text);
        for needle in &self.needles {
            if text.contains(needle.as_str()) {
                text = Cow::Owned(text.replace(needle.as_str(), MASK));
            }
        }
        text
    }

    /// Masks secrets in `text` in place.
    pub(crate) fn redact_in_place(&self, text: &mut String) {
        if let Cow::Owned(clean) = self.redact(text) {
            *text = clean;
        }
    }

    /// A body as text (invalid UTF-8 replaced) with every secret masked.
    pub(crate) fn redact_body<'b>(&self, body: &'b [u8]) -> Cow<'b, str> {
        match String::from_utf8_lossy(body) {
            Cow::Borrowed(text) => self.redact(text),
            Cow::Owned(text) => Cow::Owned(self.redact(&text).into_owned()),
        }
    }
}

/// `text` as it appears inside a JSON string.
fn json_escaped(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default().to_owned()
}

/// At most `max_bytes` of `text`, cut on a character boundary, with `…` when something was cut.
pub(crate) fn bounded(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_owned();
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(secrets: &[&str]) -> Redactor {
        let secrets: Vec<Secret> = secrets.iter().map(|s| Secret::new(*s)).collect();
        Redactor::new(&secrets)
    }

    #[test]
    fn every_spelling_of_a_secret_is_masked() {
        let r = redactor(&["pa\"ss<w>ord&1/2", "token-value-1"]);
        for echoed in [
            "password pa\"ss<w>ord&1/2 refused",
            r#"{"password": "pa\"ss<w>ord&1/2"}"#,
            r#"{"error_msg": "body {\"password\": \"pa\\\"ss<w>ord&1/2\"}"}"#,
            "<td>pa&quot;ss&lt;w&gt;ord&amp;1/2</td>",
            "?password=pa%22ss%3Cw%3Eord%261%2F2",
        ] {
            let clean = r.redact(echoed);
            assert!(clean.contains(MASK) && !clean.contains("ord&1") && !clean.contains("ord%26"), "{clean}");
        }
        assert_eq!(r.redact("X-Auth-Token: token-value-1, again token-value-1"), "X-Auth-Token: ***, again ***");
        assert!(matches!(r.redact("nothing secret here"), Cow::Borrowed(_)));
    }

    #[test]
    fn short_secrets_are_not_searched_for() {
        assert_eq!(redactor(&["t", ""]).redact("transport error"), "transport error");
    }

    #[test]
    fn a_secret_containing_another_is_masked_whole() {
        let r = redactor(&["abcdef", "abcdefghij"]);
        assert_eq!(r.redact("x abcdefghij y abcdef"), "x *** y ***");
    }

    #[test]
    fn bounded_cuts_on_a_character_boundary() {
        assert_eq!(bounded("short", 10), "short");
        assert_eq!(bounded("备备备", 4), "备…");
        assert_eq!(bounded(&"a".repeat(100), 10), format!("{}…", "a".repeat(10)));
    }
}
