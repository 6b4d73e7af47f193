//! Waiting for an asynchronous job (a backup being created, exported, deleted...) to finish.
//!
//! The waiter polls with growing intervals, reports every poll, and stops at the first final state or when the
//! caller's time limit runs out. It knows nothing about a service's job format: the generated code supplies how
//! to fetch a job and how to read its state.

use crate::error::{Error, Started};
use std::future::Future;
use std::time::{Duration, Instant};

/// How long and how often to poll.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up (with [`Error::JobTimedOut`]) after this long; the job may still finish on the server.
    pub timeout: Duration,
    /// Wait before the second poll (the first is immediate).
    pub initial_interval: Duration,
    /// Upper bound of the wait between polls.
    pub max_interval: Duration,
    /// Growth of the wait after each poll (values below 1 are treated as 1).
    pub multiplier: f64,
}

impl Default for WaitOptions {
    /// 30 minutes overall, polling after 2 s, then 1.5 times longer each time, at most every 30 s.
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(30 * 60),
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            multiplier: 1.5,
        }
    }
}

impl WaitOptions {
    /// Gives up after `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Polls first after `initial`, then at most every `max`.
    pub fn interval(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max;
        self
    }

    /// Grows the wait between polls by `multiplier` each time.
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier;
        self
    }
}

/// Where a job is, as far as waiting is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Not finished yet: keep polling.
    InProgress,
    /// Finished successfully.
    Succeeded,
    /// Finished unsuccessfully.
    Failed,
}

/// What one poll says about a job, as read by the generated code from the job operation's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobView {
    /// Where the job is.
    pub state: JobState,
    /// Its status as the server printed it, e.g. `Running`.
    pub status: String,
    /// The server's failure reason, when it gives one.
    pub reason: Option<String>,
    /// The documented progress field (e.g. `60%`), when the service has one and the server filled it.
    pub progress: Option<String>,
}

/// Reported to the progress callback after every poll.
#[derive(Debug)]
#[non_exhaustive]
pub struct JobProgress<'a, J> {
    /// The job being waited for.
    pub job_id: &'a str,
    /// Its status as the server printed it, e.g. `Running`.
    pub status: &'a str,
    /// Whether the status differs from the previous poll's (always true on the first poll).
    pub status_changed: bool,
    /// The documented progress field, e.g. `60%`, when the server filled it.
    pub progress: Option<&'a str>,
    /// Time since waiting started.
    pub elapsed: Duration,
    /// Polls so far, this one included.
    pub polls: u32,
    /// The whole response of this poll, with every documented field.
    pub job: &'a J,
}

/// Polls `fetch(job_id)` until `read` says the job succeeded (returns the last job read) or failed
/// ([`Error::JobFailed`] with the server's reason), or `options.timeout` passes ([`Error::JobTimedOut`] with the last
/// status seen). A failing `fetch` (already retried by the client) ends the wait with [`Error::JobPollFailed`].
///
/// The last poll happens at the time limit; waiting can exceed it by at most the duration of that one fetch.
pub async fn wait_for_job<J, F, Fut, R, P>(
    job_id: &str,
    mut fetch: F,
    read: R,
    options: &WaitOptions,
    mut on_progress: P,
) -> Result<J, Error>
where
    F: FnMut(&str) -> Fut,
    Fut: Future<Output = Result<J, Error>>,
    R: Fn(&J) -> JobView,
    P: FnMut(&JobProgress<'_, J>),
{
    let started = Instant::now();
    let multiplier = options.multiplier.max(1.0);
    let mut interval = options.initial_interval.max(Duration::from_millis(1));
    let mut polls = 0u32;
    let mut last_status: Option<String> = None;
    loop {
        let job = fetch(job_id).await.map_err(|source| Error::JobPollFailed {
            job_id: job_id.to_owned(),
            source: Box::new(source),
            started: Started::default(),
        })?;
        polls = polls.saturating_add(1);
        let view = read(&job);
        let elapsed = started.elapsed();
        tracing::debug!(job_id, status = view.status.as_str(), polls, elapsed_ms = millis(elapsed), "polled job");
        on_progress(&JobProgress {
            job_id,
            status: &view.status,
            status_changed: last_status.as_deref() != Some(view.status.as_str()),
            progress: view.progress.as_deref(),
            elapsed,
            polls,
            job: &job,
        });
        match view.state {
            JobState::Succeeded => return Ok(job),
            JobState::Failed => {
                let JobView { status, reason, .. } = view;
                return Err(Error::JobFailed {
                    job_id: job_id.to_owned(),
                    status,
                    reason,
                    started: Started::default(),
                });
            }
            JobState::InProgress => last_status = Some(view.status),
        }
        let remaining = options.timeout.saturating_sub(elapsed);
        if remaining.is_zero() {
            return Err(Error::JobTimedOut {
                job_id: job_id.to_owned(),
                last_status,
                waited_ms: millis(elapsed),
                started: Started::default(),
            });
        }
        tokio::time::sleep(interval.min(remaining)).await;
        interval = Duration::try_from_secs_f64(interval.as_secs_f64() * multiplier)
            .unwrap_or(options.max_interval)
            .min(options.max_interval);
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
