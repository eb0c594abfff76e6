//! The entry points of the fuzz targets in `fuzz/` (one per parser of hostile input).
//!
//! They live here, not in the fuzz crate, so that every input the fuzzer ever found to
//! crash is replayed by the normal suite through the very same code
//! (`core/tests/fuzz_regressions.rs`). Each takes arbitrary bytes, must never panic, hang
//! or allocate without bound, and checks a few invariants of what it parsed (a broken
//! invariant panics, which the fuzzer reports as a crash). See `docs/fuzzing.md`.

use std::io::Cursor;
use std::sync::OnceLock;

use crate::backup::inspect_plain_stream;
use crate::calendar::{import_year, parse_year_file};
use crate::evidence::media::{mp4_duration_ms_in, pdf_page_count_bytes};
use crate::evidence::sniff::{exif_capture_time_bytes, media_type};
use crate::evidence::{verify_bundle_reader, CancelFlag, NoProgress};
use crate::rules::expr::{Expr, ExprValue, FactContext};
use crate::rules::facts::{format_yuan, parse_count, parse_date, parse_datetime, parse_yuan};
use crate::rules::pack::FactDef;
use crate::rules::{compile_pack, evaluate_plan, load_bundled, FactValue, Facts, Scenario};

/// A target's body: arbitrary bytes in, nothing out.
pub type Target = fn(&[u8]);

/// Every target, by name (the fuzz target, the corpus folder and the regression folder
/// share it).
pub const TARGETS: &[(&str, Target)] = &[
    ("pack_json", pack_json),
    ("pack_toml", pack_toml),
    ("expression", expression),
    ("year_file", year_file),
    ("fact_value", fact_value),
    ("evidence_file", evidence_file),
    ("bundle", bundle),
    ("backup_stream", backup_stream),
];

/// A pack whose text is valid compiles to JSON that loads again, and that JSON compiles to
/// itself; a valid pack plans with its defaults.
fn pack_text(text: &str, load: fn(&str, &str) -> Result<Scenario, crate::PackError>) {
    let loaded = load("fuzz", text);
    let compiled = compile_pack("fuzz", text);
    match (&loaded, &compiled) {
        (Ok(scenario), Ok(json)) => {
            let again = Scenario::from_json_str("fuzz", json).expect("compiled pack loads");
            assert_eq!(again.id(), scenario.id());
            assert_eq!(
                &compile_pack("fuzz", json).expect("compiled pack compiles"),
                json,
                "compiling is idempotent"
            );
            let _ = evaluate_plan(scenario, &Facts::new());
        }
        (Err(_), Err(_)) => {}
        (l, c) => panic!(
            "loading and compiling disagree: load ok {}, compile ok {}",
            l.is_ok(),
            c.is_ok()
        ),
    }
}

/// A rule pack in its compiled (JSON) form.
pub fn pack_json(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        pack_text(text, Scenario::from_json_str);
    }
}

/// A rule pack in its authoring (TOML) form.
pub fn pack_toml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        #[cfg(feature = "toml-packs")]
        pack_text(text, Scenario::from_toml_str);
        #[cfg(not(feature = "toml-packs"))]
        let _ = Scenario::from_toml_str("fuzz", text);
    }
}

/// A condition or formula as the rule engine uses it: parsed, checked for assignments and
/// unknown functions, then (only if clean) evaluated with every identifier bound. The
/// first byte picks the values the identifiers get.
pub fn expression(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(source) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(expr) = Expr::parse(source) else {
        return;
    };
    let _ = expr.literal_comparisons();
    let _ = expr.numeric_literals();
    if !expr.structural_problems().is_empty() {
        return;
    }
    let values: [ExprValue; 6] = [
        ExprValue::Int(3),
        ExprValue::Float(0.5),
        ExprValue::Boolean(true),
        ExprValue::String("client".into()),
        ExprValue::Int(i64::MAX),
        ExprValue::Float(f64::NAN),
    ];
    let mut ctx = FactContext::new();
    for (i, id) in expr.identifiers().iter().enumerate() {
        let v = values[(usize::from(pick) + i) % values.len()].clone();
        ctx.set(id, v);
    }
    let _ = expr.eval_bool(&ctx);
    let _ = expr.eval_number(&ctx);
}

/// A holiday-year file. A file that parses imports the same days, and its JSON form parses
/// back to the same year.
pub fn year_file(data: &[u8]) {
    let parsed = parse_year_file(data);
    let imported = import_year(data);
    if let Ok(y) = &parsed {
        let again = parse_year_file(y.to_json().as_bytes()).expect("own JSON parses");
        assert_eq!(&again, y);
        if !y.is_empty() {
            assert_eq!(imported.as_ref().ok(), Some(y));
        }
    }
}

fn bundled_fact_defs() -> &'static [FactDef] {
    static DEFS: OnceLock<Vec<FactDef>> = OnceLock::new();
    DEFS.get_or_init(|| {
        load_bundled()
            .map(|book| {
                book.scenarios()
                    .iter()
                    .flat_map(|s| s.pack.facts.iter().cloned())
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// A fact value typed by hand (`60万`, `2026年9月30日`), for every fact of the bundled
/// packs; the first byte picks the fact. Amounts format and parse back to themselves.
pub fn fact_value(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(raw) = std::str::from_utf8(rest) else {
        return;
    };
    if let Some(fen) = parse_yuan(raw) {
        assert_eq!(parse_yuan(&format_yuan(fen)), Some(fen), "{raw:?}");
    }
    let _ = parse_count(raw);
    let _ = parse_date(raw);
    let _ = parse_datetime(raw);
    let defs = bundled_fact_defs();
    if defs.is_empty() {
        return;
    }
    let def = &defs[usize::from(pick) % defs.len()];
    if let Ok(v) = FactValue::parse_str(def, raw) {
        // What a person typed is stored as JSON and read back the same.
        assert_eq!(FactValue::from_json(def, &v.to_json()).ok(), Some(v));
    }
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(raw.as_bytes()) {
        let _ = FactValue::from_json(def, &json);
    }
}

/// An evidence file: the media type sniffed from its head, its EXIF capture time, a PDF's
/// page count, an MP4's duration.
pub fn evidence_file(data: &[u8]) {
    let head = &data[..data.len().min(8192)];
    let kind = media_type(head, data.len() as u64);
    let _ = exif_capture_time_bytes(data, &kind);
    let _ = exif_capture_time_bytes(data, "image/jpeg");
    let _ = pdf_page_count_bytes(data);
    let _ = mp4_duration_ms_in(Cursor::new(data), data.len() as u64);
}

/// A dispute bundle (zip) from the other side: always a report or a typed error.
pub fn bundle(data: &[u8]) {
    let _ = verify_bundle_reader(
        Cursor::new(data),
        "fuzz.zip",
        &NoProgress,
        &CancelFlag::new(),
    );
}

/// A backup's decrypted tar stream (the age layer authenticates every byte, so mutated
/// input never gets past it; the tar and manifest reader is what a damaged or forged
/// plaintext would reach).
pub fn backup_stream(data: &[u8]) {
    let _ = inspect_plain_stream(data, &NoProgress, &CancelFlag::new());
}
