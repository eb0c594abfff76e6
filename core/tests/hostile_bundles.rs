//! `verify_bundle` against zips made to hurt: bombs, escaping names, duplicates, lying
//! sizes, a directory that disagrees with the local headers, 100,000 entries. Each gets a
//! clear verdict, quickly, in bounded memory.

mod evidence_support;

use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use evidence_support::*;
use serde_json::json;
use tuilu_core::evidence::{
    verify_bundle_reader, BundleIssue, BundleReport, CancelFlag, CaseSnapshot, NoProgress,
};
use tuilu_core::limits::MAX_BUNDLE_ENTRIES;
use tuilu_core::Lang;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// The entries of a real bundle exported from a vault with two items.
fn real_entries() -> Vec<(String, Vec<u8>)> {
    let mut v = Vault::new();
    v.add("c", Some("s1"), "聊天.txt", b"chat log");
    v.add(
        "c",
        Some("s1"),
        "IMG_0001.JPG",
        &jpeg_with_exif("2024:04:30 21:15:07", None),
    );
    let snapshot: CaseSnapshot = serde_json::from_value(json!({
        "case": { "title": "公会退会", "facts": {}, "plan": [{ "id": "s1", "title": "申请结算" }], "deadlines": [] },
        "events": [],
        "story": { "scenario_title": { "zh": "公会退会", "en": "Guild exit" } },
    }))
    .unwrap();
    let out = v.root().join("b.zip");
    v.store()
        .export("c", &snapshot, &out, &NoProgress, &CancelFlag::new(), now())
        .unwrap();
    let mut a = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().into_owned(), b)
        })
        .filter(|(n, _)| !n.ends_with('/'))
        .collect()
}

fn zip_of(entries: &[(String, Vec<u8>, CompressionMethod)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes, method) in entries {
        let opts = SimpleFileOptions::default()
            .compression_method(*method)
            .large_file(bytes.len() >= u32::MAX as usize);
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The real bundle's entries (stored) plus `extra`.
fn bundle_with(extra: Vec<(String, Vec<u8>, CompressionMethod)>) -> Vec<u8> {
    let mut all: Vec<_> = real_entries()
        .into_iter()
        .map(|(n, b)| (n, b, CompressionMethod::Stored))
        .collect();
    all.extend(extra);
    zip_of(&all)
}

/// Verifies, and checks it took under `limit`.
fn verify_within(bytes: &[u8], limit: Duration) -> BundleReport {
    let start = Instant::now();
    let r = verify_bundle_reader(
        Cursor::new(bytes),
        "hostile.zip",
        &NoProgress,
        &CancelFlag::new(),
    )
    .expect("a zip gets a report, not an error");
    let took = start.elapsed();
    assert!(took < limit, "verification took {took:?}");
    assert!(!r.intact || r.issues.is_empty());
    // Every verdict reads in both languages.
    for i in &r.issues {
        assert!(!i.message(Lang::Zh).is_empty() && !i.message(Lang::En).is_empty());
    }
    r
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Offsets of every occurrence of `needle`.
fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

const LOCAL: &[u8] = b"PK\x03\x04";
const CENTRAL: &[u8] = b"PK\x01\x02";

/// The local header and central record of the entry named `name`.
fn headers_of(zip: &[u8], name: &str) -> (usize, usize) {
    let u16_at = |o: usize| u16::from_le_bytes([zip[o], zip[o + 1]]) as usize;
    let local = find_all(zip, LOCAL)
        .into_iter()
        .find(|&o| &zip[o + 30..o + 30 + u16_at(o + 26)] == name.as_bytes())
        .unwrap();
    let central = find_all(zip, CENTRAL)
        .into_iter()
        .find(|&o| &zip[o + 46..o + 46 + u16_at(o + 28)] == name.as_bytes())
        .unwrap();
    (local, central)
}

fn put_u32(zip: &mut [u8], at: usize, v: u32) {
    zip[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn the_real_bundle_rezipped_is_intact() {
    let r = verify_within(&bundle_with(vec![]), secs(5));
    assert!(r.intact, "{:?}", r.issues);
    assert_eq!(r.items, 2);
}

/// 16 MiB of zeros, deflated to about 16 KiB (a ratio near 1,000).
fn bomb_bytes() -> Vec<u8> {
    vec![0u8; 16 << 20]
}

#[test]
fn zip_bomb_with_honest_sizes_is_named_and_not_expanded() {
    let zip = bundle_with(vec![(
        "files/bomb.bin".into(),
        bomb_bytes(),
        CompressionMethod::Deflated,
    )]);
    assert!(zip.len() < 1 << 20, "{} bytes", zip.len());
    let r = verify_within(&zip, secs(2));
    assert!(
        r.issues.iter().any(|i| matches!(i,
            BundleIssue::ZipBomb { path, size, .. } if path == "files/bomb.bin" && *size == 16 << 20)),
        "{:?}",
        r.issues
    );
    assert!(!r.intact);
    assert!(r.bytes_checked < 1 << 20);
}

#[test]
fn zip_bomb_that_lies_about_its_size_is_read_only_to_the_claimed_size() {
    let mut zip = bundle_with(vec![(
        "files/bomb.bin".into(),
        bomb_bytes(),
        CompressionMethod::Deflated,
    )]);
    // Both headers now say the entry holds 10 bytes; it inflates to 16 MiB.
    let (local, central) = headers_of(&zip, "files/bomb.bin");
    put_u32(&mut zip, local + 22, 10);
    put_u32(&mut zip, central + 24, 10);
    let r = verify_within(&zip, secs(2));
    assert!(
        r.issues.iter().any(|i| matches!(i,
            BundleIssue::SizeMismatch { path, declared: 10 } | BundleIssue::UnreadableFile { path, .. }
            if path == "files/bomb.bin")),
        "{:?}",
        r.issues
    );
    assert!(!r.intact);
}

#[test]
fn nested_archive_is_hashed_as_bytes_never_opened() {
    let inner = zip_of(&[("bomb.bin".into(), bomb_bytes(), CompressionMethod::Deflated)]);
    let outer = zip_of(&[(
        "files/inner.zip".into(),
        inner.clone(),
        CompressionMethod::Deflated,
    )]);
    let zip = bundle_with(vec![
        ("files/outer.zip".into(), outer, CompressionMethod::Stored),
        ("files/inner.zip".into(), inner, CompressionMethod::Stored),
    ]);
    let r = verify_within(&zip, secs(2));
    for p in ["files/outer.zip", "files/inner.zip"] {
        assert!(r
            .issues
            .contains(&BundleIssue::ExtraFile { path: p.into() }));
        assert!(r
            .issues
            .contains(&BundleIssue::NotInManifest { path: p.into() }));
    }
    assert!(r.bytes_checked < 1 << 20);
}

#[test]
fn absolute_and_escaping_names_are_unsafe() {
    let names = [
        "/etc/passwd",
        "../escape.txt",
        "files/../../escape.txt",
        "files\\..\\win.txt",
        "files/./dot.txt",
    ];
    let zip = bundle_with(
        names
            .iter()
            .map(|n| (n.to_string(), b"x".to_vec(), CompressionMethod::Stored))
            .collect(),
    );
    let r = verify_within(&zip, secs(2));
    for n in names {
        assert!(
            r.issues
                .contains(&BundleIssue::UnsafePath { path: n.into() }),
            "{n}: {:?}",
            r.issues
        );
    }
    assert_eq!(
        BundleIssue::UnsafePath {
            path: "/etc/passwd".into()
        }
        .message(Lang::Zh),
        "不安全的路径：/etc/passwd"
    );
}

#[test]
fn duplicate_names_are_named() {
    let mut zip = bundle_with(vec![
        (
            "files/dup-a".into(),
            b"one".to_vec(),
            CompressionMethod::Stored,
        ),
        (
            "files/dup-b".into(),
            b"two".to_vec(),
            CompressionMethod::Stored,
        ),
    ]);
    // Rename the second entry to the first's name, in both headers.
    for o in find_all(&zip, b"files/dup-b") {
        zip[o..o + 11].copy_from_slice(b"files/dup-a");
    }
    let r = verify_within(&zip, secs(2));
    assert!(
        r.issues.contains(&BundleIssue::DuplicateNames),
        "{:?}",
        r.issues
    );
    assert_eq!(
        BundleIssue::DuplicateNames.message(Lang::Zh),
        "压缩包内有重名文件，解压工具可能显示其中任意一个"
    );
}

#[test]
fn entry_holding_other_than_its_claimed_size_is_named() {
    let mut zip = bundle_with(vec![(
        "files/claims.bin".into(),
        noise(100, 1),
        CompressionMethod::Deflated,
    )]);
    // Claims 1,000 bytes in both headers; holds 100.
    let (local, central) = headers_of(&zip, "files/claims.bin");
    put_u32(&mut zip, local + 22, 1000);
    put_u32(&mut zip, central + 24, 1000);
    let r = verify_within(&zip, secs(2));
    assert!(
        r.issues.iter().any(|i| matches!(i,
            BundleIssue::SizeMismatch { path, declared: 1000 } | BundleIssue::UnreadableFile { path, .. }
            if path == "files/claims.bin")),
        "{:?}",
        r.issues
    );
    assert!(!r.intact);
}

#[test]
fn central_directory_disagreeing_with_local_headers_is_named() {
    // A name that differs only in the central directory.
    let mut zip = bundle_with(vec![(
        "files/named-a".into(),
        b"x".to_vec(),
        CompressionMethod::Stored,
    )]);
    let (_, central) = headers_of(&zip, "files/named-a");
    zip[central + 46 + 12] = b'z';
    let r = verify_within(&zip, secs(2));
    assert!(
        r.issues
            .iter()
            .any(|i| matches!(i, BundleIssue::HeadersDisagree { .. })),
        "{:?}",
        r.issues
    );

    // Sizes that differ only in the local header (what a streaming unzip tool reads).
    let mut zip = bundle_with(vec![(
        "files/sized.bin".into(),
        noise(100, 2),
        CompressionMethod::Stored,
    )]);
    let (local, _) = headers_of(&zip, "files/sized.bin");
    put_u32(&mut zip, local + 18, 50);
    put_u32(&mut zip, local + 22, 50);
    let r = verify_within(&zip, secs(2));
    assert!(
        r.issues
            .iter()
            .any(|i| matches!(i, BundleIssue::HeadersDisagree { .. })),
        "{:?}",
        r.issues
    );
}

fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kb| kb / 1024)
}

#[test]
fn a_hundred_thousand_tiny_entries_are_refused_quickly_in_bounded_memory() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for i in 0..100_000 {
        w.start_file(format!("files/{i}"), opts).unwrap();
        w.write_all(b"x").unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    let r = verify_within(&zip, secs(5));
    assert_eq!(
        r.issues,
        vec![BundleIssue::TooManyEntries {
            count: 100_000,
            limit: MAX_BUNDLE_ENTRIES
        }]
    );
    assert_eq!(
        r.issues[0].message(Lang::En),
        "the zip holds 100000 entries, more than the limit of 20000; nothing was checked"
    );
    // The whole test process (every test of this file runs in it) stayed small.
    if let Some(peak) = peak_rss_mib() {
        assert!(peak < 512, "peak RSS {peak} MiB");
    }
}
