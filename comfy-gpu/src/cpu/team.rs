//! Work called from outside rayon's pool, shared between the calling thread and pool threads
//! that join when they wake.
//!
//! Handing a whole product to the pool (`rayon::scope`) puts thread wake-ups on its critical
//! path: the caller sleeps until a worker has taken the job and wakes it back at the end, and a
//! worker that went to sleep between calls may be late to take its share. Here the caller
//! starts on the work at once and helper jobs are queued on the pool; everyone claims items one
//! at a time from a shared counter, so a helper that wakes late only does less. When the caller
//! has claimed the last item it closes the team — a helper that has not started by then does
//! nothing when it runs — and waits for the helpers inside to finish their current items,
//! yielding rather than sleeping.
use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A work function whose borrows are erased (see [`Shared::work`]).
type Work = *const (dyn Fn(usize) + Sync + 'static);

/// What the caller and the helpers share.
struct Shared {
    /// The next item to claim.
    next: AtomicUsize,
    /// Number of items.
    count: usize,
    /// Set by the caller once it has claimed the last item.
    closed: AtomicBool,
    /// Helpers that may be calling `work`.
    inside: AtomicUsize,
    /// The caller's work function. A helper calls it only after counting itself `inside` and
    /// then seeing the team open; the caller closes the team and waits until nobody is inside
    /// before it returns or unwinds, and so before the function goes away.
    work: Work,
    /// The first panic of a helper, resumed on the caller.
    panic: Mutex<Option<Box<dyn Any + Send>>>,
}

// SAFETY: `work` points to a `Sync` function that outlives every use (see the field).
unsafe impl Send for Shared {}
// SAFETY: as above; the rest is atomics and a mutex.
unsafe impl Sync for Shared {}

impl Shared {
    /// Runs items until none is left.
    fn claim_all(&self, work: &(dyn Fn(usize) + Sync)) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.count {
                return;
            }
            work(i);
        }
    }

    /// A helper's side.
    fn help(&self) {
        // Counting in before looking (both sequentially consistent, as is the caller's close
        // then count) means the caller either sees this helper inside or it sees the close.
        self.inside.fetch_add(1, Ordering::SeqCst);
        if !self.closed.load(Ordering::SeqCst) {
            // SAFETY: inside an open team; the caller waits for us before `work` goes away.
            let work = unsafe { &*self.work };
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| self.claim_all(work))) {
                self.next.store(self.count, Ordering::Relaxed);
                self.panic
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(payload);
            }
        }
        self.inside.fetch_sub(1, Ordering::Release);
    }
}

/// On the caller's way out, normal or unwinding: close the team and wait for those inside.
struct Close<'a>(&'a Shared);

impl Drop for Close<'_> {
    fn drop(&mut self) {
        let s = self.0;
        // Unwinding: leave the remaining items unclaimed.
        s.next.store(s.count, Ordering::Relaxed);
        s.closed.store(true, Ordering::SeqCst);
        // Seeing a helper's release of `inside` makes its writes visible from here on.
        while s.inside.load(Ordering::SeqCst) > 0 {
            std::thread::yield_now();
        }
    }
}

/// Calls `work(i)` once for every `i` in `0..count`, on this thread and on as many of rayon's
/// global pool as are free to help (at most one per item after the first), in no fixed order;
/// returns when all calls have returned. A panic in any call is resumed here.
pub fn run(count: usize, work: impl Fn(usize) + Sync) {
    let helpers = rayon::current_num_threads()
        .saturating_sub(1)
        .min(count.saturating_sub(1));
    if helpers == 0 {
        (0..count).for_each(work);
        return;
    }
    let local: &(dyn Fn(usize) + Sync) = &work;
    // SAFETY: only the lifetime changes; see `Shared::work`.
    let erased: Work = unsafe { std::mem::transmute::<*const (dyn Fn(usize) + Sync + '_), Work>(local) };
    let shared = Arc::new(Shared {
        next: AtomicUsize::new(0),
        count,
        closed: AtomicBool::new(false),
        inside: AtomicUsize::new(0),
        work: erased,
        panic: Mutex::new(None),
    });
    for _ in 0..helpers {
        let helper = Arc::clone(&shared);
        rayon::spawn(move || helper.help());
    }
    {
        let _close = Close(&shared);
        shared.claim_all(local);
    }
    let payload = shared.panic.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(payload) = payload {
        resume_unwind(payload);
    }
}

/// Calls `f` once on each item, on this thread and pool threads, as [`run`] does.
pub fn for_each<T: Send>(items: Vec<T>, f: impl Fn(T) + Sync) {
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    run(slots.len(), |i| {
        // Each index is claimed once, so the slot is always full here.
        let item = slots[i].lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(item) = item {
            f(item);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item runs exactly once, whether helpers join or are closed out (instant items
    /// are mostly done before a helper wakes; items of 50 µs are mostly shared), and its writes
    /// are visible when `run` returns.
    #[test]
    fn every_item_runs_once() {
        for round in 0..1000 {
            let count = 1 + round % 9;
            let item_time = std::time::Duration::from_micros(if round % 2 == 0 { 0 } else { 50 });
            let hits: Vec<AtomicUsize> = (0..count).map(|_| AtomicUsize::new(0)).collect();
            let mut out = vec![0usize; count];
            let slots: Vec<Mutex<&mut usize>> = out.iter_mut().map(Mutex::new).collect();
            run(count, |i| {
                let start = std::time::Instant::now();
                while start.elapsed() < item_time {
                    std::hint::spin_loop();
                }
                hits[i].fetch_add(1, Ordering::Relaxed);
                **slots[i].lock().unwrap() = i + 1;
            });
            drop(slots);
            assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1), "round {round}");
            assert_eq!(out, (1..=count).collect::<Vec<_>>(), "round {round}");
        }
    }

    #[test]
    fn items_are_moved_in_once() {
        let items: Vec<Vec<u32>> = (0..50).map(|i| vec![i; 3]).collect();
        let sum = AtomicUsize::new(0);
        for_each(items, |v| {
            sum.fetch_add(v.iter().sum::<u32>() as usize, Ordering::Relaxed);
        });
        assert_eq!(sum.into_inner(), 3 * (0..50).sum::<usize>());
    }

    /// A panic on either side reaches the caller, after which nothing runs any more.
    #[test]
    fn a_panic_in_an_item_reaches_the_caller() {
        for round in 0..16 {
            let result = catch_unwind(|| {
                run(8, |i| {
                    if i == round % 8 {
                        panic!("item {i}");
                    }
                })
            });
            let payload = result.expect_err("the panic was lost");
            let message = payload.downcast_ref::<String>().cloned().unwrap_or_default();
            assert_eq!(message, format!("item {}", round % 8));
        }
    }
}
