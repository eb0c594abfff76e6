//! The evidence tables, as one SQL script the vault registers as a migration.

/// The table added in vault schema version 4 (also part of [`SCHEMA_SQL`]).
macro_rules! step_links_sql {
    () => {
        r#"
CREATE TABLE IF NOT EXISTS evidence_item_steps (
    item_id    TEXT NOT NULL REFERENCES evidence_items (id),
    step_id    TEXT NOT NULL,
    step_title TEXT,
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (item_id, step_id)
) WITHOUT ROWID;
"#
    };
}

/// `CREATE TABLE` statements for evidence items, their tags and the custody log.
///
/// No foreign keys point outside these tables: `case_id` and `step_id` are opaque TEXT ids
/// owned by the vault. Instants are RFC 3339 UTC strings with millisecond precision
/// (`2024-05-01T06:30:00.000Z`), which sort correctly as text.
///
/// The custody log is append-only: triggers refuse `DELETE` on it and every `UPDATE` but
/// the redaction of an entry's `details` to `{"redacted":true}` (done when its item is
/// deleted). Items are never deleted either; deleting one sets `deleted_at` and clears its
/// name and note (a tombstone). The vault's version 5 migration installs this trigger in
/// older vaults; version 8 widens `captured_at_source` to the platform's and the file
/// name's sources (`evidence::capture`).
pub const SCHEMA_SQL: &str = concat!(
    r#"
CREATE TABLE IF NOT EXISTS evidence_items (
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
    WHEN NEW.details IS NOT '{"redacted":true}'
        OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action
        OR NEW.item_id IS NOT OLD.item_id OR NEW.case_id IS NOT OLD.case_id
        OR NEW.step_id IS NOT OLD.step_id OR NEW.prev_hash IS NOT OLD.prev_hash
        OR NEW.entry_hash IS NOT OLD.entry_hash
    BEGIN SELECT RAISE(ABORT, 'evidence_custody is append-only (only redaction is allowed)'); END;
CREATE TRIGGER IF NOT EXISTS evidence_custody_no_delete
    BEFORE DELETE ON evidence_custody
    BEGIN SELECT RAISE(ABORT, 'evidence_custody is append-only'); END;
CREATE TRIGGER IF NOT EXISTS evidence_items_no_delete
    BEFORE DELETE ON evidence_items
    BEGIN SELECT RAISE(ABORT, 'evidence_items rows are tombstoned, never deleted'); END;
"#,
    step_links_sql!()
);

/// Further steps an item proves besides `evidence_items.step_id` (one screenshot proving
/// two steps): the vault migration that adds them to an existing vault. Idempotent.
pub const STEP_LINKS_SQL: &str = step_links_sql!();
