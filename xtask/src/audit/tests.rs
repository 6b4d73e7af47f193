//! The audit on copies of the real spec and definitions: it passes as committed, and a dropped row, a flipped flag,
//! a changed definition or a missing definition each fail it with the file, line and field.

use std::fs;
use std::path::{Path, PathBuf};

use super::{audit, update, Paths, Report};

/// A copy of the workspace's `spec/` and `apidefs/` in a fresh temporary directory, removed on drop.
pub(crate) struct TempWorkspace {
    pub root: PathBuf,
}

impl TempWorkspace {
    pub fn new() -> TempWorkspace {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "hwcloud-audit-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&root);
        let workspace = workspace();
        copy_dir(&workspace.join("spec"), &root.join("spec"));
        copy_dir(&workspace.join("apidefs"), &root.join("apidefs"));
        TempWorkspace { root }
    }

    pub fn paths(&self) -> Paths {
        Paths::of_workspace(&self.root)
    }

    pub fn read(&self, file: &str) -> String {
        fs::read_to_string(self.root.join(file)).expect("read")
    }

    /// Replaces `from` (which must occur once) with `to` in `file`; returns the new text.
    #[track_caller]
    pub fn edit(&self, file: &str, from: &str, to: &str) -> String {
        let text = self.read(file);
        assert_eq!(text.matches(from).count(), 1, "`{from}` occurs once in {file}");
        let edited = text.replacen(from, to, 1);
        fs::write(self.root.join(file), &edited).expect("write");
        edited
    }
}

impl Drop for TempWorkspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

/// The 1-based line of the only line of `text` that is `needle` (leading spaces included).
#[track_caller]
fn line_of(text: &str, needle: &str) -> usize {
    let found: Vec<usize> =
        text.lines().enumerate().filter(|(_, l)| l.trim_end() == needle).map(|(i, _)| i + 1).collect();
    assert_eq!(found.len(), 1, "`{needle}` is on one line");
    found[0]
}

fn shown(report: &Report) -> String {
    let lines =
        report.problems.iter().cloned().chain(report.unexplained.iter().chain(&report.stale).map(ToString::to_string));
    lines.collect::<Vec<_>>().join("\n")
}

#[test]
fn the_committed_spec_passes_and_every_operation_is_compared() {
    let report = audit(&Paths::of_workspace(&workspace()));
    assert!(report.passed(), "{}", shown(&report));
    let (services, _) = crate::spec::load::load(&workspace().join("spec"), Path::new("spec"));
    let operations: usize = services.iter().map(|s| s.operations.len()).sum();
    assert_eq!(report.compared.len(), operations, "{:?}", report.compared);
    assert!(!report.accepted.is_empty(), "the committed spec explains its differences with markers");
}

#[test]
fn a_removed_response_field_fails_naming_the_field_and_the_table_line() {
    let ws = TempWorkspace::new();
    let file = "spec/taurusdb/list_backups.yaml";
    let text = ws.edit(
        file,
        "      - name: description\n        type: String\n        description: Description of the backup file.\n",
        "",
    );
    let report = audit(&ws.paths());
    assert!(!report.passed());
    assert_eq!(report.unexplained.len(), 1, "{}", shown(&report));
    let f = &report.unexplained[0];
    assert_eq!(f.file, Path::new(file));
    assert_eq!(f.line, line_of(&text, "  - name: backups"), "the backups table's line");
    assert_eq!(
        f.message,
        "backups.description: spec says absent, definition (huawei-cloud-api-definitions-GaussDB 0.1.20260828) says \
         String"
    );
    assert!(f.to_string().starts_with(&format!("spec/taurusdb/list_backups.yaml:{}: backups.description:", f.line)));
    assert!(f.help.contains("aspect: not_in_spec, field: description, explorer: String"), "{}", f.help);

    // A field of an inline response body is reported at that body.
    let file = "spec/geminidb/create_backup.yaml";
    let text =
        ws.edit(file, "        - name: backup_id\n          type: String\n          description: Backup ID.\n", "");
    // (and from the example, which must fit the table)
    ws.edit(file, ",\n          \"backup_id\" : \"646d88d0b03f4fd2ae944ae2a33bcb6ain06\"", "");
    let report = audit(&ws.paths());
    let f = report.unexplained.iter().find(|f| f.file == Path::new(file)).expect("reported");
    assert!(f.message.starts_with("responses.202.backup_id: spec says absent"), "{f}");
    assert_eq!(f.line, line_of(&text, "    body:"));
}

#[test]
fn a_flipped_mandatory_flag_fails_at_its_line_and_the_suggested_marker_explains_it() {
    let ws = TempWorkspace::new();
    let file = "spec/geminidb/create_backup.yaml";
    let row = "    - name: description\n      mandatory: true\n";
    let text = ws.edit(file, row, "    - name: description\n      mandatory: false\n");
    let report = audit(&ws.paths());
    assert_eq!(report.unexplained.len(), 1, "{}", shown(&report));
    let f = &report.unexplained[0];
    assert_eq!(f.file, Path::new(file));
    let row_line = line_of(&text, "    - name: description");
    assert_eq!(f.line, row_line + 1, "the line of `mandatory:`");
    assert_eq!(
        f.message,
        "request_body.description.mandatory: spec says false, definition (huawei-cloud-api-definitions-GaussDBforNoSQL \
         0.1.20261023) says true"
    );

    // The help's marker, put on the row as it says, makes the audit pass.
    let marker =
        f.help.split('`').nth(1).expect("a marker in backticks").replace("<what the English page says>", "test");
    ws.edit(
        file,
        "    - name: description\n      mandatory: false\n",
        &format!("    - name: description\n      {marker}\n      mandatory: false\n"),
    );
    let report = audit(&ws.paths());
    assert!(report.passed(), "{}", shown(&report));

    // A flipped query parameter flag too.
    ws.edit(
        "spec/geminidb/list_backups.yaml",
        "  - name: offset\n    mandatory: true\n",
        "  - name: offset\n    mandatory: false\n",
    );
    let report = audit(&ws.paths());
    assert!(
        report.unexplained.iter().any(|f| f.message.starts_with("query_parameters.offset.mandatory: spec says false")),
        "{}",
        shown(&report)
    );
}

#[test]
fn a_definition_that_changes_makes_its_acceptance_stale() {
    let ws = TempWorkspace::new();
    let def = "apidefs/taurusdb/ShowGaussMySqlBackupList.json";
    let spec = ws.read("spec/taurusdb/list_backups.yaml");
    let offset = r#""in":"query","name":"offset","type":"string""#;
    let limit = r#""in":"query","name":"limit","type":"string""#;
    // Now agrees with the spec (offset is an integer) ...
    ws.edit(def, offset, r#""in":"query","name":"offset","type":"integer","format":"int32""#);
    // ... and says something new about limit.
    ws.edit(def, limit, r#""in":"query","name":"limit","type":"boolean""#);
    let report = audit(&ws.paths());
    assert!(!report.passed());
    let marker_lines: Vec<usize> =
        spec.lines().enumerate().filter(|(_, l)| l.contains("aspect: type")).map(|(i, _)| i + 1).collect();
    assert_eq!(marker_lines.len(), 2, "offset and limit carry a type marker");
    assert_eq!(report.stale.len(), 2, "{}", shown(&report));
    let offset = &report.stale[0];
    assert_eq!((offset.file.as_path(), offset.line), (Path::new("spec/taurusdb/list_backups.yaml"), marker_lines[0]));
    assert_eq!(
        offset.message,
        "query_parameters.offset.type: accepted difference is stale: the spec and the definition no longer differ here"
    );
    let limit = &report.stale[1];
    assert_eq!(limit.line, marker_lines[1]);
    assert!(limit.message.contains("now says Boolean, the marker records String"), "{limit}");
    let new =
        report.unexplained.iter().find(|f| f.message.starts_with("query_parameters.limit.type")).expect("reported");
    assert!(new
        .message
        .ends_with("spec says Integer, definition (huawei-cloud-api-definitions-GaussDB 0.1.20260828) says Boolean"));
}

#[test]
fn the_vendored_set_is_exactly_the_operations_in_spec() {
    let ws = TempWorkspace::new();
    fs::rename(ws.root.join("apidefs/ges/ImportBackup2.json"), ws.root.join("apidefs/geminidb/ImportBackup2.json"))
        .expect("move");
    let report = audit(&ws.paths());
    let text = report.problems.join("\n");
    assert!(
        text.contains("spec/ges/import_backup.yaml: no vendored definition is POST /v2/{}/graphs/{}/backups/import; run `cargo xtask spec-audit --update ges@0.1.20241101`"),
        "{text}"
    );
    assert!(text.contains("apidefs/geminidb/ImportBackup2.json: no spec operation is POST"), "{text}");
}

#[test]
fn misplaced_or_incomplete_markers_are_spec_errors() {
    let ws = TempWorkspace::new();
    let file = "spec/geminidb/create_backup.yaml";
    ws.edit(
        file,
        "    supplied_by: auth\n",
        "    supplied_by: auth\n    accepted_differences:\n      - { aspect: success, explorer: [1], reason: x }\n      - { aspect: type, reason: \"\" }\n",
    );
    let report = audit(&ws.paths());
    let text = report.problems.join("\n");
    assert!(text.contains("aspect `success` cannot stand here"), "{text}");
    assert!(text.contains("no `explorer`"), "{text}");
    assert!(text.contains("`reason` must be one non-empty line"), "{text}");
}

#[test]
fn an_update_prints_what_changed_and_vendors_the_new_definitions() {
    let ws = TempWorkspace::new();
    // A "newer package": the vendored GaussDB definitions, one of them with a new response field.
    let package = ws.root.join("package/src");
    copy_dir(&ws.root.join("apidefs/taurusdb"), &package);
    let list = package.join("ShowGaussMySqlBackupList.json");
    let text = fs::read_to_string(&list).expect("read");
    let changed = text.replacen(
        r#""backups":{"properties":{"#,
        r#""backups":{"properties":{"backup_method":{"description":"备份方式。","type":"string"},"#,
        1,
    );
    assert_ne!(text, changed, "the backups definition was found");
    fs::write(&list, changed).expect("write");
    fs::remove_file(package.join("DeleteGaussMySqlBackup.json")).expect("remove");

    let paths = ws.paths();
    let (services, _) = crate::spec::load::load(&paths.spec, &paths.spec_shown);
    let taurusdb = services.iter().find(|s| s.name == "taurusdb").expect("taurusdb");
    let lines = update::update_service(&paths, taurusdb, &package).expect("updates");
    let joined = lines.join("\n");
    assert!(joined.contains("taurusdb/list_backups (ShowGaussMySqlBackupList): 3 changes"), "{joined}");
    assert!(joined.contains("+ responses.200.backups[].backup_method.type: String"), "{joined}");
    assert!(joined.contains("taurusdb/create_backup (CreateGaussMySqlBackup): unchanged"), "{joined}");
    assert!(joined.contains("taurusdb/delete_backup: the package has no DELETE /v3/{}/backups/{}"), "{joined}");
    assert!(!ws.root.join("apidefs/taurusdb/DeleteGaussMySqlBackup.json").exists());

    let report = audit(&paths);
    let new = report.unexplained.iter().find(|f| f.message.starts_with("backups.backup_method")).expect("reported");
    assert!(new.message.contains("spec says absent"), "{new}");
    assert!(report.problems.iter().any(|p| p.contains("spec/taurusdb/delete_backup.yaml: no vendored definition")));
}
