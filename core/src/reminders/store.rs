//! Reminder state in the vault: snoozes, dismissals, deliveries, acknowledgements, and the
//! calendar-export sequence numbers.
//!
//! [`SCHEMA_SQL`] is registered as a vault migration; every function takes a
//! `&rusqlite::Connection` and does its writes in one statement (or a savepoint), so the
//! vault's writer connection and transaction rules apply unchanged. Instants are stored as
//! RFC 3339 UTC text with milliseconds (`2026-10-26T01:30:00.000Z`): fixed width, so they
//! also compare correctly as text.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{
    Reminder, ReminderError, ReminderKind, ReminderSettings, ReminderSubject, WorkingDays,
};

/// The vault migration for this module.
pub const SCHEMA_SQL: &str = "\
CREATE TABLE reminder_state (
    reminder_id     TEXT PRIMARY KEY NOT NULL,  -- Reminder::id (stable per case, step, kind)
    revision        TEXT NOT NULL DEFAULT '',   -- Reminder::revision that snoozed_until / dismissed_at apply to
    snoozed_until   TEXT,                       -- RFC 3339 UTC; fire then instead of the planned time
    dismissed_at    TEXT,                       -- RFC 3339 UTC; never fire this revision again
    delivered_at    TEXT,                       -- RFC 3339 UTC; last time a shell showed it
    acknowledged_at TEXT,                       -- RFC 3339 UTC; last time the user opened it
    updated_at      TEXT NOT NULL
);
CREATE TABLE reminder_calendar_sequence (
    uid         TEXT PRIMARY KEY NOT NULL,      -- VEVENT UID
    fingerprint TEXT NOT NULL,                  -- hash of the exported event's content
    sequence    INTEGER NOT NULL DEFAULT 0,     -- RFC 5545 SEQUENCE, +1 whenever the fingerprint changes
    updated_at  TEXT NOT NULL
);
";

/// The stored state of one reminder id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateEntry {
    pub revision: String,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub dismissed_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// All stored reminder state, by reminder id: the planner's second input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderState {
    pub entries: BTreeMap<String, StateEntry>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_ts(v: Option<String>) -> Result<Option<DateTime<Utc>>, ReminderError> {
    v.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| ReminderError::BadTimestamp { value: s.clone() })
    })
    .transpose()
}

/// Reads all reminder state.
pub fn load_state(conn: &Connection) -> Result<ReminderState, ReminderError> {
    let mut stmt = conn.prepare(
        "SELECT reminder_id, revision, snoozed_until, dismissed_at, delivered_at, acknowledged_at
         FROM reminder_state ORDER BY reminder_id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, Option<String>>(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut state = ReminderState::default();
    for row in rows {
        let (id, revision, snoozed, dismissed, delivered, acked) = row?;
        state.entries.insert(
            id,
            StateEntry {
                revision,
                snoozed_until: parse_ts(snoozed)?,
                dismissed_at: parse_ts(dismissed)?,
                delivered_at: parse_ts(delivered)?,
                acknowledged_at: parse_ts(acked)?,
            },
        );
    }
    Ok(state)
}

/// Snoozes `reminder` (this revision of it) until `until`; clears an earlier dismissal.
/// Snoozing a catch-up also snoozes each reminder it covers: if the catch-up was already
/// delivered (which retires what it covers), they come back at `until` rather than being
/// lost. The planner never moves a reminder earlier than its planned time, whatever
/// `until` is (see [`super::snooze_target`]).
pub fn snooze(
    conn: &Connection,
    reminder: &Reminder,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ReminderError> {
    let sp = conn.begin_savepoint()?;
    let covered = reminder
        .covers
        .iter()
        .filter(|_| reminder.kind == ReminderKind::CatchUp)
        .map(|m| (&m.id, &m.revision));
    for (id, revision) in std::iter::once((&reminder.id, &reminder.revision)).chain(covered) {
        sp.execute(
            "INSERT INTO reminder_state (reminder_id, revision, snoozed_until, dismissed_at, updated_at)
             VALUES (?1, ?2, ?3, NULL, ?4)
             ON CONFLICT (reminder_id) DO UPDATE SET
                 revision = excluded.revision,
                 snoozed_until = excluded.snoozed_until,
                 dismissed_at = NULL,
                 updated_at = excluded.updated_at",
            params![id, revision, ts(until), ts(now)],
        )?;
    }
    sp.commit()?;
    Ok(())
}

/// Dismisses `reminder` (this revision of it): it will not fire again, nor come back in a
/// catch-up. Dismissing a catch-up acknowledges everything it covers.
pub fn dismiss(
    conn: &Connection,
    reminder: &Reminder,
    now: DateTime<Utc>,
) -> Result<(), ReminderError> {
    let sp = conn.begin_savepoint()?;
    sp.execute(
        "INSERT INTO reminder_state (reminder_id, revision, snoozed_until, dismissed_at, updated_at)
         VALUES (?1, ?2, NULL, ?3, ?3)
         ON CONFLICT (reminder_id) DO UPDATE SET
             revision = excluded.revision,
             snoozed_until = NULL,
             dismissed_at = excluded.dismissed_at,
             updated_at = excluded.updated_at",
        params![reminder.id, reminder.revision, ts(now)],
    )?;
    for m in &reminder.covers {
        record(&sp, &m.id, "acknowledged_at", now)?;
    }
    sp.commit()?;
    Ok(())
}

/// Records that a shell showed `reminder` at `at` (a catch-up: also everything it covers).
/// An occurrence whose fire time is not after a recorded delivery is not planned again.
pub fn mark_delivered(
    conn: &Connection,
    reminder: &Reminder,
    at: DateTime<Utc>,
) -> Result<(), ReminderError> {
    mark(conn, reminder, "delivered_at", at)
}

/// Records that the user opened `reminder` at `at` (a catch-up: also everything it covers).
pub fn mark_acknowledged(
    conn: &Connection,
    reminder: &Reminder,
    at: DateTime<Utc>,
) -> Result<(), ReminderError> {
    mark(conn, reminder, "acknowledged_at", at)
}

/// Records deliveries by id only (what a shell reads back from the OS at launch).
pub fn mark_delivered_ids(
    conn: &Connection,
    ids: &[&str],
    at: DateTime<Utc>,
) -> Result<(), ReminderError> {
    let sp = conn.begin_savepoint()?;
    for id in ids {
        record(&sp, id, "delivered_at", at)?;
    }
    sp.commit()?;
    Ok(())
}

/// Records deliveries reported by id or schedule token (`id#fingerprint`), as a shell
/// reads them back from the OS or an alarm receiver gets them. A catch-up is looked up
/// ([`super::find_catch_up`], as planned at `at` or earlier) and retires everything it
/// covers, as [`mark_delivered`] does; any other id is recorded as is.
pub fn mark_delivered_tokens(
    conn: &Connection,
    subjects: &[ReminderSubject],
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
    tokens: &[&str],
    at: DateTime<Utc>,
) -> Result<(), ReminderError> {
    let state = load_state(conn)?;
    let occurrences: std::collections::BTreeSet<String> =
        super::candidate_reminders(subjects, settings, cal)
            .into_iter()
            .map(|r| r.id)
            .collect();
    let sp = conn.begin_savepoint()?;
    for token in tokens {
        let id = token.split_once('#').map_or(*token, |(id, _)| id).trim();
        if id.is_empty() {
            continue;
        }
        record(&sp, id, "delivered_at", at)?;
        if occurrences.contains(id) {
            continue;
        }
        if let Some(c) = super::find_catch_up(subjects, &state, at, settings, cal, id) {
            for m in &c.covers {
                record(&sp, &m.id, "delivered_at", at)?;
            }
        }
    }
    sp.commit()?;
    Ok(())
}

fn mark(
    conn: &Connection,
    reminder: &Reminder,
    column: &'static str,
    at: DateTime<Utc>,
) -> Result<(), ReminderError> {
    let sp = conn.begin_savepoint()?;
    record(&sp, &reminder.id, column, at)?;
    if reminder.kind == ReminderKind::CatchUp {
        for m in &reminder.covers {
            record(&sp, &m.id, column, at)?;
        }
    }
    sp.commit()?;
    Ok(())
}

/// Sets `column` to `at` unless it already holds a later instant.
fn record(
    conn: &Connection,
    id: &str,
    column: &'static str,
    at: DateTime<Utc>,
) -> Result<(), ReminderError> {
    debug_assert!(matches!(column, "delivered_at" | "acknowledged_at"));
    let sql = format!(
        "INSERT INTO reminder_state (reminder_id, {column}, updated_at) VALUES (?1, ?2, ?2)
         ON CONFLICT (reminder_id) DO UPDATE SET
             {column} = CASE WHEN {column} IS NULL OR {column} < excluded.{column}
                             THEN excluded.{column} ELSE {column} END,
             updated_at = excluded.updated_at"
    );
    conn.execute(&sql, params![id, ts(at)])?;
    Ok(())
}

/// Forgets everything stored about a reminder id (undo snooze or dismissal).
pub fn clear(conn: &Connection, id: &str) -> Result<(), ReminderError> {
    conn.execute("DELETE FROM reminder_state WHERE reminder_id = ?1", [id])?;
    Ok(())
}

/// The SEQUENCE for a calendar event: 0 the first time a UID is exported, +1 each time
/// it is exported with a different fingerprint, unchanged otherwise.
pub fn calendar_sequence(
    conn: &Connection,
    uid: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<u32, ReminderError> {
    let existing: Option<(String, u32)> = conn
        .query_row(
            "SELECT fingerprint, sequence FROM reminder_calendar_sequence WHERE uid = ?1",
            [uid],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let sequence = match existing {
        Some((fp, seq)) if fp == fingerprint => return Ok(seq),
        Some((_, seq)) => seq.saturating_add(1),
        None => 0,
    };
    conn.execute(
        "INSERT INTO reminder_calendar_sequence (uid, fingerprint, sequence, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (uid) DO UPDATE SET
             fingerprint = excluded.fingerprint,
             sequence = excluded.sequence,
             updated_at = excluded.updated_at",
        params![uid, fingerprint, sequence, ts(now)],
    )?;
    Ok(sequence)
}

/// Savepoints on a shared `&Connection`, so the functions above compose with a caller's
/// transaction.
trait SavepointExt {
    fn begin_savepoint(&self) -> rusqlite::Result<Savepoint<'_>>;
}

struct Savepoint<'c> {
    conn: &'c Connection,
    done: bool,
}

impl SavepointExt for Connection {
    fn begin_savepoint(&self) -> rusqlite::Result<Savepoint<'_>> {
        self.execute_batch("SAVEPOINT tuilu_reminders")?;
        Ok(Savepoint {
            conn: self,
            done: false,
        })
    }
}

impl Savepoint<'_> {
    fn commit(mut self) -> rusqlite::Result<()> {
        self.done = true;
        self.conn.execute_batch("RELEASE tuilu_reminders")
    }
}

impl std::ops::Deref for Savepoint<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Savepoint<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self
                .conn
                .execute_batch("ROLLBACK TO tuilu_reminders; RELEASE tuilu_reminders");
        }
    }
}
