//! Asynchronous jobs: a timeline that moves pending → running → success (or failure) as time passes.
//!
//! Status is computed when asked rather than by background tasks, so a job's state is always consistent with
//! the clock and nothing keeps running after the emulator is dropped. Each service maps [`Phase`] onto the status
//! values of its spec's `job:` section.

use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// Where a job is at a given moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Accepted, not started (the first fifth of the duration).
    Pending,
    /// In progress, `percent` done.
    Running { percent: u8 },
    /// Finished successfully.
    Succeeded,
    /// Finished with a failure, and why.
    Failed(String),
}

impl Phase {
    pub(crate) fn is_finished(&self) -> bool {
        matches!(self, Phase::Succeeded | Phase::Failed(_))
    }
}

/// When a job (and the backup it produces) started, how long it takes and how it ends.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    started: Instant,
    pub(crate) started_at: OffsetDateTime,
    pub(crate) duration: Duration,
    failure: Option<String>,
}

impl Timeline {
    pub(crate) fn new(duration: Duration, failure: Option<String>) -> Self {
        Timeline { started: Instant::now(), started_at: OffsetDateTime::now_utc(), duration, failure }
    }

    pub(crate) fn phase(&self) -> Phase {
        let elapsed = self.started.elapsed();
        if elapsed >= self.duration {
            return match &self.failure {
                Some(reason) => Phase::Failed(reason.clone()),
                None => Phase::Succeeded,
            };
        }
        if elapsed < self.duration / 5 {
            return Phase::Pending;
        }
        let percent = elapsed.as_millis() * 100 / self.duration.as_millis().max(1);
        Phase::Running { percent: u8::try_from(percent.min(99)).unwrap_or(99) }
    }

    /// The wall-clock end, once finished.
    pub(crate) fn ended_at(&self) -> Option<OffsetDateTime> {
        let duration = time::Duration::try_from(self.duration).ok()?;
        self.phase().is_finished().then(|| self.started_at.checked_add(duration)).flatten()
    }
}

/// One job of any service.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) id: String,
    /// The service's job name, e.g. `BackupInstance`.
    pub(crate) name: &'static str,
    /// The graph or instance the job works on.
    pub(crate) owner_id: String,
    pub(crate) owner_name: String,
    /// The backup it creates or deletes, if any.
    pub(crate) backup_id: Option<String>,
    pub(crate) timeline: Timeline,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_through_its_phases() {
        let t = Timeline::new(Duration::from_millis(200), None);
        assert_eq!(t.phase(), Phase::Pending);
        assert!(t.ended_at().is_none());
        std::thread::sleep(Duration::from_millis(80));
        assert!(matches!(t.phase(), Phase::Running { .. }), "{:?}", t.phase());
        std::thread::sleep(Duration::from_millis(150));
        assert_eq!(t.phase(), Phase::Succeeded);
        assert!(t.ended_at().is_some());
    }

    #[test]
    fn zero_duration_is_done_at_once_and_failures_keep_their_reason() {
        assert_eq!(Timeline::new(Duration::ZERO, None).phase(), Phase::Succeeded);
        assert_eq!(Timeline::new(Duration::ZERO, Some("boom".into())).phase(), Phase::Failed("boom".into()));
    }
}
