//! Step deadlines under the counting rule (Beijing time).

use chrono::{DateTime, NaiveDate, Utc};
use tuilu_core::calendar::{step_deadline, CalendarError, ChinaCalendar};
use tuilu_core::rules::pack::{DurationDef, DurationUnit};
use tuilu_core::Text;

fn dur(unit: DurationUnit, min: u32, max: u32) -> DurationDef {
    DurationDef {
        unit,
        min,
        max,
        starts_on: Text::new("提交申请", "application submitted"),
        sense: None,
        after: Vec::new(),
        from_fact: None,
        as_said: Text::default(),
        open_end: None,
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn working_day_range_over_national_day() {
    let cal = ChinaCalendar::bundled();
    let start = at("2026-09-30T17:00:00+08:00");
    let dl = step_deadline(&cal, &dur(DurationUnit::WorkingDays, 1, 3), start).unwrap();
    assert_eq!(dl.earliest_date, d("2026-10-08"));
    assert_eq!(dl.latest_date, d("2026-10-10"));
    assert_eq!(dl.earliest_utc, at("2026-10-08T23:59:59+08:00"));
    assert_eq!(dl.deadline_utc, at("2026-10-10T15:59:59Z"));
    assert_eq!(
        dl.deadline_beijing.to_rfc3339(),
        "2026-10-10T23:59:59+08:00"
    );
    assert_eq!(
        dl.earliest_beijing.to_rfc3339(),
        "2026-10-08T23:59:59+08:00"
    );
    assert_eq!(dl.clock_start, start);
    assert!(!dl.estimated);
    assert_eq!(dl.estimate_reason, None);
}

#[test]
fn the_beijing_date_counts_not_the_utc_date() {
    let cal = ChinaCalendar::bundled();
    // 2026-09-17T20:00Z is Friday 2026-09-18 04:00 in Beijing.
    let dl = step_deadline(
        &cal,
        &dur(DurationUnit::WorkingDays, 3, 3),
        at("2026-09-17T20:00:00Z"),
    )
    .unwrap();
    assert_eq!(dl.latest_date, d("2026-09-22"));
    assert_eq!(dl.earliest_date, d("2026-09-22"));
    // Late on Friday evening in Beijing is still Friday.
    let dl = step_deadline(
        &cal,
        &dur(DurationUnit::WorkingDays, 3, 3),
        at("2026-09-18T23:59:59+08:00"),
    )
    .unwrap();
    assert_eq!(dl.latest_date, d("2026-09-22"));
}

#[test]
fn natural_days() {
    let cal = ChinaCalendar::bundled();
    let dl = step_deadline(
        &cal,
        &dur(DurationUnit::NaturalDays, 7, 7),
        at("2026-09-30T17:00:00+08:00"),
    )
    .unwrap();
    assert_eq!(dl.latest_date, d("2026-10-07"));
    assert_eq!(
        dl.deadline_beijing.to_rfc3339(),
        "2026-10-07T23:59:59+08:00"
    );
    assert!(!dl.estimated);
    // 30 days' notice across a leap day.
    let dl = step_deadline(
        &cal,
        &dur(DurationUnit::NaturalDays, 30, 30),
        at("2024-02-15T09:00:00+08:00"),
    )
    .unwrap();
    assert_eq!(dl.latest_date, d("2024-03-16"));
}

#[test]
fn hours_are_exact_instants() {
    let cal = ChinaCalendar::bundled();
    let start = at("2026-09-30T17:00:00+08:00");
    let dl = step_deadline(&cal, &dur(DurationUnit::Hours, 24, 48), start).unwrap();
    assert_eq!(dl.earliest_utc, at("2026-10-01T17:00:00+08:00"));
    assert_eq!(dl.deadline_utc, at("2026-10-02T09:00:00Z"));
    assert_eq!(
        dl.deadline_beijing.to_rfc3339(),
        "2026-10-02T17:00:00+08:00"
    );
    assert_eq!(dl.earliest_date, d("2026-10-01"));
    assert_eq!(dl.latest_date, d("2026-10-02"));
    assert!(!dl.estimated);
    // 7 hours after 17:00 crosses midnight in Beijing.
    let dl = step_deadline(&cal, &dur(DurationUnit::Hours, 7, 7), start).unwrap();
    assert_eq!(dl.latest_date, d("2026-10-01"));
}

#[test]
fn deadlines_in_unknown_years_are_estimates() {
    let cal = ChinaCalendar::bundled();
    let dl = step_deadline(
        &cal,
        &dur(DurationUnit::WorkingDays, 3, 15),
        at("2026-12-18T10:00:00+08:00"),
    )
    .unwrap();
    assert!(dl.estimated);
    assert_eq!(dl.estimate_reason.unwrap().year, 2027);
    assert_eq!(dl.earliest_date, d("2026-12-23"));
    // A range wholly inside known data is not.
    let dl = step_deadline(
        &cal,
        &dur(DurationUnit::WorkingDays, 3, 15),
        at("2026-02-12T10:00:00+08:00"),
    )
    .unwrap();
    assert!(!dl.estimated);
    assert_eq!(dl.earliest_date, d("2026-02-24"));
    // Natural days and hours never depend on the schedule.
    let dl = step_deadline(
        &cal,
        &dur(DurationUnit::NaturalDays, 3, 15),
        at("2027-12-18T10:00:00+08:00"),
    )
    .unwrap();
    assert!(!dl.estimated);
}

#[test]
fn zero_working_days_ends_the_same_day_and_bad_ranges_are_errors() {
    let cal = ChinaCalendar::bundled();
    let dl = step_deadline(
        &cal,
        &dur(DurationUnit::WorkingDays, 0, 0),
        at("2026-10-03T10:00:00+08:00"),
    )
    .unwrap();
    assert_eq!(
        dl.deadline_beijing.to_rfc3339(),
        "2026-10-03T23:59:59+08:00"
    );
    assert_eq!(
        step_deadline(
            &cal,
            &dur(DurationUnit::WorkingDays, 5, 3),
            at("2026-10-03T10:00:00+08:00")
        ),
        Err(CalendarError::InvalidDuration { min: 5, max: 3 })
    );
}
