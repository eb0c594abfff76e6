//! Tuilu core: everything the apps and the CLI share.
//!
//! - [`app`]: the application layer: one service, a view model per screen, events.
//! - [`backup`]: encrypted backup and restore of the whole vault (age + tar).
//! - [`reminders`]: reminder planner (stable ids, quiet hours, catch-up, budget/diff),
//!   snooze/dismiss state in the vault, iCalendar export.
//! - [`evidence`]: evidence store (hashed originals, custody log, export bundles).
//! - [`rules`]: rule packs (data), validation, and plan evaluation.
//! - [`text`]: bilingual user-facing text.
//! - [`vault`]: cases in a crash-safe SQLite vault.
//!
//! Functions that depend on the current time take `now` as an argument.

pub mod app;
pub mod backup;
pub mod calendar;
mod embedded;
pub mod evidence;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod jobs;
pub mod limits;
pub mod reminders;
pub mod rules;
mod sort;
pub mod text;
pub mod vault;

pub use text::{Lang, Text};

pub use rules::{
    evaluate_plan, load_bundled, FactError, FactValue, Facts, Pack, PackError, PackIssue, Plan,
    RuleBook, Scenario,
};
