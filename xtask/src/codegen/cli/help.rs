//! Help text of the generated commands: the documented text as plain words for a terminal, the rule in the same
//! words the library's docs use, values and default; wrapped here so the CLI needs no terminal-width dependency.

use super::flags::{place_words, FlagDef, Required};
use crate::codegen::docs::{plain_text, useful};
use crate::codegen::rules::rule_words;
use crate::spec::model::{Field, OperationFile};

/// Help lines are wrapped at this many columns (clap indents them further).
const WIDTH: usize = 76;

/// The row's documented definition, or the page's single description.
fn definition(row: &Field) -> String {
    plain_text(useful(&row.definition).or(useful(&row.description)).unwrap_or("(The page describes nothing.)"))
}

/// The one-line help (`-h`): the definition's first sentence, and whether the flag is required.
pub fn short(f: &FlagDef<'_>) -> String {
    let text = definition(f.row);
    let first = text.lines().next().unwrap_or_default();
    let mut sentence = match first.find(". ") {
        Some(end) if first.len() > 90 => first[..=end].to_owned(),
        _ => first.to_owned(),
    };
    if f.required != Required::No {
        sentence.push_str(" [required]");
    }
    sentence
}

/// The full help (`--help`): every documented block, then the facts: mandatory, rule, values, default, place.
pub fn long(f: &FlagDef<'_>) -> String {
    let row = f.row;
    let mut paragraphs = vec![definition(row)];
    for (label, text) in
        [("Constraints", &row.constraints), ("Range", &row.range), ("Default value", &row.default_value)]
    {
        if let Some(t) = useful(text) {
            paragraphs.push(format!("{label}: {}", plain_text(t)));
        }
    }
    let mut facts = vec![match f.required {
        Required::Always => "Required".to_owned(),
        Required::UnlessBody => "Required (here or in --body)".to_owned(),
        Required::No if row.mandatory == Some(true) && f.path.len() > 1 => "Required in its object".to_owned(),
        Required::No if row.mandatory == Some(true) => "Required by the API; hwc fills it in while paging".to_owned(),
        Required::No => "Optional".to_owned(),
    }];
    facts.extend(rule_words(&row.rules));
    match (row.rules.minimum, row.rules.maximum) {
        (Some(min), Some(max)) => facts.push(format!("from {min} to {max}")),
        (Some(min), None) => facts.push(format!("at least {min}")),
        (None, Some(max)) => facts.push(format!("at most {max}")),
        (None, None) => {}
    }
    // The documented Default value paragraph, when there is one, already says it.
    if let Some(default) =
        row.rules.default.as_ref().filter(|_| crate::codegen::docs::useful(&row.default_value).is_none())
    {
        let shown = serde_yaml::to_string(default).unwrap_or_default();
        facts.push(format!("the service's default is {}", shown.trim()));
    }
    if f.multiple {
        facts.push(format!(
            "repeat the flag for each item{}",
            if f.kind_is_json() { " (each a JSON object)" } else { "" }
        ));
    } else if f.kind_is_json() {
        facts.push("a JSON value".to_owned());
    }
    facts.push(format!("sent as the {} `{}`", place_words(f.place), f.path.join(".")));
    paragraphs.push(format!("{}.", facts.join("; ")));
    if !row.values.is_empty() {
        let mut values = vec!["Values:".to_owned()];
        for v in &row.values {
            match v.description.as_deref() {
                Some(d) => values.push(format!("  {}: {}", v.value, plain_text(d))),
                None => values.push(format!("  {}", v.value)),
            }
        }
        paragraphs.push(values.join("\n"));
    }
    wrap_paragraphs(&paragraphs)
}

impl FlagDef<'_> {
    fn kind_is_json(&self) -> bool {
        self.kind == super::flags::Kind::Json
    }
}

/// The command's one-line about: the summary's first line.
pub fn about(op: &OperationFile) -> String {
    let first = plain_text(op.summary.lines().next().unwrap_or_default());
    // A first line that only leads into a list says nothing alone: the page title does.
    if first.is_empty() || first.ends_with(':') {
        plain_text(&op.title)
    } else {
        first
    }
}

/// The command's long about: the whole summary, the request line, and where it is documented.
pub fn long_about(op: &OperationFile, extra: &[String]) -> String {
    let mut paragraphs = vec![plain_text(&op.summary), format!("{} {}", op.method, op.path)];
    paragraphs.extend(extra.iter().cloned());
    let mut page = format!("Documented in \"{}\"", plain_text(&op.title));
    if let Some(url) = &op.source.url {
        page.push_str(&format!(", {url}"));
    }
    paragraphs.push(page + ".");
    wrap_paragraphs(&paragraphs)
}

/// Wraps each line of each paragraph at [`WIDTH`], keeping the indentation of list items.
pub fn wrap_paragraphs(paragraphs: &[String]) -> String {
    let wrapped: Vec<String> =
        paragraphs.iter().map(|p| p.lines().map(wrap_line).collect::<Vec<_>>().join("\n")).collect();
    wrapped.join("\n\n")
}

fn wrap_line(line: &str) -> String {
    let indent_len = line.len() - line.trim_start().len();
    let bullet = line.trim_start().starts_with("- ");
    let continuation = " ".repeat(indent_len + if bullet { 2 } else { 0 });
    let mut out = String::new();
    let mut current = line[..indent_len].to_owned();
    let mut empty = true;
    for word in line.split_whitespace() {
        if !empty && current.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&current);
            out.push('\n');
            current = continuation.clone();
            empty = true;
        }
        if !empty {
            current.push(' ');
        }
        current.push_str(word);
        empty = false;
    }
    out.push_str(&current);
    out
}

#[cfg(test)]
mod tests {
    use super::wrap_paragraphs;

    #[test]
    fn long_lines_wrap_and_list_items_keep_their_indent() {
        let text = format!("- {}", "word ".repeat(30).trim_end());
        let wrapped = wrap_paragraphs(&[text]);
        assert!(wrapped.lines().all(|l| l.chars().count() <= super::WIDTH), "{wrapped}");
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("  word")), "{wrapped}");
    }
}
