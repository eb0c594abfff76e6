//! The custody log vouches for every piece of an item's metadata a verifier or a reader
//! relies on (issue 23, item 3): each field forged in the vault file (with SQL, the way
//! anyone holding the database could) is reported by `verify`, naming the item and the
//! field; each field forged in a bundle's manifest is reported by `verify_bundle`.

mod evidence_support;

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use evidence_support::*;
use rusqlite::Connection;
use serde_json::{json, Value};
use tuilu_core::evidence::{
    verify_bundle, BundleIssue, CancelFlag, CaseSnapshot, NewItem, NoProgress, VerifyIssue,
};
use tuilu_core::Lang;
use zip::write::SimpleFileOptions;

/// A vault with one item in case "c1": step s1 and also s2, a note, tags and a capture
/// time given by the caller; plus an item in case "c2".
fn vault() -> (Vault, String) {
    let mut v = Vault::new();
    let mut item = NewItem::import("c1");
    item.step_id = Some("s1".into());
    item.step_title = Some("申请结算".into());
    item.note = "主播本人截图".into();
    item.tags = vec!["聊天".into(), "结算".into()];
    item.captured_at = Some(tuilu_core::evidence::CaptureTime::caller(
        Utc.with_ymd_and_hms(2024, 4, 30, 8, 0, 0).unwrap(),
    ));
    let id = v
        .store()
        .add_bytes(
            &item,
            "结算截图.png",
            b"settlement",
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap()
        .item
        .id;
    v.store()
        .attach(&id, "s2", Some("提交申请"), now())
        .unwrap();
    v.store()
        .annotate(&id, Some("主播本人截图，已核对"), None, now())
        .unwrap();
    v.add("c2", None, "其他.txt", b"other case");
    (v, id)
}

/// Tampers with the vault file through its own connection, as an attacker would.
fn tamper(v: &Vault, sql: &str, id: &str) {
    let c = Connection::open(v.root().join("tuilu.sqlite3")).unwrap();
    let n = c.execute(sql, [id]).unwrap();
    assert!(n > 0, "{sql} changed nothing");
}

fn verify(v: &mut Vault, case: Option<&str>) -> Vec<VerifyIssue> {
    let r = v
        .store()
        .verify(case, &NoProgress, &CancelFlag::new(), now())
        .unwrap();
    assert_eq!(r.intact, r.issues.is_empty());
    r.issues
}

fn mismatched_fields(issues: &[VerifyIssue]) -> Vec<String> {
    issues
        .iter()
        .filter_map(|i| match i {
            VerifyIssue::RecordMismatch { field, .. } => Some(field.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_untouched_vault_verifies_after_links_and_notes() {
    let (mut v, _) = vault();
    assert!(verify(&mut v, None).is_empty());
    assert!(verify(&mut v, Some("c1")).is_empty());
}

#[test]
fn each_forged_field_in_the_vault_is_reported_naming_item_and_field() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "UPDATE evidence_items SET original_name = '伪造.png' WHERE id = ?1",
            "original_name",
            "文件名",
            "the file name",
        ),
        (
            "UPDATE evidence_items SET captured_at = '2024-04-01T08:00:00.000Z' WHERE id = ?1",
            "captured_at",
            "拍摄时间",
            "the capture time",
        ),
        (
            "UPDATE evidence_items SET captured_at_source = 'exif' WHERE id = ?1",
            "captured_at_source",
            "拍摄时间的来源",
            "where the capture time came from",
        ),
        (
            "UPDATE evidence_items SET note = '对方承认' WHERE id = ?1",
            "note",
            "备注",
            "the note",
        ),
        (
            "UPDATE evidence_items SET step_id = 's9' WHERE id = ?1",
            "step_id",
            "所证明的步骤",
            "the step it proves",
        ),
        (
            "UPDATE evidence_tags SET tag = '威胁' WHERE item_id = ?1 AND tag = '聊天'",
            "tags",
            "标签",
            "the tags",
        ),
        (
            "DELETE FROM evidence_item_steps WHERE item_id = ?1",
            "also_steps",
            "另外证明的步骤",
            "the further steps it proves",
        ),
        (
            "UPDATE evidence_items SET case_id = 'c2' WHERE id = ?1",
            "case_id",
            "所属案件",
            "the case it belongs to",
        ),
    ];
    for (sql, field, zh, en) in cases {
        let (mut v, id) = vault();
        tamper(&v, sql, &id);
        let issues = verify(&mut v, None);
        assert_eq!(mismatched_fields(&issues), vec![field.to_string()], "{sql}");
        let zh_text = issues[0].message(Lang::Zh);
        assert!(
            zh_text.contains(&format!("证据「结算截图.png」的{zh}")),
            "{zh_text}"
        );
        let en_text = issues[0].message(Lang::En);
        assert!(
            en_text.contains(&format!("evidence “结算截图.png”: {en} differs")),
            "{en_text}"
        );
        // Verifying only the item's case reports it as well.
        assert_eq!(
            mismatched_fields(&verify(&mut v, Some("c1"))),
            vec![field.to_string()],
            "{sql}"
        );
    }
}

#[test]
fn an_item_moved_to_another_case_is_reported_from_both_cases() {
    let (mut v, id) = vault();
    tamper(
        &v,
        "UPDATE evidence_items SET case_id = 'c2' WHERE id = ?1",
        &id,
    );
    for case in ["c1", "c2"] {
        assert_eq!(
            mismatched_fields(&verify(&mut v, Some(case))),
            vec!["case_id".to_string()],
            "verifying {case}"
        );
    }
}

#[test]
fn a_tombstone_without_its_delete_entry_is_reported() {
    let (mut v, id) = vault();
    tamper(
        &v,
        "UPDATE evidence_items SET deleted_at = '2024-05-02T00:00:00.000Z' WHERE id = ?1",
        &id,
    );
    let issues = verify(&mut v, Some("c1"));
    assert_eq!(mismatched_fields(&issues), vec!["deleted".to_string()]);
    assert!(issues
        .iter()
        .any(|i| matches!(i, VerifyIssue::NotLogged { action, .. } if action == "delete")));
}

// --- bundles ----------------------------------------------------------------------------

fn snapshot() -> CaseSnapshot {
    serde_json::from_value(json!({
        "case": {
            "title": "星图公会退会",
            "facts": {},
            "plan": [{ "id": "s1", "title": "申请结算" }],
            "deadlines": [],
        },
        "events": [],
        "story": { "scenario_title": { "zh": "星图公会退会", "en": "Xingtu guild exit" } },
    }))
    .unwrap()
}

fn export(v: &mut Vault) -> PathBuf {
    let out = v.root().join("bundle.zip");
    v.store()
        .export(
            "c1",
            &snapshot(),
            &out,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap();
    out
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Rewrites the bundle with `edit` applied to the manifest's first item, and
/// `SHA256SUMS` recomputed to match, as a careful forger would.
fn forge_manifest(bundle: &Path, out: &Path, edit: &dyn Fn(&mut Value)) {
    let mut z = zip::ZipArchive::new(File::open(bundle).unwrap()).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        entries.push((f.name().unwrap().to_string(), buf));
    }
    for (name, bytes) in &mut entries {
        if name == "manifest.json" {
            let mut m: Value = serde_json::from_slice(bytes).unwrap();
            edit(&mut m["items"][0]);
            *bytes = serde_json::to_vec_pretty(&m).unwrap();
        }
    }
    let sums: String = entries
        .iter()
        .filter(|(n, _)| n != "SHA256SUMS")
        .map(|(n, b)| format!("{}  {n}\n", sha256_hex(b)))
        .collect();
    let mut w = zip::ZipWriter::new(File::create(out).unwrap());
    for (name, bytes) in &entries {
        w.start_file(name.as_str(), SimpleFileOptions::default())
            .unwrap();
        if name == "SHA256SUMS" {
            w.write_all(sums.as_bytes()).unwrap();
        } else {
            w.write_all(bytes).unwrap();
        }
    }
    w.finish().unwrap();
}

#[test]
fn each_forged_field_in_a_bundle_manifest_is_reported() {
    let (mut v, _) = vault();
    let bundle = export(&mut v);
    let intact = verify_bundle(&bundle, &NoProgress, &CancelFlag::new()).unwrap();
    assert!(intact.intact, "{:?}", intact.issues);

    type Edit = Box<dyn Fn(&mut Value)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "original_name",
            Box::new(|i| i["original_name"] = json!("伪造.png")),
        ),
        (
            "captured_at",
            Box::new(|i| i["captured_at"] = json!("2024-04-01T08:00:00.000Z")),
        ),
        (
            "captured_at_source",
            Box::new(|i| i["captured_at_source"] = json!("exif")),
        ),
        ("note", Box::new(|i| i["note"] = json!("对方承认"))),
        ("tags", Box::new(|i| i["tags"] = json!(["威胁"]))),
        ("step_id", Box::new(|i| i["step_id"] = json!("s9"))),
        ("also_steps", Box::new(|i| i["also_steps"] = json!([]))),
    ];
    for (field, edit) in &edits {
        let forged = v.root().join(format!("forged-{field}.zip"));
        forge_manifest(&bundle, &forged, edit.as_ref());
        let r = verify_bundle(&forged, &NoProgress, &CancelFlag::new()).unwrap();
        assert!(!r.intact, "{field}");
        let found: Vec<&str> = r
            .issues
            .iter()
            .filter_map(|i| match i {
                BundleIssue::CustodyMismatch { field, name, .. } => {
                    assert_eq!(name, "结算截图.png");
                    Some(field.as_str())
                }
                _ => None,
            })
            .collect();
        assert_eq!(found, vec![*field], "{:?}", r.issues);
    }
}

/// Vaults made before the log was checked field by field verify as they are: their `add`
/// entries always recorded every field (checked on the checked-in fixtures of schema 2–4).
#[test]
fn fixtures_of_earlier_schemas_still_verify() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    for n in 2..=4 {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            fixtures.join(format!("vault-v{n}.sqlite3")),
            dir.path().join("tuilu.sqlite3"),
        )
        .unwrap();
        let vault = tuilu_core::vault::Vault::open(dir.path(), now()).unwrap();
        let r = vault
            .with_connection_mut(|conn| {
                tuilu_core::evidence::EvidenceStore::new(conn, dir.path()).verify(
                    None,
                    &NoProgress,
                    &CancelFlag::new(),
                    now(),
                )
            })
            .unwrap();
        assert!(r.items_checked > 0, "v{n}");
        // The fixture holds the database only: its file is missing, nothing else.
        assert!(
            r.issues
                .iter()
                .all(|i| matches!(i, VerifyIssue::MissingFile { .. })),
            "v{n}: {:?}",
            r.issues
        );
    }
}

/// A bundle never shows a forged name or capture time: the export refuses a row that
/// disagrees with the log, naming the item as the log recorded it.
#[test]
fn export_refuses_records_altered_behind_the_log() {
    for sql in [
        "UPDATE evidence_items SET original_name = '伪造.png' WHERE id = ?1",
        "UPDATE evidence_items SET captured_at = '2024-04-01T08:00:00.000Z' WHERE id = ?1",
    ] {
        let (mut v, id) = vault();
        tamper(&v, sql, &id);
        let out = v.root().join("bundle.zip");
        let e = v
            .store()
            .export(
                "c1",
                &snapshot(),
                &out,
                &NoProgress,
                &CancelFlag::new(),
                now(),
            )
            .unwrap_err();
        assert_eq!(e.code(), "record_altered", "{sql}");
        assert!(e.to_string().contains("结算截图.png"), "{e}");
        assert!(!out.exists());
    }
}
