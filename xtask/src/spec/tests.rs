//! Each class of spec mistake gives its own message at the right `file:line`, all of them in one run, and no
//! input can make the loader panic.

use std::fs;
use std::path::{Path, PathBuf};

use super::{load_and_check, Diagnostic};

const SERVICE: &str = "\
service: demo
title: Demo Service
endpoints:
  sdk_service: DEMO
  template: \"https://demo.{region}.example.com\"
  regions: [cn-north-4]
types:
  - name: demo_error
    fields:
      - name: error_code
        type: String
        aliases: [errorCode]
      - name: error_msg
        type: String
        aliases: [errorMessage]
";

const OPERATION: &str = "\
operation: get_thing
title: Getting a Thing (1.0.0)
source:
  file: seeds/none.txt
summary: Gets a thing.
method: POST
path: /v1/{project_id}/things/{thing_id}
idempotent: false
success: [200]
uri_parameters:
  - name: project_id
    mandatory: true
    type: String
    rules: { max_length: 8, charset: [letters, digits] }
  - name: thing_id
    mandatory: true
    type: String
request_body:
  fields:
    - name: name
      mandatory: true
      type: String
      rules: { min_length: 4, starts_with_letter: true }
      values: []
responses:
  - status: 200
    body:
      fields:
        - name: job_id
          type: String
        - name: state
          type: String
          values:
            - { value: ok }
            - { value: bad }
  - status: 400
    body: { ref: demo_error }
examples:
  requests:
    - title: Get it.
      line: POST https://{Endpoint}/v1/abc123/things/{thing_id}
      body: |
        { \"name\": \"good\" }
  responses:
    - status: 200
      body: |
        { \"job_id\": \"j1\", \"state\": \"ok\" }
    - status: 400
      body: |
        { \"errorCode\": \"D.1\", \"errorMessage\": \"no\" }
";

/// A spec folder in a fresh temporary directory, removed on drop.
struct TempSpec(PathBuf);

impl TempSpec {
    fn new(files: &[(&str, &str)]) -> TempSpec {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "hwcloud-spec-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        for (path, text) in files {
            let full = dir.join(path);
            fs::create_dir_all(full.parent().expect("has parent")).expect("create dir");
            fs::write(full, text).expect("write");
        }
        TempSpec(dir)
    }
}

impl Drop for TempSpec {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn errors(service: &str, operation: &str) -> Vec<Diagnostic> {
    let spec = TempSpec::new(&[("demo/service.yaml", service), ("demo/get_thing.yaml", operation)]);
    match load_and_check(&spec.0, Path::new("spec")) {
        Ok(_) => Vec::new(),
        Err(d) => d,
    }
}

/// The line of the last occurrence of `needle` (the later of two duplicates is the one reported).
fn line_of(text: &str, needle: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    lines.iter().rposition(|l| l.contains(needle)).map(|i| i + 1).unwrap_or_else(|| panic!("{needle} not in text"))
}

/// Asserts exactly one diagnostic containing `message`, in `file` at the line holding `at`.
#[track_caller]
fn assert_one(diags: &[Diagnostic], file: &str, text: &str, at: &str, message: &str) {
    let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.message.contains(message)).collect();
    assert_eq!(found.len(), 1, "expected one `{message}` in {diags:#?}");
    let d = found[0];
    assert_eq!(d.file, Path::new("spec/demo").join(file), "{d}");
    assert_eq!(d.line, line_of(text, at), "{d}");
    let shown = d.to_string();
    assert!(shown.starts_with(&format!("spec/demo/{file}:{}:", d.line)), "{shown}");
}

#[test]
fn the_valid_spec_passes() {
    assert_eq!(errors(SERVICE, OPERATION), Vec::new());
}

#[test]
fn unknown_keys_are_all_reported_with_their_lines() {
    let op = OPERATION.replace("idempotent: false", "idempotent: false\nidempotnet: true").replace(
        "    rules: { max_length: 8, charset: [letters, digits] }",
        "    rules: { max_length: 8, charset: [letters, digits] }\n    mandatroy: true",
    );
    let diags = errors(SERVICE, &op);
    assert_one(&diags, "get_thing.yaml", &op, "idempotnet", "unknown key `idempotnet`");
    assert_one(&diags, "get_thing.yaml", &op, "mandatroy", "unknown key `mandatroy`");
    assert!(diags.iter().all(|d| !d.hint.is_empty()), "{diags:#?}");
}

#[test]
fn a_missing_required_key_names_it() {
    let op = OPERATION.replace("method: POST\n", "");
    let diags = errors(SERVICE, &op);
    let d = diags.iter().find(|d| d.message.contains("missing field `method`")).expect("reported");
    assert!(d.hint.contains("add `method:`"), "{d}");
}

#[test]
fn an_unknown_type_is_reported_at_its_row() {
    let op = OPERATION
        .replace("        - name: job_id\n          type: String", "        - name: job_id\n          type: Strnig");
    assert_one(&errors(SERVICE, &op), "get_thing.yaml", &op, "Strnig", "unknown type `Strnig`");
}

#[test]
fn a_dangling_reference_is_reported() {
    let op = OPERATION.replace("body: { ref: demo_error }", "body: { ref: demo_eror }");
    assert_one(&errors(SERVICE, &op), "get_thing.yaml", &op, "demo_eror", "type `demo_eror` is not defined");
}

#[test]
fn path_and_uri_parameters_must_match() {
    let op = OPERATION.replace("path: /v1/{project_id}/things/{thing_id}", "path: /v1/{project_id}/things/{thing}");
    let diags = errors(SERVICE, &op);
    assert_one(&diags, "get_thing.yaml", &op, "path: /v1", "`{thing}` in the path is not a URI parameter");
    assert_one(&diags, "get_thing.yaml", &op, "name: thing_id", "URI parameter `thing_id` does not appear in the path");
}

#[test]
fn duplicate_names_are_reported() {
    let service = SERVICE.to_owned() + "  - name: demo_error\n    fields: []\n";
    let diags = errors(&service, OPERATION);
    let d = diags.iter().find(|d| d.message.contains("type `demo_error` is defined twice")).expect("reported");
    assert_eq!(d.line, line_of(&service, "- name: demo_error"), "{d}");

    let op = OPERATION.replace("            - { value: bad }", "            - { value: ok }");
    assert_one(&errors(SERVICE, &op), "get_thing.yaml", &op, "- { value: ok }", "value `ok` is listed twice");

    let spec = TempSpec::new(&[
        ("demo/service.yaml", SERVICE),
        ("demo/get_thing.yaml", OPERATION),
        ("demo/get_thing_again.yaml", OPERATION),
    ]);
    let diags = load_and_check(&spec.0, Path::new("spec")).expect_err("duplicate operation");
    assert!(diags.iter().any(|d| d.message.contains("operation `get_thing` is also defined in")), "{diags:#?}");
}

#[test]
fn examples_must_fit_the_schema_and_rules() {
    let op = OPERATION
        .replace("{ \"job_id\": \"j1\", \"state\": \"ok\" }", "{ \"job_id\": 7 }")
        .replace("{ \"name\": \"good\" }", "{ \"name\": \"1x\" }")
        .replace("/v1/abc123/", "/v1/abc-123/");
    let diags = errors(SERVICE, &op);
    // Errors inside a block scalar point at its key, the line before the JSON.
    let job = diags.iter().find(|d| d.message.contains("`job_id` is 7, which does not fit type")).expect("reported");
    assert_eq!(job.line + 1, line_of(&op, "{ \"job_id\": 7 }"), "{job}");
    let name = diags.iter().find(|d| d.message.contains("`name` breaks rule `min_length`")).expect("reported");
    assert_eq!(name.line + 1, line_of(&op, "{ \"name\": \"1x\" }"), "{name}");
    assert_one(
        &diags,
        "get_thing.yaml",
        &op,
        "line: POST",
        "example value `abc-123` of `project_id` breaks rule `charset`",
    );
}

#[test]
fn broken_example_json_asks_for_a_correction() {
    let op = OPERATION.replace("{ \"job_id\": \"j1\", \"state\": \"ok\" }", "{ \"job_id\": \"j1\" \"state\": \"ok\" }");
    let diags = errors(SERVICE, &op);
    let d = diags.iter().find(|d| d.message.contains("example body is not JSON")).expect("reported");
    assert!(d.hint.contains("correction"), "{d}");
}

#[test]
fn every_problem_of_a_run_is_reported() {
    let op = OPERATION
        .replace("type: Strnig", "")
        .replace("body: { ref: demo_error }", "body: { ref: nope }")
        .replace("path: /v1/{project_id}/things/{thing_id}", "path: /v1/{project_id}/things/{thing_id}/{extra}");
    let service = SERVICE.replace("service: demo", "service: other");
    let diags = errors(&service, &op);
    assert!(diags.len() >= 3, "{diags:#?}");
    assert!(diags.iter().any(|d| d.file.ends_with("service.yaml")), "{diags:#?}");
}

#[test]
fn the_real_spec_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    if let Err(diags) = load_and_check(&root, Path::new("spec")) {
        panic!("{}", diags.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"));
    }
}

mod no_panics {
    use proptest::prelude::*;

    use super::*;
    use crate::spec::load::parse_text;
    use crate::spec::locate::Locator;
    use crate::spec::model::{OperationFile, ServiceFile};

    fn mutate(text: &str, edits: &[(usize, u8, char)]) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for &(at, kind, c) in edits {
            if lines.is_empty() {
                break;
            }
            let i = at % lines.len();
            match kind % 4 {
                0 => {
                    lines.remove(i);
                }
                1 => {
                    let line = lines[i].clone();
                    lines.insert(i, line);
                }
                2 => {
                    let pos = at % (lines[i].len() + 1);
                    let cut = lines[i].char_indices().map(|(b, _)| b).find(|b| *b >= pos).unwrap_or(lines[i].len());
                    lines[i].insert(cut, c);
                }
                _ => lines[i] = format!(" {}", lines[i]),
            }
        }
        lines.join("\n")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
            let _ = parse_text::<OperationFile>(&text, Path::new("x.yaml"));
            let _ = parse_text::<ServiceFile>(&text, Path::new("x.yaml"));
            let _ = Locator::new(&text);
        }

        #[test]
        fn yaml_like_text_never_panics(text in "([a-z_]{1,8}: ?(\\[|\\{|\\||>|-|\"|[a-z0-9 ]{0,6})?\n( {0,6}- ?)?){0,30}") {
            let _ = parse_text::<OperationFile>(&text, Path::new("x.yaml"));
            let _ = Locator::new(&text);
        }

        #[test]
        fn mutated_specs_never_panic(
            op_edits in proptest::collection::vec((0usize..4000, 0u8..4, proptest::char::any()), 0..6),
            service_edits in proptest::collection::vec((0usize..4000, 0u8..4, proptest::char::any()), 0..3),
        ) {
            let spec = TempSpec::new(&[
                ("demo/service.yaml", &mutate(SERVICE, &service_edits)),
                ("demo/get_thing.yaml", &mutate(OPERATION, &op_edits)),
            ]);
            let _ = load_and_check(&spec.0, Path::new("spec"));
        }
    }
}

#[test]
fn endpoint_table_mistakes_are_reported_at_their_rows() {
    let service = SERVICE
        .replace("sdk_service: DEMO", "sdk_service: demo")
        .replace("regions: [cn-north-4]", "regions: [cn-north-4, CN_North]")
        .replace(
            "types:",
            "  table:\n    - { region: cn-north-4, url: \"https://demo.example.com\" }\n    - { region: eu-west-101, url: \"http://demo.eu/\" }\ntypes:",
        );
    let diags = errors(&service, OPERATION);
    assert_one(&diags, "service.yaml", &service, "sdk_service", "must be the official SDKs' upper-case service name");
    assert_one(&diags, "service.yaml", &service, "CN_North", "region `CN_North` is not a region id");
    assert_one(&diags, "service.yaml", &service, "region: cn-north-4", "region `cn-north-4` already has an endpoint");
    assert_one(&diags, "service.yaml", &service, "http://demo.eu/", "must use https and have no trailing `/`");

    let no_regions = SERVICE.replace("  regions: [cn-north-4]\n", "");
    assert_one(&errors(&no_regions, OPERATION), "service.yaml", &no_regions, "template:", "names no region");
}

/// OPERATION with two more body rows: a documented `mode` and a `backup_id` that some rows below make conditional.
fn with_conditional_rows(extra: &str) -> String {
    OPERATION.replace(
        "      values: []\n",
        &format!(
            "      values: []\n    - name: mode\n      mandatory: false\n      type: String\n      values:\n        - {{ value: backup }}\n        - {{ value: timestamp }}\n    - name: backup_id\n      mandatory: false\n      type: String\n{extra}"
        ),
    )
}

#[test]
fn conditions_name_a_sibling_and_values_it_can_take() {
    let ok = with_conditional_rows(
        "      mandatory_when:\n        - { field: mode, equals: [backup] }\n        - { field: mode, not_equals: [timestamp] }\n",
    );
    assert_eq!(errors(SERVICE, &ok), Vec::new());

    let op = with_conditional_rows("      mandatory_when:\n        - { field: mood }\n");
    assert_one(&errors(SERVICE, &op), "get_thing.yaml", &op, "field: mood", "`mood` is not a row of this table");
    let op = with_conditional_rows("      mandatory_when:\n        - { field: mode, equals: [bakup] }\n");
    assert_one(&errors(SERVICE, &op), "get_thing.yaml", &op, "bakup", "`bakup` is not one of its documented values");
    let op = with_conditional_rows("      mandatory_when:\n        - { field: backup_id }\n");
    assert_one(&errors(SERVICE, &op), "get_thing.yaml", &op, "field: backup_id }", "a row cannot depend on itself");
    let op =
        with_conditional_rows("      mandatory_when:\n        - { field: mode, equals: [backup], absent: true }\n");
    assert_one(&errors(SERVICE, &op), "get_thing.yaml", &op, "absent: true", "at most one of `equals`");
    let op = OPERATION.replace(
        "      rules: { min_length: 4, starts_with_letter: true }\n",
        "      rules: { min_length: 4, starts_with_letter: true }\n      mandatory_when:\n        - { field: name }\n",
    );
    assert!(errors(SERVICE, &op).iter().any(|d| d.message.contains("which is not `mandatory: false`")));
}

#[test]
fn examples_must_satisfy_conditions_time_windows_and_lenient_forms() {
    let conditional = with_conditional_rows("      mandatory_when:\n        - { field: mode, equals: [backup] }\n");
    let op = conditional
        .replace("{ \\\"name\\\": \\\"good\\\" }", "{ \\\"name\\\": \\\"good\\\", \\\"mode\\\": \\\"backup\\\" }");
    let op = op.replace("{ \"name\": \"good\" }", "{ \"name\": \"good\", \"mode\": \"backup\" }");
    let diags = errors(SERVICE, &op);
    assert!(diags.iter().any(|d| d.message.contains("it is mandatory when `mode` is `backup`")), "{diags:#?}");

    let window = OPERATION
        .replace("rules: { min_length: 4, starts_with_letter: true }", "rules: { time_window: { minutes: [0] } }");
    let late = window.replace("{ \"name\": \"good\" }", "{ \"name\": \"21:30-22:30\" }");
    assert!(errors(SERVICE, &late).iter().any(|d| d.message.contains("breaks rule `time_window`")));
    let on_time = window.replace("{ \"name\": \"good\" }", "{ \"name\": \"23:00-00:00\" }");
    assert_eq!(errors(SERVICE, &on_time), Vec::new(), "a window may cross midnight");
    let bad_minutes = window.replace("minutes: [0]", "minutes: [60]");
    assert!(errors(SERVICE, &bad_minutes).iter().any(|d| d.message.contains("distinct minutes from 0 to 59")));

    let number = OPERATION.replace("{ \"job_id\": \"j1\", \"state\": \"ok\" }", "{ \"job_id\": 7, \"state\": \"ok\" }");
    assert!(errors(SERVICE, &number).iter().any(|d| d.message.contains("does not fit type")));
    let lenient = number.replace(
        "        - name: job_id\n          type: String",
        "        - name: job_id\n          type: String\n          lenient: true",
    );
    assert_eq!(errors(SERVICE, &lenient), Vec::new(), "a lenient String row reads a number");
    let on_object =
        OPERATION.replace("    body: { ref: demo_error }", "    body: { ref: demo_error }\n    lenient: true");
    assert!(!errors(SERVICE, &on_object).is_empty());
}
