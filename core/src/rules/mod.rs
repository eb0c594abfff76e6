//! The exit-rule engine: packs, expressions over facts, validation, plans.

pub mod bundled;
pub mod expr;
pub mod facts;
pub mod letter;
pub mod pack;
pub mod plan;
pub mod release;
pub mod schedule;
pub mod updates;
pub mod validate;

pub use bundled::{compile_pack_file, load_bundled, load_pack_file, RuleBook};
pub use facts::{FactError, FactValue, Facts};
pub use pack::Pack;
pub use plan::{evaluate_plan, Plan};
pub use validate::{compile_pack, PackError, PackIssue, Scenario};
