//! Eight threads writing at once lose nothing: every transition reported as saved is in
//! the journal, and the steps' states are exactly what the journal says.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tuilu_core::rules::{load_pack_file, Facts};
use tuilu_core::vault::{StepAction as A, StepStatus, TransitionOutcome, Vault};
use tuilu_core::Scenario;

const THREADS: usize = 8;

fn pack() -> Scenario {
    load_pack_file(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/packs/vault-demo-1.0.0.toml"),
    )
    .unwrap()
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap()
}

/// A cycle through the demo plan and back by undo: 10 actions, all valid in order.
const CYCLE: &[(&str, A)] = &[
    ("backup", A::Start),
    ("backup", A::Done),
    ("notice", A::Start),
    ("notice", A::Submit),
    ("notice", A::Done),
    ("notice", A::Undo),
    ("notice", A::Undo),
    ("notice", A::Undo),
    ("backup", A::Undo),
    ("backup", A::Undo),
];

/// The journal and the steps table agree: each step's status is the `to_status` of its
/// latest journal entry (or todo); returns the journal's step entries by seq.
fn check_consistent(v: &Vault, case_id: &str) -> HashMap<i64, (String, A, StepStatus)> {
    let journal = v.journal(case_id).unwrap();
    let mut latest: HashMap<String, StepStatus> = HashMap::new();
    let mut by_seq = HashMap::new();
    for e in &journal {
        if let (Some(step), Some(to), Some(action)) = (&e.step, e.to_status, e.action) {
            latest.insert(step.clone(), to);
            by_seq.insert(e.seq, (step.clone(), action, to));
        }
    }
    let case = v.case(case_id, t0()).unwrap();
    for s in case.steps.iter().chain(&case.dropped_steps) {
        let expected = latest.get(&s.id).copied().unwrap_or(StepStatus::Todo);
        assert_eq!(s.status, expected, "step {} of {case_id}", s.id);
    }
    by_seq
}

fn assert_all_present(v: &Vault, case_id: &str, done: &[TransitionOutcome]) {
    let journal = check_consistent(v, case_id);
    for o in done.iter().filter(|o| o.case_id == case_id) {
        let (step, action, to) = journal
            .get(&o.seq)
            .unwrap_or_else(|| panic!("transition {} lost", o.seq));
        assert_eq!((step, *action, *to), (&o.step, o.action, o.to));
    }
}

fn open(dir: &Path) -> Vault {
    Vault::open(dir, t0()).unwrap()
}

#[test]
fn eight_connections_on_their_own_cases_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = pack();
    let ids: Vec<String> = {
        let v = open(dir.path());
        (0..THREADS)
            .map(|_| v.create_case(&p, &Facts::new(), t0()).unwrap().id)
            .collect()
    };
    let handles: Vec<_> = ids
        .iter()
        .cloned()
        .map(|id| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                // Each thread has its own connection: writers meet at SQLite's lock.
                let v = open(&path);
                let mut done = Vec::new();
                for round in 0..4 {
                    for (i, (step, action)) in CYCLE.iter().enumerate() {
                        let now = t0() + Duration::seconds((round * 100 + i) as i64);
                        done.push(
                            v.transition(&id, step, *action, &Default::default(), now)
                                .unwrap_or_else(|e| panic!("{id} {step} {action:?}: {e}")),
                        );
                    }
                }
                done
            })
        })
        .collect();
    let done: Vec<TransitionOutcome> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(done.len(), THREADS * 4 * CYCLE.len());
    let v = open(dir.path());
    assert_eq!(v.integrity_check().unwrap(), ["ok"]);
    for id in &ids {
        assert_all_present(&v, id, &done);
        // 1 creation + every transition.
        assert_eq!(v.journal(id).unwrap().len(), 1 + 4 * CYCLE.len());
    }
}

#[test]
fn eight_threads_on_one_case_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = pack();
    // Shared vault (one connection) and one case: every thread tries every action; the
    // state machine refuses some, and what it accepts must all be there.
    let v = Arc::new(open(dir.path()));
    let facts: Facts = [(
        "has_contract".to_string(),
        tuilu_core::FactValue::Bool(true),
    )]
    .into();
    let id = v.create_case(&p, &facts, t0()).unwrap().id;
    let steps = [
        "backup",
        "notice",
        "wait_review",
        "contract_return",
        "confirm",
    ];
    let actions = [A::Start, A::Submit, A::Done, A::Skip, A::Block, A::Undo];
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (v, id) = (Arc::clone(&v), id.clone());
            std::thread::spawn(move || {
                let mut ok = Vec::new();
                let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (t as u64 + 1);
                for i in 0..60 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let step = steps[(seed % steps.len() as u64) as usize];
                    let action = actions[((seed >> 8) % actions.len() as u64) as usize];
                    let now = t0() + Duration::seconds(i);
                    if let Ok(o) = v.transition(&id, step, action, &Default::default(), now) {
                        ok.push(o);
                    }
                }
                ok
            })
        })
        .collect();
    let done: Vec<TransitionOutcome> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert!(
        done.len() > 20,
        "only {} transitions went through",
        done.len()
    );
    assert_eq!(v.integrity_check().unwrap(), ["ok"]);
    assert_all_present(&v, &id, &done);
    assert_eq!(v.journal(&id).unwrap().len(), 1 + done.len());
    // Seqs are unique: no two writers were handed the same journal entry.
    let mut seqs: Vec<i64> = done.iter().map(|o| o.seq).collect();
    seqs.sort();
    seqs.dedup();
    assert_eq!(seqs.len(), done.len());
    drop(v);
    // Reopened from disk, the same.
    let v = open(dir.path());
    assert_all_present(&v, &id, &done);
}

#[test]
fn eight_connections_on_one_case_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = pack();
    let id = open(dir.path())
        .create_case(&p, &Facts::new(), t0())
        .unwrap()
        .id;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (path, id) = (dir.path().to_path_buf(), id.clone());
            std::thread::spawn(move || {
                let v = open(&path);
                let mut ok = Vec::new();
                for i in 0..40 {
                    let (step, action) = CYCLE[(i + t) % CYCLE.len()];
                    let now = t0() + Duration::seconds(i as i64);
                    if let Ok(o) = v.transition(&id, step, action, &Default::default(), now) {
                        ok.push(o);
                    }
                }
                ok
            })
        })
        .collect();
    let done: Vec<TransitionOutcome> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let v = open(dir.path());
    assert_eq!(v.integrity_check().unwrap(), ["ok"]);
    assert_all_present(&v, &id, &done);
    assert_eq!(v.journal(&id).unwrap().len(), 1 + done.len());
}
