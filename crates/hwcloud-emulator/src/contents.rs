//! What graphs and instances hold, so that a restore can be seen to bring data back: a version counter and a few
//! named tables of rows, with every state they have been in (for point-in-time restores) and at most one restore
//! in progress, which lands when its job succeeds.
//!
//! Like jobs, a restore is settled when the contents are next looked at, never by a background task.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::jobs::{Phase, Timeline};

/// The data of a graph or instance: a version counter, bumped by every write, and tables of rows.
///
/// A backup records it; a restore sets it back, version included. Table names are `database.table`
/// (`test_db_1.t3`); TaurusDB's table-level restore works on them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Dataset {
    /// Bumped by every write; a restore brings back the version of the data it restores.
    pub version: u64,
    /// Rows by table name (`database.table`).
    pub tables: BTreeMap<String, Vec<String>>,
}

impl Dataset {
    /// A dataset at `version` with `tables`.
    pub fn new(version: u64, tables: BTreeMap<String, Vec<String>>) -> Self {
        Dataset { version, tables }
    }

    /// The rows of one table (empty when it does not exist).
    pub fn rows(&self, table: &str) -> &[String] {
        self.tables.get(table).map(Vec::as_slice).unwrap_or_default()
    }
}

/// What a seeded graph or instance holds at start: version 1 and one small table, named after the documentation's
/// examples (TaurusDB's table-level restore example restores `t3` of `test_db_1`).
pub(crate) fn seed(service: crate::errors::Service) -> Dataset {
    use crate::errors::Service;
    let table = match service {
        Service::Ges => "graph.vertices",
        Service::GeminiDb => "test_keyspace.users",
        _ => "test_db_1.t3",
    };
    let rows = vec!["row 1".to_owned(), "row 2".to_owned()];
    Dataset::new(1, BTreeMap::from([(table.to_owned(), rows)]))
}

/// A state the data was in from `at` on.
#[derive(Debug, Clone)]
struct Snapshot {
    at: OffsetDateTime,
    data: Dataset,
}

/// A restore in progress: its job's timeline and the data it brings.
#[derive(Debug, Clone)]
struct Pending {
    timeline: Timeline,
    data: Dataset,
}

/// The data of one graph or instance over time.
#[derive(Debug, Clone)]
pub(crate) struct Contents {
    /// Never empty; in time order.
    history: Vec<Snapshot>,
    pending: Option<Pending>,
}

/// A write or restore refused because a restore (or the creation of the instance) is still running.
#[derive(Debug)]
pub(crate) struct Busy;

impl Contents {
    /// Contents holding `data` since `at`.
    pub(crate) fn new(data: Dataset, at: OffsetDateTime) -> Self {
        Contents { history: vec![Snapshot { at, data }], pending: None }
    }

    /// Contents that receive `data` when the job of `timeline` (creating the instance) succeeds, empty until then.
    pub(crate) fn arriving(data: Dataset, timeline: Timeline) -> Self {
        let mut contents = Contents::new(Dataset::default(), timeline.started_at);
        contents.pending = Some(Pending { timeline, data });
        contents
    }

    /// Lands a finished restore: a succeeded one becomes the current data from its end, a failed one is dropped.
    pub(crate) fn settle(&mut self) {
        let Some(pending) = &self.pending else { return };
        match pending.timeline.phase() {
            Phase::Succeeded => {
                let at = pending.timeline.ended_at().unwrap_or_else(OffsetDateTime::now_utc);
                let data = pending.data.clone();
                self.history.push(Snapshot { at, data });
                self.pending = None;
            }
            Phase::Failed(_) => self.pending = None,
            Phase::Pending | Phase::Running { .. } => {}
        }
    }

    /// Whether a restore is still running.
    pub(crate) fn busy(&self) -> bool {
        self.pending.is_some()
    }

    /// The data now.
    pub(crate) fn current(&self) -> &Dataset {
        &self.history[self.history.len() - 1].data
    }

    /// The data as it was at `t`, if the contents existed then.
    pub(crate) fn at(&self, t: OffsetDateTime) -> Option<&Dataset> {
        self.history.iter().rev().find(|s| s.at <= t).map(|s| &s.data)
    }

    /// Replaces the given tables (the others stay) and bumps the version.
    pub(crate) fn write(&mut self, tables: BTreeMap<String, Vec<String>>) -> Result<&Dataset, Busy> {
        if self.busy() {
            return Err(Busy);
        }
        let mut data = self.current().clone();
        data.version += 1;
        data.tables.extend(tables);
        self.history.push(Snapshot { at: OffsetDateTime::now_utc(), data });
        Ok(self.current())
    }

    /// Starts a restore of `data`, which lands when the job of `timeline` succeeds.
    pub(crate) fn restore(&mut self, data: Dataset, timeline: Timeline) -> Result<(), Busy> {
        if self.busy() {
            return Err(Busy);
        }
        self.pending = Some(Pending { timeline, data });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn table(rows: &[&str]) -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([("db.t".to_owned(), rows.iter().map(|r| (*r).to_owned()).collect())])
    }

    #[test]
    fn writes_bump_the_version_and_history_answers_for_past_times() {
        let start = OffsetDateTime::now_utc() - time::Duration::seconds(10);
        let mut contents = Contents::new(Dataset::default(), start);
        let before = OffsetDateTime::now_utc();
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(contents.write(table(&["a"])).unwrap().version, 1);
        assert_eq!(contents.write(table(&["a", "b"])).unwrap().rows("db.t"), ["a", "b"]);
        assert_eq!(contents.at(before).map(|d| d.version), Some(0));
        assert_eq!(contents.at(start - time::Duration::seconds(1)), None);
        assert_eq!(contents.current().version, 2);
    }

    #[test]
    fn a_restore_lands_when_its_job_succeeds_and_blocks_writes_until_then() {
        let mut contents = Contents::new(Dataset::default(), OffsetDateTime::now_utc());
        let old = contents.write(table(&["old"])).unwrap().clone();
        contents.write(table(&["new"])).unwrap();
        contents.restore(old.clone(), Timeline::new(Duration::from_millis(30), None)).unwrap();
        assert!(contents.write(table(&["x"])).is_err(), "busy while restoring");
        contents.settle();
        assert_eq!(contents.current().rows("db.t"), ["new"]);
        std::thread::sleep(Duration::from_millis(40));
        contents.settle();
        assert_eq!(contents.current(), &old);
        assert!(!contents.busy());

        contents.restore(Dataset::default(), Timeline::new(Duration::ZERO, Some("boom".into()))).unwrap();
        contents.settle();
        assert_eq!(contents.current(), &old, "a failed restore changes nothing");
    }
}
