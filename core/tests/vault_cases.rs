//! Cases in the vault: state machine, journal and undo, re-planning, upgrades, deadlines.

use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tuilu_core::rules::{load_pack_file, Facts};
use tuilu_core::vault::{StepAction as A, StepStatus as S, TransitionOptions, Vault, VaultError};
use tuilu_core::{FactValue, Scenario};

fn pack(version: &str) -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/packs")
        .join(format!("vault-demo-{version}.toml"));
    load_pack_file(&path).expect("test pack is valid")
}

fn t0() -> DateTime<Utc> {
    // Friday 2026-11-20 02:00 UTC = 10:00 Beijing.
    Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap()
}

fn facts(pairs: &[(&str, FactValue)]) -> Facts {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn at(t: DateTime<Utc>) -> TransitionOptions {
    TransitionOptions {
        at: Some(t),
        ..Default::default()
    }
}

fn open() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::open(&dir.path().join("vault"), t0()).unwrap();
    (dir, vault)
}

#[test]
fn a_new_case_is_planned_with_every_step_todo() {
    let (_d, v) = open();
    let case = v.create_case(&pack("1.0.0"), &Facts::new(), t0()).unwrap();
    assert_eq!(case.id.len(), 10);
    assert_eq!(case.scenario, "test.vault-demo");
    assert_eq!(case.pack_version, "1.0.0");
    let ids: Vec<_> = case.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["backup", "notice", "wait_review", "confirm"]);
    assert!(case.steps.iter().all(|s| s.status == S::Todo));
    assert_eq!(case.steps[1].waiting_on, ["backup"]);
    assert_eq!(case.progress.total, 4);
    let again = v.case(&case.id, t0()).unwrap();
    assert_eq!(again.steps.len(), 4);
    // A unique prefix finds the case too.
    assert_eq!(v.resolve_case(&case.id[..6]).unwrap(), case.id);
    let journal = v.journal(&case.id).unwrap();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].kind, "case_created");
}

#[test]
fn dependencies_must_be_done_and_errors_name_them() {
    let (_d, v) = open();
    let id = v
        .create_case(&pack("1.0.0"), &Facts::new(), t0())
        .unwrap()
        .id;
    let err = v
        .transition(&id, "notice", A::Start, &Default::default(), t0())
        .unwrap_err();
    assert!(
        matches!(&err, VaultError::DependencyNotDone { dependency, .. } if dependency == "backup")
    );
    // The vault names the step; the application layer words it.
    let zh = tuilu_core::app::vault_words(&err, tuilu_core::Lang::Zh);
    assert!(zh.contains("依赖步骤 backup 尚未完成"), "{zh}");
    let en = tuilu_core::app::vault_words(&err, tuilu_core::Lang::En);
    assert!(en.contains("dependency backup is not done"), "{en}");
    v.transition(&id, "backup", A::Skip, &Default::default(), t0())
        .unwrap();
    v.transition(&id, "notice", A::Start, &Default::default(), t0())
        .unwrap();
}

#[test]
fn blockers_stop_submissions_until_facts_clear_them() {
    let (_d, v) = open();
    let p = pack("1.0.0");
    let f = facts(&[("debt_cleared", FactValue::Bool(false))]);
    let case = v.create_case(&p, &f, t0()).unwrap();
    assert_eq!(case.blockers.len(), 1);
    let id = case.id;
    v.transition(&id, "backup", A::Done, &Default::default(), t0())
        .unwrap();
    // Preparation is allowed, submitting is not.
    v.transition(&id, "notice", A::Start, &Default::default(), t0())
        .unwrap();
    let err = v
        .transition(&id, "notice", A::Submit, &Default::default(), t0())
        .unwrap_err();
    assert!(
        matches!(&err, VaultError::BlockersNotCleared { blockers, .. } if blockers == "unpaid_debt")
    );
    let report = v
        .set_facts(
            &id,
            &p,
            &facts(&[("debt_cleared", FactValue::Bool(true))]),
            &[],
            t0(),
        )
        .unwrap();
    assert!(report.blockers.is_empty());
    assert!(report.dropped.is_empty() && report.added.is_empty());
    let out = v
        .transition(&id, "notice", A::Submit, &Default::default(), t0())
        .unwrap();
    assert_eq!(out.to, S::Submitted);
}

#[test]
fn submitted_steps_have_deadlines_and_become_overdue() {
    let (_d, v) = open();
    let id = v
        .create_case(&pack("1.0.0"), &Facts::new(), t0())
        .unwrap()
        .id;
    v.transition(&id, "backup", A::Done, &Default::default(), t0())
        .unwrap();
    let out = v
        .transition(&id, "notice", A::Submit, &at(t0()), t0())
        .unwrap();
    // Friday + 3..5 working days (no holidays that week): Wed 25th .. Fri 27th, 23:59:59 Beijing.
    let d = out
        .deadline
        .expect("a submitted step with a duration has a deadline");
    assert_eq!(d.earliest_date.to_string(), "2026-11-25");
    assert_eq!(d.latest_date.to_string(), "2026-11-27");
    assert_eq!(d.deadline_beijing.to_rfc3339(), "2026-11-27T23:59:59+08:00");
    assert!(!d.estimated, "2026 holidays are known");

    let before = v.case(&id, t0() + Duration::days(1)).unwrap();
    let notice = before.step("notice").unwrap();
    assert!(notice.deadline.is_some() && !notice.overdue);
    assert_eq!(before.next_deadline.as_ref().unwrap().step, "notice");

    let later = t0() + Duration::days(8);
    let after = v.case(&id, later).unwrap();
    assert!(after.step("notice").unwrap().overdue);
    assert_eq!(after.overdue_steps, ["notice"]);
    let list = v.list_cases(false, later).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].overdue_steps, 1);
    assert!(list[0].next_deadline.as_ref().unwrap().overdue);

    // Done: the clock stops, no deadline shown, not overdue.
    v.transition(&id, "notice", A::Done, &Default::default(), later)
        .unwrap();
    let done = v.case(&id, later).unwrap();
    assert!(done.step("notice").unwrap().deadline.is_none());
    assert!(done.overdue_steps.is_empty());
}

#[test]
fn a_route_with_its_own_duration_sets_the_clock() {
    let (_d, v) = open();
    let id = v
        .create_case(&pack("1.0.0"), &Facts::new(), t0())
        .unwrap()
        .id;
    v.transition(&id, "backup", A::Done, &Default::default(), t0())
        .unwrap();
    let opts = TransitionOptions {
        route: Some("notice_email".into()),
        ..Default::default()
    };
    let out = v.transition(&id, "notice", A::Submit, &opts, t0()).unwrap();
    let d = out.deadline.unwrap();
    assert_eq!(d.latest_date.to_string(), "2026-11-27"); // 7 natural days
    assert!(!d.estimated);
    let bad = TransitionOptions {
        route: Some("carrier_pigeon".into()),
        ..Default::default()
    };
    let err = v
        .transition(&id, "notice", A::Done, &bad, t0())
        .unwrap_err();
    assert!(matches!(err, VaultError::UnknownRoute { .. }));
}

#[test]
fn done_never_goes_back_to_submitted_and_bad_input_is_an_error() {
    let (_d, v) = open();
    let id = v
        .create_case(&pack("1.0.0"), &Facts::new(), t0())
        .unwrap()
        .id;
    v.transition(&id, "backup", A::Done, &Default::default(), t0())
        .unwrap();
    let err = v
        .transition(&id, "backup", A::Submit, &Default::default(), t0())
        .unwrap_err();
    assert!(
        matches!(
            err,
            VaultError::InvalidTransition {
                from: S::Done,
                action: A::Submit,
                ..
            }
        ),
        "{err}"
    );
    assert!(matches!(
        v.transition(&id, "nope", A::Start, &Default::default(), t0()),
        Err(VaultError::UnknownStep { .. })
    ));
    assert!(matches!(
        v.transition("zzzzzzzzzz", "backup", A::Start, &Default::default(), t0()),
        Err(VaultError::UnknownCase { .. })
    ));
    assert!(matches!(
        v.case("not a case id!", t0()),
        Err(VaultError::UnknownCase { .. })
    ));
    // Times: not in the future, not before the step's previous transition.
    assert!(matches!(
        v.transition(
            &id,
            "notice",
            A::Start,
            &at(t0() + Duration::hours(1)),
            t0()
        ),
        Err(VaultError::TimeInFuture { .. })
    ));
    v.transition(&id, "notice", A::Start, &at(t0()), t0())
        .unwrap();
    assert!(matches!(
        v.transition(
            &id,
            "notice",
            A::Submit,
            &at(t0() - Duration::hours(1)),
            t0()
        ),
        Err(VaultError::TimeBeforePrevious { .. })
    ));
    // Nothing of the refused transitions reached the journal.
    let kinds: Vec<_> = v
        .journal(&id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["case_created", "transition", "transition"]);
}

#[test]
fn undo_reverts_exactly_and_is_journalled() {
    let (_d, v) = open();
    let id = v
        .create_case(&pack("1.0.0"), &Facts::new(), t0())
        .unwrap()
        .id;
    let t1 = t0() + Duration::minutes(1);
    let t2 = t0() + Duration::minutes(2);
    let now = t0() + Duration::hours(1);
    v.transition(&id, "backup", A::Done, &at(t0()), now)
        .unwrap();
    v.transition(&id, "notice", A::Start, &at(t1), now).unwrap();
    let before = v.case(&id, now).unwrap();
    let note = TransitionOptions {
        at: Some(t2),
        note: Some("寄出快递 SF123".into()),
        ..Default::default()
    };
    v.transition(&id, "notice", A::Submit, &note, now).unwrap();
    assert_eq!(
        v.case(&id, now)
            .unwrap()
            .step("notice")
            .unwrap()
            .note
            .as_deref(),
        Some("寄出快递 SF123")
    );
    let undo = v
        .transition(&id, "notice", A::Undo, &Default::default(), now)
        .unwrap();
    assert_eq!((undo.from, undo.to), (S::Submitted, S::InProgress));
    let after = v.case(&id, now).unwrap();
    let (b, a) = (
        before.step("notice").unwrap(),
        after.step("notice").unwrap(),
    );
    assert_eq!(a.status, b.status);
    assert_eq!(a.status_at, b.status_at);
    assert_eq!(a.started_at, b.started_at);
    assert_eq!(a.submitted_at, None);
    assert_eq!(a.note, b.note);
    assert!(a.deadline.is_none());

    // Undo again walks further back; then there is nothing left.
    v.transition(&id, "notice", A::Undo, &Default::default(), now)
        .unwrap();
    assert_eq!(
        v.case(&id, now).unwrap().step("notice").unwrap().status,
        S::Todo
    );
    assert!(matches!(
        v.transition(&id, "notice", A::Undo, &Default::default(), now),
        Err(VaultError::NothingToUndo { .. })
    ));

    // Undoing `done` of a step whose dependent has started is refused.
    v.transition(&id, "notice", A::Start, &Default::default(), now)
        .unwrap();
    let err = v
        .transition(&id, "backup", A::Undo, &Default::default(), now)
        .unwrap_err();
    assert!(
        matches!(&err, VaultError::DependentStarted { dependent, .. } if dependent == "notice")
    );

    let journal = v.journal(&id).unwrap();
    let undos: Vec<_> = journal.iter().filter(|e| e.kind == "undo").collect();
    assert_eq!(undos.len(), 2);
    let submit_seq = journal
        .iter()
        .find(|e| e.action == Some(A::Submit))
        .unwrap()
        .seq;
    assert_eq!(undos[0].undoes, Some(submit_seq));
    assert_eq!(undos[0].from_status, Some(S::Submitted));
    assert_eq!(undos[0].to_status, Some(S::InProgress));
}

#[test]
fn the_journal_is_append_only() {
    let (_d, v) = open();
    let id = v
        .create_case(&pack("1.0.0"), &Facts::new(), t0())
        .unwrap()
        .id;
    let err = v
        .with_connection(|c| {
            c.execute(
                "UPDATE events SET note = 'rewritten' WHERE case_id = ?1",
                [&id],
            )?;
            Ok(())
        })
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn changing_facts_keeps_progress_and_reports_dropped_steps() {
    let (_d, v) = open();
    let p = pack("1.0.0");
    let id = v
        .create_case(&p, &facts(&[("has_contract", FactValue::Bool(true))]), t0())
        .unwrap()
        .id;
    v.transition(&id, "backup", A::Done, &Default::default(), t0())
        .unwrap();
    v.transition(&id, "contract_return", A::Submit, &Default::default(), t0())
        .unwrap();

    let r = v
        .set_facts(
            &id,
            &p,
            &facts(&[
                ("has_contract", FactValue::Bool(false)),
                ("route_kind", FactValue::Enum("offline".into())),
            ]),
            &[],
            t0(),
        )
        .unwrap();
    assert_eq!(r.dropped.len(), 1);
    assert_eq!(r.dropped[0].id, "contract_return");
    assert_eq!(r.dropped[0].status, S::Submitted);
    assert_eq!(r.added.len(), 1);
    assert_eq!(r.added[0].id, "offline_visit");
    let case = v.case(&id, t0()).unwrap();
    assert_eq!(case.step("backup").unwrap().status, S::Done);
    assert_eq!(case.dropped_steps.len(), 1);
    assert!(!case.dropped_steps[0].in_plan);
    assert!(matches!(
        v.transition(&id, "contract_return", A::Done, &Default::default(), t0()),
        Err(VaultError::StepDropped { .. })
    ));

    // It comes back with its progress; unsetting returns to the pack default.
    let r = v
        .set_facts(
            &id,
            &p,
            &facts(&[("has_contract", FactValue::Bool(true))]),
            &["route_kind".to_string()],
            t0(),
        )
        .unwrap();
    assert_eq!(r.restored.len(), 1);
    assert_eq!(r.restored[0].status, S::Submitted);
    assert_eq!(r.dropped[0].id, "offline_visit");
    let case = v.case(&id, t0()).unwrap();
    let back = case.step("contract_return").unwrap();
    assert!(back.in_plan && back.status == S::Submitted && back.deadline.is_some());
    assert!(!case.facts.contains_key("route_kind"));

    // Bad facts are errors naming the fact, and change nothing.
    assert!(matches!(
        v.set_facts(&id, &p, &Facts::new(), &["nope".to_string()], t0()),
        Err(VaultError::Facts(_))
    ));
    let kinds: Vec<_> = v
        .journal(&id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "facts_changed")
        .collect();
    assert_eq!(kinds.len(), 2);
}

#[test]
fn upgrades_report_changes_and_keep_progress() {
    let (_d, v) = open();
    let (old, new) = (pack("1.0.0"), pack("1.1.0"));
    let id = v
        .create_case(
            &old,
            &facts(&[("route_kind", FactValue::Enum("offline".into()))]),
            t0(),
        )
        .unwrap()
        .id;
    v.transition(&id, "backup", A::Done, &Default::default(), t0())
        .unwrap();
    v.transition(&id, "notice", A::Submit, &Default::default(), t0())
        .unwrap();

    // Facts cannot change on an old pack version without upgrading first.
    assert!(matches!(
        v.set_facts(&id, &new, &Facts::new(), &[], t0()),
        Err(VaultError::PackVersionMismatch { .. })
    ));
    let same = v.upgrade(&id, &old, t0()).unwrap();
    assert!(!same.changed_anything);

    let r = v.upgrade(&id, &new, t0()).unwrap();
    assert!(r.changed_anything);
    assert_eq!(
        (r.from_version.as_str(), r.to_version.as_str()),
        ("1.0.0", "1.1.0")
    );
    let ids = |v: &[tuilu_core::vault::StepRef]| v.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&r.added), ["final_check"]);
    assert_eq!(ids(&r.dropped), ["offline_visit"]);
    let changed: Vec<_> = r
        .changed
        .iter()
        .map(|c| (c.id.as_str(), c.fields.clone()))
        .collect();
    assert_eq!(
        changed,
        [("backup", vec!["title"]), ("notice", vec!["duration"])]
    );
    assert_eq!(r.facts_dropped, ["route_kind"]);

    let case = v.case(&id, t0()).unwrap();
    assert_eq!(case.pack_version, "1.1.0");
    assert_eq!(case.step("backup").unwrap().status, S::Done);
    let notice = case.step("notice").unwrap();
    assert_eq!(notice.status, S::Submitted);
    // The running clock follows the new duration (3..7 working days).
    assert_eq!(
        notice.deadline.as_ref().unwrap().latest_date.to_string(),
        "2026-12-01"
    );

    assert!(!v.upgrade(&id, &new, t0()).unwrap().changed_anything);
    assert!(matches!(
        v.upgrade(&id, &old, t0()),
        Err(VaultError::PackDowngrade { .. })
    ));
}

#[test]
fn archive_and_delete() {
    let (_d, v) = open();
    let p = pack("1.0.0");
    let keep = v.create_case(&p, &Facts::new(), t0()).unwrap().id;
    let gone = v.create_case(&p, &Facts::new(), t0()).unwrap().id;
    v.transition(&gone, "backup", A::Done, &Default::default(), t0())
        .unwrap();
    v.transition(&gone, "backup", A::Undo, &Default::default(), t0())
        .unwrap();

    assert!(v.set_archived(&keep, true, t0()).unwrap());
    assert!(!v.set_archived(&keep, true, t0()).unwrap());
    assert!(matches!(
        v.transition(&keep, "backup", A::Start, &Default::default(), t0()),
        Err(VaultError::Archived { .. })
    ));
    assert_eq!(v.list_cases(false, t0()).unwrap().len(), 1);
    assert_eq!(v.list_cases(true, t0()).unwrap().len(), 2);
    assert!(v.set_archived(&keep, false, t0()).unwrap());

    assert_eq!(v.delete_case(&gone, t0()).unwrap().id, gone);
    assert!(matches!(
        v.case(&gone, t0()),
        Err(VaultError::UnknownCase { .. })
    ));
    assert!(matches!(
        v.journal(&gone),
        Err(VaultError::UnknownCase { .. })
    ));
    assert_eq!(v.list_cases(true, t0()).unwrap().len(), 1);
    assert_eq!(v.integrity_check().unwrap(), ["ok"]);
    let left: i64 = v
        .with_connection(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM events WHERE case_id = ?1",
                [&gone],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn a_long_query_can_be_interrupted() {
    let (_d, v) = open();
    let handle = v.interrupt_handle();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let s2 = stop.clone();
    let t = std::thread::spawn(move || {
        while !s2.load(std::sync::atomic::Ordering::Relaxed) {
            handle.interrupt();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    });
    let r = v.with_connection(|c| {
        Ok(c.query_row(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000)
             SELECT count(*) FROM n",
            [],
            |r| r.get::<_, i64>(0),
        )?)
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    t.join().unwrap();
    assert!(matches!(r, Err(VaultError::Interrupted)), "{r:?}");
    // The vault is still usable.
    assert!(v.list_cases(true, t0()).unwrap().is_empty());
}

#[test]
fn deadlines_count_china_holidays_and_make_up_days() {
    let (_d, v) = open();
    let id = v
        .create_case(&pack("1.0.0"), &Facts::new(), t0())
        .unwrap()
        .id;
    // The backup was done before the notice went out (a step is not acted on before the
    // steps it depends on were settled).
    let backed_up = DateTime::parse_from_rfc3339("2026-09-29T10:00:00+08:00")
        .unwrap()
        .to_utc();
    v.transition(&id, "backup", A::Done, &at(backed_up), t0())
        .unwrap();
    // Submitted Wed 2026-09-30 17:00 Beijing, 3–5 working days: Oct 1–7 are the National
    // Day holiday and Sat Oct 10 is a make-up working day → Oct 10 .. Oct 13.
    let submitted = DateTime::parse_from_rfc3339("2026-09-30T17:00:00+08:00")
        .unwrap()
        .to_utc();
    let out = v
        .transition(&id, "notice", A::Submit, &at(submitted), t0())
        .unwrap();
    let d = out.deadline.unwrap();
    assert_eq!(d.earliest_date.to_string(), "2026-10-10");
    assert_eq!(d.latest_date.to_string(), "2026-10-13");
    assert!(!d.estimated);
}
