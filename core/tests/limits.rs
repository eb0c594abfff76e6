//! The named limits (`tuilu_core::limits`), each at the limit and one past it, with the
//! error or verdict a person (or the app) sees.

#[path = "evidence_support/mod.rs"]
mod evidence_support;

use std::io::{Cursor, Write};

use tuilu_core::evidence::sniff::exif_capture_time;
use tuilu_core::evidence::{
    verify_bundle_reader, verify_bundle_with, BundleIssue, CancelFlag, NoProgress,
};
use tuilu_core::limits::*;
use tuilu_core::rules::bundled::BUNDLED_PACKS;
use tuilu_core::rules::expr::Expr;
use tuilu_core::rules::pack::FactDef;
use tuilu_core::rules::{compile_pack, load_pack_file, FactError, FactValue, Scenario};
use tuilu_core::Lang;
use zip::write::SimpleFileOptions;

fn guild_toml() -> String {
    let b = BUNDLED_PACKS
        .iter()
        .find(|b| b.file == "douyin.guild-exit.toml")
        .unwrap();
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules")
            .join(b.file),
    )
    .unwrap()
}

/// `text` padded to exactly `len` bytes with what the format ignores.
fn pad(text: &str, len: usize, filler: char) -> String {
    let mut s = text.to_string();
    assert!(s.len() <= len);
    while s.len() < len {
        s.push(filler);
    }
    s
}

fn assert_too_large(e: &tuilu_core::PackError, len: usize) {
    let msg = e.to_string();
    assert!(
        msg.contains(&format!("规则包过大：{len} 字节")) && msg.contains("the pack is too large"),
        "{msg}"
    );
}

#[test]
fn pack_at_the_size_limit_loads_and_one_byte_more_is_refused() {
    // TOML: trailing newlines; JSON: trailing spaces.
    let toml = guild_toml();
    let at = pad(&toml, MAX_PACK_BYTES, '\n');
    assert_eq!(
        Scenario::from_toml_str("g.toml", &at).unwrap().id(),
        "douyin.guild-exit"
    );
    let past = pad(&toml, MAX_PACK_BYTES + 1, '\n');
    assert_too_large(
        &Scenario::from_toml_str("g.toml", &past).unwrap_err(),
        MAX_PACK_BYTES + 1,
    );
    assert_too_large(
        &compile_pack("g.toml", &past).unwrap_err(),
        MAX_PACK_BYTES + 1,
    );

    let json = compile_pack("g.toml", &toml).unwrap();
    let at = pad(&json, MAX_PACK_BYTES, ' ');
    assert!(Scenario::from_json_str("g.json", &at).is_ok());
    assert!(compile_pack("g.json", &at).is_ok());
    let past = pad(&json, MAX_PACK_BYTES + 1, ' ');
    assert_too_large(
        &Scenario::from_json_str("g.json", &past).unwrap_err(),
        MAX_PACK_BYTES + 1,
    );

    // A file past the limit is refused without reading it whole.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.toml");
    std::fs::write(&file, pad(&toml, 3 * MAX_PACK_BYTES, '\n')).unwrap();
    assert_too_large(&load_pack_file(&file).unwrap_err(), 3 * MAX_PACK_BYTES);
    std::fs::write(&file, pad(&toml, MAX_PACK_BYTES, '\n')).unwrap();
    assert!(load_pack_file(&file).is_ok());
}

#[test]
fn expression_at_the_length_limit_parses_and_one_byte_more_is_refused() {
    let at = pad("contract_ended && x > 1", MAX_EXPR_BYTES, ' ');
    assert!(Expr::parse(&at).is_ok());
    let past = pad("contract_ended && x > 1", MAX_EXPR_BYTES + 1, ' ');
    assert_eq!(
        Expr::parse(&past).unwrap_err(),
        format!(
            "expression is too long: {} bytes, the limit is {MAX_EXPR_BYTES}",
            MAX_EXPR_BYTES + 1
        )
    );
}

#[test]
fn expression_at_the_depth_limit_parses_and_one_level_more_is_refused() {
    // The tree of `x` is two levels (root, identifier); each bracket adds one.
    let nested = |n: usize| format!("{}x{} > 1", "(".repeat(n), ")".repeat(n));
    let at = nested(MAX_EXPR_DEPTH - 2);
    let e = Expr::parse(&at).unwrap();
    let mut ctx = tuilu_core::rules::expr::FactContext::new();
    ctx.set("x", tuilu_core::rules::expr::ExprValue::Int(3));
    assert!(e.eval_bool(&ctx).unwrap());
    let err = Expr::parse(&nested(MAX_EXPR_DEPTH - 1)).unwrap_err();
    assert!(err.starts_with("expression nests too deeply"), "{err}");
    // Brackets past the limit are refused before the parser sees them.
    let err = Expr::parse(&nested(MAX_EXPR_DEPTH + 1)).unwrap_err();
    assert_eq!(
        err,
        format!(
            "expression nests too deeply: {} levels, the limit is {MAX_EXPR_DEPTH}",
            MAX_EXPR_DEPTH + 1
        )
    );
    // Unary chains deepen the tree without brackets.
    let chain = |n: usize| format!("{}x", "!".repeat(n));
    assert!(Expr::parse(&chain(MAX_EXPR_DEPTH - 2)).is_ok());
    assert!(Expr::parse(&chain(MAX_EXPR_DEPTH * 4))
        .unwrap_err()
        .starts_with("expression nests too deeply"));
}

fn fact(kind: &str) -> FactDef {
    serde_json::from_value(serde_json::json!({
        "id": "note", "type": kind, "prompt": { "zh": "备注", "en": "Note" }
    }))
    .unwrap()
}

#[test]
fn fact_text_at_the_length_limit_is_kept_and_one_character_more_is_refused() {
    let def = fact("text");
    let at = "字".repeat(MAX_FACT_CHARS);
    assert_eq!(
        FactValue::parse_str(&def, &at).unwrap(),
        FactValue::Text(at.clone())
    );
    assert!(FactValue::from_json(&def, &serde_json::json!(at)).is_ok());
    let past = format!("{at}x");
    let err = FactValue::parse_str(&def, &past).unwrap_err();
    assert_eq!(
        err,
        FactError::PastLimit {
            fact: "note".into(),
            limit: tuilu_core::Text::new(
                format!("过长：{} 个字符，上限 {MAX_FACT_CHARS}", MAX_FACT_CHARS + 1),
                format!(
                    "too long: {} characters, the limit is {MAX_FACT_CHARS}",
                    MAX_FACT_CHARS + 1
                ),
            ),
        }
    );
    assert_eq!(
        FactValue::from_json(&def, &serde_json::json!(past)).unwrap_err(),
        err
    );
    // The same limit holds for every type (a megabyte "amount" is not parsed).
    assert!(matches!(
        FactValue::parse_str(&fact("money"), &"1".repeat(MAX_FACT_CHARS + 1)),
        Err(FactError::PastLimit { .. })
    ));
    // What the apps show: the limit in the person's language.
    let shown = tuilu_core::app::fact_error(err, None, Lang::Zh).message(Lang::Zh);
    assert_eq!(
        shown,
        format!(
            "「note」的回答无效：过长：{} 个字符，上限 {MAX_FACT_CHARS}",
            MAX_FACT_CHARS + 1
        )
    );
}

#[test]
fn money_at_one_trillion_yuan_is_kept_and_one_fen_more_is_refused() {
    let def = fact("money");
    let at = FactValue::parse_str(&def, "1000000000000").unwrap();
    assert_eq!(at, FactValue::Money(MAX_MONEY_FEN as i64));
    assert_eq!(FactValue::from_json(&def, &at.to_json()).unwrap(), at);
    assert_eq!(FactValue::parse_str(&def, "10000亿").unwrap(), at);
    assert_eq!(
        FactValue::parse_str(&def, "-1000000000000").unwrap(),
        FactValue::Money(-(MAX_MONEY_FEN as i64))
    );
    let err = FactValue::parse_str(&def, "1000000000000.01").unwrap_err();
    assert_eq!(
        err.to_string(),
        "事实 `note` 的值金额过大：上限 1000000000000.00 元 value for fact `note` is too large an amount: at most 1000000000000.00 yuan"
    );
}

/// A zip of `n` empty stored entries.
fn many_entries(n: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..n {
        w.start_file(format!("files/{i}"), opts).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn verify(bytes: &[u8]) -> tuilu_core::evidence::BundleReport {
    verify_bundle_reader(Cursor::new(bytes), "t.zip", &NoProgress, &CancelFlag::new()).unwrap()
}

#[test]
fn bundle_at_the_entry_limit_is_checked_and_one_entry_more_is_refused() {
    let at = verify(&many_entries(MAX_BUNDLE_ENTRIES));
    assert!(!at
        .issues
        .iter()
        .any(|i| matches!(i, BundleIssue::TooManyEntries { .. })));
    assert_eq!(at.files_checked, MAX_BUNDLE_ENTRIES);
    let past = verify(&many_entries(MAX_BUNDLE_ENTRIES + 1));
    assert_eq!(
        past.issues,
        vec![BundleIssue::TooManyEntries {
            count: MAX_BUNDLE_ENTRIES + 1,
            limit: MAX_BUNDLE_ENTRIES
        }]
    );
    assert!(!past.intact);
    assert_eq!(
        past.issues[0].message(Lang::Zh),
        format!(
            "压缩包内有 {} 个条目，超过上限 {MAX_BUNDLE_ENTRIES}，未作检查",
            MAX_BUNDLE_ENTRIES + 1
        )
    );
}

/// A zip with one entry of `data`, stored or deflated.
fn one_entry(name: &str, data: &[u8], deflate: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    w.start_file(
        name,
        SimpleFileOptions::default().compression_method(method),
    )
    .unwrap();
    w.write_all(data).unwrap();
    w.finish().unwrap().into_inner()
}

fn verify_with(bytes: &[u8], limits: &BundleLimits) -> tuilu_core::evidence::BundleReport {
    verify_bundle_with(
        Cursor::new(bytes),
        "t.zip",
        limits,
        &NoProgress,
        &CancelFlag::new(),
    )
    .unwrap()
}

#[test]
fn bundle_entry_and_total_size_limits_at_and_past() {
    // The defaults are the named constants.
    let d = BundleLimits::default();
    assert_eq!(
        (
            d.max_entries,
            d.max_entry_bytes,
            d.max_total_bytes,
            d.max_ratio,
            d.bomb_check_from
        ),
        (
            MAX_BUNDLE_ENTRIES,
            MAX_BUNDLE_ENTRY_BYTES,
            MAX_BUNDLE_TOTAL_BYTES,
            MAX_BUNDLE_RATIO,
            BOMB_CHECK_FROM
        )
    );
    // Smaller limits reach the same checks with small files.
    let data = evidence_support::noise(1000, 3);
    let zip = one_entry("files/a.bin", &data, false);
    let limits = |entry: u64, total: u64| BundleLimits {
        max_entry_bytes: entry,
        max_total_bytes: total,
        ..BundleLimits::default()
    };
    let at = verify_with(&zip, &limits(1000, 1000));
    assert_eq!(at.files_checked, 1);
    assert_eq!(at.bytes_checked, 1000);
    let past = verify_with(&zip, &limits(999, 1000));
    assert!(past.issues.contains(&BundleIssue::EntryTooLarge {
        path: "files/a.bin".into(),
        size: 1000,
        limit: 999
    }));
    assert_eq!(past.files_checked, 0);
    let past = verify_with(&zip, &limits(1000, 999));
    assert_eq!(
        past.issues,
        vec![BundleIssue::TooLarge {
            total: 1000,
            limit: 999
        }]
    );
}

#[test]
fn bundle_expansion_ratio_at_and_past_the_limit() {
    // 1 MiB of zeros deflates to about 1 KiB: a ratio near 1,000.
    let zeros = vec![0u8; 1 << 20];
    let zip = one_entry("files/zeros.bin", &zeros, true);
    let compressed = {
        let mut a = zip::ZipArchive::new(Cursor::new(&zip)).unwrap();
        let f = a.by_index(0).unwrap();
        f.compressed_size()
    };
    let ratio = (1u64 << 20) / compressed;
    let limits = |max_ratio: u64| BundleLimits {
        max_ratio,
        bomb_check_from: 1 << 20,
        ..BundleLimits::default()
    };
    assert_eq!(verify_with(&zip, &limits(ratio)).files_checked, 1);
    let past = verify_with(&zip, &limits(ratio - 1));
    assert!(past.issues.contains(&BundleIssue::ZipBomb {
        path: "files/zeros.bin".into(),
        size: 1 << 20,
        compressed
    }));
    // Below the size the check starts from, any ratio is read.
    let small = BundleLimits {
        max_ratio: 1,
        bomb_check_from: (1 << 20) + 1,
        ..BundleLimits::default()
    };
    assert_eq!(verify_with(&zip, &small).files_checked, 1);
}

/// A PNG whose `eXIf` chunk's data ends exactly at byte `end` of the file.
fn png_with_exif_ending_at(end: usize) -> Vec<u8> {
    let jpeg = evidence_support::jpeg_with_exif("2024:04:30 21:15:07", None);
    let tiff = &jpeg[12..jpeg.len() - 2];
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |png: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&[0, 0, 0, 0]); // CRC (not checked by readers of EXIF)
    };
    chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    // Padding chunk: its 12 bytes of framing plus data, then eXIf's 8-byte header.
    let pad = end - png.len() - 12 - 8 - tiff.len();
    chunk(&mut png, b"tEXt", &vec![b'a'; pad]);
    png.extend_from_slice(&(tiff.len() as u32).to_be_bytes());
    png.extend_from_slice(b"eXIf");
    png.extend_from_slice(tiff);
    assert_eq!(png.len(), end);
    png.extend_from_slice(&[0, 0, 0, 0]);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn exif_block_within_the_limit_is_read_and_one_byte_past_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().join("at.png");
    std::fs::write(&at, png_with_exif_ending_at(MAX_EXIF_BYTES as usize)).unwrap();
    let past = dir.path().join("past.png");
    std::fs::write(&past, png_with_exif_ending_at(MAX_EXIF_BYTES as usize + 1)).unwrap();
    let head = |p: &std::path::Path| std::fs::read(p).unwrap()[..8192].to_vec();
    let (t, _) = exif_capture_time(&head(&at), "image/png", &at).expect("read within the limit");
    assert_eq!(t.to_rfc3339(), "2024-04-30T13:15:07+00:00");
    // Past the limit the photo gets no EXIF time (the caller's or none), never an error.
    assert_eq!(exif_capture_time(&head(&past), "image/png", &past), None);
}
