//! When a failed attempt may be repeated, and how long to wait first.
//!
//! The rule that matters most: a request that may have reached the server is only repeated when the operation is
//! idempotent. Failures that prove nothing was processed (the connection was never made, or the server answered
//! 429 "too many requests") are retried for every operation.

use rand::Rng;
use std::time::Duration;

/// How often and how patiently a call is retried.
///
/// Connection failures and 429 are retried for every operation; 500, 502, 503, 504, timeouts and dropped
/// connections only for idempotent ones. A server's `Retry-After` (seconds or an HTTP date) replaces the backoff;
/// when it would
/// outlast the call's total timeout, the call fails at once with the server's answer instead of sleeping in vain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts per call, the first included (`1` disables retries).
    pub max_attempts: u32,
    /// Upper bound of the first backoff; it doubles with every retry (full jitter: the wait is random below it).
    pub initial_backoff: Duration,
    /// Cap of the backoff bound (a server's `Retry-After` is only capped by the call's total timeout).
    pub max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryConfig {
    /// No retries at all: every call is sent once.
    pub fn disabled() -> Self {
        RetryConfig { max_attempts: 1, ..RetryConfig::default() }
    }

    /// Attempts per call, the first included.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The first backoff bound and its cap.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Full-jitter backoff before retry number `retry` (1 for the first retry): uniform in
    /// `[0, min(max_backoff, initial_backoff * 2^(retry-1))]`.
    pub(crate) fn backoff_before(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let bound = self.initial_backoff.saturating_mul(1u32 << exp).min(self.max_backoff);
        let millis = u64::try_from(bound.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=millis))
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No connection was made: nothing can have reached the server.
    Connect,
    /// No connection was made because the host did not resolve or the TLS handshake failed; the call moves to the
    /// service's next endpoint when it has several.
    Unreachable,
    /// The server answered with this non-success status.
    Status(u16),
    /// The attempt ran out of time after the request may have been sent.
    AttemptTimeout,
    /// The connection failed after it was made (dropped, reset, unreadable response).
    Transport,
    /// An answer arrived that cannot be used and would not change if asked again (too large, or fetched from
    /// another URL by a client that follows redirects).
    Unusable,
}

impl Failure {
    /// Whether repeating the attempt is allowed for an operation of this idempotency.
    pub(crate) fn retryable(self, idempotent: bool) -> bool {
        match self {
            Failure::Connect | Failure::Unreachable | Failure::Status(429) => true,
            Failure::Status(500 | 502 | 503 | 504) | Failure::AttemptTimeout | Failure::Transport => idempotent,
            Failure::Status(_) | Failure::Unusable => false,
        }
    }

    /// Whether the server may have carried the request out although the attempt failed: it was sent and its
    /// answer was lost, late, or a 5xx (which does not say).
    pub(crate) fn may_have_been_carried_out(self) -> bool {
        matches!(self, Failure::Transport | Failure::AttemptTimeout | Failure::Status(500..=599))
    }
}

/// `Retry-After` as seconds, or as an HTTP date (the wait until then; a date already past means no wait).
pub(crate) fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_idempotent_calls_only_retry_when_nothing_was_processed() {
        for f in [Failure::Connect, Failure::Status(429)] {
            assert!(f.retryable(false) && f.retryable(true), "{f:?}");
        }
        for f in [Failure::Status(503), Failure::Status(500), Failure::AttemptTimeout, Failure::Transport] {
            assert!(!f.retryable(false) && f.retryable(true), "{f:?}");
        }
        for f in [Failure::Status(400), Failure::Status(404), Failure::Status(409)] {
            assert!(!f.retryable(true), "{f:?}");
        }
    }

    #[test]
    fn only_failures_after_sending_may_have_been_carried_out() {
        for f in [Failure::Transport, Failure::AttemptTimeout, Failure::Status(500), Failure::Status(503)] {
            assert!(f.may_have_been_carried_out(), "{f:?}");
        }
        for f in [Failure::Connect, Failure::Unreachable, Failure::Status(429), Failure::Status(404), Failure::Unusable]
        {
            assert!(!f.may_have_been_carried_out(), "{f:?}");
        }
        assert!(!Failure::Unusable.retryable(true));
    }

    #[test]
    fn backoff_stays_under_its_bound() {
        let c = RetryConfig {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
        };
        for _ in 0..200 {
            assert!(c.backoff_before(1) <= Duration::from_millis(100));
            assert!(c.backoff_before(2) <= Duration::from_millis(200));
            assert!(c.backoff_before(40) <= Duration::from_millis(300));
        }
    }

    #[test]
    fn retry_after_seconds() {
        let mut h = http::HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(http::header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(http::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn retry_after_http_date() {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a date in the past: no wait");
        let later = std::time::SystemTime::now() + Duration::from_secs(30);
        h.insert(http::header::RETRY_AFTER, httpdate::fmt_http_date(later).parse().unwrap());
        let wait = retry_after(&h).unwrap();
        assert!(wait > Duration::from_secs(27) && wait <= Duration::from_secs(30), "{wait:?}");
    }
}
