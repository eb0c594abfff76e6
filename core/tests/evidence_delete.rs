//! Delete means delete (issue 23, item 7): deleting a case removes its evidence files and
//! what they were (name, note, tags), keeping only a custody record of the deletion (file
//! fingerprint and size); `evidence rm` does the same for one item; and neither the vault
//! file nor a later backup holds the deleted names and notes.

use std::fs;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use tuilu_core::backup::{create_backup, restore_backup, CreateOptions, RestoreOptions};
use tuilu_core::evidence::{CancelFlag, EvidenceStore, NewItem, NoProgress};
use tuilu_core::rules::Facts;
use tuilu_core::vault::Vault;

const PASS: &str = "correct horse battery staple";
const SECRET_NOTE: &str = "对方经纪人手机号 13812345678";
const SECRET_NAME: &str = "私下转账记录-张三.png";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}

fn add(v: &Vault, case: &str, name: &str, note: &str, bytes: &[u8]) -> String {
    let mut item = NewItem::import(case);
    item.note = note.into();
    if !note.is_empty() {
        item.tags = vec!["私密标签".into()];
    }
    v.with_connection_mut(|conn| {
        EvidenceStore::new(conn, v.dir()).add_bytes(
            &item,
            name,
            bytes,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
    })
    .unwrap()
    .item
    .id
}

/// Two cases; the first has a private item and one whose bytes the second also holds.
fn two_cases(dir: &Path) -> (Vault, String, String) {
    let book = tuilu_core::load_bundled().unwrap();
    let sc = book.get("douyin.guild-exit").unwrap();
    let v = Vault::open(dir, now()).unwrap();
    let a = v.create_case(sc, &Facts::new(), now()).unwrap().id;
    let b = v.create_case(sc, &Facts::new(), now()).unwrap().id;
    add(&v, &a, SECRET_NAME, SECRET_NOTE, b"private bytes of case a");
    add(&v, &a, "共用.txt", "", b"shared bytes");
    add(&v, &b, "共用-b.txt", "", b"shared bytes");
    (v, a, b)
}

fn sha(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn content(dir: &Path, bytes: &[u8]) -> std::path::PathBuf {
    let h = sha(bytes);
    dir.join("evidence/sha256").join(&h[..2]).join(h)
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The database file and its WAL after a checkpoint, as bytes.
fn db_bytes(v: &Vault) -> Vec<u8> {
    v.with_connection(|c| {
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    })
    .unwrap();
    let mut all = fs::read(v.db_path()).unwrap();
    all.extend(fs::read(v.dir().join("tuilu.sqlite3-wal")).unwrap_or_default());
    all
}

fn verify_intact(v: &Vault) {
    let r = v
        .with_connection_mut(|conn| {
            EvidenceStore::new(conn, v.dir()).verify(None, &NoProgress, &CancelFlag::new(), now())
        })
        .unwrap();
    assert!(r.intact, "{:?}", r.issues);
}

/// A backup of the vault, restored into a fresh folder: the restored database's bytes.
fn backup_db_bytes(v: &Vault, t: &Path) -> Vec<u8> {
    let out = t.join("backup.tuilu-backup");
    let opts = CreateOptions {
        app_version: "test".into(),
        scrypt_log_n: Some(10),
    };
    create_backup(
        v.dir(),
        &out,
        PASS,
        &opts,
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    let dst = t.join("restored");
    restore_backup(
        &out,
        PASS,
        &dst,
        &RestoreOptions::default(),
        &NoProgress,
        &CancelFlag::new(),
        now(),
    )
    .unwrap();
    assert!(!content(&dst, b"private bytes of case a").exists());
    fs::read(dst.join("tuilu.sqlite3")).unwrap()
}

#[test]
fn deleting_a_case_deletes_its_evidence_and_says_how_much() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("vault");
    let (v, a, b) = two_cases(&dir);
    assert!(contains(&db_bytes(&v), SECRET_NOTE));

    let gone = v.delete_case(&a, now()).unwrap();
    assert_eq!(gone.id, a);
    assert_eq!(gone.evidence.items, 2);
    assert_eq!(
        gone.evidence.bytes,
        (b"private bytes of case a".len() + b"shared bytes".len()) as u64
    );
    // The shared bytes stay for the other case.
    assert_eq!(gone.evidence.files_removed, 1);
    assert!(!content(&dir, b"private bytes of case a").exists());
    assert!(content(&dir, b"shared bytes").exists());

    let (items, log) = v
        .with_connection_mut(|conn| {
            let s = EvidenceStore::new(conn, &dir);
            Ok::<_, tuilu_core::evidence::EvidenceError>((s.list_all()?, s.custody_log()?))
        })
        .unwrap();
    let of_a: Vec<_> = items.iter().filter(|i| i.case_id == a).collect();
    assert_eq!(of_a.len(), 2);
    for i in &of_a {
        assert!(i.deleted_at.is_some());
        assert!(i.original_name.is_empty() && i.note.is_empty() && i.tags.is_empty());
    }
    assert_eq!(
        items
            .iter()
            .filter(|i| i.case_id == b && i.deleted_at.is_none())
            .count(),
        1
    );
    // The log records each deletion with the file's fingerprint and size, nothing more.
    let deletes: Vec<_> = log
        .iter()
        .filter(|e| e.action == "delete" && e.case_id == a)
        .collect();
    assert_eq!(deletes.len(), 2);
    assert!(deletes
        .iter()
        .all(|e| e.details_json()["sha256"].is_string()
            && e.details_json()["size"].is_u64()
            && e.details_json()["case_deleted"] == true));
    verify_intact(&v);

    let bytes = db_bytes(&v);
    for secret in [SECRET_NOTE, SECRET_NAME, "私密标签"] {
        assert!(
            !contains(&bytes, secret),
            "{secret} is still in the vault file"
        );
    }
    let backed_up = backup_db_bytes(&v, t.path());
    for secret in [SECRET_NOTE, SECRET_NAME, "私密标签"] {
        assert!(!contains(&backed_up, secret), "{secret} is in the backup");
    }
}

#[test]
fn a_deleted_item_leaves_no_name_or_note_in_the_vault_or_a_later_backup() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("vault");
    let (v, a, _) = two_cases(&dir);
    let id = v
        .with_connection_mut(|conn| EvidenceStore::new(conn, &dir).list(&a))
        .unwrap()
        .into_iter()
        .find(|i| i.original_name == SECRET_NAME)
        .unwrap()
        .id;
    let d = v
        .with_connection_mut(|conn| EvidenceStore::new(conn, &dir).delete(&id, now()))
        .unwrap();
    // What was deleted is told by its name one last time.
    assert_eq!(d.item.original_name, SECRET_NAME);
    assert!(d.file_removed);
    let history = v
        .with_connection_mut(|conn| EvidenceStore::new(conn, &dir).history(&id))
        .unwrap();
    assert_eq!(history.last().unwrap().action, "delete");
    verify_intact(&v);

    let bytes = db_bytes(&v);
    for secret in [SECRET_NOTE, SECRET_NAME] {
        assert!(
            !contains(&bytes, secret),
            "{secret} is still in the vault file"
        );
    }
    let backed_up = backup_db_bytes(&v, t.path());
    for secret in [SECRET_NOTE, SECRET_NAME] {
        assert!(!contains(&backed_up, secret), "{secret} is in the backup");
    }
}

/// A vault of schema 4 whose item was deleted the old way (the tombstone kept its name and
/// note, the log its name): opening it with this build forgets them, and the vault still
/// verifies (the redacted entries keep their place in the chain).
#[test]
fn items_deleted_before_schema_5_are_forgotten_on_open() {
    use tuilu_core::evidence::{CustodyEntry, GENESIS_HASH};
    let t = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/vault-v4.sqlite3");
    fs::copy(&fixture, t.path().join("tuilu.sqlite3")).unwrap();
    {
        let c = rusqlite::Connection::open(t.path().join("tuilu.sqlite3")).unwrap();
        let (id, case_id, step_id, sha, name): (String, String, Option<String>, String, String) = c
            .query_row(
                "SELECT id, case_id, step_id, sha256, original_name FROM evidence_items",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        let (seq, prev): (i64, String) = c
            .query_row(
                "SELECT seq, entry_hash FROM evidence_custody ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or((0, GENESIS_HASH.to_string()));
        // The delete of schema 4: tombstone keeps everything, the entry names the file.
        let mut e = CustodyEntry {
            seq: seq + 1,
            at: "2026-11-21T00:00:00.000Z".into(),
            action: "delete".into(),
            item_id: Some(id.clone()),
            case_id,
            step_id,
            details: serde_json::json!({ "original_name": name, "sha256": sha }).to_string(),
            prev_hash: prev,
            entry_hash: String::new(),
        };
        e.details = tuilu_core::evidence::canonical_json(&e.details_json());
        e.entry_hash = e.compute_hash();
        c.execute(
            "INSERT INTO evidence_custody
                 (seq, at, action, item_id, case_id, step_id, details, prev_hash, entry_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                e.seq,
                e.at,
                e.action,
                e.item_id,
                e.case_id,
                e.step_id,
                e.details,
                e.prev_hash,
                e.entry_hash
            ],
        )
        .unwrap();
        c.execute(
            "UPDATE evidence_items SET deleted_at = '2026-11-21T00:00:00.000Z'",
            [],
        )
        .unwrap();
    }
    let v = Vault::open(t.path(), now()).unwrap();
    let bytes = db_bytes(&v);
    for secret in ["notice.png", "解约通知截图"] {
        assert!(!contains(&bytes, secret), "{secret} survived the migration");
    }
    verify_intact(&v);
}
