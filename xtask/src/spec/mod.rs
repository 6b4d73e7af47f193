//! Loading and checking `spec/`.

pub mod accepted;
pub mod check;
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
        for op in services.iter().flat_map(|s| &s.operations) {
            if !shared.join(&op.value.source.file).is_file() {
                diags.push(op.diag(
                    diag::kp!["source", "file"],
                    format!("`{}` is not a page under ../shared", op.value.source.file),
                    "write the page's path relative to shared/, e.g. seeds/000_70070b88dd00c07f.txt",
                ));
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
