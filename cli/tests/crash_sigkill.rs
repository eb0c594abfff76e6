//! Crash safety: `tuilu step` processes are killed with SIGKILL at random moments while
//! they write. Afterwards the database passes `PRAGMA integrity_check`, every transition
//! the CLI reported (exit 0 with its JSON) is in the journal, and every step's state is
//! exactly what its journal says.
//!
//! Reproduce a run with `TUILU_KILL_SEED=<seed printed on failure>`.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;
use tuilu_core::vault::{StepStatus, Vault};

/// Reported transitions needed; at most this many processes in all.
const REPORTED_TARGET: usize = 220;
const MAX_SPAWNS: usize = 1500;
const CASES: usize = 2;

/// Through the Xingtu plan and back by undo: 14 actions, all valid in order.
const CYCLE: &[(&str, &str)] = &[
    ("record_task_state", "start"),
    ("record_task_state", "done"),
    ("cancel_task", "start"),
    ("cancel_task", "submit"),
    ("cancel_task", "done"),
    ("await_confirmation", "start"),
    ("await_confirmation", "done"),
    ("await_confirmation", "undo"),
    ("await_confirmation", "undo"),
    ("cancel_task", "undo"),
    ("cancel_task", "undo"),
    ("cancel_task", "undo"),
    ("record_task_state", "undo"),
    ("record_task_state", "undo"),
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn tuilu(vault: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tuilu"));
    c.arg("--vault")
        .arg(vault)
        .arg("--json")
        .args(args)
        .env_remove("TUILU_VAULT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

struct Reported {
    case: String,
    step: String,
    action: String,
    to: String,
}

#[test]
fn sigkill_during_transitions_loses_nothing_reported() {
    let seed = std::env::var("TUILU_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| Utc::now().timestamp_nanos_opt().unwrap_or(1) as u64 | 1);
    eprintln!("TUILU_KILL_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();

    let cases: Vec<String> = (0..CASES)
        .map(|_| {
            let out = tuilu(vault, &["case", "new", "douyin.xingtu-task-cancel"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect();

    let started = Instant::now();
    let mut reported: HashMap<i64, Reported> = HashMap::new();
    let (mut spawns, mut killed, mut refused) = (0usize, 0usize, 0usize);
    let mut position = [0usize; CASES];
    while (reported.len() < REPORTED_TARGET || killed < 40) && spawns < MAX_SPAWNS {
        // One process per case at a time, running concurrently with the others.
        let mut running: Vec<(usize, Child, Option<Duration>)> = Vec::new();
        for (i, case) in cases.iter().enumerate() {
            let (step, action) = CYCLE[position[i] % CYCLE.len()];
            position[i] += 1;
            let child = tuilu(vault, &["step", case, step, action]).spawn().unwrap();
            // About 40 % of the processes get a SIGKILL 0-8 ms after they start (a run
            // takes a few milliseconds, so kills land before, during and after the write).
            let kill_after = (rng.below(100) < 40).then(|| Duration::from_micros(rng.below(8_000)));
            running.push((i, child, kill_after));
            spawns += 1;
        }
        let t0 = Instant::now();
        let mut order: Vec<usize> = (0..running.len()).collect();
        order.sort_by_key(|&k| running[k].2);
        for k in order {
            if let Some(after) = running[k].2 {
                if let Some(left) = after.checked_sub(t0.elapsed()) {
                    std::thread::sleep(left);
                }
                // Child::kill is SIGKILL on Unix; an already finished child is fine.
                let _ = running[k].1.kill();
            }
        }
        for (i, child, _) in running {
            let out = child.wait_with_output().unwrap();
            if out.status.success() {
                let v: Value = serde_json::from_slice(&out.stdout)
                    .unwrap_or_else(|e| panic!("seed {seed}: exit 0 without JSON: {e}"));
                let seq = v["seq"].as_i64().unwrap();
                assert_eq!(v["case_id"], cases[i].as_str());
                let prev = reported.insert(
                    seq,
                    Reported {
                        case: cases[i].clone(),
                        step: v["step"].as_str().unwrap().to_string(),
                        action: v["action"].as_str().unwrap().to_string(),
                        to: v["to"].as_str().unwrap().to_string(),
                    },
                );
                assert!(prev.is_none(), "seed {seed}: seq {seq} reported twice");
            } else if out.status.code().is_none() {
                killed += 1;
            } else {
                // Refused (the state differs from the script after a kill) or busy.
                refused += 1;
            }
        }
    }
    eprintln!(
        "{spawns} processes: {} reported, {killed} killed, {refused} refused, {:?}",
        reported.len(),
        started.elapsed()
    );
    assert!(
        reported.len() >= 200,
        "seed {seed}: only {} reported",
        reported.len()
    );
    assert!(
        killed >= 20,
        "seed {seed}: only {killed} processes were killed"
    );

    let v = Vault::open(vault, Utc::now()).unwrap();
    assert_eq!(v.integrity_check().unwrap(), ["ok"], "seed {seed}");
    let (mut journal_seqs, mut unreported) = (0, 0);
    for case in &cases {
        let journal = v.journal(case).unwrap();
        let mut latest: HashMap<String, StepStatus> = HashMap::new();
        for e in &journal {
            if let (Some(step), Some(to)) = (&e.step, e.to_status) {
                latest.insert(step.clone(), to);
            }
            if let Some(r) = reported.get(&e.seq) {
                assert_eq!(&r.case, case, "seed {seed}: seq {}", e.seq);
                assert_eq!(Some(r.step.as_str()), e.step.as_deref());
                assert_eq!(Some(r.action.as_str()), e.action.map(|a| a.as_str()));
                assert_eq!(Some(r.to.as_str()), e.to_status.map(|s| s.as_str()));
                journal_seqs += 1;
            } else if e.step.is_some() {
                // Committed by a process killed before it could report.
                unreported += 1;
            }
        }
        let view = v.case(case, Utc::now()).unwrap();
        for s in &view.steps {
            let expected = latest.get(&s.id).copied().unwrap_or(StepStatus::Todo);
            assert_eq!(s.status, expected, "seed {seed}: step {} of {case}", s.id);
        }
    }
    eprintln!("{unreported} transitions committed by processes killed before reporting");
    assert_eq!(
        journal_seqs,
        reported.len(),
        "seed {seed}: a reported transition is missing from the journal"
    );
}
