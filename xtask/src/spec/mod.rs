//! Loading and checking `spec/`.

pub mod accepted;
pub mod check;
pub mod conditions;
pub mod diag;
pub mod load;
pub mod locate;
pub mod model;
pub mod placeholders;
#[cfg(test)]
mod tests;
pub mod types;

use std::path::Path;

pub use diag::Diagnostic;
pub use load::ServiceDir;

/// Loads and checks the whole spec; `Err` holds every problem found, in file order.
pub fn load_and_check(root: &Path, shown_as: &Path) -> Result<Vec<ServiceDir>, Vec<Diagnostic>> {
    let (services, mut diags) = load::load(root, shown_as);
    diags.extend(check::check(&services));
    diags.extend(accepted::check(&services));
    diags.extend(placeholders::check(&services));
    // The documentation pages live in `../shared` beside the workspace; when present, every `source.file` must
    // name one of them.
    if let Some(shared) = root.parent().and_then(Path::parent).map(|p| p.join("shared")).filter(|p| p.is_dir()) {
        let missing = |file: &str| !shared.join(file).is_file();
        let diag = |file: &str| {
            (
                diag::kp!["source", "file"],
                format!("`{file}` is not a page under ../shared"),
                "write the page's path relative to shared/, e.g. seeds/000_70070b88dd00c07f.txt",
            )
        };
        for op in services.iter().flat_map(|s| &s.operations).filter(|op| missing(&op.value.source.file)) {
            let (at, message, hint) = diag(&op.value.source.file);
            diags.push(op.diag(at, message, hint));
        }
        for codes in services.iter().filter_map(|s| s.error_codes.as_ref()) {
            if missing(&codes.value.source.file) {
                let (at, message, hint) = diag(&codes.value.source.file);
                diags.push(codes.diag(at, message, hint));
            }
        }
    }
    if diags.is_empty() {
        Ok(services)
    } else {
        diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        diags.dedup();
        Err(diags)
    }
}
