//! The database: connection setup and migrations keyed on `PRAGMA user_version`.
//!
//! Modelled on mozilla/application-services `components/support/sql`: one place that
//! prepares every connection (pragmas), an ordered list of migrations applied in one
//! transaction, and a refusal to touch a database written by a newer build.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use super::error::{Result, VaultError};
use super::time::fmt_ts;

/// How a migration changes the schema.
pub enum MigrationStep {
    /// A batch of SQL statements.
    Sql(&'static str),
    /// Code, for changes SQL alone cannot express (data rewrites).
    Fn(fn(&Transaction<'_>) -> rusqlite::Result<()>),
}

/// One schema version. `version` is the `user_version` after it ran.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub step: MigrationStep,
}

/// Every migration, in order. Adding a schema version is adding one line here (and a
/// fixture `tests/fixtures/vault-vN.sqlite3` made by the `make_vault_fixture` example
/// before the next version exists).
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "cases",
        step: MigrationStep::Sql(SCHEMA_V1),
    },
    Migration {
        version: 2,
        name: "evidence and reminders",
        step: MigrationStep::Sql(SCHEMA_V2),
    },
    Migration {
        version: 3,
        name: "rule flags",
        step: MigrationStep::Sql(SCHEMA_V3),
    },
    Migration {
        version: 4,
        name: "evidence for several steps",
        step: MigrationStep::Sql(SCHEMA_V4),
    },
    Migration {
        version: 5,
        name: "deleted evidence is forgotten",
        step: MigrationStep::Sql(SCHEMA_V5),
    },
    Migration {
        version: 6,
        name: "running clocks index",
        step: MigrationStep::Sql(SCHEMA_V6),
    },
    Migration {
        version: 7,
        name: "case digests",
        step: MigrationStep::Sql(SCHEMA_V7),
    },
    Migration {
        version: 8,
        name: "capture times from the platform and the file name",
        step: MigrationStep::Sql(SCHEMA_V8),
    },
];

/// Version 8: `evidence_items.captured_at_source` also takes `media_store` (Android's
/// MediaStore `DATE_TAKEN`), `photo_library` (iOS `PHAsset.creationDate`) and `file_name`
/// (a screenshot's name, read by the core): see `evidence::capture`. SQLite cannot change
/// a CHECK in place, so the table is rebuilt as its documentation's "12 steps" say: a new
/// table, every row copied with its `rowid` (the list's tie-break order), the old table
/// dropped, the new one renamed, its indexes and trigger made again. [`migrate`] runs it
/// with foreign keys off (dropping a parent table with them on would delete its tags and
/// step links' parent rows) and checks them all before it commits. No value changes.
const SCHEMA_V8: &str = r#"
CREATE TABLE evidence_items_v8 (
    id                 TEXT PRIMARY KEY NOT NULL,
    case_id            TEXT NOT NULL,
    step_id            TEXT,
    step_title         TEXT,
    original_name      TEXT NOT NULL,
    size               INTEGER NOT NULL CHECK (size >= 0),
    media_type         TEXT NOT NULL,
    sha256             TEXT NOT NULL CHECK (length(sha256) = 64),
    captured_at        TEXT,
    captured_at_source TEXT CHECK (captured_at_source IN
                       ('exif', 'exif_offset', 'caller', 'media_store', 'photo_library', 'file_name')),
    imported_at        TEXT NOT NULL,
    source             TEXT NOT NULL CHECK (source IN ('capture', 'import')),
    note               TEXT NOT NULL DEFAULT '',
    deleted_at         TEXT
);
INSERT INTO evidence_items_v8 (rowid, id, case_id, step_id, step_title, original_name, size,
        media_type, sha256, captured_at, captured_at_source, imported_at, source, note,
        deleted_at)
    SELECT rowid, id, case_id, step_id, step_title, original_name, size, media_type, sha256,
        captured_at, captured_at_source, imported_at, source, note, deleted_at
    FROM evidence_items ORDER BY rowid;
DROP TABLE evidence_items;
ALTER TABLE evidence_items_v8 RENAME TO evidence_items;
CREATE INDEX evidence_items_by_case ON evidence_items (case_id, imported_at);
CREATE INDEX evidence_items_by_sha256 ON evidence_items (sha256);
CREATE UNIQUE INDEX evidence_items_live_per_case
    ON evidence_items (case_id, sha256) WHERE deleted_at IS NULL;
CREATE TRIGGER evidence_items_no_delete
    BEFORE DELETE ON evidence_items
    BEGIN SELECT RAISE(ABORT, 'evidence_items rows are tombstoned, never deleted'); END;
"#;

/// Version 7: each case keeps a digest of what the case list and the reminders read of its
/// steps (`vault::digest`), so neither reads every step row. The triggers clear a case's
/// digest whenever one of its step rows changes, whoever writes it; a cleared digest is
/// recomputed before the writing transaction commits, or read around (the step rows) until
/// it is. Existing cases start with no digest: opening the vault computes them. No data
/// changes.
const SCHEMA_V7: &str = r#"
ALTER TABLE cases ADD COLUMN digest TEXT;
ALTER TABLE cases ADD COLUMN digest_basis TEXT;
ALTER TABLE cases ADD COLUMN digest_clocks INTEGER;
CREATE INDEX IF NOT EXISTS cases_digest_cleared ON cases(id) WHERE digest IS NULL;
CREATE INDEX IF NOT EXISTS cases_by_update ON cases(updated_at DESC, id);
CREATE TRIGGER IF NOT EXISTS steps_clear_digest_on_insert AFTER INSERT ON steps
BEGIN
    UPDATE cases SET digest = NULL WHERE id = NEW.case_id;
END;
CREATE TRIGGER IF NOT EXISTS steps_clear_digest_on_update AFTER UPDATE ON steps
BEGIN
    UPDATE cases SET digest = NULL WHERE id IN (OLD.case_id, NEW.case_id);
END;
CREATE TRIGGER IF NOT EXISTS steps_clear_digest_on_delete AFTER DELETE ON steps
BEGIN
    UPDATE cases SET digest = NULL WHERE id = OLD.case_id;
END;
"#;

/// Version 6: an index of the steps handed in, so that re-planning reminders reads only
/// the rows of running clocks (`Vault::running_clocks`) and not every step's definition.
/// Index only: no data changes.
const SCHEMA_V6: &str = r#"
CREATE INDEX IF NOT EXISTS steps_handed_in ON steps(case_id, position, step_id)
    WHERE in_plan = 1 AND submitted_at IS NOT NULL;
"#;

/// Version 5: deleting evidence forgets what it was. The custody log stays append-only
/// except for one change: an entry's `details` may be replaced by `{"redacted":true}` (a
/// deleted item's name, note and tags leave the log; the entry keeps its place and hash in
/// the chain). Items deleted before this version are forgotten now: their rows lose name,
/// note, tags, step titles and further steps, and their entries are redacted.
const SCHEMA_V5: &str = r#"
DROP TRIGGER IF EXISTS evidence_custody_no_update;
CREATE TRIGGER evidence_custody_no_update
    BEFORE UPDATE ON evidence_custody
    WHEN NEW.details IS NOT '{"redacted":true}'
        OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action
        OR NEW.item_id IS NOT OLD.item_id OR NEW.case_id IS NOT OLD.case_id
        OR NEW.step_id IS NOT OLD.step_id OR NEW.prev_hash IS NOT OLD.prev_hash
        OR NEW.entry_hash IS NOT OLD.entry_hash
    BEGIN SELECT RAISE(ABORT, 'evidence_custody is append-only (only redaction is allowed)'); END;
UPDATE evidence_custody SET details = '{"redacted":true}'
    WHERE item_id IN (SELECT id FROM evidence_items WHERE deleted_at IS NOT NULL)
      AND details IS NOT '{"redacted":true}';
DELETE FROM evidence_tags
    WHERE item_id IN (SELECT id FROM evidence_items WHERE deleted_at IS NOT NULL);
DELETE FROM evidence_item_steps
    WHERE item_id IN (SELECT id FROM evidence_items WHERE deleted_at IS NOT NULL);
UPDATE evidence_items SET original_name = '', note = '', step_title = NULL
    WHERE deleted_at IS NOT NULL;
"#;

/// Version 3: rules the user flagged as outdated or wrong, per pack version.
const SCHEMA_V3: &str = r#"
CREATE TABLE rule_flags (
    scenario      TEXT NOT NULL,
    rule_id       TEXT NOT NULL,
    pack_version  TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    flagged_at    TEXT NOT NULL,
    PRIMARY KEY (scenario, rule_id, pack_version)
) STRICT;
"#;

/// Version 4: an evidence item can prove several steps (the steps beyond its own).
const SCHEMA_V4: &str = r#"
CREATE TABLE IF NOT EXISTS evidence_item_steps (
    item_id    TEXT NOT NULL REFERENCES evidence_items (id),
    step_id    TEXT NOT NULL,
    step_title TEXT,
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (item_id, step_id)
) WITHOUT ROWID;
"#;

/// Version 2: the evidence store (items, tags, custody log) and reminder state (snooze,
/// dismiss, delivery, calendar-export sequence numbers). Frozen as it was written: later
/// changes to a module's tables are new versions, never edits here
/// (`fresh_and_migrated_vaults_have_the_same_schema` checks it).
const SCHEMA_V2: &str = r#"CREATE TABLE IF NOT EXISTS evidence_items (
    id                 TEXT PRIMARY KEY NOT NULL,
    case_id            TEXT NOT NULL,
    step_id            TEXT,
    step_title         TEXT,
    original_name      TEXT NOT NULL,
    size               INTEGER NOT NULL CHECK (size >= 0),
    media_type         TEXT NOT NULL,
    sha256             TEXT NOT NULL CHECK (length(sha256) = 64),
    captured_at        TEXT,
    captured_at_source TEXT CHECK (captured_at_source IN ('exif', 'exif_offset', 'caller')),
    imported_at        TEXT NOT NULL,
    source             TEXT NOT NULL CHECK (source IN ('capture', 'import')),
    note               TEXT NOT NULL DEFAULT '',
    deleted_at         TEXT
);
CREATE INDEX IF NOT EXISTS evidence_items_by_case ON evidence_items (case_id, imported_at);
CREATE INDEX IF NOT EXISTS evidence_items_by_sha256 ON evidence_items (sha256);
CREATE UNIQUE INDEX IF NOT EXISTS evidence_items_live_per_case
    ON evidence_items (case_id, sha256) WHERE deleted_at IS NULL;

CREATE TABLE IF NOT EXISTS evidence_tags (
    item_id TEXT NOT NULL REFERENCES evidence_items (id),
    tag     TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS evidence_custody (
    seq        INTEGER PRIMARY KEY NOT NULL,
    at         TEXT NOT NULL,
    action     TEXT NOT NULL
               CHECK (action IN ('add', 'link', 'unlink', 'annotate', 'export', 'delete')),
    item_id    TEXT,
    case_id    TEXT NOT NULL,
    step_id    TEXT,
    details    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL CHECK (length(prev_hash) = 64),
    entry_hash TEXT NOT NULL UNIQUE CHECK (length(entry_hash) = 64)
);
CREATE INDEX IF NOT EXISTS evidence_custody_by_item ON evidence_custody (item_id);
CREATE INDEX IF NOT EXISTS evidence_custody_by_case ON evidence_custody (case_id);

CREATE TRIGGER IF NOT EXISTS evidence_custody_no_update
    BEFORE UPDATE ON evidence_custody
    BEGIN SELECT RAISE(ABORT, 'evidence_custody is append-only'); END;
CREATE TRIGGER IF NOT EXISTS evidence_custody_no_delete
    BEFORE DELETE ON evidence_custody
    BEGIN SELECT RAISE(ABORT, 'evidence_custody is append-only'); END;
CREATE TRIGGER IF NOT EXISTS evidence_items_no_delete
    BEFORE DELETE ON evidence_items
    BEGIN SELECT RAISE(ABORT, 'evidence_items rows are tombstoned, never deleted'); END;
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
"#;

/// The newest schema version this build knows.
pub fn supported_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Version 1: cases, their steps and the append-only journal.
const SCHEMA_V1: &str = r#"
CREATE TABLE migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
) STRICT;

CREATE TABLE cases (
    id            TEXT PRIMARY KEY,
    scenario      TEXT NOT NULL,
    pack_version  TEXT NOT NULL,
    title_zh      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    -- Facts the user gave, a JSON object (pack defaults are not stored).
    facts         TEXT NOT NULL CHECK (json_valid(facts)),
    -- Case-level plan snapshot: blockers and missing facts (JSON).
    plan_meta     TEXT NOT NULL CHECK (json_valid(plan_meta)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    archived      INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
) STRICT;

CREATE TABLE steps (
    case_id       TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    step_id       TEXT NOT NULL,
    -- 1-based position in the plan (last known position once dropped).
    position      INTEGER NOT NULL,
    -- 0 once the step left the plan; its progress is kept in case it comes back.
    in_plan       INTEGER NOT NULL DEFAULT 1 CHECK (in_plan IN (0, 1)),
    status        TEXT NOT NULL DEFAULT 'todo'
                  CHECK (status IN ('todo','in_progress','submitted','done','skipped','blocked')),
    status_at     TEXT,
    started_at    TEXT,
    submitted_at  TEXT,
    done_at       TEXT,
    route         TEXT,
    note          TEXT,
    -- The step's definition as planned (JSON), and the duration that runs once
    -- submitted (the route's when it has one), denormalised for fast listing.
    definition    TEXT NOT NULL CHECK (json_valid(definition)),
    clock_unit    TEXT,
    clock_min     INTEGER,
    clock_max     INTEGER,
    PRIMARY KEY (case_id, step_id)
) STRICT, WITHOUT ROWID;

-- Covering index for progress counts, so listing cases never reads step definitions.
CREATE INDEX steps_progress ON steps(case_id, in_plan, status);
CREATE INDEX steps_running ON steps(case_id) WHERE status IN ('submitted', 'blocked');

-- Append-only: no UPDATE ever; rows go only with their case (`case delete`).
CREATE TABLE events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at            TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    step_id       TEXT,
    action        TEXT,
    from_status   TEXT,
    to_status     TEXT,
    note          TEXT,
    -- For an undo: the entry it reverts.
    undoes        INTEGER REFERENCES events(seq),
    payload       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload))
) STRICT;

CREATE INDEX events_by_step ON events(case_id, step_id, seq);
CREATE UNIQUE INDEX events_undoes ON events(undoes) WHERE undoes IS NOT NULL;

CREATE TRIGGER events_append_only BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;
"#;

/// How long a writer waits for another one before giving up with `Busy`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads `user_version` from the database header without opening it through SQLite, so
/// that a database from a newer build is refused with not one byte changed (not even the
/// `-wal`/`-shm` side files). `None` for a missing or empty file.
pub fn header_user_version(path: &Path) -> Result<Option<u32>> {
    let io = |source| VaultError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match f.read(&mut header[read..]).map_err(io)? {
            0 => break,
            n => read += n,
        }
    }
    if read == 0 {
        return Ok(None);
    }
    if read < header.len() || &header[..16] != b"SQLite format 3\0" {
        return Err(VaultError::NotADatabase {
            path: path.to_path_buf(),
        });
    }
    Ok(Some(u32::from_be_bytes([
        header[60], header[61], header[62], header[63],
    ])))
}

/// The schema version of the database at `path` (`None`: no database yet), read from its
/// header; a database from a newer build is refused with [`VaultError::TooNew`] before
/// SQLite touches it.
pub fn stored_version(path: &Path) -> Result<Option<u32>> {
    let supported = supported_version();
    match header_user_version(path)? {
        Some(found) if found > supported => Err(VaultError::TooNew { found, supported }),
        found => Ok(found),
    }
}

/// Opens the read-write connection and prepares it: WAL, `synchronous=FULL`, foreign keys,
/// busy timeout.
pub fn open_connection(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| map_open_error(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    refuse_commits_once_replaced(&mut conn, path)?;
    // WAL: readers never block the writer and a crash leaves either the old or the new
    // state. FULL: every commit fsyncs the WAL, so a transition reported as saved survives
    // power loss too (NORMAL would only survive a crash of the process); one fsync per
    // human action costs nothing noticeable.
    let mode = switch_to_wal(&conn).map_err(|e| map_open_error(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(VaultError::corrupt(
            "journal_mode",
            format!("cannot switch to WAL (got {mode})"),
        ));
    }
    // secure_delete: content a delete removes (an evidence item's name and note, a
    // deleted case) is overwritten with zeros in the file, so it cannot be read back from
    // free space, nor from a backup (the backup API copies every page).
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA trusted_schema = OFF;
         PRAGMA temp_store = MEMORY;",
    )?;
    Ok(conn)
}

/// The identity of a file: device and inode (Unix); elsewhere none.
pub(crate) fn file_identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A commit into a database that a restore has since replaced (the file at the vault's
/// path is no longer the one this connection opened) is rolled back: it would land in
/// files that are being deleted, and the user would lose a write reported as saved. The
/// commit fails with `SQLITE_CONSTRAINT_COMMITHOOK`, read as [`VaultError::Replaced`].
/// One `stat` per commit, next to the commit's fsync.
fn refuse_commits_once_replaced(conn: &mut Connection, path: &Path) -> Result<()> {
    let Some(opened) = file_identity(path) else {
        return Ok(());
    };
    let path = path.to_path_buf();
    conn.commit_hook(Some(move || file_identity(&path) != Some(opened)))?;
    Ok(())
}

/// `PRAGMA journal_mode = WAL`, retried while another connection holds the lock it needs.
/// SQLite can answer this pragma with `SQLITE_BUSY` at once, without waiting out the busy
/// timeout, when several connections open a new vault together (seen: 67 of 2,400 opens
/// in 300 rounds of 8 threads): one of them switches the file to WAL (a setting stored in
/// the file) and the others then find it done. Gives up
/// with the error after [`BUSY_TIMEOUT`], like every other wait on the vault.
fn switch_to_wal(conn: &Connection) -> rusqlite::Result<String> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)) {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

fn map_open_error(path: &Path, e: rusqlite::Error) -> VaultError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => VaultError::NotADatabase {
            path: path.to_path_buf(),
        },
        _ => VaultError::from(e),
    }
}

/// Brings the schema up to [`supported_version`] in one immediate transaction: either
/// every pending migration is applied and `user_version` set, or nothing is.
///
/// Foreign keys are off while it runs, as SQLite's procedure for rebuilding a table asks
/// (version 8): the pragma cannot change inside a transaction, so it is set around it.
/// Before the commit every foreign key is checked (`PRAGMA foreign_key_check`): a row the
/// migrations left naming a missing parent rolls everything back. (A row that already did
/// before, which the foreign keys on every connection make impossible short of editing
/// the file, is left as it was: refusing to open would lock the user out of their data.)
/// Foreign keys are on again afterwards, whatever happened.
pub fn migrate(conn: &mut Connection, now: DateTime<Utc>) -> Result<u32> {
    apply(conn, now, MIGRATIONS)
}

fn apply(conn: &mut Connection, now: DateTime<Utc>, migrations: &[Migration]) -> Result<u32> {
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = apply_in_transaction(conn, now, migrations);
    let on = conn.execute_batch("PRAGMA foreign_keys = ON");
    let version = result?;
    on?;
    Ok(version)
}

/// Rows naming a missing parent: (table, rowid, parent table).
fn broken_keys(tx: &Transaction<'_>) -> rusqlite::Result<Vec<(String, Option<i64>, String)>> {
    tx.prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect()
}

fn apply_in_transaction(
    conn: &mut Connection,
    now: DateTime<Utc>,
    migrations: &[Migration],
) -> Result<u32> {
    let supported = migrations.last().map_or(0, |m| m.version);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Checked again under the write lock: another process may have migrated meanwhile.
    let found: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > supported {
        return Err(VaultError::TooNew { found, supported });
    }
    if found == supported {
        return Ok(found);
    }
    let broken_before = broken_keys(&tx)?;
    for m in migrations.iter().filter(|m| m.version > found) {
        match &m.step {
            MigrationStep::Sql(sql) => tx.execute_batch(sql)?,
            MigrationStep::Fn(f) => f(&tx)?,
        }
        tx.execute(
            "INSERT INTO migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![m.version, m.name, fmt_ts(now)],
        )?;
    }
    if let Some((table, _, parent)) = broken_keys(&tx)?
        .into_iter()
        .find(|b| !broken_before.contains(b))
    {
        return Err(VaultError::corrupt(
            "foreign_key_check",
            format!("migrating left a row of {table} naming a missing {parent} row"),
        ));
    }
    // PRAGMA does not take parameters; the value is our own constant.
    tx.execute_batch(&format!("PRAGMA user_version = {supported}"))?;
    tx.commit()?;
    Ok(supported)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A migration that leaves a row naming a missing parent is rolled back whole, and
    /// foreign keys are on again.
    #[test]
    fn a_migration_that_breaks_a_foreign_key_is_rolled_back() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        let now = Utc::now();
        let tables = || Migration {
            version: 1,
            name: "tables",
            step: MigrationStep::Sql(
                "CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT);
                 CREATE TABLE parent (id TEXT PRIMARY KEY);
                 CREATE TABLE child (parent_id TEXT REFERENCES parent (id));
                 INSERT INTO parent VALUES ('p');
                 INSERT INTO child VALUES ('p');",
            ),
        };
        assert_eq!(apply(&mut conn, now, &[tables()]).unwrap(), 1);
        let breaking = [
            tables(),
            Migration {
                version: 2,
                name: "loses the parent",
                step: MigrationStep::Sql("DELETE FROM parent;"),
            },
        ];
        let e = apply(&mut conn, now, &breaking).unwrap_err();
        assert!(matches!(e, VaultError::Corrupt { ref what, .. } if what == "foreign_key_check"));
        let (version, parents, fk): (u32, i64, i64) = (
            conn.query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap(),
            conn.query_row("SELECT count(*) FROM parent", [], |r| r.get(0))
                .unwrap(),
            conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))
                .unwrap(),
        );
        assert_eq!((version, parents, fk), (1, 1, 1));
    }

    #[test]
    fn migrations_are_ordered_and_contiguous() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "migration {}", m.name);
        }
    }
}
