//! Stage timings: wall time and this process's CPU time (all threads), so benchmarks can report
//! throughput per core.
use std::time::Instant;

/// CPU seconds used by this process so far (user + system), from `/proc/self/stat` on Linux;
/// `None` elsewhere.
pub fn process_cpu_seconds() -> Option<f64> {
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
}

impl StageTimer {
    pub fn start() -> Self {
        StageTimer { wall: Instant::now(), cpu: process_cpu_seconds() }
    }

    /// (wall seconds, CPU seconds) since start.
    pub fn stop(&self) -> (f64, f64) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = match (self.cpu, process_cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        };
        (wall, cpu)
    }
}
