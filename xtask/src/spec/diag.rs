//! Spec errors: each names the file, line and column, the key path, what is wrong and what to write instead.

use std::fmt;
use std::path::PathBuf;

/// One segment of a key path inside a YAML file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A key path such as `uri_parameters[0].rules.charset`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn key(&self, key: &str) -> KeyPath {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        KeyPath(segs)
    }

    pub fn index(&self, index: usize) -> KeyPath {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        KeyPath(segs)
    }
}

/// Builds a key path from literal segments: `kp!["responses", 0, "body"]`.
macro_rules! kp {
    ($($seg:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut path = $crate::spec::diag::KeyPath::default();
        $( path = $crate::spec::diag::IntoSeg::push_onto($seg, path); )*
        path
    }};
}
pub(crate) use kp;

pub trait IntoSeg {
    fn push_onto(self, path: KeyPath) -> KeyPath;
}

impl IntoSeg for &str {
    fn push_onto(self, path: KeyPath) -> KeyPath {
        path.key(self)
    }
}

impl IntoSeg for usize {
    fn push_onto(self, path: KeyPath) -> KeyPath {
        path.index(self)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A problem found in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub path: KeyPath,
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}: {}", self.file.display(), self.line, self.column, self.path, self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n    help: {}", self.hint)?;
        }
        Ok(())
    }
}
