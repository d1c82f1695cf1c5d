//! Stage timings: wall time and this process's CPU time (all threads), so benchmarks can report
//! throughput per core.
use std::time::Instant;

/// CPU seconds used by this process so far (user + system, all threads), to the nanosecond where the
/// system has a process CPU clock. `/proc/self/stat` counts in ticks of 10 ms, too coarse for stages
/// of a few tens of milliseconds (and a best-of-N over such readings picks lucky roundings).
pub fn process_cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    if let Some(s) = clock_seconds(libc::CLOCK_PROCESS_CPUTIME_ID) {
        return Some(s);
    }
    proc_stat_cpu_seconds()
}

/// CPU seconds used by the calling thread so far: a stage that runs on its own thread beside
/// another is measured apart from it.
pub fn thread_cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        clock_seconds(libc::CLOCK_THREAD_CPUTIME_ID)
    }
    #[cfg(not(unix))]
    None
}

#[cfg(unix)]
fn clock_seconds(clock: libc::clockid_t) -> Option<f64> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes to it.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return None;
    }
    Some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9)
}

/// The same from `/proc/self/stat` (Linux), in 10 ms ticks; `None` elsewhere.
fn proc_stat_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux configuration Rust targets.
    Some((utime + stime) / 100.0)
}

/// Measures one stage.
pub struct StageTimer {
    wall: Instant,
    cpu: Option<f64>,
    clock: fn() -> Option<f64>,
}

impl StageTimer {
    /// CPU time of the whole process.
    pub fn start() -> Self {
        Self::with(process_cpu_seconds)
    }

    /// CPU time of the calling thread only (a stage on its own thread beside others).
    pub fn start_thread() -> Self {
        Self::with(thread_cpu_seconds)
    }

    fn with(clock: fn() -> Option<f64>) -> Self {
        StageTimer { wall: Instant::now(), cpu: clock(), clock }
    }

    /// (wall seconds, CPU seconds) since start.
    pub fn stop(&self) -> (f64, f64) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = match (self.cpu, (self.clock)()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        };
        (wall, cpu)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_cpu_clock_is_finer_than_ticks_and_agrees_with_them() {
        let (a, t0) = (process_cpu_seconds().unwrap(), proc_stat_cpu_seconds());
        // Burn some CPU so that both clocks move.
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed().as_millis() < 60 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(std::hint::black_box(1));
        }
        std::hint::black_box(x);
        let (b, t1) = (process_cpu_seconds().unwrap(), proc_stat_cpu_seconds());
        assert!(b > a);
        // Not a whole number of 10 ms ticks, as a tick count always is.
        let ticks = (b - a) * 100.0;
        assert!((ticks - ticks.round()).abs() > 1e-9, "{ticks}");
        if let (Some(t0), Some(t1)) = (t0, t1) {
            assert!(((b - a) - (t1 - t0)).abs() < 0.05, "{} vs {}", b - a, t1 - t0);
        }
    }
}
