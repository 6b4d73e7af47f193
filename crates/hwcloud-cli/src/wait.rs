//! Showing a job wait on stderr: an `indicatif` spinner with status, elapsed time and polls on a terminal, one line
//! per status change otherwise (logs, cron mail), nothing with `--quiet`. The library polls; this only reports.

use std::io::IsTerminal;
use std::time::Duration;

use hwcloud::JobProgress;
use indicatif::{ProgressBar, ProgressStyle};

use crate::Ctx;

/// The display of one wait.
pub struct Progress {
    job_id: String,
    mode: Mode,
}

enum Mode {
    Quiet,
    Lines,
    Spinner(ProgressBar),
}

impl Progress {
    pub fn new(ctx: &Ctx, job_id: &str) -> Self {
        let mode = if ctx.quiet() {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            let style =
                ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_message(format!("job {job_id}: waiting for the first status"));
            bar.enable_steady_tick(Duration::from_millis(120));
            Mode::Spinner(bar)
        } else {
            Mode::Lines
        };
        Progress { job_id: job_id.to_owned(), mode }
    }

    /// Called by the library after every poll.
    pub fn report<J>(&mut self, p: &JobProgress<'_, J>) {
        let progress = p.progress.map(|v| format!(" ({v})")).unwrap_or_default();
        let status = if p.status.is_empty() { "(no status yet)" } else { p.status };
        match &self.mode {
            Mode::Quiet => {}
            Mode::Lines if p.status_changed => {
                eprintln!(
                    "job {}: {status}{progress} after {:.1} s, poll {}",
                    self.job_id,
                    p.elapsed.as_secs_f64(),
                    p.polls
                );
            }
            Mode::Lines => {}
            Mode::Spinner(bar) => bar.set_message(format!(
                "job {}: {status}{progress} · {} s · {} poll{}",
                self.job_id,
                p.elapsed.as_secs(),
                p.polls,
                if p.polls == 1 { "" } else { "s" }
            )),
        }
    }

    /// The wait ended (either way): the spinner goes.
    pub fn finish(self) {}
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Mode::Spinner(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }
}

/// A value as a shell word: as it is when it is plain, else in single quotes.
pub fn shell_word(text: &str) -> String {
    let plain = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shell_words_survive_the_shell() {
        assert_eq!(super::shell_word("ges=http://127.0.0.1:80"), "ges=http://127.0.0.1:80");
        assert_eq!(super::shell_word("it's"), "'it'\\''s'");
        assert_eq!(super::shell_word(""), "''");
    }
}
