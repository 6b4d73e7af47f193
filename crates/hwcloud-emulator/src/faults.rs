//! Fault injection: added latency, and shares of requests that fail or lose their answer, either before the
//! request is processed (a gateway failing it) or after (the work is done, the answer is lost: the case the
//! client's "never re-send a create" rule exists for). Changeable at runtime, and reproducible with a seed.
//!
//! A drop is decided inside the router but carried out by the connection loop (see `server.rs`): the response
//! is marked with [`DropConnection`] and the connection is closed without writing it, so the client sees a
//! connection closed before any response, as with a crashed backend or a reset by a load balancer.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Faults applied to every request of the GES, GeminiDB and TaurusDB listeners (not IAM).
///
/// Each rate is a share of requests from 0.0 to 1.0; one random draw per request picks at most one fault, in the
/// order of the fields (when the rates add up to more than 1.0, the later ones get what is left).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultConfig {
    /// Share of requests answered `503` with the service's error body, without being processed.
    pub error_rate: f64,
    /// Share of requests whose connection is closed without an answer, without being processed.
    pub drop_rate: f64,
    /// Share of requests that are processed (a create creates) and then answered `503`.
    pub error_after_rate: f64,
    /// Share of requests that are processed and whose connection is then closed without the answer: the answer
    /// is lost after the work was done.
    pub drop_after_rate: f64,
    /// Delay added before each request is handled.
    pub latency: Duration,
}

impl FaultConfig {
    pub(crate) fn rates(&self) -> [f64; 4] {
        [self.error_rate, self.drop_rate, self.error_after_rate, self.drop_after_rate]
    }

    /// The same faults with every rate clamped to 0.0..=1.0 (NaN counts as 0.0).
    pub(crate) fn clamped(mut self) -> Self {
        for rate in [&mut self.error_rate, &mut self.drop_rate, &mut self.error_after_rate, &mut self.drop_after_rate] {
            *rate = if rate.is_nan() { 0.0 } else { rate.clamp(0.0, 1.0) };
        }
        self
    }
}

/// How many faults were injected, by kind (see [`crate::Emulator::fault_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FaultCounts {
    /// Requests answered 503 without being processed.
    pub error: u64,
    /// Requests whose connection was closed without being processed.
    pub drop: u64,
    /// Requests processed, then answered 503.
    pub error_after: u64,
    /// Requests processed, then left without their answer.
    pub drop_after: u64,
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
    FailAfter,
    DropAfter,
}

impl Decision {
    /// The decisions the rates of [`FaultConfig::rates`] lead to, in the same order.
    const BY_RATE: [Decision; 4] = [Decision::Fail, Decision::Drop, Decision::FailAfter, Decision::DropAfter];
}

#[derive(Debug)]
struct Inner {
    config: FaultConfig,
    /// One-off faults, struck before the rates: `Decision::BY_RATE` order.
    next: [u32; 4],
    rng: StdRng,
    counts: FaultCounts,
}

/// The live fault settings.
#[derive(Debug)]
pub(crate) struct Faults(Mutex<Inner>);

impl Faults {
    /// Faults drawn from `seed` (the same seed and the same order of requests give the same faults), or from
    /// the operating system's randomness.
    pub(crate) fn new(config: FaultConfig, seed: Option<u64>) -> Self {
        let rng = seed.map_or_else(StdRng::from_os_rng, StdRng::seed_from_u64);
        Faults(Mutex::new(Inner { config, next: [0; 4], rng, counts: FaultCounts::default() }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn config(&self) -> FaultConfig {
        self.lock().config.clone()
    }

    pub(crate) fn set(&self, config: FaultConfig) {
        self.lock().config = config;
    }

    /// Draws every later decision from `seed`.
    pub(crate) fn reseed(&self, seed: u64) {
        self.lock().rng = StdRng::seed_from_u64(seed);
    }

    /// The next `n` requests get `decision` (one of the faults).
    pub(crate) fn next(&self, decision: Decision, n: u32) {
        if let Some(slot) = Decision::BY_RATE.iter().position(|d| *d == decision) {
            self.lock().next[slot] = n;
        }
    }

    pub(crate) fn counts(&self) -> FaultCounts {
        self.lock().counts
    }

    /// Records that `decision` was carried out.
    pub(crate) fn struck(&self, decision: Decision) {
        let counts = &mut self.lock().counts;
        match decision {
            Decision::Serve => {}
            Decision::Fail => counts.error += 1,
            Decision::Drop => counts.drop += 1,
            Decision::FailAfter => counts.error_after += 1,
            Decision::DropAfter => counts.drop_after += 1,
        }
    }

    /// The latency to add and the fate of one request; one-off faults come before the rates. Every request
    /// draws one number, so that a seed gives the same faults to the same sequence of requests whatever the
    /// one-off faults did.
    pub(crate) fn decide(&self) -> (Duration, Decision) {
        let mut inner = self.lock();
        let latency = inner.config.latency;
        let draw: f64 = inner.rng.random();
        // Drops first, as before the after-processing faults existed.
        for slot in [1, 0, 3, 2] {
            if inner.next[slot] > 0 {
                inner.next[slot] -= 1;
                return (latency, Decision::BY_RATE[slot]);
            }
        }
        let mut bound = 0.0;
        for (rate, decision) in inner.config.rates().into_iter().zip(Decision::BY_RATE) {
            bound += rate;
            if rate > 0.0 && draw < bound {
                return (latency, decision);
            }
        }
        (latency, Decision::Serve)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_one_off_faults() {
        let faults = Faults::new(FaultConfig { error_rate: 1.0, ..FaultConfig::default() }, None);
        assert_eq!(faults.decide().1, Decision::Fail);
        faults.set(FaultConfig::default());
        assert_eq!(faults.decide().1, Decision::Serve);
        faults.next(Decision::Drop, 1);
        faults.next(Decision::Fail, 1);
        faults.next(Decision::DropAfter, 1);
        faults.next(Decision::FailAfter, 1);
        let order: Vec<Decision> = (0..5).map(|_| faults.decide().1).collect();
        use Decision::*;
        assert_eq!(order, [Drop, Fail, DropAfter, FailAfter, Serve]);
        faults.set(FaultConfig { latency: Duration::from_millis(5), ..FaultConfig::default() });
        assert_eq!(faults.decide().0, Duration::from_millis(5));
        faults.set(FaultConfig { drop_after_rate: 1.0, ..FaultConfig::default() });
        assert_eq!(faults.decide().1, DropAfter);
    }

    #[test]
    fn a_seed_makes_the_faults_reproducible_and_rates_are_shares() {
        let config = FaultConfig { error_rate: 0.1, drop_rate: 0.1, drop_after_rate: 0.3, ..FaultConfig::default() };
        let run = |seed| {
            let faults = Faults::new(config.clone(), Some(seed));
            (0..2000).map(|_| faults.decide().1).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let decisions = run(7);
        let share = |d| decisions.iter().filter(|x| **x == d).count() as f64 / decisions.len() as f64;
        assert!((share(Decision::DropAfter) - 0.3).abs() < 0.05, "{}", share(Decision::DropAfter));
        assert!((share(Decision::Fail) - 0.1).abs() < 0.03 && share(Decision::FailAfter) == 0.0);
    }

    #[test]
    fn rates_are_clamped() {
        let wild =
            FaultConfig { error_rate: 3.0, drop_rate: -1.0, drop_after_rate: f64::NAN, ..FaultConfig::default() };
        assert_eq!(wild.clamped().rates(), [1.0, 0.0, 0.0, 0.0]);
    }
}
