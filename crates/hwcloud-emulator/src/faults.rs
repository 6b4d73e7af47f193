//! Fault injection: added latency, a rate of 503 answers and dropped connections, changeable at runtime.
//!
//! A drop is decided inside the router but carried out by the connection loop (see `server.rs`): the response
//! is marked with [`DropConnection`] and the connection is closed without writing it, so the client sees a
//! connection closed before any response, as with a crashed backend or a reset by a load balancer.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rand::Rng;

/// Faults applied to every request of the GES, GeminiDB and TaurusDB listeners (not IAM).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultConfig {
    /// Share of requests answered `503` with the service's error body, from 0.0 to 1.0.
    pub error_rate: f64,
    /// Share of requests whose connection is closed without an answer, from 0.0 to 1.0.
    pub drop_rate: f64,
    /// Delay added before each request is handled.
    pub latency: Duration,
}

/// Marks a response whose connection must be closed instead of answered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Serve,
    Fail,
    Drop,
}

#[derive(Debug, Default)]
struct Inner {
    config: FaultConfig,
    fail_next: u32,
    drop_next: u32,
}

/// The live fault settings.
#[derive(Debug, Default)]
pub(crate) struct Faults(Mutex<Inner>);

impl Faults {
    pub(crate) fn new(config: FaultConfig) -> Self {
        Faults(Mutex::new(Inner { config, ..Inner::default() }))
    }

    pub(crate) fn config(&self) -> FaultConfig {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).config.clone()
    }

    pub(crate) fn set(&self, config: FaultConfig) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).config = config;
    }

    pub(crate) fn fail_next(&self, n: u32) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).fail_next = n;
    }

    pub(crate) fn drop_next(&self, n: u32) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).drop_next = n;
    }

    /// The latency to add and the fate of one request; ordered one-off faults come before the rates.
    pub(crate) fn decide(&self) -> (Duration, Decision) {
        let mut inner = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let latency = inner.config.latency;
        if inner.drop_next > 0 {
            inner.drop_next -= 1;
            return (latency, Decision::Drop);
        }
        if inner.fail_next > 0 {
            inner.fail_next -= 1;
            return (latency, Decision::Fail);
        }
        let mut rng = rand::rng();
        let hit = |rate: f64, rng: &mut rand::rngs::ThreadRng| rate > 0.0 && rng.random::<f64>() < rate;
        let decision = if hit(inner.config.drop_rate, &mut rng) {
            Decision::Drop
        } else if hit(inner.config.error_rate, &mut rng) {
            Decision::Fail
        } else {
            Decision::Serve
        };
        (latency, decision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_one_off_faults() {
        let faults = Faults::new(FaultConfig { error_rate: 1.0, ..FaultConfig::default() });
        assert_eq!(faults.decide().1, Decision::Fail);
        faults.set(FaultConfig::default());
        assert_eq!(faults.decide().1, Decision::Serve);
        faults.drop_next(1);
        faults.fail_next(1);
        assert_eq!(faults.decide().1, Decision::Drop);
        assert_eq!(faults.decide().1, Decision::Fail);
        assert_eq!(faults.decide().1, Decision::Serve);
        faults.set(FaultConfig { latency: Duration::from_millis(5), ..FaultConfig::default() });
        assert_eq!(faults.decide().0, Duration::from_millis(5));
    }
}
