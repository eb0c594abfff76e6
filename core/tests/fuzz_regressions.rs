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
