//! Progress bars on stderr (hidden when stderr is not a terminal, or with --quiet).
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Mutex;

pub struct Bars {
    multi: MultiProgress,
    current: Mutex<Option<ProgressBar>>,
    /// stderr is a log, not a terminal: print a plain line per step instead of drawing bars.
    plain: bool,
}

impl Bars {
    pub fn new(quiet: bool) -> Self {
        use std::io::IsTerminal;
        let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
        let plain = !quiet && !std::io::stderr().is_terminal();
        Bars { multi: MultiProgress::with_draw_target(target), current: Mutex::new(None), plain }
    }

    pub fn spinner(&self, msg: &str) -> ProgressBar {
        let b = self.multi.add(ProgressBar::new_spinner());
        b.set_style(ProgressStyle::with_template("{spinner} {msg}: {pos} documents ({per_sec})").unwrap());
        b.set_message(msg.to_string());
        b
    }

    pub fn println(&self, line: &str) {
        if self.multi.is_hidden() {
            eprintln!("{line}");
        } else {
            let _ = self.multi.println(line);
        }
    }
}

impl unspun::Observer for Bars {
    fn stage(&self, name: &str, total: u64) {
        let b = if total == 0 {
            self.spinner(name)
        } else {
            let b = self.multi.add(ProgressBar::new(total));
            b.set_style(
                ProgressStyle::with_template("{msg:>20} [{bar:30}] {pos}/{len} ({per_sec}, {eta})")
                    .unwrap()
                    .progress_chars("=> "),
            );
            b.set_message(name.to_string());
            b
        };
        *self.current.lock().unwrap() = Some(b);
    }

    fn advance(&self, n: u64) {
        if let Some(b) = self.current.lock().unwrap().as_ref() {
            b.inc(n);
            if self.plain {
                // One line per committed batch, for logs (and for tests that wait for a commit).
                eprintln!("progress: {} {}/{}", b.message(), b.position(), b.length().unwrap_or(0));
            }
        }
    }

    fn finish_stage(&self) {
        if let Some(b) = self.current.lock().unwrap().take() {
            b.finish_and_clear();
        }
    }
}
