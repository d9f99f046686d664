//! Work spread over every core on plain threads.
//!
//! Not rayon: polars runs its own pool, and a rayon worker that waits on polars steals the
//! next item of its own pool while it waits, then the next, until the stack overflows (seen
//! at 3 000 files). Plain threads wait without stealing.
//!
//! One thread per core, or as many as `TUTORSTAT_CORES` says when it is set, so a benchmark
//! can run the program as it would run on a machine with more cores (`benches/region.sh`).
//!
//! polars' own pool is not one thread per core: [`size_compute_pool`] gives it at most
//! [`COMPUTE_THREADS`], because what a computation holds in memory grows with the threads
//! working on it, and memory must not grow with the cores.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

/// Maps `f` over `items` on one thread per core, each thread taking the next item as it
/// finishes one; the results keep the order of `items`.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_on(threads(), items, f)
}

/// Threads of polars' pool at most, whatever the cores. The report of 300 schools x 2 terms
/// (release, 2 cores) peaked at 816 MiB with 2 polars threads, 876 MiB with 4 and 1 013 MiB
/// with 8 (the program's own threads at 8 in each case: they cost 16 MiB), and was no faster
/// with more: the report computes `[limits] report_batches` batches at once already.
pub const COMPUTE_THREADS: usize = 2;

/// Sizes polars' pool: [`COMPUTE_THREADS`] or the cores when there are fewer, unless
/// `POLARS_MAX_THREADS` is set (the user's choice stands). Call it first thing in `main`:
/// polars reads the variable when its pool starts, and setting a variable is only sound
/// while no other thread runs.
pub fn size_compute_pool() {
    if std::env::var_os("POLARS_MAX_THREADS").is_none() {
        let threads = threads().min(COMPUTE_THREADS);
        // SAFETY: called at the start of `main`, before the program starts any thread, so
        // nothing reads the environment concurrently.
        unsafe { std::env::set_var("POLARS_MAX_THREADS", threads.to_string()) };
    }
}

/// The cores, or `TUTORSTAT_CORES` when it is set to a number; found once a process.
/// `available_parallelism` reads the cgroup's CPU quota from `/proc` and `/sys` on every
/// call, and ingest maps over a submission's store files for every inbox file: asked each
/// time, it was 2.8 % of a 300-school ingest's samples.
fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        let set = std::env::var("TUTORSTAT_CORES")
            .ok()
            .and_then(|n| n.trim().parse::<usize>().ok());
        set.filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
    })
}

/// [`map`] on at most `threads` threads, whatever the cores: for work whose memory grows
/// with the items in flight.
pub fn map_on<T: Sync, R: Send>(threads: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.min(items.len());
    // One item or one thread runs on the caller's thread: ingest reads a submission's few
    // store files per inbox file, and spawned a thread for each read (7 200 in a 300-school
    // ingest), each with a fresh stack and allocator heap, for no parallelism at all.
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
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

/// Maps `f` over `items` on one thread per core and hands each result to `consume` on the
/// caller's thread, in the order of `items`, as soon as it and every result before it are
/// done: serial work on the results (ingest's commit) runs beside the parallel work instead
/// of after all of it. The first error of `consume` is returned; the workers then take no
/// new item.
pub fn for_each_in_order<T: Send, R: Send, E>(
    items: Vec<T>,
    f: impl Fn(T) -> R + Sync,
    mut consume: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let threads = threads().min(items.len());
    if threads <= 1 {
        return items.into_iter().try_for_each(|item| consume(f(item)));
    }
    let queue = Mutex::new(items.into_iter().enumerate());
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (sender, results) = std::sync::mpsc::channel();
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (sender, queue, stop, f) = (sender.clone(), &queue, &stop, &f);
                scope.spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
                        let Some((index, item)) = next else { break };
                        if sender.send((index, f(item))).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(sender);
        // Results that came before those ahead of them in `items`, by index.
        let mut early = BTreeMap::new();
        let mut next = 0;
        let mut outcome = Ok(());
        // Ends when every worker has finished (or panicked: its sender goes with it).
        for (index, result) in results {
            early.insert(index, result);
            while let Some(result) = early.remove(&next) {
                next += 1;
                if outcome.is_ok() {
                    outcome = consume(result);
                    stop.store(outcome.is_err(), Ordering::Relaxed);
                }
            }
        }
        for worker in workers {
            worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        outcome
    })
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

    #[test]
    fn one_item_or_one_thread_runs_on_the_callers_thread() {
        let here = std::thread::current().id();
        assert_eq!(super::map(&[1], |_| std::thread::current().id()), [here]);
        assert_eq!(
            super::map_on(1, &[1, 2, 3], |_| std::thread::current().id()),
            [here; 3]
        );
    }

    #[test]
    fn results_are_consumed_in_order_and_the_first_error_stops_the_workers() {
        let items: Vec<u64> = (0..500).collect();
        let mut seen = Vec::new();
        super::for_each_in_order(
            items.clone(),
            |i| {
                // Later items finish first now and then: the consumer must still see order.
                if i % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                i * 2
            },
            |r| {
                seen.push(r);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());

        // Items after the failing one wait for the failure, then take 5 ms each: the workers
        // would need the caller's thread to stall for over a second between the failure and
        // its stop to take all 500 (a busy machine stalls it for milliseconds).
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let (taken, failed) = (AtomicUsize::new(0), AtomicBool::new(false));
        let mut consumed = 0;
        let outcome = super::for_each_in_order(
            items,
            |i| {
                taken.fetch_add(1, Ordering::Relaxed);
                if i > 3 {
                    while !failed.load(Ordering::Relaxed) {
                        std::thread::yield_now();
                    }
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                i
            },
            |i| {
                consumed += 1;
                failed.store(i == 3, Ordering::Relaxed);
                if i == 3 { Err(i) } else { Ok(()) }
            },
        );
        assert_eq!(outcome, Err(3));
        assert_eq!(consumed, 4);
        assert!(taken.into_inner() < 500, "the workers stopped early");
    }
}
