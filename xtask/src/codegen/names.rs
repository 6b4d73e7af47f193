//! Rust names derived from documented names.

use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "yield", "try", "macro", "abstract",
    "become", "do", "final", "override", "priv", "typeof", "unsized", "virtual", "gen",
];

/// Splits `X-Language`, `backup_list`, `errorCode`, `InMemory`, `BUILDING` into lower-case words.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

pub fn snake(name: &str) -> String {
    let s = words(name).join("_");
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("v_{s}")
    } else {
        s
    }
}

pub fn camel(name: &str) -> String {
    let s: String = words(name)
        .iter()
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else {
        s
    }
}

/// An identifier for a field or function, raw (`r#type`) when it is a keyword.
pub fn field_ident(snake_name: &str) -> Ident {
    if KEYWORDS.contains(&snake_name) {
        if matches!(snake_name, "crate" | "self" | "super") {
            return Ident::new(&format!("{snake_name}_"), Span::call_site());
        }
        Ident::new_raw(snake_name, Span::call_site())
    } else {
        Ident::new(snake_name, Span::call_site())
    }
}

pub fn type_ident(camel_name: &str) -> Ident {
    Ident::new(camel_name, Span::call_site())
}

/// Name of the enum of a documented value set: owner + field, without repeating a word they share
/// (`GraphBackup` + `backup_method` → `GraphBackupMethod`).
pub fn enum_name(owner: &str, field: &str) -> String {
    let field = camel(field);
    let owner_words = words(owner);
    let field_words = words(&field);
    if let (Some(last), Some(first)) = (owner_words.last(), field_words.first()) {
        if last == first && field_words.len() > 1 {
            return format!("{owner}{}", camel(&field_words[1..].join("_")));
        }
    }
    format!("{owner}{field}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names() {
        assert_eq!(snake("X-Language"), "x_language");
        assert_eq!(snake("errorCode"), "error_code");
        assert_eq!(camel("backup_list"), "BackupList");
        assert_eq!(camel("backing_up"), "BackingUp");
        assert_eq!(camel("BUILDING"), "Building");
        assert_eq!(camel("partiallyFailed"), "PartiallyFailed");
        assert_eq!(camel("InMemory"), "InMemory");
        assert_eq!(enum_name("GraphBackup", "backup_method"), "GraphBackupMethod");
        assert_eq!(enum_name("GraphBackup", "status"), "GraphBackupStatus");
        assert_eq!(field_ident("type").to_string(), "r#type");
    }
}
