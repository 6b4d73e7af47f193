//! Rustdoc text from the spec's prose.

use crate::spec::model::Field;

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

fn useful(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty() && *t != "N/A")
}

/// Paragraphs documenting one row: definition, constraints, range, default, mandatory.
pub fn field_doc(field: &Field) -> Vec<String> {
    let mut lines = Vec::new();
    let body = useful(&field.definition).or(useful(&field.description)).unwrap_or("(No description on the page.)");
    lines.extend(body.lines().map(escape));
    for (label, text) in
        [("Constraints", &field.constraints), ("Range", &field.range), ("Default value", &field.default_value)]
    {
        if let Some(t) = useful(text) {
            lines.push(String::new());
            let mut it = t.lines();
            lines.push(format!("**{label}:** {}", escape(it.next().unwrap_or(""))));
            lines.extend(it.map(escape));
        }
    }
    if let Some(m) = field.mandatory {
        lines.push(String::new());
        lines.push(format!("Wire name `{}`; {}.", field.name, if m { "mandatory" } else { "optional" }));
    } else {
        lines.push(String::new());
        lines.push(format!("Wire name `{}`.", field.name));
    }
    if let Some(c) = &field.correction {
        lines.push(String::new());
        lines.push(format!("**Spec correction:** {}", escape(c)));
    }
    lines
}

/// `#[doc = "..."]` attributes for a list of lines.
pub fn attrs(lines: &[String]) -> proc_macro2::TokenStream {
    let lines = lines.iter().map(|l| format!(" {l}"));
    quote::quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "..."]` inner attributes for a module.
pub fn inner_attrs(lines: &[String]) -> proc_macro2::TokenStream {
    let lines = lines.iter().map(|l| format!(" {l}"));
    quote::quote! { #( #![doc = #lines] )* }
}
