//! A counting global allocator: live heap bytes, their peak and the number of allocations, for the threads that
//! opt in.
//!
//! Only threads that call [`track_this_thread`] are counted, so the in-process server (on its own thread) does not
//! blur the client's figures. The client runs on a current-thread Tokio runtime, so everything it allocates (the
//! request, hyper's connection task, the response, decoding, the pager) is allocated and freed on that thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

/// The allocator: [`System`] plus two counters.
pub struct Counting;

static CURRENT: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static TRACKED: Cell<bool> = const { Cell::new(false) };
}

fn tracked() -> bool {
    TRACKED.try_with(Cell::get).unwrap_or(false)
}

fn grow(bytes: usize) {
    COUNT.fetch_add(1, Ordering::Relaxed);
    let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrink(bytes: usize) {
    CURRENT.fetch_sub(isize::try_from(bytes).unwrap_or(isize::MAX), Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() && tracked() {
            grow(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() && tracked() {
            grow(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        if tracked() {
            shrink(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() && tracked() {
            shrink(layout.size());
            grow(new_size);
        }
        new
    }
}

/// Counts this thread's allocations from now on.
pub fn track_this_thread() {
    TRACKED.with(|t| t.set(true));
}

/// Peak live heap, in bytes above what was live when it started, while `f` runs.
pub fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    let peak = PEAK.load(Ordering::Relaxed);
    (out, usize::try_from(peak - base).unwrap_or(0))
}

/// Allocations (and reallocations) made so far by tracked threads.
pub fn allocations() -> usize {
    COUNT.load(Ordering::Relaxed)
}
