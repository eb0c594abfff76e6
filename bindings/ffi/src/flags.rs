//! Rules the user flags as outdated or wrong (the rules come from second-hand articles).

use crate::core::TuiluCore;
use crate::error::{guard, ApiError};
use crate::uniffi_support::Timestamp;

/// A user's flag on one rule of one pack version.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RuleFlagRecord {
    pub scenario_id: String,
    /// Id of a precondition, step, alternative route, warning, consequence or formula.
    pub rule_id: String,
    pub pack_version: String,
    pub note: String,
    pub flagged_at: Timestamp,
}

impl From<tuilu_core::vault::RuleFlag> for RuleFlagRecord {
    fn from(f: tuilu_core::vault::RuleFlag) -> RuleFlagRecord {
        RuleFlagRecord {
            scenario_id: f.scenario,
            rule_id: f.rule_id,
            pack_version: f.pack_version,
            note: f.note,
            flagged_at: f.flagged_at,
        }
    }
}

#[uniffi::export]
impl TuiluCore {
    /// Flags a rule of a scenario as possibly outdated or wrong, with the user's note
    /// (flagging again replaces the note). Errors: `NotFound` (scenario or rule).
    pub fn flag_rule(
        &self,
        scenario_id: String,
        rule_id: String,
        note: String,
        now: Timestamp,
    ) -> Result<RuleFlagRecord, ApiError> {
        guard(|| {
            let book = self.book()?;
            let sc = book
                .get(&scenario_id)
                .ok_or_else(|| ApiError::not_found(format!("no scenario `{scenario_id}`")))?;
            Ok(self.open(now)?.flag_rule(sc, &rule_id, &note, now)?.into())
        })
    }

    /// Removes the user's flag from a rule; false when there was none.
    pub fn unflag_rule(
        &self,
        scenario_id: String,
        rule_id: String,
        now: Timestamp,
    ) -> Result<bool, ApiError> {
        guard(|| Ok(self.open(now)?.unflag_rule(&scenario_id, &rule_id)?))
    }

    /// The user's flags, newest first; of one scenario when given.
    pub fn rule_flags(
        &self,
        scenario_id: Option<String>,
        now: Timestamp,
    ) -> Result<Vec<RuleFlagRecord>, ApiError> {
        guard(|| {
            let flags = self.open(now)?.rule_flags(scenario_id.as_deref())?;
            Ok(flags.into_iter().map(Into::into).collect())
        })
    }
}
