//! Writes the seed corpora of the fuzz targets (`fuzz/seeds/<target>/`) from real data:
//! the bundled packs (TOML and compiled JSON) and the expressions inside them, the bundled
//! holiday-year files, a bundle exported by the evidence store, a backup made by
//! `create_backup` (decrypted: the target reads the tar stream inside), and small evidence
//! files. Each seed is at most 64 KiB and each target's seeds at most 1 MiB.
//!
//! `cargo run -p tuilu-core --example fuzz_seeds -- fuzz/seeds`

#[path = "../tests/evidence_support/mod.rs"]
mod evidence_support;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use chrono::{TimeZone, Utc};
use evidence_support::jpeg_with_exif;
use serde_json::json;
use tuilu_core::backup::{create_backup, CreateOptions};
use tuilu_core::evidence::{CancelFlag, CaseSnapshot, EvidenceStore, NewItem, NoProgress};
use tuilu_core::rules::bundled::BUNDLED_PACKS;
use tuilu_core::rules::Facts;
use tuilu_core::vault::Vault;

const MAX_SEED: usize = 64 << 10;
const MAX_TARGET: usize = 1 << 20;

struct Seeds {
    root: PathBuf,
}

impl Seeds {
    fn put(&self, target: &str, name: &str, bytes: &[u8]) {
        assert!(
            bytes.len() <= MAX_SEED,
            "{target}/{name}: {} bytes",
            bytes.len()
        );
        let dir = self.root.join(target);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    }

    fn check_totals(&self) {
        for d in fs::read_dir(&self.root).unwrap() {
            let d = d.unwrap().path();
            let total: u64 = fs::read_dir(&d)
                .unwrap()
                .map(|f| f.unwrap().metadata().unwrap().len())
                .sum();
            assert!(
                total as usize <= MAX_TARGET,
                "{}: {total} bytes",
                d.display()
            );
            println!("{}: {total} bytes", d.display());
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("output folder"));
    let core = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = Seeds { root };

    // Packs: the TOML sources and their compiled JSON.
    let mut expressions: Vec<String> = Vec::new();
    for b in BUNDLED_PACKS {
        let stem = b.file.trim_end_matches(".toml");
        let toml = fs::read(core.join("rules").join(b.file)).unwrap();
        s.put("pack_toml", stem, &toml);
        let json = b.json().unwrap();
        s.put("pack_json", stem, json.as_bytes());
        // Every condition and formula of the pack (the keys the validator parses).
        let tree: serde_json::Value = serde_json::from_str(&json).unwrap();
        collect_expressions(&tree, &mut expressions);
    }
    expressions.sort();
    expressions.dedup();
    for (i, e) in expressions.iter().enumerate() {
        let mut bytes = vec![i as u8];
        bytes.extend_from_slice(e.as_bytes());
        s.put("expression", &format!("{i:03}"), &bytes);
    }

    // Holiday years.
    let mut years: Vec<_> = fs::read_dir(core.join("data/holidays-cn"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    years.sort();
    for y in years {
        let name = y.file_stem().unwrap().to_string_lossy().into_owned();
        s.put("year_file", &name, &fs::read(&y).unwrap());
    }

    // Fact values as people type them; the first byte picks the fact.
    for (i, raw) in [
        "60万",
        "1.5万",
        "¥8,000",
        "8000元",
        "1,280.50",
        "-3.5",
        "600000人",
        "60w",
        "2026-09-30",
        "2026/9/30",
        "2026年9月30日",
        "2026-09-30 17:00",
        "2026-09-30T17:00:00+08:00",
        "是",
        "否",
        "true",
        "季度",
        "client",
        "{\"a\": 1}",
        "\"2026-09-30\"",
    ]
    .iter()
    .enumerate()
    {
        let mut bytes = vec![(i * 7) as u8];
        bytes.extend_from_slice(raw.as_bytes());
        s.put("fact_value", &format!("{i:02}"), &bytes);
    }

    // Evidence files.
    s.put(
        "evidence_file",
        "exif",
        &jpeg_with_exif("2024:04:30 21:15:07", None),
    );
    s.put(
        "evidence_file",
        "exif-offset",
        &jpeg_with_exif("2024:04:30 21:15:07.25", Some("+09:00")),
    );
    s.put(
        "evidence_file",
        "pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
          2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
          3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n%%EOF\n",
    );
    s.put("evidence_file", "mp4", &mp4(600, 1_800_000));
    s.put("evidence_file", "png", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0ceXIfII*\0\x08\0\0\0\0\0\0\0\0\0IEND\xaeB`\x82");
    s.put(
        "evidence_file",
        "text",
        "聊天记录：2024-04-30 你好".as_bytes(),
    );
    s.put("evidence_file", "json", b"{\"messages\": [1, 2]}");
    s.put("evidence_file", "html", b"<!DOCTYPE html><p>hi</p>");

    // A bundle and a backup from a real vault.
    let dir = tempfile::tempdir().unwrap();
    let vault_dir = dir.path().join("vault");
    let now = Utc.with_ymd_and_hms(2026, 5, 1, 2, 0, 0).unwrap();
    let book = tuilu_core::load_bundled().unwrap();
    let v = Vault::open(&vault_dir, now).unwrap();
    let case = v
        .create_case(book.get("douyin.guild-exit").unwrap(), &Facts::new(), now)
        .unwrap()
        .id;
    let snapshot: CaseSnapshot = serde_json::from_value(json!({
        "case": {
            "title": "星图公会退会",
            "facts": {},
            "plan": [{ "id": "s1", "title": "申请结算" }],
            "deadlines": [],
        },
        "events": [],
        "story": { "scenario_title": { "zh": "星图公会退会", "en": "Xingtu guild exit" } },
    }))
    .unwrap();
    for (case_id, name, bytes) in [
        (case.as_str(), "聊天.txt", b"chat log".to_vec()),
        (
            case.as_str(),
            "IMG_0001.JPG",
            jpeg_with_exif("2024:04:30 21:15:07", None),
        ),
        ("other-case", "x.txt", b"other".to_vec()),
    ] {
        v.with_connection_mut(|conn| {
            EvidenceStore::new(conn, &vault_dir).add_bytes(
                &NewItem::import(case_id),
                name,
                &bytes,
                &NoProgress,
                &CancelFlag::new(),
                now,
            )
        })
        .unwrap();
    }
    let bundle = dir.path().join("bundle.zip");
    v.with_connection_mut(|conn| {
        EvidenceStore::new(conn, &vault_dir).export(
            &case,
            &snapshot,
            &bundle,
            &NoProgress,
            &CancelFlag::new(),
            now,
        )
    })
    .unwrap();
    s.put("bundle", "export", &fs::read(&bundle).unwrap());
    drop(v);

    let backup = dir.path().join("backup.age");
    let pass = "fuzz seed passphrase";
    create_backup(
        &vault_dir,
        &backup,
        pass,
        &CreateOptions {
            app_version: "fuzz-seeds".into(),
            scrypt_log_n: Some(10),
        },
        &NoProgress,
        &CancelFlag::new(),
        now,
    )
    .unwrap();
    let d = age::Decryptor::new(fs::File::open(&backup).unwrap()).unwrap();
    let id = age::scrypt::Identity::new(SecretString::from(pass.to_owned()));
    let mut plain = Vec::new();
    d.decrypt(std::iter::once(&id as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut plain)
        .unwrap();
    // The database snapshot makes the real stream large: the seed keeps the manifest and
    // the small entries (evidence originals), with the manifest's list cut to match.
    s.put("backup_stream", "vault", &small_backup_stream(&plain));

    s.check_totals();
}

/// Strings under the keys that hold expressions in a compiled pack.
fn collect_expressions(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    (
                        "when" | "blocks_when" | "value" | "expr" | "formula",
                        serde_json::Value::String(e),
                    ) => out.push(e.clone()),
                    _ => collect_expressions(x, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_expressions(x, out)),
        _ => {}
    }
}

/// The same tar stream without its large entries.
fn small_backup_stream(plain: &[u8]) -> Vec<u8> {
    let mut archive = tar::Archive::new(plain);
    let mut entries = archive.entries().unwrap();
    let mut manifest: serde_json::Value = {
        let mut first = entries.next().unwrap().unwrap();
        let mut json = Vec::new();
        first.read_to_end(&mut json).unwrap();
        serde_json::from_slice(&json).unwrap()
    };
    let mut kept = Vec::new();
    for e in entries {
        let mut e = e.unwrap();
        if e.size() > 4096 {
            continue;
        }
        let path = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        kept.push((path, bytes));
    }
    let list = manifest["entries"].as_array_mut().unwrap();
    list.retain(|m| kept.iter().any(|(p, _)| m["path"] == p.as_str()));
    let mut out = tar::Builder::new(Vec::new());
    let mut add = |path: &str, bytes: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o600);
        h.set_cksum();
        out.append_data(&mut h, path, bytes).unwrap();
    };
    add("manifest.json", &serde_json::to_vec(&manifest).unwrap());
    for (p, b) in &kept {
        add(p, b);
    }
    let out = out.into_inner().unwrap();
    let report =
        tuilu_core::backup::inspect_plain_stream(&out[..], &NoProgress, &CancelFlag::new())
            .expect("the cut stream is still a valid backup");
    assert!(report.entries_checked > 0);
    out
}

/// A minimal MP4: `ftyp`, then `moov` holding a version-0 `mvhd`.
fn mp4(timescale: u32, duration: u32) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&20u32.to_be_bytes());
    out.extend_from_slice(b"ftypisom\0\0\0\0isom");
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&timescale.to_be_bytes());
    mvhd[16..20].copy_from_slice(&duration.to_be_bytes());
    let mvhd_box_len = 8 + mvhd.len() as u32;
    out.extend_from_slice(&(8 + mvhd_box_len).to_be_bytes());
    out.extend_from_slice(b"moov");
    out.extend_from_slice(&mvhd_box_len.to_be_bytes());
    out.extend_from_slice(b"mvhd");
    out.extend_from_slice(&mvhd);
    out
}
