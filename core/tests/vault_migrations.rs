//! Schema versions: every checked-in fixture of an earlier version migrates and keeps its
//! data; a database from a newer build is refused untouched.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{TimeZone, Utc};
use tuilu_core::vault::{self, StepStatus as S, Vault, VaultError, DB_FILE};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// Every `vault-v<N>.sqlite3` fixture, by version.
fn fixture_files() -> Vec<(u32, PathBuf)> {
    let mut out: Vec<(u32, PathBuf)> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?;
            let n = name.strip_prefix("vault-v")?.strip_suffix(".sqlite3")?;
            Some((n.parse().ok()?, p))
        })
        .collect();
    out.sort();
    out
}

fn copy_to_vault(fixture: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture, dir.path().join(DB_FILE)).unwrap();
    dir
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap()
}

#[test]
fn there_is_a_fixture_for_every_earlier_version() {
    let versions: Vec<u32> = fixture_files().into_iter().map(|(v, _)| v).collect();
    let expected: Vec<u32> = (1..=vault::supported_version()).collect();
    // The current version's fixture is made with the `make_vault_fixture` example.
    assert_eq!(versions, expected, "run the make_vault_fixture example");
}

#[test]
fn every_fixture_migrates_and_keeps_its_data() {
    for (version, path) in fixture_files() {
        let dir = copy_to_vault(&path);
        let v = Vault::open(dir.path(), now()).unwrap_or_else(|e| panic!("v{version}: {e}"));
        assert_eq!(v.schema_version().unwrap(), vault::supported_version());
        assert_eq!(v.integrity_check().unwrap(), ["ok"], "v{version}");
        // Opening made every case's digest (schema 7): the list reads no step row.
        let without_digest: i64 = v
            .with_connection(|c| {
                Ok(
                    c.query_row("SELECT count(*) FROM cases WHERE digest IS NULL", [], |r| {
                        r.get(0)
                    })?,
                )
            })
            .unwrap();
        assert_eq!(without_digest, 0, "v{version}");

        let all = v.list_cases(true, now()).unwrap();
        assert_eq!(all.len(), 3, "v{version}");
        assert_eq!(v.list_cases(false, now()).unwrap().len(), 2);
        let mut progress = None;
        let mut blocked = None;
        for summary in &all {
            let case = v.case(&summary.id, now()).unwrap();
            assert_eq!(case.scenario, "test.vault-demo");
            assert_eq!(case.pack_version, "1.0.0");
            if case.archived {
                assert_eq!(case.progress.settled, 0);
            } else if !case.blockers.is_empty() {
                blocked = Some(case);
            } else {
                progress = Some(case);
            }
        }
        let blocked = blocked.expect("the blocked case");
        assert_eq!(blocked.blockers[0].id, "unpaid_debt");
        assert_eq!(blocked.facts["debt_cleared"], serde_json::json!(false));

        let p = progress.expect("the case with progress");
        assert_eq!(p.facts["has_contract"], serde_json::json!(false));
        assert_eq!(p.step("backup").unwrap().status, S::Done);
        let notice = p.step("notice").unwrap();
        assert_eq!(notice.status, S::Submitted);
        assert_eq!(notice.route.as_deref(), Some("notice_email"));
        assert_eq!(notice.note.as_deref(), Some("邮件已发送 / e-mail sent"));
        assert_eq!(
            notice.submitted_at,
            Some(Utc.with_ymd_and_hms(2026, 11, 20, 2, 4, 0).unwrap())
        );
        // 7 natural days by the e-mail route.
        assert_eq!(
            notice.deadline.as_ref().unwrap().latest_date.to_string(),
            "2026-11-27"
        );
        assert_eq!(p.dropped_steps.len(), 1);
        assert_eq!(p.dropped_steps[0].id, "contract_return");
        assert_eq!(p.dropped_steps[0].status, S::Submitted);

        let journal = v.journal(&p.id).unwrap();
        let kinds: Vec<&str> = journal.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "case_created",
                "transition",
                "transition",
                "undo",
                "transition",
                "transition",
                "facts_changed"
            ]
        );
        assert_eq!(journal[3].undoes, Some(journal[2].seq));

        // Still writable after migrating.
        v.transition(
            &p.id,
            "notice",
            vault::StepAction::Done,
            &Default::default(),
            now(),
        )
        .unwrap();
    }
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, SystemTime)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let meta = std::fs::metadata(&p).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
                meta.modified().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_database_from_a_newer_build_is_refused_and_left_untouched() {
    let (_, path) = fixture_files().pop().unwrap();
    let dir = copy_to_vault(&path);
    let newer = vault::supported_version() + 1;
    {
        // What a newer build would have left: a checkpointed WAL database.
        let c = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
        c.execute_batch(&format!("PRAGMA user_version = {newer};"))
            .unwrap();
    }
    let before = snapshot(dir.path());
    assert_eq!(
        before.len(),
        1,
        "only the database file: {:?}",
        before.iter().map(|b| &b.0).collect::<Vec<_>>()
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    let err = Vault::open(dir.path(), now()).unwrap_err();
    match &err {
        VaultError::TooNew { found, supported } => {
            assert_eq!((*found, *supported), (newer, vault::supported_version()));
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    let zh = tuilu_core::app::vault_words(&err, tuilu_core::Lang::Zh);
    assert!(zh.contains("更新版本"), "{zh}");
    let en = tuilu_core::app::vault_words(&err, tuilu_core::Lang::En);
    assert!(en.contains("newer"), "{en}");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "nothing changed, no side files"
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE);
    std::fs::write(&db, b"definitely not a database, but long enough to have a header .......................................").unwrap();
    let before = std::fs::read(&db).unwrap();
    assert!(matches!(
        Vault::open(dir.path(), now()),
        Err(VaultError::NotADatabase { .. })
    ));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_new_vault_is_created_with_its_directory_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/vault");
    let v = Vault::open(&path, now()).unwrap();
    assert_eq!(v.schema_version().unwrap(), vault::supported_version());
    drop(v);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    let v = Vault::open(&path, now()).unwrap();
    let applied: i64 = v
        .with_connection(|c| Ok(c.query_row("SELECT count(*) FROM migrations", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(applied, vault::MIGRATIONS.len() as i64);
}

#[test]
fn concurrent_first_opens_migrate_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let p = path.clone();
            std::thread::spawn(move || Vault::open(&p, now()).map(|_| ()))
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let v = Vault::open(&path, now()).unwrap();
    let applied: i64 = v
        .with_connection(|c| Ok(c.query_row("SELECT count(*) FROM migrations", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(applied, vault::MIGRATIONS.len() as i64);
}

#[test]
fn evidence_and_reminder_state_survive_migration() {
    for (version, path) in fixture_files().into_iter().filter(|(v, _)| *v >= 2) {
        let dir = copy_to_vault(&path);
        let v = Vault::open(dir.path(), now()).unwrap_or_else(|e| panic!("v{version}: {e}"));
        let (items, snoozes): (i64, i64) = v
            .with_connection(|c| {
                Ok((
                    c.query_row("SELECT count(*) FROM evidence_items", [], |r| r.get(0))?,
                    c.query_row("SELECT count(*) FROM reminder_state", [], |r| r.get(0))?,
                ))
            })
            .unwrap();
        assert_eq!((items, snoozes), (1, 1), "v{version}");
        let custody: i64 = v
            .with_connection(|c| {
                Ok(c.query_row("SELECT count(*) FROM evidence_custody", [], |r| r.get(0))?)
            })
            .unwrap();
        assert!(custody >= 1, "v{version}: custody log kept");
    }
}

#[test]
fn rule_flags_survive_migration() {
    for (version, path) in fixture_files().into_iter().filter(|(v, _)| *v >= 3) {
        let dir = copy_to_vault(&path);
        let v = Vault::open(dir.path(), now()).unwrap_or_else(|e| panic!("v{version}: {e}"));
        let flags = v.rule_flags(None).unwrap();
        assert_eq!(flags.len(), 1, "v{version}");
        assert_eq!(flags[0].rule_id, "backup");
    }
}

/// Tables, columns, indexes, triggers and `user_version` of the vault in `dir`.
fn schema_of(dir: &Path) -> (u32, Vec<String>) {
    let v = Vault::open(dir, now()).unwrap();
    v.with_connection(|c| {
        let version: u32 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let mut out = Vec::new();
        let objects: Vec<(String, String, String, Option<String>)> = c
            .prepare(
                "SELECT type, name, tbl_name, sql FROM sqlite_master
                 WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (kind, name, table, sql) in objects {
            // The SQL as written, whitespace folded: a changed definition shows.
            let sql = sql
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            out.push(format!("{kind} {name} on {table}: {sql}"));
            if kind == "table" {
                let cols: Vec<String> = c
                    .prepare(&format!("PRAGMA table_xinfo(\"{name}\")"))?
                    .query_map([], |r| {
                        Ok(format!(
                            "  column {}.{} {} notnull={} default={:?} pk={}",
                            name,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, i64>(3)?,
                            r.get::<_, Option<String>>(4)?,
                            r.get::<_, i64>(5)?
                        ))
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                out.extend(cols);
            }
        }
        Ok((version, out))
    })
    .unwrap()
}

#[test]
fn fresh_and_migrated_vaults_have_the_same_schema() {
    let fresh = tempfile::tempdir().unwrap();
    let (fresh_version, fresh_schema) = schema_of(fresh.path());
    assert_eq!(fresh_version, vault::supported_version());
    assert!(fresh_schema
        .iter()
        .any(|l| l.starts_with("table evidence_items")));
    for (version, path) in fixture_files() {
        let dir = copy_to_vault(&path);
        let (migrated_version, migrated) = schema_of(dir.path());
        assert_eq!(migrated_version, fresh_version, "v{version}");
        let only_fresh: Vec<_> = fresh_schema
            .iter()
            .filter(|l| !migrated.contains(l))
            .collect();
        let only_migrated: Vec<_> = migrated
            .iter()
            .filter(|l| !fresh_schema.contains(l))
            .collect();
        assert!(
            only_fresh.is_empty() && only_migrated.is_empty(),
            "v{version} migrated differs from a fresh vault:\n only fresh: {only_fresh:#?}\n only migrated: {only_migrated:#?}"
        );
    }
}

/// Every row of the evidence tables, each value with its SQLite type (`quote()`), in
/// `rowid` order where there is one. (The build omits the schema pragmas, so the columns
/// are named here.)
fn evidence_rows(c: &rusqlite::Connection) -> Vec<String> {
    let mut out = Vec::new();
    for (table, cols, order) in [
        (
            "evidence_items",
            "rowid id case_id step_id step_title original_name size media_type sha256 \
             captured_at captured_at_source imported_at source note deleted_at",
            "rowid",
        ),
        ("evidence_tags", "item_id tag", "item_id, tag"),
        (
            "evidence_item_steps",
            "item_id step_id step_title linked_at",
            "item_id, step_id",
        ),
        (
            "evidence_custody",
            "seq at action item_id case_id step_id details prev_hash entry_hash",
            "seq",
        ),
    ] {
        let select = cols
            .split_whitespace()
            .map(|c| format!("quote({c})"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let sql = format!("SELECT '{table}|' || {select} FROM {table} ORDER BY {order}");
        let rows: Vec<String> = c
            .prepare(&sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        out.extend(rows);
    }
    out
}

/// A row that already named a missing parent before migrating (impossible with the
/// foreign keys on, short of editing the file) does not lock the user out: the vault
/// migrates, and the row is left as it was.
#[test]
fn an_old_broken_foreign_key_does_not_stop_the_migration() {
    let (_, v7) = fixture_files().into_iter().find(|(v, _)| *v == 7).unwrap();
    let dir = copy_to_vault(&v7);
    {
        let c = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
        c.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO evidence_tags (item_id, tag) VALUES ('ev-gone', 'orphan');",
        )
        .unwrap();
    }
    let v = Vault::open(dir.path(), now()).unwrap();
    assert_eq!(v.schema_version().unwrap(), vault::supported_version());
    let orphans: i64 = v
        .with_connection(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM evidence_tags WHERE item_id = 'ev-gone'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(orphans, 1);
}

/// Version 8 rebuilds `evidence_items` to widen its `captured_at_source` CHECK: on the
/// version-7 fixture, with more items added the way version 7 stored them (every source
/// it allowed, a deleted one, tags and further steps), every row of every evidence table
/// is the same afterwards, byte for byte and in the same `rowid` order; the foreign keys
/// hold and are on again; the new sources are accepted and others still refused.
#[test]
fn version_8_widens_the_capture_source_and_keeps_every_evidence_row() {
    let (_, v7) = fixture_files().into_iter().find(|(v, _)| *v == 7).unwrap();
    let dir = copy_to_vault(&v7);
    let db = dir.path().join(DB_FILE);
    let before = {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        let sha = |n: u8| format!("{:064x}", n);
        for (i, source) in [Some("exif"), Some("exif_offset"), Some("caller"), None]
            .into_iter()
            .enumerate()
        {
            let id = format!("ev-v7-{i}");
            c.execute(
                "INSERT INTO evidence_items (id, case_id, step_id, step_title, original_name,
                     size, media_type, sha256, captured_at, captured_at_source, imported_at,
                     source, note, deleted_at)
                 VALUES (?1, 'case-x', 'notice', '通知 / notice', ?2, ?3, 'image/jpeg', ?4,
                     ?5, ?6, '2026-11-20T03:00:00.000Z', 'import', '备注 ' || ?1, ?7)",
                rusqlite::params![
                    id,
                    format!("照片{i}.jpg"),
                    1000 + i as i64,
                    sha(i as u8 + 1),
                    source.map(|_| "2026-11-19T01:02:03.456Z"),
                    source,
                    (i == 3).then_some("2026-11-20T04:00:00.000Z"),
                ],
            )
            .unwrap();
            c.execute(
                "INSERT INTO evidence_tags (item_id, tag) VALUES (?1, '聊天')",
                [&id],
            )
            .unwrap();
            c.execute(
                "INSERT INTO evidence_item_steps (item_id, step_id, step_title, linked_at)
                 VALUES (?1, 'backup', NULL, '2026-11-20T03:30:00.000Z')",
                [&id],
            )
            .unwrap();
        }
        // Version 7 refused the new sources.
        assert!(c
            .execute(
                "UPDATE evidence_items SET captured_at_source = 'file_name' WHERE id = 'ev-v7-0'",
                [],
            )
            .is_err());
        evidence_rows(&c)
    };
    let items = before
        .iter()
        .filter(|r| r.starts_with("evidence_items|"))
        .count();
    assert_eq!(
        items, 5,
        "the fixture's item and the four added: {before:#?}"
    );

    let v = Vault::open(dir.path(), now()).unwrap();
    assert_eq!(
        v.schema_version().unwrap(),
        8.max(vault::supported_version())
    );
    let (after, fk_on, broken, accepted, refused) = v
        .with_connection(|c| {
            let after = evidence_rows(c);
            let fk_on: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            let broken = c
                .prepare("PRAGMA foreign_key_check")?
                .query_map([], |r| r.get::<_, String>(0))?
                .count();
            let accepted = ["media_store", "photo_library", "file_name"]
                .iter()
                .map(|s| {
                    c.execute(
                        "UPDATE evidence_items SET captured_at_source = ?1 WHERE id = 'ev-v7-0'",
                        [s],
                    )
                })
                .all(|r| r.is_ok());
            let refused = c
                .execute(
                    "UPDATE evidence_items SET captured_at_source = 'guess' WHERE id = 'ev-v7-0'",
                    [],
                )
                .is_err();
            Ok((after, fk_on, broken, accepted, refused))
        })
        .unwrap();
    assert_eq!(after, before, "every evidence row kept as it was");
    assert_eq!(fk_on, 1, "foreign keys are on again");
    assert_eq!(broken, 0);
    assert!(
        accepted,
        "the platform's and the file name's sources are accepted"
    );
    assert!(refused, "an unknown source is still refused");
    // Rows are still tombstoned, never deleted.
    let delete = v
        .with_connection(|c| Ok(c.execute("DELETE FROM evidence_items WHERE id = 'ev-v7-0'", [])?));
    assert!(delete.is_err());
}
