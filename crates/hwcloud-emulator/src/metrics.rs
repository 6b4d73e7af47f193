//! Request counters per operation, so tests can assert how many requests reached the server (retries, requests
//! refused client-side, requests not re-sent).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Counts keyed by `service.operation` (e.g. `ges.create_backup`); every received request also counts in the total.
#[derive(Debug, Default)]
pub(crate) struct Counters(Mutex<HashMap<String, u64>>);

/// The key under which requests that match no operation are counted.
pub(crate) const UNMATCHED: &str = "unmatched";

impl Counters {
    pub(crate) fn hit(&self, service: &str, operation: &str) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *map.entry(format!("{service}.{operation}")).or_default() += 1;
    }

    pub(crate) fn get(&self, service: &str, operation: &str) -> u64 {
        let map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(&format!("{service}.{operation}")).copied().unwrap_or(0)
    }

    pub(crate) fn total(&self) -> u64 {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).values().sum()
    }

    pub(crate) fn snapshot(&self) -> HashMap<String, u64> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn reset(&self) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}
