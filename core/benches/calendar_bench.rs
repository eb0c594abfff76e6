//! Calendar benchmark: `cargo bench -p tuilu-core --bench calendar_bench`.
//!
//! Measures `add_working_days` (N in 0..=30), `is_working_day`, `is_working` and
//! `working_days_between` over random dates 2020-01-01..=2027-12-31 (xorshift RNG, inputs
//! generated before timing). Without `--bench` (e.g. under `cargo test --benches`) it runs a
//! short smoke pass.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use tuilu_core::calendar::ChinaCalendar;

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

const INPUTS: usize = 1 << 16;

fn measure(name: &str, min_time: Duration, mut batch: impl FnMut() -> u64) {
    // Warm up.
    black_box(batch());
    let start = Instant::now();
    let mut calls = 0u64;
    let mut sink = 0u64;
    while start.elapsed() < min_time {
        sink = sink.wrapping_add(batch());
        calls += INPUTS as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    black_box(sink);
    println!(
        "{name:<28} {:>8.1} M calls/s  {:>6.1} ns/call  ({calls} calls)",
        calls as f64 / secs / 1e6,
        secs * 1e9 / calls as f64
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let min_time = if full {
        Duration::from_secs(2)
    } else {
        Duration::from_millis(20)
    };

    let cal = ChinaCalendar::bundled();
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
    let span = (last - first).num_days() as u64 + 1;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let dates: Vec<NaiveDate> = (0..INPUTS)
        .map(|_| first + chrono::Days::new(rng.next() % span))
        .collect();
    let ns: Vec<i32> = (0..INPUTS).map(|_| (rng.next() % 31) as i32).collect();
    let others: Vec<NaiveDate> = (0..INPUTS)
        .map(|_| first + chrono::Days::new(rng.next() % span))
        .collect();

    println!("calendar benchmark: random dates 2020–2027, {INPUTS} inputs per batch");
    measure("add_working_days (N<=30)", min_time, || {
        let mut acc = 0u64;
        for (d, n) in dates.iter().zip(&ns) {
            let r = cal.add_working_days(black_box(*d), black_box(*n));
            if let Ok(r) = r {
                acc = acc.wrapping_add(r.date.num_days_from_ce() as u64 + u64::from(r.estimated));
            }
        }
        acc
    });
    measure("is_working_day (DayInfo)", min_time, || {
        let mut acc = 0u64;
        for d in &dates {
            let info = cal.is_working_day(black_box(*d));
            acc = acc.wrapping_add(u64::from(info.working) + u64::from(info.estimated));
        }
        acc
    });
    measure("is_working (bool)", min_time, || {
        let mut acc = 0u64;
        for d in &dates {
            acc = acc.wrapping_add(u64::from(cal.is_working(black_box(*d))));
        }
        acc
    });
    measure("working_days_between", min_time, || {
        let mut acc = 0u64;
        for (a, b) in dates.iter().zip(&others) {
            let c = cal.working_days_between(black_box(*a), black_box(*b));
            acc = acc
                .wrapping_add(c.count as u64)
                .wrapping_add(u64::from(c.estimated));
        }
        acc
    });
    let t = Instant::now();
    let built = black_box(ChinaCalendar::bundled());
    println!(
        "{:<28} {:>8.1} µs (parse bundled JSON + build tables)",
        "ChinaCalendar::bundled()",
        t.elapsed().as_secs_f64() * 1e6
    );
    black_box(built.status().years.len());
}
