//! China working-day calendar: classification, adding and counting working days.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};
use tuilu_core::calendar::{ChinaCalendar, DayKind, EstimateKind, EstimateReason};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn add(cal: &ChinaCalendar, from: &str, n: i32) -> NaiveDate {
    cal.add_working_days(d(from), n).unwrap().date
}

/// Every listed day of the bundled files, read straight from the JSON: date → (off, name, year).
fn listed_days() -> HashMap<NaiveDate, (bool, String, i32)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/holidays-cn");
    let mut out = HashMap::new();
    for year in 2020..=2027 {
        let text = std::fs::read_to_string(format!("{dir}/{year}.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["year"], year);
        for day in v["days"].as_array().unwrap() {
            let date = d(day["date"].as_str().unwrap());
            let off = day["isOffDay"].as_bool().unwrap();
            let name = day["name"].as_str().unwrap().to_owned();
            assert!(
                out.insert(date, (off, name, year)).is_none(),
                "{date} twice"
            );
        }
    }
    out
}

#[test]
fn issue_examples() {
    let cal = ChinaCalendar::bundled();
    // Fri + 3, Sunday 09-20 is a make-up working day.
    assert_eq!(d("2026-09-18").weekday(), Weekday::Fri);
    assert_eq!(add(&cal, "2026-09-18", 3), d("2026-09-22"));
    // Across National Day; Saturday 10-10 is a make-up working day.
    assert_eq!(add(&cal, "2026-09-30", 3), d("2026-10-10"));
    assert_eq!(d("2026-10-10").weekday(), Weekday::Sat);
    // Across Spring Festival; Saturday 02-14 is a make-up working day.
    assert_eq!(add(&cal, "2026-02-12", 3), d("2026-02-24"));
    for (from, n) in [("2026-09-18", 3), ("2026-09-30", 3), ("2026-02-12", 3)] {
        let r = cal.add_working_days(d(from), n).unwrap();
        assert!(!r.estimated, "{from}");
        assert_eq!(r.estimate_reason, None);
    }
}

#[test]
fn make_up_days_and_holidays_are_classified() {
    let cal = ChinaCalendar::bundled();
    let sun = cal.is_working_day(d("2026-09-20"));
    assert!(sun.working);
    assert_eq!(sun.kind, DayKind::MakeUpWorkday);
    assert_eq!(sun.reason.as_deref(), Some("国庆节"));
    assert!(!sun.estimated);

    let holiday = cal.is_working_day(d("2026-10-05"));
    assert!(!holiday.working);
    assert_eq!(holiday.kind, DayKind::Holiday);

    let plain_sat = cal.is_working_day(d("2026-09-19"));
    assert!(!plain_sat.working);
    assert_eq!(plain_sat.kind, DayKind::Weekend);
    assert_eq!(plain_sat.reason, None);

    let plain_mon = cal.is_working_day(d("2026-09-21"));
    assert!(plain_mon.working);
    assert_eq!(plain_mon.kind, DayKind::Weekday);
}

#[test]
fn every_listed_day_2020_2026_is_classified_as_the_data_says() {
    let cal = ChinaCalendar::bundled();
    let listed = listed_days();
    let mut checked = 0;
    for (date, (off, name, year)) in &listed {
        if !(2020..=2026).contains(year) {
            continue;
        }
        let info = cal.is_working_day(*date);
        assert_eq!(info.working, !off, "{date}");
        assert_eq!(cal.is_working(*date), info.working, "{date}");
        let kind = if *off {
            DayKind::Holiday
        } else {
            DayKind::MakeUpWorkday
        };
        assert_eq!(info.kind, kind, "{date}");
        assert_eq!(info.reason.as_deref(), Some(name.as_str()), "{date}");
        assert!(!info.estimated, "{date}");
        checked += 1;
    }
    assert!(checked > 250, "only {checked} listed days");
}

#[test]
fn unlisted_days_2020_2026_follow_the_weekend_rule() {
    let cal = ChinaCalendar::bundled();
    let listed = listed_days();
    let mut day = d("2020-01-01");
    while day <= d("2026-12-31") {
        if !listed.contains_key(&day) {
            let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let info = cal.is_working_day(day);
            assert_eq!(info.working, weekday, "{day}");
            assert_eq!(cal.is_working(day), weekday, "{day}");
        }
        day = day.succ_opt().unwrap();
    }
}

#[test]
fn known_years_are_not_estimates_except_the_last_week_before_an_unknown_year() {
    let cal = ChinaCalendar::bundled();
    let mut day = d("2020-01-01");
    while day <= d("2026-12-24") {
        assert!(!cal.is_working_day(day).estimated, "{day}");
        day = day.succ_opt().unwrap();
    }
    // 2027's notice is not out: it may move days of late December 2026.
    let late = cal.is_working_day(d("2026-12-28"));
    assert!(late.estimated);
    assert_eq!(
        late.estimate_reason,
        Some(EstimateReason {
            year: 2027,
            kind: EstimateKind::NoDaysListed
        })
    );
}

#[test]
fn year_boundaries() {
    let cal = ChinaCalendar::bundled();
    // 2022-12-31 is listed in the 2023 file (元旦), and honoured.
    let eve = cal.is_working_day(d("2022-12-31"));
    assert_eq!(eve.kind, DayKind::Holiday);
    assert_eq!(eve.reason.as_deref(), Some("元旦"));
    // Fri 2022-12-30 + 1: 12-31, 01-01, 01-02 are off.
    assert_eq!(add(&cal, "2022-12-30", 1), d("2023-01-03"));
    assert_eq!(
        cal.working_days_between(d("2022-12-30"), d("2023-01-03"))
            .count,
        1
    );
    // 2025-12-31 (Wed) + 1: 2026-01-01..03 off, Sunday 01-04 is a make-up day.
    assert_eq!(add(&cal, "2025-12-31", 1), d("2026-01-04"));
    // 2024-12-31 (Tue) + 1: New Year's Day off.
    assert_eq!(add(&cal, "2024-12-31", 1), d("2025-01-02"));
    // 2020-12-31 (Thu) + 1: 2021-01-01 off, then a weekend.
    assert_eq!(add(&cal, "2020-12-31", 1), d("2021-01-04"));
    // Backwards over a boundary: the working day before 2026-01-04 (a make-up Sunday).
    assert_eq!(add(&cal, "2026-01-04", -1), d("2025-12-31"));
    // A whole year of working days.
    assert_eq!(
        cal.working_days_between(d("2025-12-31"), d("2026-12-31"))
            .count,
        (1..=365)
            .filter(|&i| cal.is_working(d("2025-12-31") + chrono::Days::new(i)))
            .count() as i32
    );
}

#[test]
fn leap_days() {
    let cal = ChinaCalendar::bundled();
    // 2020-02-29 is a Saturday (off); 2024-02-29 a Thursday (working).
    assert!(!cal.is_working(d("2020-02-29")));
    assert!(cal.is_working(d("2024-02-29")));
    assert_eq!(add(&cal, "2024-02-28", 1), d("2024-02-29"));
    assert_eq!(add(&cal, "2024-02-29", 1), d("2024-03-01"));
    assert_eq!(add(&cal, "2020-02-28", 1), d("2020-03-02"));
    assert_eq!(
        cal.working_days_between(d("2024-02-27"), d("2024-03-01"))
            .count,
        3
    );
    let nat = |s: &str, n| cal.add_natural_days(d(s), n).unwrap().date;
    assert_eq!(nat("2024-02-28", 1), d("2024-02-29"));
    assert_eq!(nat("2023-02-28", 1), d("2023-03-01"));
    assert_eq!(nat("2024-02-29", 365), d("2025-02-28"));
    assert_eq!(nat("2020-02-29", -1), d("2020-02-28"));
    // 2028 is an unknown leap year: weekend rule, estimated.
    let leap = cal.is_working_day(d("2028-02-29"));
    assert!(leap.working && leap.estimated);
}

#[test]
fn unknown_years_are_estimates_with_a_reason() {
    let cal = ChinaCalendar::bundled();
    // 2027: a file with no days.
    let info = cal.is_working_day(d("2027-10-01")); // a Friday
    assert!(info.working, "weekend rule only");
    assert!(info.estimated);
    assert_eq!(
        info.estimate_reason,
        Some(EstimateReason {
            year: 2027,
            kind: EstimateKind::NoDaysListed
        })
    );
    let text = info.estimate_reason.unwrap().to_string();
    assert!(text.contains("2027"), "{text}");

    let r = cal.add_working_days(d("2027-09-30"), 3).unwrap();
    assert_eq!(r.date, d("2027-10-05"));
    assert!(r.estimated);
    assert_eq!(r.estimate_reason.unwrap().year, 2027);

    // Crossing from a known year into 2027.
    let r = cal.add_working_days(d("2026-12-21"), 10).unwrap();
    assert!(r.estimated);
    assert_eq!(r.estimate_reason.unwrap().year, 2027);

    // 2028: no file at all (still inside the table).
    let r = cal.add_working_days(d("2028-05-01"), 5).unwrap();
    assert_eq!(r.date, d("2028-05-08"));
    assert!(r.estimated);
    assert_eq!(
        r.estimate_reason,
        Some(EstimateReason {
            year: 2028,
            kind: EstimateKind::NoData
        })
    );
    let c = cal.working_days_between(d("2028-01-01"), d("2028-12-31"));
    assert_eq!(c.count, 260);
    assert!(c.estimated);

    // Far outside the table, both sides.
    let r = cal.add_working_days(d("2035-06-01"), 10).unwrap();
    assert_eq!(r.date, d("2035-06-15"));
    assert_eq!(r.estimate_reason.unwrap().year, 2035);
    let r = cal.add_working_days(d("2010-06-01"), 10).unwrap();
    assert_eq!(r.date, d("2010-06-15"));
    assert_eq!(
        r.estimate_reason,
        Some(EstimateReason {
            year: 2010,
            kind: EstimateKind::NoData
        })
    );
    let info = cal.is_working_day(d("2035-06-02"));
    assert!(info.estimated && !info.working);

    // A span entirely in known data is not an estimate even if its start day is unknown.
    let r = cal.add_working_days(d("2027-06-01"), 0).unwrap();
    assert!(!r.estimated);
}

#[test]
fn adding_zero_and_negative_days() {
    let cal = ChinaCalendar::bundled();
    assert_eq!(add(&cal, "2026-10-03", 0), d("2026-10-03"));
    // The working day before Thu 10-08 is Wed 09-30 (10-01..07 are off).
    assert_eq!(add(&cal, "2026-10-08", -1), d("2026-09-30"));
    assert_eq!(add(&cal, "2026-09-22", -3), d("2026-09-18"));
    assert_eq!(add(&cal, "2026-09-21", -1), d("2026-09-20"));
    assert_eq!(
        cal.working_days_between(d("2026-10-10"), d("2026-09-30"))
            .count,
        -3
    );
}

#[test]
fn huge_counts_are_errors_not_panics() {
    let cal = ChinaCalendar::bundled();
    assert!(cal.add_working_days(d("2026-01-01"), i32::MAX).is_err());
    assert!(cal.add_working_days(d("2026-01-01"), i32::MIN).is_err());
    assert!(cal.add_natural_days(NaiveDate::MAX, 1).is_err());
    let far = cal.working_days_between(NaiveDate::MIN, NaiveDate::MAX);
    assert!(far.count > 0 && far.estimated);
}

/// xorshift64*
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn add_and_between_are_consistent_and_match_a_day_by_day_count() {
    let cal = ChinaCalendar::bundled();
    let base = d("2017-01-01");
    let span = (d("2031-12-31") - base).num_days() as u64;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let from = base + chrono::Days::new(rng.below(span));
        let n = rng.below(61) as i32;
        let e = cal.add_working_days(from, n).unwrap().date;
        assert_eq!(cal.working_days_between(from, e).count, n, "{from} + {n}");
        if n > 0 {
            assert!(cal.is_working(e), "{from} + {n} = {e}");
            assert!(e > from);
            // The earliest such date.
            let prev = e.pred_opt().unwrap();
            assert_eq!(cal.working_days_between(from, prev).count, n - 1);
            // Backwards gives the n-th working day before e.
            let back = cal.add_working_days(e, -n).unwrap().date;
            assert!(back <= from, "{e} - {n} = {back} > {from}");
            assert_eq!(cal.working_days_between(back, e).count, n);
        } else {
            assert_eq!(e, from);
        }
        // Day-by-day count for a random pair.
        let to = from + chrono::Days::new(rng.below(90));
        let mut count = 0;
        let mut estimated = false;
        let mut x = from;
        while x < to {
            x = x.succ_opt().unwrap();
            let info = cal.is_working_day(x);
            count += i32::from(info.working);
            estimated |= info.estimated;
        }
        let c = cal.working_days_between(from, to);
        assert_eq!(c.count, count, "between {from} {to}");
        assert_eq!(c.estimated, estimated, "estimated {from} {to}");
        assert_eq!(cal.working_days_between(to, from).count, -count);
    }
}
