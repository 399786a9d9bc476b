//! Ingest progress: a bar with rows/s on a terminal, plain lines otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use clearstone_engine::IngestProgress;
use indicatif::{ProgressBar, ProgressStyle};

/// Seconds between plain progress lines when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    last_line: Instant,
    label: String,
}

impl Progress {
    pub fn new(label: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new_spinner();
            b.set_style(
                ProgressStyle::with_template("{spinner} {prefix} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.set_prefix(label.to_string());
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Self {
            bar,
            started: Instant::now(),
            last_line: Instant::now(),
            label: label.to_string(),
        }
    }

    pub fn update(&mut self, p: &IngestProgress) {
        let secs = self.started.elapsed().as_secs_f64().max(1e-6);
        let msg = format!(
            "{} rows ({:.0} rows/s), {} statements, {} quarantined",
            p.rows,
            p.rows as f64 / secs,
            p.statements,
            p.quarantined
        );
        match &self.bar {
            Some(b) => b.set_message(msg),
            None if self.last_line.elapsed() >= PLAIN_EVERY => {
                eprintln!("{}: {msg}", self.label);
                self.last_line = Instant::now();
            }
            None => {}
        }
    }

    pub fn finish(self) {
        if let Some(b) = self.bar {
            b.finish_and_clear();
        }
    }
}
