//! Timing two contenders fairly on a noisy shared machine: a warm-up, then rounds that alternate which one goes
//! first; each round times a batch of calls of each. The ratio reported is the median of the per-round ratios, so
//! a burst of load from elsewhere hits both sides of one ratio instead of one side of the whole comparison.

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

async fn batch(iters: usize, f: &mut impl AsyncFnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f().await;
    }
    start.elapsed().as_nanos() as f64 / iters as f64
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
    batch(plan.iters, &mut a).await;
    batch(plan.iters, &mut b).await;
    let a_allocs = allocations(plan.iters.min(20), &mut a).await;
    let b_allocs = allocations(plan.iters.min(20), &mut b).await;
    let (mut a_all, mut b_all, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..plan.rounds {
        let (ta, tb) = if round % 2 == 0 {
            let ta = batch(plan.iters, &mut a).await;
            (ta, batch(plan.iters, &mut b).await)
        } else {
            let tb = batch(plan.iters, &mut b).await;
            (batch(plan.iters, &mut a).await, tb)
        };
        a_all.push(ta);
        b_all.push(tb);
        ratios.push(ta / tb);
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
