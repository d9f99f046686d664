//! Work spread over every core on plain threads.
//!
//! Not rayon: polars runs its own pool, and a rayon worker that waits on polars steals the
//! next item of its own pool while it waits, then the next, until the stack overflows (seen
//! at 3 000 files). Plain threads wait without stealing.
//!
//! One thread per core, or as many as `POLARS_MAX_THREADS` says when it is set: the one
//! knob that sizes polars' pool sizes this one too, so a benchmark can run the program as
//! it would run on a machine with more cores (`benches/region.sh`).

use std::sync::atomic::{AtomicUsize, Ordering};

/// Maps `f` over `items` on one thread per core, each thread taking the next item as it
/// finishes one; the results keep the order of `items`.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_on(threads(), items, f)
}

/// The cores, or `POLARS_MAX_THREADS` when it is set to a number.
fn threads() -> usize {
    let set = std::env::var("POLARS_MAX_THREADS")
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok());
    set.filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

/// [`map`] on at most `threads` threads, whatever the cores: for work whose memory grows
/// with the items in flight.
pub fn map_on<T: Sync, R: Send>(threads: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.min(items.len()).max(1);
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        done.push((index, f(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        assert_eq!(
            super::map(&items, |i| i * 2),
            items.iter().map(|i| i * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&[] as &[u8], |b| *b).is_empty());
    }
}
