//! Benchmark: load and validate every bundled pack; evaluate plans with packs loaded.
//! Targets (issue 2): load < 2 ms, evaluate < 50 µs.
//!
//! Run: `cargo run --release -p tuilu-core --example bench_rules`

use std::hint::black_box;
use std::time::{Duration, Instant};

use tuilu_core::{evaluate_plan, load_bundled, Facts};

fn per_call(total: Duration, n: u32) -> f64 {
    total.as_secs_f64() * 1e6 / n as f64
}

fn main() {
    // Load (parse + validate + compile) all bundled packs.
    let _warm = load_bundled().expect("bundled packs are valid");
    let n = 200;
    let start = Instant::now();
    for _ in 0..n {
        black_box(load_bundled().unwrap());
    }
    let load_us = per_call(start.elapsed(), n);
    let book = load_bundled().unwrap();
    println!(
        "load all {} bundled packs: {:.0} µs per load ({:.3} ms; target < 2 ms)",
        book.scenarios().len(),
        load_us,
        load_us / 1000.0
    );

    // Evaluate each scenario with nothing answered (the most work: open facts are explored)
    // and with every bool fact answered.
    let mut worst: f64 = 0.0;
    for s in book.scenarios() {
        for (label, facts) in [
            ("no facts", Facts::new()),
            ("answered", {
                let pairs: Vec<(&str, &str)> = s
                    .pack
                    .facts
                    .iter()
                    .filter_map(|f| match f.kind {
                        tuilu_core::rules::pack::FactType::Bool => Some((f.id.as_str(), "true")),
                        tuilu_core::rules::pack::FactType::Integer => {
                            Some((f.id.as_str(), "600000"))
                        }
                        tuilu_core::rules::pack::FactType::Money => Some((f.id.as_str(), "1000")),
                        tuilu_core::rules::pack::FactType::Enum => {
                            Some((f.id.as_str(), f.options[0].value.as_str()))
                        }
                        _ => None,
                    })
                    .collect();
                s.parse_fact_pairs(pairs).unwrap()
            }),
        ] {
            let n = 20_000;
            let start = Instant::now();
            for _ in 0..n {
                black_box(evaluate_plan(s, black_box(&facts)).unwrap());
            }
            let us = per_call(start.elapsed(), n);
            worst = worst.max(us);
            println!(
                "evaluate {:<34} {:<9} {:>7.2} µs per plan",
                s.id(),
                label,
                us
            );
        }
    }
    println!("worst evaluate: {worst:.2} µs (target < 50 µs)");
}
