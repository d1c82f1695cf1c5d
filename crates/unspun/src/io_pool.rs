//! Reads of the index that may wait on the disk: on rayon's threads (one a core) while they
//! compute, and on sixteen threads where they were last seen waiting.
//!
//! When the index is not in the page cache (an addition to a large index after a reboot), the
//! story stage's reads of stored vectors and postings, and the candidate stage's posting lookups
//! and document loads, are random page reads: on one thread a core, two reads are in flight at a
//! time and the disk sits idle between them. When the pages are cached, the same calls are CPU
//! work, and more threads than cores only contend (for the cores, and for redb's read locks: the
//! story stage's candidate counts took 40% longer on sixteen threads). So a call first runs one
//! round of chunks a core on rayon's threads and times them: when they spent more than half their
//! wall time off the CPU, the rest of the call runs on [`WIDE`] threads, and so does the site's
//! next call (the next batch's, with the cache as cold); a wide call that kept the cores busy sends
//! the site back to probing. The wide
//! threads are scoped and end with the call: a second rayon pool's idle workers spin before they
//! sleep, and sixteen of them took CPU time from every later stage.
use crate::timing::{process_cpu_seconds, thread_cpu_seconds};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Threads of a call that waits on reads: reads in flight, not cores.
const WIDE: usize = 16;

/// Share of the cores a wide call must keep busy to be judged CPU-bound.
const BUSY: f64 = 0.75;

/// Where a call is made from, and whether its last call waited on reads.
pub(crate) struct Site(AtomicBool);

impl Site {
    pub(crate) const fn new() -> Site {
        Site(AtomicBool::new(false))
    }
}

/// `f` over `items` in chunks of `chunk`, the results in chunk order; the first error (in chunk
/// order) is returned.
pub(crate) fn map_chunks<T: Sync, R: Send, E: Send>(
    site: &Site,
    items: &[T],
    chunk: usize,
    f: impl Fn(usize, &[T]) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let chunk = chunk.max(1);
    if site.0.load(Ordering::Relaxed) {
        let cores = rayon::current_num_threads();
        let (t, c0) = (Instant::now(), process_cpu_seconds());
        let out: Result<Vec<R>, E> = wide(items, chunk, WIDE, &f).into_iter().collect();
        // The wide threads share the cores, so their own clocks cannot tell waiting from queueing:
        // the process's CPU time against the cores the call had can.
        let waited = match (c0, process_cpu_seconds()) {
            (Some(a), Some(b)) => kept_cores_idle(b - a, cores, t.elapsed().as_secs_f64()),
            _ => false,
        };
        site.0.store(waited, Ordering::Relaxed);
        return out;
    }
    // A probe of one round of chunks a core on rayon's threads, timed; the rest on rayon's
    // threads again, or on wide ones if the probe waited.
    let n = items.len().div_ceil(chunk);
    let probe = (2 * rayon::current_num_threads()).min(n);
    let (wall_ns, cpu_ns) = (AtomicU64::new(0), AtomicU64::new(0));
    let mut out: Vec<Result<R, E>> = items[..(probe * chunk).min(items.len())]
        .par_chunks(chunk)
        .enumerate()
        .map(|(i, c)| {
            let (t, c0) = (Instant::now(), thread_cpu_seconds());
            let r = f(i, c);
            let wall = t.elapsed().as_nanos() as u64;
            let cpu = match (c0, thread_cpu_seconds()) {
                (Some(a), Some(b)) => ((b - a).max(0.0) * 1e9) as u64,
                _ => wall,
            };
            wall_ns.fetch_add(wall, Ordering::Relaxed);
            cpu_ns.fetch_add(cpu, Ordering::Relaxed);
            r
        })
        .collect();
    let rest = &items[(probe * chunk).min(items.len())..];
    let waited = 2 * cpu_ns.into_inner() < wall_ns.into_inner();
    if waited && !rest.is_empty() {
        site.0.store(true, Ordering::Relaxed);
        out.extend(wide(rest, chunk, WIDE, &|i, c| f(probe + i, c)));
    } else {
        out.extend(rest.par_chunks(chunk).enumerate().map(|(i, c)| f(probe + i, c)).collect::<Vec<_>>());
    }
    out.into_iter().collect()
}

/// Whether a call that took `cpu` seconds of the process's CPU time over `wall` seconds left the
/// `cores` idle for more than `1 - BUSY` of the time: waiting on reads, or on other processes, which
/// the process's clock cannot tell apart (under another process's load a wide call stays wide,
/// which costs thread switches, not correctness).
fn kept_cores_idle(cpu: f64, cores: usize, wall: f64) -> bool {
    cpu < BUSY * cores as f64 * wall
}

/// What a call does to one chunk: its number and its items.
type ChunkFn<'a, T, R, E> = dyn Fn(usize, &[T]) -> Result<R, E> + Sync + 'a;

/// `f` over the chunks on `threads` scoped threads, taking chunks in turn; the results in order.
fn wide<T: Sync, R: Send, E: Send>(
    items: &[T],
    chunk: usize,
    threads: usize,
    f: &ChunkFn<'_, T, R, E>,
) -> Vec<Result<R, E>> {
    let n = items.len().div_ceil(chunk);
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(n));
    std::thread::scope(|s| {
        for _ in 0..threads.min(n) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return;
                }
                let r = f(i, &items[i * chunk..((i + 1) * chunk).min(items.len())]);
                done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_unstable_by_key(|x| x.0);
    done.into_iter().map(|x| x.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn sums(site: &Site, items: &[u32]) -> Vec<(usize, u32)> {
        map_chunks(site, items, 7, |i, c| Ok::<_, ()>((i, c.iter().sum::<u32>()))).unwrap()
    }

    #[test]
    fn chunks_come_back_in_order_and_the_first_error_wins_narrow_or_wide() {
        let items: Vec<u32> = (0..1000).collect();
        for start_wide in [false, true] {
            let site = Site::new();
            site.0.store(start_wide, Ordering::Relaxed);
            let s = sums(&site, &items);
            assert_eq!(s.len(), 143);
            assert!(s.iter().enumerate().all(|(k, (i, _))| k == *i));
            assert_eq!(s.iter().map(|x| x.1).sum::<u32>(), items.iter().sum::<u32>());
            site.0.store(start_wide, Ordering::Relaxed);
            let r = map_chunks(&site, &items, 10, |i, _| if i == 40 || i == 90 { Err(i) } else { Ok(i) });
            assert_eq!(r, Err(40));
            assert_eq!(map_chunks(&site, &items[..0], 10, |_, _| Ok::<_, ()>(1)).unwrap(), Vec::<i32>::new());
            assert_eq!(map_chunks(&site, &items[..5], 10, |_, c| Ok::<_, ()>(c.len())).unwrap(), vec![5]);
        }
    }

    /// A call whose chunks wait (on a sleep here, as on a disk read) sends its site wide: the next
    /// call runs on more threads than cores. A wide call that keeps the cores busy sends it back:
    /// judged on the process's CPU time, which another process's load also lowers, so that half is
    /// held on the judgment itself rather than on a run of this test beside other work.
    #[test]
    fn a_site_goes_wide_after_waiting_and_back_after_computing() {
        let items: Vec<u32> = (0..64).collect();
        let site = Site::new();
        let seen = Mutex::new(HashSet::new());
        let sleepy = |_, _: &[u32]| {
            seen.lock().unwrap().insert(std::thread::current().id());
            std::thread::sleep(std::time::Duration::from_millis(2));
            Ok::<_, ()>(())
        };
        map_chunks(&site, &items, 1, sleepy).unwrap();
        assert!(site.0.load(Ordering::Relaxed));
        seen.lock().unwrap().clear();
        map_chunks(&site, &items, 1, sleepy).unwrap();
        assert!(seen.lock().unwrap().len() > rayon::current_num_threads());
        assert!(site.0.load(Ordering::Relaxed));
        // Two cores busy 1.8 s of 1 s wall each: computing. A tenth of that: waiting.
        assert!(!kept_cores_idle(1.8, 2, 1.0));
        assert!(kept_cores_idle(0.2, 2, 1.0));
        assert!(kept_cores_idle(1.4, 2, 1.0), "under three quarters of the cores");
    }
}
