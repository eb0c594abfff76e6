//! Tuilu core: everything the apps and the CLI share.
//!
//! - [`evidence`]: evidence store (hashed originals, custody log, export bundles).
//! - [`rules`]: rule packs (data), validation, and plan evaluation.
//! - [`text`]: bilingual user-facing text.
//!
//! Functions that depend on the current time take `now` as an argument.

pub mod evidence;
pub mod rules;
pub mod text;

pub use text::{Lang, Text};

pub use rules::{
    evaluate_plan, load_bundled, FactError, FactValue, Facts, Pack, PackError, PackIssue, Plan,
    RuleBook, Scenario,
};
