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

use chrono::{Duration as Span, TimeZone, Utc};
use tuilu_core::rules::Facts;
use tuilu_core::vault::{StepAction, TransitionOptions, Vault};
use tuilu_core::{load_bundled, Scenario};

fn twenty_step_pack() -> Scenario {
    let src_note = r#"source = { seed = "bench", quote = "bench", confidence = "low", last_reviewed = "2026-11-21" }"#;
    let mut toml = String::from(
        r#"id = "bench.twenty-steps"
platform = "bench"
version = "1.0.0"
last_reviewed = "2026-11-21"
title = { zh = "基准：二十步", en = "Benchmark: twenty steps" }
"#,
    );
    let units = ["working_days", "natural_days", "hours"];
    for i in 0..20 {
        toml.push_str(&format!(
            "\n[[steps]]\nid = \"s{i:02}\"\ntitle = {{ zh = \"步骤 {i}\", en = \"Step {i}\" }}\n\
             instructions = {{ zh = \"做第 {i} 步。\", en = \"Do step {i}.\" }}\nchannel = \"app\"\n{src_note}\n"
        ));
        if i > 0 {
            toml.push_str(&format!("depends_on = [\"s{:02}\"]\n", i - 1));
        }
        if i % 2 == 1 {
            let unit = units[i % 3];
            let (min, max) = if unit == "hours" { (24, 72) } else { (3, 15) };
            toml.push_str(&format!(
                "duration = {{ unit = \"{unit}\", min = {min}, max = {max}, starts_on = {{ zh = \"提交\", en = \"submission\" }}, sense = \"deadline\" }}\n"
            ));
        }
    }
    Scenario::from_toml_str("bench.toml", &toml).expect("bench pack is valid")
}

struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Creates `n` cases over `scenarios`, each part-way through: some steps done, then the
/// next ones submitted until a dependency stops it (running clocks).
fn populate(dir: &std::path::Path, scenarios: &[&Scenario], n: usize) -> usize {
    let t0 = Utc.with_ymd_and_hms(2026, 10, 1, 2, 0, 0).unwrap();
    let v = Vault::open(dir, t0).unwrap();
    v.with_connection(|c| {
        c.execute_batch("PRAGMA synchronous = OFF")?;
        Ok(())
    })
    .unwrap();
    let mut rng = Lcg(42);
    let mut steps_total = 0;
    for i in 0..n {
        let sc = scenarios[i % scenarios.len()];
        let case = v.create_case(sc, &Facts::new(), t0).unwrap();
        steps_total += case.steps.len();
        let ids: Vec<String> = case.steps.iter().map(|s| s.id.clone()).collect();
        let done = rng.below(ids.len().max(1));
        let mut t = t0;
        for (k, step) in ids.iter().enumerate() {
            t += Span::hours(3);
            let opts = TransitionOptions {
                at: Some(t),
                ..Default::default()
            };
            let action = if k < done {
                StepAction::Done
            } else {
                StepAction::Submit
            };
            // Submits of steps whose dependencies are not done are refused: fine.
            if v.transition(&case.id, step, action, &opts, t + Span::days(60))
                .is_err()
                || k > done + 2
            {
                break;
            }
        }
    }
    v.with_connection(|c| {
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        Ok(())
    })
    .unwrap();
    steps_total
}

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
