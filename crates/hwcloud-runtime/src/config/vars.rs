//! The source of configuration variables (the process environment, or a function given in code) and the files
//! under the home directory that the official SDKs read.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A variable lookup: name to value, `None` when unset.
type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Reads configuration variables by name; values are trimmed and empty ones count as unset.
#[derive(Clone)]
pub(crate) struct Vars(Arc<Lookup>);

impl Vars {
    /// The process environment (variables that are not valid UTF-8 count as unset).
    pub(crate) fn process() -> Self {
        Vars(Arc::new(|name| std::env::var(name).ok()))
    }

    pub(crate) fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Vars(Arc::new(lookup))
    }

    pub(crate) fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    /// `~/.huaweicloud/<file>`, when a home directory is known (`HOME`, else `USERPROFILE`).
    pub(crate) fn sdk_file(&self, file: &str) -> Option<PathBuf> {
        let home = self.get("HOME").or_else(|| self.get("USERPROFILE"))?;
        Some(PathBuf::from(home).join(".huaweicloud").join(file))
    }
}

impl fmt::Debug for Vars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Vars(..)")
    }
}
