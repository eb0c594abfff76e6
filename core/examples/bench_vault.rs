//! Benchmark: open a vault holding 1,000 cases of 20 steps and list every case with its
//! next deadline. Target: < 20 ms.
//!
//! ```sh
//! cargo run --release -p tuilu-core --example bench_vault [-- --cases 1000]
//! ```
//!
//! Two vaults are measured:
//! - "20-step": 1,000 cases of a generated 20-step scenario (the bundled packs have fewer
//!   steps), every case part-way through: some steps done, the next one submitted (its
//!   clock running);
//! - "bundled": 1,000 cases spread over every bundled scenario, likewise in progress.
//!
//! Populating turns `synchronous` off (fsync per commit would only slow the set-up); the
//! measured open uses the vault's normal settings.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use tuilu_core::vault::Vault;
use tuilu_core::{load_bundled, Scenario};

mod support;
use support::{populate, twenty_step_pack};

fn measure(label: &str, dir: &std::path::Path, steps_total: usize, cases: usize) {
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap();
    let mut open_times = Vec::new();
    let mut list_times = Vec::new();
    let mut total_times = Vec::new();
    let mut with_deadline = 0;
    let mut overdue = 0;
    for _ in 0..30 {
        let start = Instant::now();
        let v = Vault::open(dir, now).unwrap();
        let opened = start.elapsed();
        let list = v.list_cases(true, now).unwrap();
        let total = start.elapsed();
        assert_eq!(list.len(), cases);
        with_deadline = list.iter().filter(|c| c.next_deadline.is_some()).count();
        overdue = list.iter().filter(|c| c.overdue_steps > 0).count();
        open_times.push(opened);
        list_times.push(total - opened);
        total_times.push(total);
        drop(v);
    }
    let v = Vault::open(dir, now).unwrap();
    let one = v.list_cases(true, now).unwrap()[0].id.clone();
    let start = Instant::now();
    let view = v.case(&one, now).unwrap();
    let show = start.elapsed();
    let size = std::fs::metadata(dir.join(tuilu_core::vault::DB_FILE))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "{label}: {cases} cases, {steps_total} steps ({:.1}/case), {with_deadline} with a running deadline, {overdue} overdue, db {:.1} MiB",
        steps_total as f64 / cases as f64,
        size as f64 / 1048576.0
    );
    println!("  open            {}", stats(&mut open_times));
    println!("  list all cases  {}", stats(&mut list_times));
    println!("  open + list     {}", stats(&mut total_times));
    println!(
        "  show one case ({} steps)  {:.2} ms",
        view.steps.len(),
        ms(show)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(v: &mut [Duration]) -> String {
    v.sort();
    format!(
        "min {:.2} ms  median {:.2} ms  max {:.2} ms  (30 runs)",
        ms(v[0]),
        ms(v[v.len() / 2]),
        ms(v[v.len() - 1])
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut cases = 1000;
    while let Some(a) = args.next() {
        if a == "--cases" {
            cases = args.next().and_then(|n| n.parse().ok()).unwrap_or(cases);
        }
    }
    let tmp = std::env::temp_dir().join(format!("tuilu-bench-{}", std::process::id()));
    let twenty = twenty_step_pack();
    let dir = tmp.join("twenty");
    let start = Instant::now();
    let steps = populate(&dir, &[&twenty], cases);
    println!("populated in {:.1} s", start.elapsed().as_secs_f64());
    measure("20-step", &dir, steps, cases);

    let book = load_bundled().expect("bundled packs are valid");
    let bundled: Vec<&Scenario> = book.scenarios().iter().collect();
    let dir = tmp.join("bundled");
    let steps = populate(&dir, &bundled, cases);
    measure(
        &format!("bundled ({} scenarios)", bundled.len()),
        &dir,
        steps,
        cases,
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
