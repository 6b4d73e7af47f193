//! Finds the line and column of a key path in a block-style YAML text, so that checks made after parsing can
//! still point at the offending line. serde_yaml keeps no positions once a value is parsed; spec files are block
//! style, which makes a line scan enough. A path that cannot be found resolves to its nearest located ancestor.

use std::collections::HashMap;

use super::diag::{KeyPath, Seg};

/// Positions (1-based line and column) of every key and sequence item in one file.
#[derive(Debug, Default)]
pub struct Locator {
    positions: HashMap<KeyPath, (usize, usize)>,
    lines: Vec<String>,
}

struct Open {
    indent: usize,
    path: KeyPath,
    /// A key whose value starts on the next line (a nested block may follow at the same indent for sequences).
    awaits_block: bool,
}

impl Locator {
    pub fn new(text: &str) -> Locator {
        let mut positions = HashMap::new();
        let mut stack: Vec<Open> = Vec::new();
        let mut counters: HashMap<KeyPath, usize> = HashMap::new();
        let mut block_scalar_indent: Option<usize> = None;
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();

        for (line_no, raw) in lines.iter().enumerate() {
            let trimmed = raw.trim_start_matches(' ');
            let mut indent = raw.len() - trimmed.len();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if let Some(scalar_indent) = block_scalar_indent {
                if indent > scalar_indent {
                    continue;
                }
                block_scalar_indent = None;
            }
            let mut rest = trimmed;
            // A run of "- " items may open several sequence levels on one line ("- - a" is rare; handle one or more).
            while let Some(after) = rest.strip_prefix("- ").or_else(|| (rest == "-").then_some("")) {
                while let Some(top) = stack.last() {
                    let same_level_owner =
                        top.indent == indent && top.awaits_block && matches!(top.path.0.last(), Some(Seg::Key(_)));
                    if top.indent > indent || (top.indent == indent && !same_level_owner) {
                        stack.pop();
                    } else {
                        break;
                    }
                }
                let parent = stack.last().map(|o| o.path.clone()).unwrap_or_default();
                let counter = counters.entry(parent.clone()).or_insert(0);
                let path = parent.index(*counter);
                *counter += 1;
                positions.entry(path.clone()).or_insert((line_no + 1, indent + 1));
                stack.push(Open { indent, path, awaits_block: false });
                let skipped = rest.len() - after.len();
                let after_trimmed = after.trim_start_matches(' ');
                indent += skipped + (after.len() - after_trimmed.len());
                rest = after_trimmed;
            }
            let Some((key, after_colon)) = mapping_key(rest) else { continue };
            while let Some(top) = stack.last() {
                if top.indent >= indent {
                    stack.pop();
                } else {
                    break;
                }
            }
            let parent = stack.last().map(|o| o.path.clone()).unwrap_or_default();
            let path = parent.key(key);
            positions.entry(path.clone()).or_insert((line_no + 1, indent + 1));
            let value = after_colon.trim();
            let value = value.split(" #").next().unwrap_or("").trim();
            if value.starts_with('|') || value.starts_with('>') {
                block_scalar_indent = Some(indent);
            }
            stack.push(Open { indent, path, awaits_block: value.is_empty() });
        }
        Locator { positions, lines }
    }

    /// The text of the file, line by line.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The key path that starts nearest above (or on) `line`, for messages about a line found by scanning text.
    pub fn path_at(&self, line: usize) -> KeyPath {
        let best = self.positions.iter().filter(|(_, (l, _))| *l <= line).max_by_key(|(p, (l, c))| (*l, *c, p.0.len()));
        best.map(|(p, _)| p.clone()).unwrap_or_default()
    }

    /// Line and column of `path`, or of its nearest located ancestor (for keys inside flow maps, the column of
    /// the key on the ancestor's line when it can be seen there).
    pub fn find(&self, path: &KeyPath) -> (usize, usize) {
        let mut segs = path.0.clone();
        let mut missing: Option<Seg> = None;
        loop {
            if let Some(&(line, col)) = self.positions.get(&KeyPath(segs.clone())) {
                if let (Some(Seg::Key(key)), Some(text)) = (&missing, self.lines.get(line - 1)) {
                    if let Some(at) = text.find(&format!("{key}:")) {
                        return (line, at + 1);
                    }
                }
                return (line, col);
            }
            match segs.pop() {
                Some(seg) => missing = Some(seg),
                None => return (1, 1),
            }
        }
    }
}

/// The key of a `key: value` / `key:` line, for plain or quoted keys.
/// The key of a `key: value` line (unquoted) and the text after its colon.
fn mapping_key(rest: &str) -> Option<(&str, &str)> {
    if rest.starts_with('"') || rest.starts_with('\'') {
        let quote = rest.chars().next()?;
        let end = rest[1..].find(quote)? + 1;
        let after = rest[end + 1..].strip_prefix(':')?;
        return Some((&rest[1..end], after));
    }
    if rest.starts_with(['{', '[', '|', '>', '&', '*', '!']) {
        return None;
    }
    let colon = rest.find(':')?;
    let after = &rest[colon + 1..];
    (after.is_empty() || after.starts_with(' ')).then(|| (&rest[..colon], after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::diag::kp;

    /// Found by the no-panics property test: the value after a quoted key used to be sliced at the key's
    /// unquoted length, inside a multi-byte character.
    #[test]
    fn a_quoted_non_ascii_key_is_located() {
        let locator = Locator::new("\"\u{1ab0}\": x\n'é': |\n  text\n");
        assert_eq!(locator.find(&kp!["\u{1ab0}"]).0, 1);
        assert_eq!(locator.find(&kp!["é"]).0, 2);
    }

    const TEXT: &str = "\
operation: x
uri_parameters:
  - name: project_id
    rules: { max_length: 64 }
    definition: |
      name: not a key
  - name: graph_id
types:
- name: t
  fields:
    - name: a
";

    #[test]
    fn finds_keys_items_and_flow_keys() {
        let loc = Locator::new(TEXT);
        assert_eq!(loc.find(&kp!["operation"]), (1, 1));
        assert_eq!(loc.find(&kp!["uri_parameters", 1, "name"]), (7, 5));
        assert_eq!(loc.find(&kp!["uri_parameters", 0, "rules", "max_length"]), (4, 14));
        assert_eq!(loc.find(&kp!["types", 0, "fields", 0, "name"]), (11, 7));
        assert_eq!(loc.find(&kp!["nothing", "here"]), (1, 1));
    }

    #[test]
    fn a_quoted_key_with_wide_characters_is_located() {
        let loc = Locator::new("\"᥀\":\n\"键\": |\n  text\nnext: 1\n");
        assert_eq!(loc.find(&kp!["᥀"]), (1, 1));
        assert_eq!(loc.find(&kp!["next"]), (4, 1), "the block scalar after the quoted key is skipped");
    }
}
