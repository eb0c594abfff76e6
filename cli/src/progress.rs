//! The one progress printer of the CLI: a percentage on stderr for long operations
//! (evidence add, verify, export; backup create, inspect, restore), only when stderr is a
//! terminal and not in `--json` mode, and only for jobs large enough for it to help.

use std::cell::Cell;
use std::io::IsTerminal;

use tuilu_core::app::cli_support::Progress;

use crate::output::Globals;

/// Jobs smaller than this finish before a percentage would help.
const SHOWN_FROM_BYTES: u64 = 16 << 20;

pub struct StderrProgress {
    label: &'static str,
    enabled: bool,
    last: Cell<u64>,
}

impl StderrProgress {
    pub fn new(g: &Globals, label: &'static str) -> StderrProgress {
        StderrProgress {
            label,
            enabled: !g.json && std::io::stderr().is_terminal(),
            last: Cell::new(u64::MAX),
        }
    }

    /// Clears the line once the job is over.
    pub fn finish(&self) {
        if self.enabled && self.last.get() != u64::MAX {
            eprint!("\r\x1b[K");
        }
    }
}

impl Progress for StderrProgress {
    fn on_progress(&self, done: u64, total: u64) {
        if !self.enabled || total < SHOWN_FROM_BYTES {
            return;
        }
        let pct = done.saturating_mul(100) / total.max(1);
        if pct != self.last.get() {
            self.last.set(pct);
            eprint!("\r{} {pct:>3}%", self.label);
        }
    }
}
