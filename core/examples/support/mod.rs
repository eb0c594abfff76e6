//! What the benchmarks share: a generated 20-step scenario and a vault populated with
//! cases part-way through.
#![allow(dead_code)]

use chrono::{Duration as Span, TimeZone, Utc};
use tuilu_core::rules::Facts;
use tuilu_core::vault::{StepAction, TransitionOptions, Vault};
use tuilu_core::Scenario;

/// The 20-step scenario in its authoring form (TOML).
pub fn twenty_step_toml() -> String {
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
    toml
}

/// The 20-step scenario (a generated pack: the bundled ones have fewer steps).
pub fn twenty_step_pack() -> Scenario {
    Scenario::from_toml_str("bench.toml", &twenty_step_toml()).expect("bench pack is valid")
}

pub struct Lcg(pub u64);
impl Lcg {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Creates `n` cases over `scenarios`, each part-way through: some steps done, then the
/// next ones submitted until a dependency stops it (running clocks).
pub fn populate(dir: &std::path::Path, scenarios: &[&Scenario], n: usize) -> usize {
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
