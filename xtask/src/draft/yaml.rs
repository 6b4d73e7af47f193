//! Writes YAML the way spec files are written: block style, plain scalars where they read unambiguously, double
//! quotes otherwise, literal blocks for text of several lines.

/// A one-line value after `key: ` in block style: plain when that reads back as the same string, else quoted.
pub fn scalar(s: &str) -> String {
    quoted_unless(s, is_plain(s, false) && is_plain(unmarked(s), false))
}

/// A one-line value inside `{ }` or `[ ]`, where `,[]{}` end a plain scalar.
pub fn flow_scalar(s: &str) -> String {
    quoted_unless(s, is_plain(s, true) && is_plain(unmarked(s), true))
}

/// The text after a draft's `TODO(...) ` marker: it must stay valid YAML once the maintainer deletes the marker.
fn unmarked(s: &str) -> &str {
    match s.strip_prefix("TODO(").and_then(|r| r.split_once(") ")) {
        Some((_, rest)) if !rest.is_empty() => rest,
        _ => s,
    }
}

fn quoted_unless(s: &str, plain: bool) -> String {
    if plain {
        s.to_owned()
    } else {
        // A JSON string is a valid YAML double-quoted scalar with the same escapes.
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

fn is_plain(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else { return false };
    let reserved_start = "-?:,[]{}#&*!|>'\"%@`+.~ \t";
    let special = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
    let ambiguous = reserved_start.contains(first)
        || first.is_ascii_digit()
        || s.ends_with([' ', '\t', ':'])
        || s.contains(": ")
        || s.contains(" #")
        || (in_flow && s.contains([',', '[', ']', '{', '}']))
        || s.chars().any(char::is_control)
        || special.contains(&s.to_ascii_lowercase().as_str());
    !ambiguous
}

/// `key: value` at `indent` spaces, with a `|-` literal block for text of several lines.
pub fn text(out: &mut String, indent: usize, key: &str, value: &str) {
    write(out, indent, &format!("{key}:"), value);
}

/// A sequence item holding text: `- value`, or `- |-` and a literal block.
pub fn item(out: &mut String, indent: usize, value: &str) {
    write(out, indent, "-", value);
}

fn write(out: &mut String, indent: usize, lead: &str, value: &str) {
    let pad = " ".repeat(indent);
    let value = value.trim_end_matches(['\n', ' ']);
    let literal_ok = value.contains('\n')
        && !value.starts_with([' ', '\t'])
        && value.lines().all(|l| !l.chars().any(|c| c.is_control() && c != '\t'));
    if literal_ok {
        out.push_str(&format!("{pad}{lead} |-\n"));
        for line in value.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&format!("{pad}  {line}\n"));
            }
        }
    } else {
        out.push_str(&format!("{pad}{lead} {}\n", scalar(value)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_written() {
        let cases = [
            "String",
            "Array of backups objects",
            "a: b",
            "true",
            "0",
            "[200]",
            "x #y",
            "-x",
            "",
            "中文",
            "a,b",
            "/v3/{p}/x",
        ];
        for s in cases {
            let yaml = format!("k: {}\n", scalar(s));
            let back: std::collections::BTreeMap<String, String> = serde_yaml::from_str(&yaml).expect("parses");
            assert_eq!(back["k"], s, "{yaml}");
            let yaml = format!("{{ k: {}, j: x }}", flow_scalar(s));
            let back: std::collections::BTreeMap<String, String> = serde_yaml::from_str(&yaml).expect("parses");
            assert_eq!(back["k"], s, "{yaml}");
        }
        assert_eq!(scalar("/v3/{project_id}/jobs"), "/v3/{project_id}/jobs");
        assert_eq!(scalar("String"), "String");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(
            scalar("TODO(translate) - 容量型"),
            "\"TODO(translate) - 容量型\"",
            "plain only if still plain unmarked"
        );
    }

    #[test]
    fn text_of_several_lines_is_a_literal_block() {
        let mut out = String::new();
        text(&mut out, 2, "description", "line one\n\n- item: two\n");
        assert_eq!(out, "  description: |-\n    line one\n\n    - item: two\n");
        let back: std::collections::BTreeMap<String, String> = serde_yaml::from_str(out.trim_start()).expect("parses");
        assert_eq!(back["description"], "line one\n\n- item: two");
    }
}
