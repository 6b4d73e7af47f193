//! `TODO(...)` placeholders that `cargo xtask spec-draft` leaves in a draft: any left in a spec file is an error, so
//! that `cargo xtask spec-check` lists what is still to be filled in from the English page, line by line.

use super::check::DiagSource;
use super::diag::Diagnostic;
use super::load::ServiceDir;

/// The marker every placeholder starts with.
pub const MARKER: &str = "TODO(";

pub fn check(services: &[ServiceDir]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for service in services {
        let files = std::iter::once(&service.service as &dyn DiagSource)
            .chain(service.operations.iter().map(|o| o as &dyn DiagSource));
        for file in files {
            for (n, text) in file.locator().lines().iter().enumerate() {
                let Some(col) = text.find(MARKER) else { continue };
                let tag = text[col..].split(')').next().unwrap_or(MARKER);
                let hint = if tag.contains("translate") {
                    "write the English page's wording here (the text after the marker is the definition's Chinese)"
                } else {
                    "write what the English page prints here, then remove the marker"
                };
                let line = n + 1;
                let path = file.locator().path_at(line);
                let mut d = file.diag(path, format!("draft placeholder `{tag})` left"), hint.to_owned());
                (d.line, d.column) = (line, text[..col].chars().count() + 1);
                diags.push(d);
            }
        }
    }
    diags
}
