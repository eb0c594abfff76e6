//! Case deadlines chain like plan timelines (issue 12): a step's clock starts when it is
//! submitted, but never before the periods it waits for have ended, in the case view, in
//! the transition outcome and in the case list alike.

use chrono::{DateTime, Duration, TimeZone, Utc};
use tuilu_core::rules::Facts;
use tuilu_core::vault::{StepAction as A, TransitionOptions, Vault};
use tuilu_core::{load_bundled, FactValue};

fn t0() -> DateTime<Utc> {
    // 2026-12-01 10:00 Beijing.
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}

fn at(t: DateTime<Utc>) -> TransitionOptions {
    TransitionOptions {
        at: Some(t),
        ..Default::default()
    }
}

#[test]
fn the_non_compete_clock_waits_for_the_notice_period_even_if_marked_done_early() {
    let dir = tempfile::tempdir().unwrap();
    let v = Vault::open(&dir.path().join("vault"), t0()).unwrap();
    let book = load_bundled().unwrap();
    let s = book.get("kuaishou.live-exit").unwrap();
    let facts: Facts = [
        ("fans".to_string(), FactValue::Integer(600_000)),
        ("has_mcn_contract".to_string(), FactValue::Bool(true)),
        ("has_non_compete".to_string(), FactValue::Bool(true)),
        (
            "mcn_exit_choice".to_string(),
            FactValue::Enum("terminate".to_string()),
        ),
        // Keeping the account: no deregistration blockers to clear first.
        (
            "exit_mode".to_string(),
            FactValue::Enum("keep_account".to_string()),
        ),
    ]
    .into_iter()
    .collect();
    let case = v.create_case(s, &facts, t0()).unwrap();
    let day1 = t0() + Duration::days(1);
    v.transition(&case.id, "mcn_written_notice", A::Submit, &at(t0()), t0())
        .unwrap();
    // The user ticks the notice off a day later, long before its 30 days are over.
    v.transition(&case.id, "mcn_written_notice", A::Done, &at(day1), day1)
        .unwrap();
    v.transition(&case.id, "check_non_compete", A::Done, &at(day1), day1)
        .unwrap();
    let out = v
        .transition(&case.id, "non_compete_period", A::Submit, &at(day1), day1)
        .unwrap();
    let d = out.deadline.expect("the non-compete has a clock");
    // Notice: 2026-12-01 + 30 days = 12-31; the non-compete (6 months to 1 year) counts
    // from there, not from the day the notice was ticked off.
    assert_eq!(d.clock_start.to_rfc3339(), "2026-12-31T15:59:59+00:00");
    let last = d.latest_date.to_string();
    assert_eq!(last, "2027-12-31");

    let view = v.case(&case.id, day1).unwrap();
    let step = view
        .steps
        .iter()
        .find(|s| s.id == "non_compete_period")
        .unwrap();
    assert_eq!(
        step.deadline.as_ref().unwrap().latest_date.to_string(),
        last
    );
    let list = v.list_cases(false, day1).unwrap();
    assert!(list[0].next_deadline.is_some());
}
