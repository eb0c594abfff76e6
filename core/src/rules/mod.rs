//! The exit-rule engine: packs, expressions over facts, validation, plans.

pub mod pack;
