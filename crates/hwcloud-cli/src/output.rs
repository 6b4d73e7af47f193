//! Printing a command's result on stdout (and only there): JSON by default, a table, wide table, tab-separated
//! lines or nothing, after an optional JMESPath `--query`.

use std::io::{IsTerminal, Write};

use comfy_table::{presets, Table};
use serde_json::{Map, Value};

use crate::command::Listing;
use crate::failure::Failure;

/// `-o/--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The documented response shape, pretty-printed.
    Json,
    /// A table of the main columns (a listing's items, or field and value).
    Table,
    /// A table of every column.
    Wide,
    /// Tab-separated lines without a header, every column: for `cut`, `awk`, `while read`.
    Tsv,
    /// Nothing: the exit code says how it went.
    None,
}

/// What a command produced.
#[derive(Debug)]
pub enum Output {
    /// Response data, and where a listing keeps its items (for the table's rows and columns).
    Data { value: Value, listing: Option<&'static Listing> },
    /// Text to print as it is (a body template, completions).
    Text(String),
}

/// Checks a `--query` before anything is sent (clap value parser).
pub fn check_query(text: &str) -> Result<String, String> {
    jmespath::compile(text).map(|_| text.to_owned()).map_err(|e| format!("not a JMESPath expression: {e}"))
}

/// Prints the output in `format`, after `query`.
pub fn print(output: Output, format: Format, query: Option<&str>) -> Result<(), Failure> {
    let text = match output {
        Output::Text(text) => text,
        Output::Data { value, listing } => {
            let (value, listing) = match query {
                Some(query) => (search(query, value)?, None),
                None => (value, listing),
            };
            render(&value, listing, format)
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // `hwc ... | head` closing the pipe is not a failure of the command.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Response(format!("cannot write the output: {e}"))),
    }
}

fn search(query: &str, value: Value) -> Result<Value, Failure> {
    let expression = jmespath::compile(query).map_err(|e| Failure::usage(format!("--query: {e}")))?;
    let found = expression.search(value).map_err(|e| Failure::usage(format!("--query: {e}")))?;
    serde_json::to_value(&*found).map_err(|e| Failure::Response(format!("--query result: {e}")))
}

/// The text of `value` in `format`.
pub fn render(value: &Value, listing: Option<&Listing>, format: Format) -> String {
    match format {
        Format::None => String::new(),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Table | Format::Wide => {
            let (header, rows) = tabulate(value, listing, format == Format::Wide);
            if rows.is_empty() {
                return String::new();
            }
            let mut table = Table::new();
            table.load_preset(if std::io::stdout().is_terminal() {
                presets::UTF8_FULL_CONDENSED
            } else {
                presets::ASCII_FULL_CONDENSED
            });
            if let Some(header) = header {
                table.set_header(header);
            }
            for row in rows {
                table.add_row(row);
            }
            format!("{table}\n")
        }
        Format::Tsv => {
            let (_, rows) = tabulate(value, listing, true);
            rows.iter().map(|row| row.iter().map(|c| tsv_escape(c)).collect::<Vec<_>>().join("\t") + "\n").collect()
        }
    }
}

/// Header and rows: a listing's items (its documented columns), an array of objects (their keys), an array of
/// arrays (positional), scalars (one per row), or an object as field/value rows with nested fields dotted.
fn tabulate(value: &Value, listing: Option<&Listing>, wide: bool) -> (Option<Vec<String>>, Vec<Vec<String>>) {
    if let Some((listing, Value::Array(items))) = listing.and_then(|l| Some((l, value.get(l.items)?))) {
        let documented = if wide { listing.wide } else { listing.table };
        let mut columns: Vec<String> = documented.iter().map(|c| c.to_string()).collect();
        if wide || columns.is_empty() {
            extend_with_keys(&mut columns, items);
        }
        return (Some(columns.clone()), rows_of(items, &columns));
    }
    match value {
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let mut columns = Vec::new();
            extend_with_keys(&mut columns, items);
            (Some(columns.clone()), rows_of(items, &columns))
        }
        Value::Array(items) => {
            let rows = items
                .iter()
                .map(|item| match item {
                    Value::Array(cells) => cells.iter().map(cell).collect(),
                    other => vec![cell(other)],
                })
                .collect();
            (None, rows)
        }
        Value::Object(map) => {
            let mut rows = Vec::new();
            flatten("", map, &mut rows);
            (Some(vec!["field".to_owned(), "value".to_owned()]), rows)
        }
        Value::Null => (None, Vec::new()),
        scalar => (None, vec![vec![cell(scalar)]]),
    }
}

fn extend_with_keys(columns: &mut Vec<String>, items: &[Value]) {
    for item in items {
        for key in item.as_object().into_iter().flat_map(Map::keys) {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
}

fn rows_of(items: &[Value], columns: &[String]) -> Vec<Vec<String>> {
    items.iter().map(|item| columns.iter().map(|c| item.get(c).map(cell).unwrap_or_default()).collect()).collect()
}

fn flatten(prefix: &str, map: &Map<String, Value>, rows: &mut Vec<Vec<String>>) {
    for (key, value) in map {
        let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            Value::Object(inner) if !inner.is_empty() => flatten(&name, inner, rows),
            other => rows.push(vec![name, cell(other)]),
        }
    }
}

/// A value in a cell: text as is, nothing for null, nested values as compact JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        nested => nested.to_string(),
    }
}

fn tsv_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static LISTING: Listing = Listing {
        items: "backup_list",
        total: Some("backup_count"),
        table: &["id", "status"],
        wide: &["id", "name", "status"],
    };

    #[test]
    fn listings_show_their_documented_columns() {
        let value = json!({"backup_count": 2, "backup_list": [
            {"id": "b1", "name": "n1", "status": "success", "extra": 1},
            {"id": "b2", "name": "tab\there", "status": "running"}]});
        let table = render(&value, Some(&LISTING), Format::Table);
        assert!(table.contains("b1") && table.contains("success") && !table.contains("n1"), "{table}");
        let tsv = render(&value, Some(&LISTING), Format::Tsv);
        assert_eq!(tsv, "b1\tn1\tsuccess\t1\nb2\ttab\\there\trunning\t\n");
        assert_eq!(render(&value, Some(&LISTING), Format::None), "");
    }

    #[test]
    fn objects_become_field_value_rows_and_queries_pick_values() {
        let value = json!({"job_id": "j1", "backup": {"id": "b1", "status": "BUILDING"}});
        assert_eq!(render(&value, None, Format::Tsv), "backup.id\tb1\nbackup.status\tBUILDING\njob_id\tj1\n");
        let ids = search("backup_list[].id", json!({"backup_list": [{"id": "a"}, {"id": "b"}]})).unwrap();
        assert_eq!(ids, json!(["a", "b"]));
        assert!(check_query("backup_list[").is_err());
    }
}
