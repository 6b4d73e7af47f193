//! Timing two contenders fairly on a noisy shared machine: a warm-up, then rounds in which the two take turns in
//! bursts of ten calls (the first side alternating between rounds), each call timed on its own. A round's ratio is
//! the median time of its A calls over the median time of its B calls, and the ratio reported is the median of the
//! rounds' ratios: load from elsewhere hits both sides of one ratio alike, and a call that the scheduler preempted
//! (other jobs share the cores) moves no median.

use std::time::Instant;

/// Rounds and calls per round.
#[derive(Clone, Copy)]
pub struct Plan {
    pub rounds: usize,
    pub iters: usize,
}

/// The outcome: median time per call of each side, the per-round ratio `a / b` (median and quartiles), and the
/// heap allocations per call of each side (counted on the client thread).
#[derive(Clone, Copy, Debug)]
pub struct Pair {
    pub a_ns: f64,
    pub b_ns: f64,
    pub a_allocs: f64,
    pub b_allocs: f64,
    pub ratio: f64,
    pub ratio_q1: f64,
    pub ratio_q3: f64,
}

async fn timed(f: &mut impl AsyncFnMut()) -> f64 {
    let start = Instant::now();
    f().await;
    start.elapsed().as_nanos() as f64
}

/// Calls per turn: short enough that both sides see the same load, long enough that each runs with its own code
/// and data in the caches, as a program calling one client repeatedly does.
const BURST: usize = 10;

async fn burst_of(calls: usize, f: &mut impl AsyncFnMut(), times: &mut Vec<f64>) {
    for _ in 0..calls {
        times.push(timed(f).await);
    }
}

async fn warm_up(iters: usize, f: &mut impl AsyncFnMut()) {
    for _ in 0..iters {
        f().await;
    }
}

async fn allocations(iters: usize, f: &mut impl AsyncFnMut()) -> f64 {
    let before = crate::alloc::allocations();
    for _ in 0..iters {
        f().await;
    }
    (crate::alloc::allocations() - before) as f64 / iters as f64
}

/// Times `a` against `b`.
pub async fn compare(plan: Plan, mut a: impl AsyncFnMut(), mut b: impl AsyncFnMut()) -> Pair {
    warm_up(plan.iters, &mut a).await;
    warm_up(plan.iters, &mut b).await;
    let a_allocs = allocations(plan.iters.min(20), &mut a).await;
    let b_allocs = allocations(plan.iters.min(20), &mut b).await;
    let (mut a_all, mut b_all, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut a_round, mut b_round) = (Vec::with_capacity(plan.iters), Vec::with_capacity(plan.iters));
    for round in 0..plan.rounds {
        a_round.clear();
        b_round.clear();
        let mut left = plan.iters;
        while left > 0 {
            let burst = left.min(BURST);
            left -= burst;
            if round % 2 == 0 {
                burst_of(burst, &mut a, &mut a_round).await;
                burst_of(burst, &mut b, &mut b_round).await;
            } else {
                burst_of(burst, &mut b, &mut b_round).await;
                burst_of(burst, &mut a, &mut a_round).await;
            }
        }
        a_all.extend_from_slice(&a_round);
        b_all.extend_from_slice(&b_round);
        ratios.push(quantile(&mut a_round, 0.5) / quantile(&mut b_round, 0.5));
    }
    Pair {
        a_ns: quantile(&mut a_all, 0.5),
        b_ns: quantile(&mut b_all, 0.5),
        a_allocs,
        b_allocs,
        ratio: quantile(&mut ratios, 0.5),
        ratio_q1: quantile(&mut ratios, 0.25),
        ratio_q3: quantile(&mut ratios, 0.75),
    }
}

/// The `q` quantile (nearest rank) of the values; sorts them.
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((values.len() - 1) as f64 * q).round() as usize;
    values[rank.min(values.len() - 1)]
}
