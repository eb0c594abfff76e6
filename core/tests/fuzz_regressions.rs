//! Every input the fuzzers ever found to crash, hang or blow up, replayed through the same
//! entry points the fuzz targets call (`tuilu_core::fuzzing`). The inputs live in
//! `fuzz/regressions/<target>/`, one file each, named after the bug; see docs/fuzzing.md.

use std::path::Path;
use std::time::{Duration, Instant};

use tuilu_core::fuzzing::TARGETS;

#[test]
fn every_committed_crash_input_now_runs_clean_and_fast() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut replayed = 0;
    for (name, run) in TARGETS {
        let dir = root.join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let start = Instant::now();
            run(&data);
            // The fuzzers allow 1 s per input in an optimised build; a debug build gets 10.
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{}: took {:?}",
                path.display(),
                start.elapsed()
            );
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no regression inputs found under {}",
        root.display()
    );
}

#[test]
fn every_seed_runs_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    for (name, run) in TARGETS {
        let dir = root.join(name);
        let mut n = 0;
        for e in std::fs::read_dir(&dir).unwrap() {
            run(&std::fs::read(e.unwrap().path()).unwrap());
            n += 1;
        }
        assert!(n > 0, "{name} has no seeds");
    }
}

/// Found by `pack_json`: a tree keeps the last of two equal keys, so `compile_pack` accepted
/// JSON that does not load (and emitted a pack other than the one reviewed).
#[test]
fn a_pack_with_a_duplicate_key_neither_loads_nor_compiles() {
    let b = tuilu_core::rules::bundled::BUNDLED_PACKS
        .iter()
        .find(|b| b.file == "douyin.guild-exit.toml")
        .unwrap();
    let json = b.json().unwrap();
    let dup = json.replacen(
        '{',
        "{\"title\": {\"zh\": \"别的标题\", \"en\": \"Another title\"},",
        1,
    );
    let load = tuilu_core::Scenario::from_json_str("dup.json", &dup).unwrap_err();
    let compile = tuilu_core::rules::compile_pack("dup.json", &dup).unwrap_err();
    assert!(
        load.to_string().contains("duplicate field `title`"),
        "{load}"
    );
    assert_eq!(compile.to_string(), load.to_string());
}

/// Found by `fact_value`: an amount with dozens of digits before `万`/`w` overflowed the
/// scaling (a panic with overflow checks). It is now simply not an amount.
#[test]
fn an_amount_too_long_to_scale_is_not_an_amount() {
    use tuilu_core::rules::facts::{parse_count, parse_yuan};
    let huge = format!("{}万", "9".repeat(38));
    assert_eq!(parse_yuan(&huge), None);
    assert_eq!(parse_count(&huge), None);
    assert_eq!(parse_yuan("1.5万"), Some(1_500_000));
}
