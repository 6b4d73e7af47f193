//! The definitions' Chinese descriptions turned into draft text: split into the page's blocks (Definition,
//! Constraints, Range, Default Value) when the definition marks them, fixed phrases translated, everything else
//! marked `TODO(translate)`; and the value lists that the prose states.

/// One description as the spec's row keys hold it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Blocks {
    /// Text without block headings goes to `description`.
    pub description: Option<String>,
    pub definition: Option<String>,
    pub constraints: Option<String>,
    pub range: Option<String>,
    pub default_value: Option<String>,
}

/// The marker for text that the maintainer must replace with the page's English.
pub const TRANSLATE: &str = "TODO(translate)";

pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}'))
}

/// Text for a draft: kept when it has no Chinese, `N/A` for 不涉及, otherwise the Chinese after the marker.
pub fn draft_text(s: &str) -> String {
    let s = s.trim();
    if matches!(s, "不涉及" | "不涉及。" | "无" | "无。") {
        return "N/A".into();
    }
    if has_cjk(s) {
        format!("{TRANSLATE} {s}")
    } else {
        s.to_owned()
    }
}

/// Splits `**参数解释:** ... **约束限制:** ...` descriptions into blocks; others become `description`.
pub fn blocks(description: &str) -> Blocks {
    let mut out = Blocks::default();
    let mut current: Option<&'static str> = None;
    let mut parts: Vec<(&'static str, Vec<&str>)> = Vec::new();
    for line in description.lines() {
        if let Some((key, rest)) = heading(line) {
            current = Some(key);
            parts.push((key, Vec::new()));
            if !rest.trim().is_empty() {
                if let Some(last) = parts.last_mut() {
                    last.1.push(rest.trim());
                }
            }
            continue;
        }
        match (current, parts.last_mut()) {
            (Some(_), Some(last)) => last.1.push(line),
            _ => parts.push(("description", vec![line])),
        }
    }
    let mut untitled: Vec<String> = Vec::new();
    for (key, lines) in parts {
        let text = lines.join("\n").trim().to_owned();
        if key == "description" {
            untitled.push(text);
            continue;
        }
        if text.is_empty() {
            continue;
        }
        let slot = match key {
            "definition" => &mut out.definition,
            "constraints" => &mut out.constraints,
            "range" => &mut out.range,
            _ => &mut out.default_value,
        };
        *slot = Some(draft_text(&text));
    }
    let untitled = untitled.join("\n").trim().to_owned();
    if !untitled.is_empty() {
        if out.definition.is_none() && (out.constraints.is_some() || out.range.is_some()) {
            out.definition = Some(draft_text(&untitled));
        } else {
            out.description = Some(draft_text(&untitled));
        }
    }
    out
}

/// `**参数解释:**` and its kin, with any text after the heading on the same line.
fn heading(line: &str) -> Option<(&'static str, &str)> {
    let t = line.trim();
    let inner = t.strip_prefix("**")?;
    let end = inner.find("**")?;
    let label = inner[..end].trim_end_matches([':', '：']);
    let key = match label {
        "参数解释" => "definition",
        "约束限制" => "constraints",
        "取值范围" => "range",
        "默认取值" => "default_value",
        _ => return None,
    };
    Some((key, &inner[end + 2..]))
}

/// A value list stated in prose, one value a line: `- auto:自动全量备份。`, `Running:表示任务正在执行。`, or the
/// lines after `枚举值:`. Needs at least two values; each comes with the text after it.
pub fn prose_values(description: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut after_enum_heading = false;
    for line in description.lines() {
        let t = line.trim().trim_start_matches(['-', '•', '*']).trim();
        if t.starts_with("枚举值") {
            after_enum_heading = true;
            continue;
        }
        if after_enum_heading && is_token(t) {
            found.push((t.to_owned(), String::new()));
            continue;
        }
        let Some((head, rest)) = t.split_once([':', '：']) else { continue };
        let value = head.trim().trim_matches(['"', '“', '”', '\'']);
        if is_token(value) && !rest.trim().is_empty() {
            found.push((value.to_owned(), rest.trim().to_owned()));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    found.retain(|(v, _)| seen.insert(v.clone()));
    if found.len() >= 2 {
        found
    } else {
        Vec::new()
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_blocks_are_split_and_fixed_phrases_translated() {
        let b = blocks(
            "**参数解释:**\n备份ID。\n**约束限制:**\n不涉及。\n**取值范围:**\n长度为32。\n**默认取值:**\n不涉及。",
        );
        assert_eq!(b.definition.as_deref(), Some("TODO(translate) 备份ID。"));
        assert_eq!(b.constraints.as_deref(), Some("N/A"));
        assert_eq!(b.range.as_deref(), Some("TODO(translate) 长度为32。"));
        assert_eq!(b.default_value.as_deref(), Some("N/A"));
        assert_eq!(b.description, None);
        assert_eq!(blocks("ok").description.as_deref(), Some("ok"));
    }

    #[test]
    fn values_are_read_from_prose() {
        let v = prose_values("备份状态,取值:\n- BUILDING:备份中。\n- COMPLETED:备份完成。");
        assert_eq!(v, vec![("BUILDING".into(), "备份中。".into()), ("COMPLETED".into(), "备份完成。".into())]);
        let v = prose_values("任务执行状态。\n枚举值:\nRunning\nCompleted\nFailed");
        assert_eq!(v.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(), ["Running", "Completed", "Failed"]);
        assert!(prose_values("格式为“yyyy-mm-ddThh:mm:ssZ”。").is_empty());
    }
}
