//! Loading and checking `spec/`.

pub mod check;
pub mod diag;
pub mod load;
pub mod locate;
pub mod model;
pub mod types;

use std::path::Path;

pub use diag::Diagnostic;
pub use load::ServiceDir;

/// Loads and checks the whole spec; `Err` holds every problem found, in file order.
pub fn load_and_check(root: &Path, shown_as: &Path) -> Result<Vec<ServiceDir>, Vec<Diagnostic>> {
    let (services, mut diags) = load::load(root, shown_as);
    diags.extend(check::check(&services));
    if diags.is_empty() {
        Ok(services)
    } else {
        diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        diags.dedup();
        Err(diags)
    }
}
