//! Export bundles: contents, byte-for-byte originals, `sha256sum -c`, redaction of other
//! cases, custody record of the export, `verify_bundle` on intact and tampered bundles,
//! cancellation and odd names.

mod evidence_support;

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use evidence_support::*;
use serde_json::{json, Value};
use tuilu_core::evidence::{
    verify_bundle, BundleIssue, CancelFlag, CaseSnapshot, EvidenceError, NewItem, NoProgress,
};
use zip::write::SimpleFileOptions;

/// A hand-made snapshot with everything in (these tests check the bundle's shape, the
/// escaping of notes and the custody log in full); `private_facts_and_notes_stay_out_by_default`
/// checks what a default export leaves out.
fn snapshot() -> CaseSnapshot {
    serde_json::from_value(json!({
        "disclosure": "include_private",
        "case": {
            "title": "星图公会退会 <script>",
            "facts": { "contract_signed": "2023-02-01" },
            "plan": [{ "id": "s1", "title": "申请结算" }],
            "deadlines": [{ "step": "s1", "due": "2024-05-15" }],
        },
        "events": [],
        "story": { "scenario_title": { "zh": "星图公会退会 <script>", "en": "Xingtu guild exit" } },
    }))
    .unwrap()
}

/// A vault with three items in case "c" (one with a hostile name and note) and one in
/// another case.
fn populated() -> (Vault, Vec<(String, Vec<u8>)>) {
    let mut v = Vault::new();
    let files = vec![
        (
            "充值记录.png".to_string(),
            b"\x89PNG\r\n\x1a\n recharge".to_vec(),
        ),
        ("..聊天..:*?<>|.txt".to_string(), b"not really".to_vec()),
        ("\u{202E}gpj.exe".to_string(), noise(2 * 1024 * 1024 + 3, 9)),
    ];
    for (i, (name, bytes)) in files.iter().enumerate() {
        let mut item = NewItem::import("c");
        item.step_id = Some(format!("s{}", i + 1));
        item.step_title = Some(format!("步骤<{}>", i + 1));
        item.note = "<b>note</b> & \"quotes\"".into();
        v.store()
            .add_bytes(&item, name, bytes, &NoProgress, &CancelFlag::new(), now())
            .unwrap();
    }
    let mut other = NewItem::import("other-case-secret");
    other.note = "private note of another case".into();
    v.store()
        .add_bytes(
            &other,
            "x.txt",
            b"other",
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap();
    (v, files)
}

fn export(v: &mut Vault, name: &str) -> (PathBuf, tuilu_core::evidence::ExportReport) {
    let out = v.root().join(name);
    let r = v
        .store()
        .export(
            "c",
            &snapshot(),
            &out,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap();
    (out, r)
}

fn unzip_all(zip_path: &Path, dest: &Path) -> Vec<String> {
    let mut z = zip::ZipArchive::new(File::open(zip_path).unwrap()).unwrap();
    let mut names = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let rel = f.enclosed_name().expect("safe name");
        names.push(f.name().unwrap().to_string());
        let p = dest.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        std::fs::write(p, buf).unwrap();
    }
    names
}

#[test]
fn bundle_has_originals_manifest_sums_log_and_index() {
    let (mut v, files) = populated();
    let (out, report) = export(&mut v, "bundle.zip");
    assert_eq!(report.items, 3);
    let bundle_bytes = std::fs::read(&out).unwrap();
    assert_eq!(report.sha256, sha256_hex(&bundle_bytes));
    assert_eq!(report.size, bundle_bytes.len() as u64);
    assert!(
        walk(&v.root())
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".part")),
        "no temporary bundle left"
    );

    let dir = tempfile::tempdir().unwrap();
    let names = unzip_all(&out, dir.path());
    let mut top: Vec<&str> = names
        .iter()
        .filter(|n| !n.starts_with("files/"))
        .map(String::as_str)
        .collect();
    top.sort();
    assert_eq!(
        top,
        [
            "SHA256SUMS",
            "custody-log.jsonl",
            "index.html",
            "manifest.json"
        ]
    );

    // Originals byte-for-byte under sanitised, readable names.
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("manifest.json")).unwrap()).unwrap();
    let items = manifest["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for (original, bytes) in &files {
        let it = items
            .iter()
            .find(|i| i["original_name"] == original.as_str())
            .unwrap();
        let path = it["path"].as_str().unwrap();
        let name = path.strip_prefix("files/").unwrap();
        assert!(
            !name.contains('/') && !name.contains("..") && !name.starts_with('.'),
            "{name}"
        );
        assert!(!name.contains('\u{202E}'), "{name}");
        assert_eq!(
            &std::fs::read(dir.path().join(path)).unwrap(),
            bytes,
            "{name}"
        );
        assert_eq!(it["sha256"], sha256_hex(bytes));
    }
    let png = items
        .iter()
        .find(|i| i["original_name"] == "充值记录.png")
        .unwrap();
    assert_eq!(png["path"], "files/01_20240501-143000_充值记录.png");
    assert_eq!(manifest["case"], serde_json::to_value(snapshot()).unwrap());
    assert_eq!(manifest["case_id"], "c");
    assert_eq!(manifest["exported_at"], "2024-05-01T06:30:00.000Z");
    assert_eq!(manifest["tool"]["version"], env!("CARGO_PKG_VERSION"));

    // The real GNU sha256sum accepts SHA256SUMS inside the unzipped folder.
    let check = Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(dir.path())
        .output()
        .expect("sha256sum is installed");
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(stdout.matches(": OK").count(), 6, "{stdout}");

    // And it fails once a file is changed.
    let p = dir.path().join(png["path"].as_str().unwrap());
    std::fs::write(&p, b"edited").unwrap();
    let check = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!check.status.success());

    // The printable list: charset, print CSS, Chinese headings, escaped user text.
    let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("@media print"));
    assert!(html.contains("证据清单") && html.contains("Evidence list"));
    assert!(html.contains("&lt;b&gt;note&lt;/b&gt; &amp; &quot;quotes&quot;"));
    assert!(html.contains("星图公会退会 &lt;script&gt;"));
    assert!(!html.contains("<b>note</b>") && !html.contains("<script>"));
    assert!(html.contains(&sha256_hex(&files[0].1)));
    assert!(html.contains("2024-05-01 14:30:00"), "times shown in UTC+8");

    // The log: this case in full, the other case redacted (no ids, notes or names).
    let log = std::fs::read_to_string(dir.path().join("custody-log.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 4);
    assert!(!log.contains("other-case-secret") && !log.contains("private note"));
    assert_eq!(
        log.lines()
            .filter(|l| l.contains("\"redacted\":true"))
            .count(),
        1
    );

    // The export itself is in the vault's log, with the bundle's hash.
    let entries = v.store().custody_log().unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.action, "export");
    assert_eq!(last.case_id, "c");
    let d = last.details_json();
    assert_eq!(d["bundle_sha256"], report.sha256.as_str());
    assert_eq!(d["bundle_name"], "bundle.zip");
    assert_eq!(d["custody_head_hash"], manifest["custody"]["head_hash"]);
    let r = v
        .store()
        .verify(None, &NoProgress, &CancelFlag::new(), now())
        .unwrap();
    assert!(r.intact, "{:?}", r.issues);

    // verify_bundle agrees.
    let b = verify_bundle(&out, &NoProgress, &CancelFlag::new()).unwrap();
    assert!(b.intact, "{:?}", b.issues);
    assert_eq!((b.items, b.files_checked, b.custody_entries), (3, 7, 4));
    assert_eq!(b.case_id.as_deref(), Some("c"));
}

#[test]
fn existing_output_is_refused_and_cancel_leaves_no_bundle() {
    let (mut v, _) = populated();
    let (out, _) = export(&mut v, "b.zip");
    let before = std::fs::read(&out).unwrap();
    let e = v
        .store()
        .export(
            "c",
            &snapshot(),
            &out,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap_err();
    assert!(matches!(e, EvidenceError::OutputExists { .. }), "{e}");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        before,
        "existing bundle untouched"
    );

    let entries_before = v.count("SELECT count(*) FROM evidence_custody");
    let cancel = CancelFlag::new();
    let flag = cancel.clone();
    let progress = move |done: u64, _t: u64| {
        if done > 0 {
            flag.cancel();
        }
    };
    let out2 = v.root().join("cancelled.zip");
    let e = v
        .store()
        .export("c", &snapshot(), &out2, &progress, &cancel, now())
        .unwrap_err();
    assert!(matches!(e, EvidenceError::Cancelled), "{e}");
    assert!(!out2.exists());
    assert!(walk(&v.root())
        .iter()
        .all(|p| !p.to_string_lossy().ends_with(".part")));
    assert_eq!(
        v.count("SELECT count(*) FROM evidence_custody"),
        entries_before
    );

    // A changed original fails the export rather than shipping it.
    let it = v.store().list("c").unwrap().remove(0);
    std::fs::write(v.store().content_path(&it.sha256), b"tampered").unwrap();
    let out3 = v.root().join("changed.zip");
    let e = v
        .store()
        .export(
            "c",
            &snapshot(),
            &out3,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap_err();
    assert!(matches!(e, EvidenceError::ContentChanged { .. }), "{e}");
    assert!(!out3.exists());

    let n = v.root().join("n.zip");
    let e = v
        .store()
        .export(
            "no-such-case",
            &snapshot(),
            &n,
            &NoProgress,
            &CancelFlag::new(),
            now(),
        )
        .unwrap_err();
    assert!(matches!(e, EvidenceError::InvalidInput(_)), "{e}");
}

/// Copies a bundle, letting `edit` change, drop or add entries.
fn rewrite(
    src: &Path,
    dst: &Path,
    edit: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>,
    extra: Option<(&str, &[u8])>,
) {
    let mut z = zip::ZipArchive::new(File::open(src).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(File::create(dst).unwrap());
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        if let Some(bytes) = edit(&name, buf) {
            w.start_file(name.as_str(), SimpleFileOptions::default())
                .unwrap();
            w.write_all(&bytes).unwrap();
        }
    }
    if let Some((name, bytes)) = extra {
        w.start_file(name, SimpleFileOptions::default()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

fn issues_of(path: &Path) -> Vec<BundleIssue> {
    let r = verify_bundle(path, &NoProgress, &CancelFlag::new()).unwrap();
    assert_eq!(r.intact, r.issues.is_empty());
    r.issues
}

#[test]
fn verify_bundle_catches_tampering() {
    let (mut v, _) = populated();
    let (out, _) = export(&mut v, "b.zip");
    let t = tempfile::tempdir().unwrap();
    let p = |n: &str| t.path().join(n);

    // A re-zipped (deflated) but otherwise identical bundle still verifies.
    rewrite(&out, &p("same.zip"), |_, b| Some(b), None);
    assert!(issues_of(&p("same.zip")).is_empty());

    // A changed original.
    rewrite(
        &out,
        &p("changed.zip"),
        |n, b| {
            Some(if n.starts_with("files/01_") {
                b"x".to_vec()
            } else {
                b
            })
        },
        None,
    );
    let i = issues_of(&p("changed.zip"));
    assert!(
        i.iter().any(
            |x| matches!(x, BundleIssue::HashMismatch { path, .. } if path.starts_with("files/01_"))
        ),
        "{i:?}"
    );
    assert!(
        i.iter()
            .any(|x| matches!(x, BundleIssue::ManifestMismatch { field, .. } if field == "sha256")),
        "{i:?}"
    );

    // A missing original and an extra file.
    rewrite(
        &out,
        &p("missing.zip"),
        |n, b| (!n.starts_with("files/02_")).then_some(b),
        Some(("files/99_new.txt", b"added")),
    );
    let i = issues_of(&p("missing.zip"));
    assert!(
        i.iter().any(
            |x| matches!(x, BundleIssue::MissingFile { path } if path.starts_with("files/02_"))
        ),
        "{i:?}"
    );
    assert!(
        i.contains(&BundleIssue::ExtraFile {
            path: "files/99_new.txt".into()
        }),
        "{i:?}"
    );
    assert!(
        i.contains(&BundleIssue::NotInManifest {
            path: "files/99_new.txt".into()
        }),
        "{i:?}"
    );

    // An edited custody entry, with SHA256SUMS recomputed to hide it: the chain catches it.
    let fix_sums = |log: Vec<u8>| {
        move |n: &str, b: Vec<u8>| -> Option<Vec<u8>> {
            if n == "custody-log.jsonl" {
                return Some(log.clone());
            }
            if n == "SHA256SUMS" {
                let text = String::from_utf8(b).unwrap();
                let fixed: String = text
                    .lines()
                    .map(|l| {
                        if l.ends_with("  custody-log.jsonl") {
                            format!("{}  custody-log.jsonl\n", sha256_hex(&log))
                        } else {
                            format!("{l}\n")
                        }
                    })
                    .collect();
                return Some(fixed.into_bytes());
            }
            Some(b)
        }
    };
    let mut z = zip::ZipArchive::new(File::open(&out).unwrap()).unwrap();
    let mut log = String::new();
    z.by_name("custody-log.jsonl")
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let edited = log.replacen(
        "\"at\":\"2024-05-01T06:30:00.000Z\"",
        "\"at\":\"2024-04-01T06:30:00.000Z\"",
        1,
    );
    assert_ne!(edited, log);
    rewrite(&out, &p("log.zip"), fix_sums(edited.into_bytes()), None);
    let i = issues_of(&p("log.zip"));
    assert!(
        i.iter()
            .any(|x| matches!(x, BundleIssue::CustodyEntryAltered { seq: 1 })),
        "{i:?}"
    );

    // A dropped log line.
    let lines: Vec<&str> = log.lines().collect();
    let dropped = format!("{}\n{}\n{}\n", lines[0], lines[2], lines[3]);
    rewrite(&out, &p("drop.zip"), fix_sums(dropped.into_bytes()), None);
    let i = issues_of(&p("drop.zip"));
    assert!(
        i.contains(&BundleIssue::CustodyEntriesMissing {
            from_seq: 2,
            to_seq: 2
        }),
        "{i:?}"
    );
    assert!(
        i.iter()
            .any(|x| matches!(x, BundleIssue::ItemNotInCustodyLog { .. })),
        "{i:?}"
    );

    // Not a zip at all / no such file: a clear error.
    std::fs::write(p("junk.zip"), b"not a zip").unwrap();
    assert!(matches!(
        verify_bundle(&p("junk.zip"), &NoProgress, &CancelFlag::new()),
        Err(EvidenceError::BadBundle { .. })
    ));
    assert!(matches!(
        verify_bundle(&p("none.zip"), &NoProgress, &CancelFlag::new()),
        Err(EvidenceError::NotFound { .. })
    ));
}
