//! Rules the user has flagged as outdated or wrong. The rules come from second-hand
//! articles; a flag records the user's doubt (with a note) against the exact pack version,
//! so the plan can show it next to the rule's source and a later review can act on it.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OpenFlags, TransactionBehavior};
use serde::Serialize;

use super::error::{Result, VaultError};
use super::time::{fmt_ts, parse_ts};
use super::Vault;
use crate::rules::Scenario;

/// One flag on one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleFlag {
    pub scenario: String,
    /// Id of a precondition, step, alternative route, warning, consequence or formula.
    pub rule_id: String,
    /// The pack version the user was looking at.
    pub pack_version: String,
    pub note: String,
    pub flagged_at: DateTime<Utc>,
}

/// The flags of the vault in `dir` (newest first; of one scenario when given), read
/// without opening the vault for writing: nothing is created, migrated or recovered. For
/// views that only show flags, such as `tuilu plan`. No database, or one from before flags
/// existed (schema < 3), has none; one from a newer build is [`VaultError::TooNew`].
pub fn read_rule_flags(dir: &Path, scenario: Option<&str>) -> Result<Vec<RuleFlag>> {
    let path = dir.join(super::DB_FILE);
    match super::schema::stored_version(&path)? {
        Some(version) if version >= FLAGS_SCHEMA_VERSION => {}
        _ => return Ok(Vec::new()),
    }
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(super::schema::BUSY_TIMEOUT)?;
    query_flags(&conn, scenario)
}

/// The schema version that added the `rule_flags` table.
const FLAGS_SCHEMA_VERSION: u32 = 3;

fn query_flags(conn: &Connection, scenario: Option<&str>) -> Result<Vec<RuleFlag>> {
    let mut stmt = conn.prepare(
        "SELECT scenario, rule_id, pack_version, note, flagged_at FROM rule_flags
         WHERE ?1 IS NULL OR scenario = ?1
         ORDER BY flagged_at DESC, scenario, rule_id",
    )?;
    let rows = stmt.query_map(params![scenario], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (scenario, rule_id, pack_version, note, at) = row?;
        out.push(RuleFlag {
            scenario,
            rule_id,
            pack_version,
            note,
            flagged_at: parse_ts(&at)?,
        });
    }
    Ok(out)
}

/// Every rule id of a pack (rules carry a source; facts are questions, not rules).
pub fn rule_ids(scenario: &Scenario) -> Vec<&str> {
    let p = &scenario.pack;
    let mut ids: Vec<&str> = Vec::new();
    ids.extend(p.preconditions.iter().map(|r| r.id.as_str()));
    for s in &p.steps {
        ids.push(&s.id);
        ids.extend(s.alternatives.iter().map(|r| r.id.as_str()));
    }
    ids.extend(p.warnings.iter().map(|r| r.id.as_str()));
    ids.extend(p.consequences.iter().map(|r| r.id.as_str()));
    ids.extend(p.formulas.iter().map(|r| r.id.as_str()));
    ids
}

impl Vault {
    /// Flags `rule_id` of `scenario` as outdated or wrong. Flagging it again replaces the
    /// note. An id that is not a rule of the pack is refused.
    pub fn flag_rule(
        &self,
        scenario: &Scenario,
        rule_id: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<RuleFlag> {
        if !rule_ids(scenario).contains(&rule_id) {
            return Err(VaultError::UnknownRule {
                scenario: scenario.id().to_string(),
                rule: rule_id.to_string(),
            });
        }
        super::steps::check_note(Some(note.trim()))?;
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO rule_flags (scenario, rule_id, pack_version, note, flagged_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (scenario, rule_id, pack_version)
             DO UPDATE SET note = excluded.note, flagged_at = excluded.flagged_at",
            params![
                scenario.id(),
                rule_id,
                scenario.pack.version,
                note.trim(),
                fmt_ts(now)
            ],
        )?;
        tx.commit()?;
        Ok(RuleFlag {
            scenario: scenario.id().to_string(),
            rule_id: rule_id.to_string(),
            pack_version: scenario.pack.version.clone(),
            note: note.trim().to_string(),
            flagged_at: now,
        })
    }

    /// Removes a flag (all versions). Returns whether there was one.
    pub fn unflag_rule(&self, scenario: &str, rule_id: &str) -> Result<bool> {
        let conn = self.lock();
        let n = conn.execute(
            "DELETE FROM rule_flags WHERE scenario = ?1 AND rule_id = ?2",
            params![scenario, rule_id],
        )?;
        Ok(n > 0)
    }

    /// Flags, newest first; of one scenario when given.
    pub fn rule_flags(&self, scenario: Option<&str>) -> Result<Vec<RuleFlag>> {
        query_flags(&self.lock(), scenario)
    }
}
