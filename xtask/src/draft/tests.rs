//! Drafts of the operations already in spec/, made from their vendored definitions as if each were new: once the
//! placeholders are filled in they load, agree with their definition, and one matches its committed transcription
//! row for row.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use super::{draft, operation_name, snake};
use crate::apidefs::{self, definition};
use crate::audit::compare::compare;
use crate::audit::tests::{workspace, TempWorkspace};
use crate::spec::check::{field_type, TypeTable};
use crate::spec::load::{self, ServiceDir};
use crate::spec::model::Field;
use crate::spec::types::TypeExpr;
use crate::spec::{load_and_check, Diagnostic};

/// What a maintainer does with the placeholders, done mechanically: the marked text is taken as the page's.
fn fill_in(draft: &str) -> String {
    draft.replace("TODO(translate) ", "").replace("TODO(page) ", "")
}

/// Drafts `operation` of `service` (from its vendored definition) into a copy of the workspace where the
/// committed transcription has been removed, and returns the workspace, the draft and the definition.
fn draft_in_place(service: &str, operation: &str) -> (TempWorkspace, String, definition::Definition) {
    let ws = TempWorkspace::new();
    let file = ws.root.join("spec").join(service).join(format!("{operation}.yaml"));
    let committed = load::load(&ws.root.join("spec"), Path::new("spec")).0;
    let op = committed
        .iter()
        .find(|s| s.name == service)
        .and_then(|s| s.operations.iter().find(|o| o.value.operation == operation))
        .expect("committed operation");
    let key = apidefs::path_key(&op.value.method, &op.value.path);
    fs::remove_file(&file).expect("remove the transcription");
    let (vendored, problems) = apidefs::read_vendored(&ws.root.join("apidefs"), Path::new("apidefs"), service);
    assert!(problems.is_empty(), "{problems:?}");
    let def = vendored
        .into_iter()
        .find(|v| apidefs::path_key(&v.definition.method, &v.definition.path) == key)
        .expect("vendored definition")
        .definition;
    let (services, _) = load::load(&ws.root.join("spec"), Path::new("spec"));
    let without = services.iter().find(|s| s.name == service).expect("service");
    // The maintainer keeps the committed operation name (other files refer to it).
    let text = draft(without, &def, operation, "test-package 1.0 (src/X.json)");
    fs::write(&file, &text).expect("write draft");
    (ws, text, def)
}

fn spec_errors(ws: &TempWorkspace) -> Vec<Diagnostic> {
    load_and_check(&ws.root.join("spec"), Path::new("spec")).err().unwrap_or_default()
}

fn loaded(ws: &TempWorkspace) -> Vec<ServiceDir> {
    match load_and_check(&ws.root.join("spec"), Path::new("spec")) {
        Ok(s) => s,
        Err(d) => panic!("{}", d.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")),
    }
}

#[test]
fn every_draft_loads_once_filled_in_and_agrees_with_its_definition() {
    let (services, _) = load::load(&workspace().join("spec"), Path::new("spec"));
    let mut drafted = 0;
    for service in &services {
        for op in &service.operations {
            let operation = op.value.operation.as_str();
            let (ws, text, def) = draft_in_place(&service.name, operation);
            let file = format!("spec/{}/{operation}.yaml", service.name);

            // Unfilled, the loader names each placeholder and nothing else.
            let errors = spec_errors(&ws);
            assert!(text.contains("TODO(page)"), "{text}");
            assert!(!errors.is_empty(), "{file}: the unfilled draft loads");
            for e in &errors {
                assert!(e.message.contains("draft placeholder"), "{file}: {e}\n{text}");
                let line = text.lines().nth(e.line - 1).unwrap_or_default();
                assert!(line.contains("TODO("), "{e} points at `{line}`");
            }
            let marked = text.lines().filter(|l| l.contains("TODO(")).count();
            assert_eq!(errors.len(), marked, "{file}: one error per placeholder line");
            assert!(!text.lines().take(6).any(|l| l.contains("TODO(")), "the banner itself is no placeholder");

            // Filled in, it loads and has no difference from the definition it came from.
            fs::write(ws.root.join(&file), fill_in(&text)).expect("write");
            let services = loaded(&ws);
            let service = services.iter().find(|s| s.name == service.name).expect("service");
            let op = service.operations.iter().find(|o| o.value.operation == operation).expect("drafted operation");
            let differences = compare(service, op, &def);
            assert!(differences.is_empty(), "{file}: {differences:#?}\n{}", fill_in(&text));
            drafted += 1;
        }
    }
    assert!(drafted >= 15, "drafted {drafted} operations");
}

/// Each row reachable from an operation, object names left out: `<table>.<name> <type> mandatory` → its values.
fn rows(service: &ServiceDir, operation: &str) -> BTreeMap<String, BTreeSet<String>> {
    let table = TypeTable::of(service);
    let op = &service.operations.iter().find(|o| o.value.operation == operation).expect("operation").value;
    let mut out = BTreeMap::new();
    let mut walk = |prefix: &str, fields: &[Field]| {
        let mut stack: Vec<(String, Vec<&Field>, usize)> = vec![(prefix.to_owned(), fields.iter().collect(), 0)];
        while let Some((at, fields, depth)) = stack.pop() {
            for f in fields {
                let ty = field_type(f).expect("type");
                let values = f.values.iter().map(|v| v.value.clone()).collect();
                out.insert(format!("{at}.{} {} {:?}", f.name, shape(&ty), f.mandatory), values);
                if let (Some(name), true) = (ty.object_name(), depth < 8) {
                    let t = table.types.get(name).expect("resolved");
                    stack.push((format!("{at}.{}", f.name), t.fields.iter().collect(), depth + 1));
                }
            }
        }
    };
    walk("uri", &op.uri_parameters);
    walk("query", &op.query_parameters);
    walk("header", &op.headers);
    if let Some(b) = &op.request_body {
        walk("request", &b.fields);
    }
    for r in &op.responses {
        let fields = crate::spec::check::response_fields(r.body.as_ref(), &table);
        walk(&format!("response {}", r.status), &fields.into_iter().cloned().collect::<Vec<_>>());
    }
    out
}

fn shape(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Scalar(s) => format!("{s:?}"),
        TypeExpr::Object(_) => "object".into(),
        TypeExpr::Array(inner) => format!("array of {}", shape(inner)),
    }
}

#[test]
fn a_draft_of_show_job_matches_the_committed_transcription_row_for_row() {
    let (services, _) = load::load(&workspace().join("spec"), Path::new("spec"));
    let committed = rows(services.iter().find(|s| s.name == "ges").expect("ges"), "show_job");

    let (ws, text, _) = draft_in_place("ges", "show_job");
    fs::write(ws.root.join("spec/ges/show_job.yaml"), fill_in(&text)).expect("write");
    let services = loaded(&ws);
    let drafted = rows(services.iter().find(|s| s.name == "ges").expect("ges"), "show_job");
    assert!(committed.len() > 30, "{committed:#?}");
    assert_eq!(drafted.keys().collect::<Vec<_>>(), committed.keys().collect::<Vec<_>>(), "draft:\n{text}");
    // Values the draft read from the definition's prose are the page's, or fewer (the page may list more).
    for (row, values) in &drafted {
        assert!(values.is_subset(&committed[row]), "{row}: drafted {values:?}, committed {:?}", committed[row]);
    }
    let with_values = drafted.values().filter(|v| !v.is_empty()).count();
    assert!(with_values >= 4, "the draft carries the definition's value lists");
}

#[test]
fn names_are_snake_case() {
    assert_eq!(operation_name("UpdateGaussMySqlBackupPolicy"), "update_gauss_my_sql_backup_policy");
    assert_eq!(operation_name("CreateBackup2"), "create_backup");
    assert_eq!(snake("MysqlDatastoreInBackup"), "mysql_datastore_in_backup");
    assert_eq!(snake("IDList"), "id_list");
    assert_eq!(snake("backup_list"), "backup_list");
    assert_eq!(snake("retention_num_backup_level-1"), "retention_num_backup_level_1");
}
