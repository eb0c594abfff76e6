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
    // The reminders count from the same chained start.
    let subjects = tuilu_core::reminders::subjects_for_vault(&v).unwrap();
    let reminded = subjects
        .iter()
        .find(|s| s.step_id == "non_compete_period")
        .expect("the non-compete is reminded");
    assert_eq!(reminded.clock_started_at, d.clock_start);
    assert_eq!(reminded.deadline, d.deadline_utc);
    assert_eq!(subjects, tuilu_core::reminders::subjects_for_case(&view));
}

/// Issue 27 N17: once the event that starts a counted wait has happened (the steps it
/// waits for are done), the case shows the wait's date without the user marking the wait
/// itself: leaving the WeChat fan group starts the 24 hours in which the membership must
/// lapse. Marking the wait submitted at another time corrects the start.
#[test]
fn a_wait_runs_from_the_step_it_waits_for_without_an_extra_tap() {
    let dir = tempfile::tempdir().unwrap();
    let v = Vault::open(&dir.path().join("vault"), t0()).unwrap();
    let book = load_bundled().unwrap();
    let s = book.get("wechat-channels.fan-group-exit").unwrap();
    let facts: Facts = [
        ("has_paid_membership".to_string(), FactValue::Bool(true)),
        ("membership_fee".to_string(), FactValue::Money(3000)),
    ]
    .into_iter()
    .collect();
    let case = v.create_case(s, &facts, t0()).unwrap();
    let lapse = |view: &tuilu_core::vault::CaseView| {
        view.steps
            .iter()
            .find(|s| s.id == "membership_lapse")
            .unwrap()
            .deadline
            .clone()
    };
    // Before leaving, nothing runs.
    assert!(lapse(&v.case(&case.id, t0()).unwrap()).is_none());
    let view = v.case(&case.id, t0()).unwrap();
    let before: Vec<String> = view
        .steps
        .iter()
        .take_while(|s| s.id != "exit_fan_group")
        .map(|s| s.id.clone())
        .collect();
    for id in before {
        v.transition(&case.id, &id, A::Done, &at(t0()), t0())
            .unwrap();
    }
    let left = t0() + Duration::hours(1);
    v.transition(&case.id, "exit_fan_group", A::Done, &at(left), left)
        .unwrap();
    let view = v.case(&case.id, left).unwrap();
    let d = lapse(&view).expect("the 24 hours run from leaving the group");
    assert_eq!(d.clock_start, left);
    assert_eq!(d.deadline_utc, left + Duration::hours(24));
    // Correcting the start: submitted at another time, the clock follows it.
    let later = left + Duration::hours(2);
    v.transition(&case.id, "membership_lapse", A::Submit, &at(later), later)
        .unwrap();
    let d = lapse(&v.case(&case.id, later).unwrap()).unwrap();
    assert_eq!(d.clock_start, later);
}
