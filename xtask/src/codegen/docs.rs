//! Rustdoc text from the spec's prose: what users read (definitions, rules in plain words, defaults), and the
//! transcriber's notes, which only reach a collapsed block and never name files of this repository.

use crate::spec::model::{Field, TimeFormat};

/// Escapes prose so rustdoc renders it as text: no accidental links, HTML tags or bare-URL warnings.
pub fn escape(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(at) = word.find("https://").or_else(|| word.find("http://")) {
            let url_end = word.trim_end_matches(['.', ',', ';', ':', ')', '"', '\'']).len().max(at);
            escape_plain(&word[..at], &mut out);
            out.push('<');
            out.push_str(&word[at..url_end]);
            out.push('>');
            escape_plain(&word[url_end..], &mut out);
            continue;
        }
        escape_plain(word, &mut out);
    }
    out
}

fn escape_plain(word: &str, out: &mut String) {
    for c in word.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '`' => out.push('\''),
            '*' => out.push_str("\\*"),
            '#' => out.push_str("\\#"),
            c => out.push(c),
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// Text for users: the Chinese originals the transcription keeps in brackets after a translation are dropped
/// (they stay in the spec), then the rest is escaped.
pub fn user_text(text: &str) -> String {
    let lines: Vec<String> = plain_text(text).lines().map(escape).collect();
    lines.join("\n")
}

/// [`user_text`] for a terminal (the command-line tool's help): the Chinese originals dropped, nothing escaped.
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(len) = rest[open..].find(']') else { break };
        let inside = &rest[open..open + len + 1];
        out.push_str(&rest[..open]);
        if !inside.chars().any(is_cjk) {
            out.push_str(inside);
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    // A sentence right after a list would continue its last item in Markdown: it starts a paragraph instead.
    let mut lines: Vec<&str> = Vec::new();
    for line in out.lines().map(str::trim_end) {
        let after_item = lines.last().is_some_and(|prev| prev.starts_with("- "));
        if after_item && !line.is_empty() && !line.starts_with("- ") && !line.starts_with(' ') {
            lines.push("");
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// A documented block worth showing: not absent, empty or `N/A`.
pub fn useful(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty() && *t != "N/A")
}

/// The documented description of a row, paragraph by paragraph: definition, constraints, range, default.
pub fn field_doc(field: &Field) -> Vec<String> {
    let mut lines = Vec::new();
    let body = useful(&field.definition).or(useful(&field.description)).unwrap_or("(The page describes nothing.)");
    lines.extend(user_text(body).lines().map(str::to_owned));
    for (label, text) in
        [("Constraints", &field.constraints), ("Range", &field.range), ("Default value", &field.default_value)]
    {
        if let Some(t) = useful(text) {
            lines.push(String::new());
            let text = user_text(t);
            let mut it = text.lines();
            lines.push(format!("**{label}:** {}", it.next().unwrap_or("")));
            lines.extend(it.map(str::to_owned));
        }
    }
    if super::names::snake(&field.name) != field.name {
        lines.push(String::new());
        lines.push(format!("Wire name `{}`.", field.name));
    }
    lines
}

/// The documented rules of a request row in plain words: when it becomes mandatory, its rules, bounds and default.
pub fn rule_phrases(field: &Field) -> Vec<String> {
    let mut facts = Vec::new();
    if !field.mandatory_when.is_empty() {
        facts.push(format!("mandatory when {}", crate::spec::conditions::words(&field.mandatory_when)));
    }
    if let Some(words) = super::rules::rule_words(&field.rules) {
        facts.push(words);
    }
    match (field.rules.minimum, field.rules.maximum) {
        (Some(min), Some(max)) => facts.push(format!("from {min} to {max}")),
        (Some(min), None) => facts.push(format!("at least {min}")),
        (None, Some(max)) => facts.push(format!("at most {max}")),
        (None, None) => {}
    }
    // The documented Default value paragraph, when there is one, already says it.
    if let Some(default) = field.rules.default.as_ref().filter(|_| useful(&field.default_value).is_none()) {
        let shown = serde_yaml::to_string(default).unwrap_or_default();
        facts.push(format!("the service's default is `{}`", shown.trim()));
    }
    if !field.values.is_empty() {
        let values: Vec<String> = field.values.iter().map(|v| format!("`{}`", v.value)).collect();
        facts.push(format!("one of {}", values.join(", ")));
    }
    facts
}

/// [`rule_phrases`] as a paragraph for a nested object's `with_` method (none when nothing is documented).
pub fn rule_facts(field: &Field) -> Vec<String> {
    let phrases = rule_phrases(field);
    if phrases.is_empty() {
        return Vec::new();
    }
    let mut sentence = phrases.join("; ");
    if let Some(first) = sentence.get(..1) {
        sentence = first.to_ascii_uppercase() + &sentence[1..];
    }
    vec![String::new(), format!("{sentence}.")]
}

/// The first line of a row's definition, for accessors.
pub fn first_sentence(field: &Field) -> String {
    let body = useful(&field.definition).or(useful(&field.description)).unwrap_or("(The page describes nothing.)");
    user_text(body).lines().next().unwrap_or_default().to_owned()
}

/// How a documented time format reads.
pub fn time_format_words(format: TimeFormat) -> &'static str {
    match format {
        TimeFormat::DateTime => "`yyyy-mm-ddThh:mm:ssZ`, `Z` being the zone offset",
        TimeFormat::UtcDateTime => "`yyyy-mm-dd hh:mm:ss` in UTC",
        TimeFormat::UnixMs => "milliseconds since the Unix epoch",
    }
}

/// A transcriber's note with references to this repository's files replaced by what they are: `docs/08` and
/// `seeds/004_….txt` by the page's title, `../signing.md` and `docs/apidefs` by a description.
pub fn reviewer_text(text: &str, pages: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let start = word.find(|c: char| c.is_ascii_alphanumeric() || c == '.').unwrap_or(0);
        let end = word.trim_end_matches([',', ';', ':', ')', '(', '.']).len().max(start);
        let token = &word[start..end];
        let replacement = if token == "../signing.md" || token == "signing.md" || token.starts_with("docs/12") {
            Some("the signing guide".to_owned())
        } else if token.starts_with("docs/apidefs") {
            Some("the API Explorer definitions".to_owned())
        } else if token.starts_with("docs/13") {
            Some("the error code pages".to_owned())
        } else if token.starts_with("docs/14") {
            Some("the official SDKs' region tables".to_owned())
        } else if token.starts_with("docs/") || token.starts_with("seeds/") || token.starts_with("shared/") {
            let short = token.trim_start_matches("shared/");
            Some(match pages.iter().find(|(file, _)| file.starts_with(short) && short.len() >= 7) {
                Some((_, title)) => format!("\"{title}\""),
                None => "a neighbouring page".to_owned(),
            })
        } else {
            None
        };
        match replacement {
            Some(r) => {
                out.push_str(&escape(&word[..start]));
                out.push_str(&escape(&r));
                out.push_str(&escape(&word[start + token.len()..]));
            }
            None => out.push_str(&escape(word)),
        }
    }
    out
}

/// A collapsed block of transcription notes (corrections and sources), one bullet each.
pub fn notes_block(notes: &[String]) -> Vec<String> {
    if notes.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![String::new(), "<details><summary>Transcription notes</summary>".to_owned(), String::new()];
    for note in notes {
        let mut it = note.lines();
        lines.push(format!("- {}", it.next().unwrap_or_default()));
        lines.extend(it.map(|l| format!("  {l}")));
    }
    lines.push(String::new());
    lines.push("</details>".to_owned());
    lines
}

/// `#[doc = "..."]` attributes for a list of lines.
pub fn attrs(lines: &[String]) -> proc_macro2::TokenStream {
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote::quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "..."]` inner attributes for a module.
pub fn inner_attrs(lines: &[String]) -> proc_macro2::TokenStream {
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote::quote! { #( #![doc = #lines] )* }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_originals_stay_in_the_spec() {
        assert_eq!(
            user_text("Backup start time. [备份开始时间] See [Table 6]."),
            "Backup start time.  See \\[Table 6\\]."
        );
    }

    #[test]
    fn repository_paths_become_page_titles() {
        let pages = vec![("docs/08_taurusdb_query_full_backups.txt".to_owned(), "Querying Full Backups".to_owned())];
        let text = reviewer_text("as documented (docs/08, English) and in ../signing.md.", &pages);
        assert_eq!(text, "as documented (\"Querying Full Backups\", English) and in the signing guide.");
        assert!(!reviewer_text("see seeds/004_3c73be12d856afe6.txt", &pages).contains("seeds/"));
    }
}
