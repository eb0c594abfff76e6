//! The case list agrees with each case read on its own: `list_cases` reads every case's
//! digest (or, for a case without a current one, its steps in one pass), and must give
//! the progress, next step, steps handed in and running deadline that the case view gives;
//! so must the running clocks reminders are planned from. Both ways of reading are
//! checked: the digests kept by the vault's writes, and the step rows when a digest was
//! cleared by a write from elsewhere, or made with another calendar.

use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tuilu_core::rules::{load_pack_file, Facts};
use tuilu_core::vault::{CaseView, StepAction, StepStatus, TransitionOptions, Vault};
use tuilu_core::{load_bundled, FactValue, Scenario};

fn demo() -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/packs/vault-demo-1.0.0.toml");
    load_pack_file(&path).expect("test pack is valid")
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap()
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

/// What the list line should say, from the case view.
fn expected_next_step(view: &CaseView) -> Option<&str> {
    view.steps
        .iter()
        .filter(|s| {
            matches!(
                s.status,
                StepStatus::Todo | StepStatus::InProgress | StepStatus::Blocked
            )
        })
        .min_by_key(|s| s.number)
        .map(|s| s.id.as_str())
}

fn expected_submitted(view: &CaseView) -> Vec<&str> {
    let mut handed_in: Vec<_> = view
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Submitted)
        .collect();
    handed_in.sort_by_key(|s| s.number);
    let next = expected_next_step(view).and_then(|id| view.step(id));
    let waited_for = next.and_then(|n| handed_in.iter().find(|s| n.depends_on.contains(&s.id)));
    let mut named: Vec<&str> = Vec::new();
    for s in handed_in.first().into_iter().chain(waited_for) {
        if named.last() != Some(&s.id.as_str()) {
            named.push(&s.id);
        }
    }
    named
}

/// A vault of `n` cases over the demo and bundled scenarios, moved along at random (clocks
/// running, refused transitions, routes, dropped steps, archived cases); with how many are
/// archived.
fn mixed_vault(dir: &std::path::Path, n: usize) -> (Vault, usize) {
    let v = Vault::open(&dir.join("vault"), t0()).unwrap();
    let demo = demo();
    let book = load_bundled().unwrap();
    let mut scenarios: Vec<&Scenario> = vec![&demo];
    scenarios.extend(book.scenarios());
    let mut rng = Lcg(7);
    let mut archived = 0;
    let mut dropped_with_progress = 0;
    for i in 0..n {
        let sc = scenarios[i % scenarios.len()];
        let facts: Facts = if sc.id() == demo.id() && rng.below(2) == 0 {
            [("has_contract".to_string(), FactValue::Bool(true))]
                .into_iter()
                .collect()
        } else {
            Facts::new()
        };
        let case = v.create_case(sc, &facts, t0()).unwrap();
        let ids: Vec<String> = case.steps.iter().map(|s| s.id.clone()).collect();
        let mut t = t0();
        for _ in 0..rng.below(3 * ids.len() + 1) {
            t += Duration::hours(1 + rng.below(40) as i64);
            // Mostly forward along the plan (so that clocks run), sometimes anything.
            let view = v.case(&case.id, t).unwrap();
            let (step, action) = match expected_next_step(&view) {
                Some(next) if rng.below(3) > 0 => (
                    next.to_string(),
                    [StepAction::Done, StepAction::Submit][rng.below(2)],
                ),
                _ => (
                    ids[rng.below(ids.len())].clone(),
                    StepAction::ALL[rng.below(StepAction::ALL.len())],
                ),
            };
            let step = &step;
            let route = case
                .step(step)
                .and_then(|s| s.definition.alternatives.first())
                .filter(|_| action == StepAction::Submit && rng.below(2) == 0)
                .map(|r| r.id.clone());
            let opts = TransitionOptions {
                at: Some(t),
                route,
                ..Default::default()
            };
            // Refused transitions (dependencies, wrong state) are part of the mix.
            let _ = v.transition(&case.id, step, action, &opts, t);
        }
        // Some demo cases lose their contract step after progress on it (kept, dropped).
        if sc.id() == demo.id() && facts.contains_key("has_contract") && rng.below(2) == 0 {
            for (step, action) in [
                ("backup", StepAction::Done),
                ("contract_return", StepAction::Submit),
            ] {
                let _ = v.transition(&case.id, step, action, &TransitionOptions::default(), t);
            }
            let had = v
                .case(&case.id, t)
                .unwrap()
                .step("contract_return")
                .unwrap()
                .status;
            v.set_facts(&case.id, sc, &Facts::new(), &["has_contract".into()], t)
                .unwrap();
            dropped_with_progress += usize::from(had != StepStatus::Todo);
        }
        if rng.below(6) == 0 {
            v.set_archived(&case.id, true, t).unwrap();
            archived += 1;
        }
    }
    assert!(
        archived > 0 && dropped_with_progress > 0,
        "the mix covers both"
    );

    (v, archived)
}

/// Forgets every case's digest, as a write from elsewhere to every case's steps would: the
/// readers must then read the step rows.
fn clear_digests(v: &Vault) {
    v.with_connection(|c| {
        c.execute("UPDATE cases SET digest = NULL", [])?;
        Ok(())
    })
    .unwrap();
}

/// How many cases have no digest (each is read from its step rows).
fn cases_without_digest(v: &Vault) -> i64 {
    v.with_connection(|c| {
        Ok(
            c.query_row("SELECT count(*) FROM cases WHERE digest IS NULL", [], |r| {
                r.get(0)
            })?,
        )
    })
    .unwrap()
}

#[test]
fn every_list_line_agrees_with_its_case_view() {
    let dir = tempfile::tempdir().unwrap();
    let (v, archived) = mixed_vault(dir.path(), 60);
    // Every write left its case's digest current: the list reads no step row.
    assert_eq!(cases_without_digest(&v), 0);
    assert_list_agrees(&v, 60, archived);
    // The same from the step rows.
    clear_digests(&v);
    assert_list_agrees(&v, 60, archived);
    // Opening the vault makes the missing digests again.
    drop(v);
    let v = Vault::open(&dir.path().join("vault"), t0()).unwrap();
    assert_eq!(cases_without_digest(&v), 0);
    assert_list_agrees(&v, 60, archived);
}

fn assert_list_agrees(v: &Vault, cases: usize, archived: usize) {
    let mut clocks = 0;
    for days in [0, 3, 10, 30, 90] {
        let now = t0() + Duration::days(days);
        let list = v.list_cases(true, now).unwrap();
        assert_eq!(list.len(), cases);
        assert_eq!(v.list_cases(false, now).unwrap().len(), cases - archived);
        for line in &list {
            let view = v.case(&line.id, now).unwrap();
            let id = &line.id;
            assert_eq!(line.archived, view.archived, "{id}");
            assert_eq!(line.title, view.title, "{id}");
            assert_eq!(line.progress, view.progress, "{id}");
            assert_eq!(line.overdue_steps, view.overdue_steps.len(), "{id}");
            match (&line.next_deadline, &view.next_deadline) {
                (Some(a), Some(b)) => {
                    clocks += 1;
                    assert_eq!(a.step, b.step, "{id}");
                    assert_eq!(a.deadline, b.deadline, "{id}");
                    assert_eq!(a.overdue, b.overdue, "{id}");
                    assert_eq!(a.brief, b.brief, "{id}");
                    assert_eq!(a.sense, b.sense, "{id}");
                }
                (None, None) => {}
                (a, b) => panic!("{id}: list {a:?} but case {b:?}"),
            }
            assert_eq!(
                line.next_step.as_ref().map(|s| s.id.as_str()),
                expected_next_step(&view),
                "{id}"
            );
            if let Some(n) = &line.next_step {
                let s = view.step(&n.id).unwrap();
                assert_eq!(
                    (n.number, &n.title, &n.depends_on),
                    (s.number, &s.title, &s.depends_on)
                );
            }
            let named: Vec<&str> = line.submitted.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(named, expected_submitted(&view), "{id}");
            for b in &line.submitted {
                let s = view.step(&b.id).unwrap();
                assert_eq!(
                    (b.number, &b.title, b.kind),
                    (s.number, &s.title, s.kind),
                    "{id}"
                );
            }
        }
    }
    assert!(clocks > 20, "running clocks are covered ({clocks})");
}

/// Reminders are planned from the running clocks read in one query; they must be the
/// subjects each case's own view gives (same steps, same deadlines, same escalation), for
/// the cases not archived, in the case list's order.
#[test]
fn reminder_subjects_agree_with_each_case_view() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = mixed_vault(dir.path(), 240);
    assert_subjects_agree(&v, 10);
    clear_digests(&v);
    assert_subjects_agree(&v, 10);
    // Half the cases with a digest, half without.
    v.with_connection(|c| {
        c.execute("UPDATE cases SET digest = NULL WHERE rowid % 2 = 0", [])?;
        Ok(())
    })
    .unwrap();
    assert_subjects_agree(&v, 10);
}

fn assert_subjects_agree(v: &Vault, at_least: usize) {
    use tuilu_core::reminders::{subjects_for_case, subjects_for_vault};
    let now = t0() + Duration::days(5);
    let expected: Vec<_> = v
        .list_cases(false, now)
        .unwrap()
        .iter()
        .flat_map(|line| subjects_for_case(&v.case(&line.id, now).unwrap()))
        .collect();
    let got = subjects_for_vault(v).unwrap();
    assert!(
        expected.len() >= at_least,
        "running clocks are covered ({})",
        expected.len()
    );
    assert_eq!(got, expected);
}

/// A write to a case's steps that does not go through the vault's own code (another
/// build, a repair by hand) cannot leave the list showing what was there before: the
/// database's triggers clear the case's digest, and the list reads the step rows.
#[test]
fn a_step_written_from_elsewhere_is_listed_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let v = Vault::open(dir.path(), t0()).unwrap();
    let case = v.create_case(&demo(), &Facts::new(), t0()).unwrap();
    let first = case.steps[0].id.clone();
    let before = v.list_cases(false, t0()).unwrap();
    assert_eq!(before[0].progress.settled, 0);
    assert_eq!(before[0].next_step.as_ref().unwrap().id, first);
    v.with_connection(|c| {
        c.execute(
            "UPDATE steps SET status = 'done', done_at = status_at WHERE case_id = ?1 AND step_id = ?2",
            [&case.id, &first],
        )?;
        Ok(())
    })
    .unwrap();
    assert_eq!(cases_without_digest(&v), 1);
    let after = v.list_cases(false, t0()).unwrap();
    assert_eq!(after[0].progress.settled, 1);
    assert_ne!(after[0].next_step.as_ref().unwrap().id, first);
    assert_eq!(after[0].progress, v.case(&case.id, t0()).unwrap().progress);
}

/// Deadlines kept in the digests were counted with the calendar the vault had then. After
/// a holiday file changes the calendar, the list and the reminders count with the new one,
/// as the case view does.
#[test]
fn digests_follow_a_new_holiday_calendar() {
    use tuilu_core::calendar::{calendar_dir, import_year_into};
    use tuilu_core::reminders::subjects_for_vault;
    let dir = tempfile::tempdir().unwrap();
    let (v, archived) = mixed_vault(dir.path(), 60);
    // And one case whose wait starts when an earlier period ends (Friday 2026-11-20 plus
    // five working days): its deadline moves with the calendar through that chaining.
    let chained = v.create_case(&demo(), &Facts::new(), t0()).unwrap();
    for (k, (step, action)) in [
        ("backup", StepAction::Done),
        ("notice", StepAction::Submit),
        ("notice", StepAction::Done),
        ("wait_review", StepAction::Submit),
    ]
    .into_iter()
    .enumerate()
    {
        let opts = TransitionOptions {
            at: Some(t0() + Duration::hours(k as i64 + 1)),
            ..Default::default()
        };
        v.transition(&chained.id, step, action, &opts, t0() + Duration::hours(5))
            .unwrap();
    }
    let wait_review_deadline = |v: &Vault| {
        v.list_cases(false, t0())
            .unwrap()
            .into_iter()
            .find(|l| l.id == chained.id)
            .and_then(|l| l.next_deadline)
            .map(|d| (d.step, d.deadline.clock_start))
            .unwrap()
    };
    let (step, start_before) = wait_review_deadline(&v);
    assert_eq!(step, "wait_review");
    let now = t0() + Duration::days(3);
    let deadlines = |v: &Vault| -> Vec<_> {
        v.list_cases(true, now)
            .unwrap()
            .into_iter()
            .filter_map(|l| l.next_deadline.map(|d| d.deadline.deadline_utc))
            .collect()
    };
    let before = deadlines(&v);
    let subjects_before = subjects_for_vault(&v).unwrap();
    drop(v);
    // A (fictional) 2026 with the last week of November off.
    let json = r#"{"year": 2026, "papers": [], "days": [
        {"name": "测试假期", "date": "2026-11-23", "isOffDay": true},
        {"name": "测试假期", "date": "2026-11-24", "isOffDay": true},
        {"name": "测试假期", "date": "2026-11-25", "isOffDay": true},
        {"name": "测试假期", "date": "2026-11-26", "isOffDay": true},
        {"name": "测试假期", "date": "2026-11-27", "isOffDay": true}]}"#;
    import_year_into(&calendar_dir(&dir.path().join("vault")), json.as_bytes()).unwrap();
    let v = Vault::open(&dir.path().join("vault"), t0()).unwrap();
    assert_eq!(cases_without_digest(&v), 0);
    let after = deadlines(&v);
    assert_eq!(before.len(), after.len());
    let (_, start_after) = wait_review_deadline(&v);
    assert_eq!(
        start_after - start_before,
        Duration::days(7),
        "five days off more"
    );
    assert!(
        before.iter().zip(&after).any(|(a, b)| a != b),
        "the new holidays move some deadline"
    );
    assert_list_agrees(&v, 61, archived);
    assert_subjects_agree(&v, 3);
    assert_ne!(subjects_for_vault(&v).unwrap(), subjects_before);
}

/// The list read after a step changes shows the change, though the list before it read
/// (and kept) the case's previous digest.
#[test]
fn the_list_after_a_transition_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let v = Vault::open(dir.path(), t0()).unwrap();
    let case = v.create_case(&demo(), &Facts::new(), t0()).unwrap();
    let mut t = t0();
    for (step, action) in [("backup", StepAction::Done), ("notice", StepAction::Submit)] {
        let before = v.list_cases(false, t).unwrap();
        t += Duration::hours(1);
        let opts = TransitionOptions {
            at: Some(t),
            ..Default::default()
        };
        v.transition(&case.id, step, action, &opts, t).unwrap();
        let after = v.list_cases(false, t).unwrap();
        assert_eq!(cases_without_digest(&v), 0);
        let line = |l: &tuilu_core::vault::CaseSummary| {
            (
                l.progress,
                l.next_step.as_ref().map(|s| s.id.clone()),
                l.submitted.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
            )
        };
        assert_ne!(line(&before[0]), line(&after[0]), "after {step}");
        assert_eq!(after[0].progress, v.case(&case.id, t).unwrap().progress);
    }
    let after = v.list_cases(false, t).unwrap();
    assert_eq!(after[0].submitted[0].id, "notice");
    assert_eq!(after[0].next_deadline.as_ref().unwrap().step, "notice");
}
