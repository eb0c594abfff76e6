//! Properties, checked on generated input (proptest):
//! - calendar: `add(d, n)` is a working day and `between(d, add(d, n)) == n`, on every date
//!   of every bundled year;
//! - step state machine: any sequence of actions, then undo of all of them, gives back the
//!   first state exactly; the journal replays to the stored state;
//! - pack round trip: decode → compile → decode is the identity;
//! - reminder planner: nothing in quiet hours except short windows, ids stable under
//!   re-planning, the budget always holds.
//!
//! The normal suite runs a modest number of cases (`PROPTEST_CASES` unset: 24 per property);
//! `PROPTEST_CASES=10000 cargo test --release -p tuilu-core --test properties` is the full
//! run (docs/fuzzing.md records its time).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;
use tuilu_core::calendar::ChinaCalendar;
use tuilu_core::reminders::{
    plan_reminders, DurationUnit, QuietHours, Reminder, ReminderKind, ReminderSettings,
    ReminderState, ReminderSubject, StepKind, UserZone,
};
use tuilu_core::rules::bundled::BUNDLED_PACKS;
use tuilu_core::rules::{compile_pack, Facts, Scenario};
use tuilu_core::vault::{StepAction, StepStatus, TransitionOptions, Vault};
use tuilu_core::Text;

/// Cases per property: `PROPTEST_CASES` when set, else a CI-friendly default.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------- calendar

fn bundled_dates(cal: &ChinaCalendar) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for year in tuilu_core::calendar::MIN_YEAR..=tuilu_core::calendar::MAX_YEAR {
        if cal.year_data(year).is_none() {
            continue;
        }
        let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        while d.year() == year {
            out.push(d);
            d = d.succ_opt().unwrap();
        }
    }
    out
}

thread_local! {
    static CAL: (ChinaCalendar, Vec<NaiveDate>) = {
        let cal = ChinaCalendar::bundled();
        let dates = bundled_dates(&cal);
        assert!(dates.len() >= 6 * 365, "bundled years: {} dates", dates.len());
        (cal, dates)
    };
}

proptest! {
    #![proptest_config(config())]

    /// Each case draws one `n` and checks it from every date of every bundled year.
    #[test]
    fn calendar_add_lands_on_a_working_day_and_between_counts_it_back(
        n in prop_oneof![1i32..=30, 1i32..=800, -800i32..=-1]
    ) {
        CAL.with(|(cal, dates)| {
            for &d in dates {
                let r = cal.add_working_days(d, n).unwrap();
                prop_assert!(cal.is_working(r.date), "add({d}, {n}) = {} is not a working day", r.date);
                if n > 0 {
                    prop_assert!(r.date > d);
                    prop_assert_eq!(cal.working_days_between(d, r.date).count, n, "from {}", d);
                } else {
                    // The |n|-th working day strictly before d: |n| - 1 working days lie
                    // strictly between.
                    prop_assert!(r.date < d);
                    let before_d = d.pred_opt().unwrap();
                    prop_assert_eq!(cal.working_days_between(r.date, before_d).count, -n - 1, "from {}", d);
                }
            }
            Ok(())
        })?;
    }
}

// ---------------------------------------------------------------- step state machine

struct Steps {
    _dir: tempfile::TempDir,
    vault: Vault,
    scenario: Scenario,
}

fn tmp() -> tempfile::TempDir {
    // A RAM disk when there is one: thousands of small transactions.
    match std::path::Path::new("/dev/shm") {
        p if p.is_dir() => tempfile::tempdir_in(p).unwrap(),
        _ => tempfile::tempdir().unwrap(),
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap()
}

thread_local! {
    static STEPS: RefCell<Option<Steps>> = const { RefCell::new(None) };
}

fn with_steps<T>(f: impl FnOnce(&Steps) -> T) -> T {
    STEPS.with(|s| {
        let mut s = s.borrow_mut();
        let steps = s.get_or_insert_with(|| {
            let dir = tmp();
            let vault = Vault::open(dir.path(), t0()).unwrap();
            let book = tuilu_core::load_bundled().unwrap();
            Steps {
                _dir: dir,
                vault,
                scenario: book.get("douyin.guild-exit").unwrap().clone(),
            }
        });
        f(steps)
    })
}

/// The case as a person sees it, minus the time it was last touched.
fn case_state(v: &Vault, id: &str, now: DateTime<Utc>) -> Value {
    let mut j = serde_json::to_value(v.case(id, now).unwrap()).unwrap();
    j.as_object_mut().unwrap().remove("updated_at");
    j
}

/// The step fields the journal must reproduce.
fn stored_states(view: &Value) -> BTreeMap<String, Value> {
    let keys = [
        "status",
        "status_at",
        "started_at",
        "submitted_at",
        "done_at",
        "route",
        "note",
    ];
    view["steps"]
        .as_array()
        .unwrap()
        .iter()
        .chain(view["dropped_steps"].as_array().unwrap())
        .map(|s| {
            let fields: serde_json::Map<String, Value> = keys
                .iter()
                .map(|k| (k.to_string(), s[*k].clone()))
                .collect();
            (s["id"].as_str().unwrap().to_string(), Value::Object(fields))
        })
        .collect()
}

fn ts(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .map(|s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
}

/// A stored StepState (journal payload) in the view's terms.
fn from_payload(p: &Value) -> Value {
    let t = |k: &str| ts(&p[k]).map_or(Value::Null, |t| serde_json::to_value(t).unwrap());
    serde_json::json!({
        "status": p["status"], "status_at": t("status_at"), "started_at": t("started_at"),
        "submitted_at": t("submitted_at"), "done_at": t("done_at"),
        "route": p.get("route").cloned().unwrap_or(Value::Null),
        "note": p.get("note").cloned().unwrap_or(Value::Null),
    })
}

/// Replays the journal from the steps' first state: a transition applies the state
/// machine's rules for the new state, an undo restores what it recorded.
fn replay(
    first: &BTreeMap<String, Value>,
    journal: &[tuilu_core::vault::Event],
) -> BTreeMap<String, Value> {
    let mut states = first.clone();
    for e in journal {
        let Some(step) = &e.step else { continue };
        let cur = states.get(step).cloned().unwrap();
        let next = match e.kind.as_str() {
            "transition" => {
                assert_eq!(
                    from_payload(&e.payload["before"]),
                    cur,
                    "journal entry {} records the state before",
                    e.seq
                );
                let to = e.to_status.unwrap();
                let at = serde_json::to_value(e.at).unwrap();
                serde_json::json!({
                    "status": to.as_str(),
                    "status_at": at,
                    "started_at": if to == StepStatus::InProgress && cur["started_at"].is_null() { at.clone() } else { cur["started_at"].clone() },
                    "submitted_at": match to {
                        StepStatus::Submitted => at.clone(),
                        StepStatus::Done | StepStatus::Blocked => cur["submitted_at"].clone(),
                        _ => Value::Null,
                    },
                    "done_at": if to.is_settled() { at.clone() } else { Value::Null },
                    "route": e.payload["route"].clone(),
                    "note": e.note.clone().map_or(cur["note"].clone(), Value::String),
                })
            }
            "undo" => {
                assert_eq!(
                    from_payload(&e.payload["undone_state"]),
                    cur,
                    "undo {} records the state it undid",
                    e.seq
                );
                from_payload(&e.payload["restored"])
            }
            _ => continue,
        };
        states.insert(step.clone(), next);
    }
    states
}

fn action() -> impl Strategy<Value = StepAction> {
    prop::sample::select(StepAction::ALL.to_vec())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_actions_then_undo_of_all_restore_the_first_state_and_the_journal_replays(
        actions in prop::collection::vec((0usize..16, action(), prop::option::of("[a-z 是否]{0,8}")), 0..24)
    ) {
        with_steps(|s| {
            let view_at = t0() + Duration::days(400);
            let case = s.vault.create_case(&s.scenario, &Facts::new(), t0()).unwrap();
            let id = case.id.clone();
            let first = case_state(&s.vault, &id, view_at);
            let step_ids: Vec<String> = case.steps.iter().map(|st| st.id.clone()).collect();
            let mut now = t0();
            // Successful forward transitions still in effect, oldest first.
            let mut applied: Vec<String> = Vec::new();
            for (i, action, note) in &actions {
                now += Duration::minutes(7);
                let step = &step_ids[i % step_ids.len()];
                let opts = TransitionOptions { at: None, note: note.clone(), route: None };
                if s.vault.transition(&id, step, *action, &opts, now).is_ok() {
                    if *action == StepAction::Undo {
                        let last = applied.iter().rposition(|a| a == step).expect("undo of an applied step");
                        applied.remove(last);
                    } else {
                        applied.push(step.clone());
                    }
                }
                let view = case_state(&s.vault, &id, view_at);
                let journal = s.vault.journal(&id).unwrap();
                prop_assert_eq!(replay(&stored_states(&first), &journal), stored_states(&view));
            }
            // Undo everything, latest first. Strict reverse order can be refused by design:
            // a dependent skipped before its dependency was done keeps that dependency
            // from being un-done (VaultError::DependentStarted) until the skip is undone.
            // So each round undoes the latest transition whose undo is allowed.
            while !applied.is_empty() {
                let mut order: Vec<&String> = Vec::new();
                for step in applied.iter().rev() {
                    if !order.contains(&step) {
                        order.push(step);
                    }
                }
                now += Duration::minutes(1);
                let undone = order.into_iter().find(|step| {
                    s.vault
                        .transition(&id, step, StepAction::Undo, &TransitionOptions::default(), now)
                        .is_ok()
                });
                prop_assert!(undone.is_some(), "nothing left can be undone: {:?}", applied);
                let step = undone.unwrap().clone();
                let last = applied.iter().rposition(|a| *a == step).unwrap();
                applied.remove(last);
            }
            let last = case_state(&s.vault, &id, view_at);
            let journal = s.vault.journal(&id).unwrap();
            prop_assert_eq!(replay(&stored_states(&first), &journal), stored_states(&last));
            prop_assert_eq!(last, first);
            Ok(())
        })?;
    }
}

// ---------------------------------------------------------------- pack round trip

fn bundled_trees() -> Vec<Value> {
    BUNDLED_PACKS
        .iter()
        .map(|b| serde_json::from_str(&b.json().unwrap()).unwrap())
        .collect()
}

/// Replaces every non-empty string under a `zh`, `en` or `quote` key, in order, by the next
/// generated text (cycling); keeps the pack valid. Letter templates keep their texts: their
/// placeholders must stay valid (tests/letters.rs fills every template).
fn retext(v: &mut Value, texts: &[String], next: &mut usize) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "letters" {
                    continue;
                }
                match x {
                    Value::String(s)
                        if matches!(k.as_str(), "zh" | "en" | "quote") && !s.trim().is_empty() =>
                    {
                        *s = texts[*next % texts.len()].clone();
                        *next += 1;
                    }
                    _ => retext(x, texts, next),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| retext(x, texts, next)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn pack_decode_compile_decode_is_the_identity(
        pick in 0usize..64,
        texts in prop::collection::vec("\\PC*[^\\s]\\PC*", 1..12)
    ) {
        let trees = bundled_trees();
        let mut tree = trees[pick % trees.len()].clone();
        let mut n = 0;
        retext(&mut tree, &texts, &mut n);
        // The authoring form of this tree.
        let toml = toml::to_string(&tree).unwrap();
        let a = Scenario::from_toml_str("p.toml", &toml).unwrap();
        let json = compile_pack("p.toml", &toml).unwrap();
        let b = Scenario::from_json_str("p.json", &json).unwrap();
        let pack = |s: &Scenario| serde_json::to_value(&s.pack).unwrap();
        prop_assert_eq!(pack(&a), pack(&b));
        prop_assert_eq!(&serde_json::from_str::<Value>(&json).unwrap(), &tree);
        prop_assert_eq!(compile_pack("p.json", &json).unwrap(), json);
    }
}

// ---------------------------------------------------------------- reminder planner

fn zone(i: usize) -> UserZone {
    [
        UserZone::beijing(),
        tuilu_core::reminders::parse_tz("Europe/Berlin").unwrap(),
        tuilu_core::reminders::parse_tz("America/New_York").unwrap(),
        tuilu_core::reminders::parse_tz("Asia/Tokyo").unwrap(),
    ][i % 4]
        .clone()
}

fn subject() -> impl Strategy<Value = ReminderSubject> {
    (
        (0usize..3, 0usize..6),
        prop::sample::select(vec![StepKind::Action, StepKind::Wait, StepKind::Window]),
        prop::sample::select(vec![
            DurationUnit::WorkingDays,
            DurationUnit::NaturalDays,
            DurationUnit::Hours,
        ]),
        prop::bool::ANY,
        0i64..(365 * 24 * 60),
        1i64..(40 * 24 * 60),
        prop::bool::ANY,
    )
        .prop_map(
            |((case, step), kind, unit, submitted, start_min, len_min, escalation)| {
                let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
                    + Duration::minutes(start_min);
                let deadline = match unit {
                    DurationUnit::Hours => start + Duration::minutes(len_min.min(72 * 60)),
                    // Day units end at 23:59:59 Beijing time of the last day.
                    _ => {
                        let last = (start + Duration::minutes(len_min))
                            .with_timezone(&tuilu_core::calendar::BEIJING)
                            .date_naive();
                        tuilu_core::calendar::BEIJING
                            .from_local_datetime(&last.and_hms_opt(23, 59, 59).unwrap())
                            .unwrap()
                            .with_timezone(&Utc)
                    }
                };
                ReminderSubject {
                    case_id: format!("case-{case}"),
                    case_title: Text::new(format!("案件{case}"), format!("Case {case}")),
                    step_id: format!("step-{step}"),
                    step_title: Text::new(format!("步骤{step}"), format!("Step {step}")),
                    step_kind: kind,
                    status: if submitted {
                        StepStatus::Submitted
                    } else {
                        StepStatus::InProgress
                    },
                    clock_started_at: start,
                    earliest: None,
                    deadline,
                    deadline_estimated: false,
                    escalation: escalation.then(|| Text::new("联系客服", "contact support")),
                    unit,
                }
            },
        )
}

/// Unique (case, step) subjects.
fn subjects() -> impl Strategy<Value = Vec<ReminderSubject>> {
    prop::collection::vec(subject(), 0..10).prop_map(|v| {
        let mut seen = std::collections::HashSet::new();
        v.into_iter()
            .filter(|s| seen.insert((s.case_id.clone(), s.step_id.clone())))
            .collect()
    })
}

fn settings() -> impl Strategy<Value = ReminderSettings> {
    (
        0usize..4,
        prop::option::of((0u32..24, 0u32..24)),
        6u32..12,
        1usize..80,
    )
        .prop_map(|(z, quiet, pref, limit)| ReminderSettings {
            tz: zone(z),
            quiet_hours: quiet.map(|(s, e)| QuietHours {
                start: NaiveTime::from_hms_opt(s, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(e, 0, 0).unwrap(),
            }),
            preferred_time: NaiveTime::from_hms_opt(pref, 30, 0).unwrap(),
            limit,
        })
}

/// Quiet hours, computed here from the definition (`[start, end)`, crossing midnight when
/// start > end, none when equal), not by the planner's code.
fn is_quiet(settings: &ReminderSettings, t: DateTime<Utc>) -> bool {
    let Some(q) = settings.quiet_hours else {
        return false;
    };
    let local = t.with_timezone(&settings.tz).time();
    let local = NaiveTime::from_hms_opt(local.hour(), local.minute(), local.second()).unwrap();
    match q.start.cmp(&q.end) {
        std::cmp::Ordering::Less => q.start <= local && local < q.end,
        std::cmp::Ordering::Greater => local >= q.start || local < q.end,
        std::cmp::Ordering::Equal => false,
    }
}

/// Kinds that must fire before the deadline (their window closes at it).
fn has_close(r: &Reminder, s: &ReminderSubject) -> bool {
    match r.kind {
        ReminderKind::BeforeDeadline
        | ReminderKind::WindowClosing3h
        | ReminderKind::WindowClosing1h => true,
        ReminderKind::AtDeadline => s.unit != DurationUnit::Hours,
        _ => false,
    }
}

/// No non-quiet minute from the clock start up to the close: a window too short to avoid
/// quiet hours.
fn window_is_all_quiet(
    settings: &ReminderSettings,
    from: DateTime<Utc>,
    close: DateTime<Utc>,
) -> bool {
    let mut t = from;
    while t < close {
        if !is_quiet(settings, t) {
            return false;
        }
        t += Duration::minutes(1);
    }
    true
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn reminders_keep_quiet_hours_stable_ids_and_the_budget(
        subjects in subjects(),
        settings in settings(),
        other in settings(),
        now_min in 0i64..(400 * 24 * 60),
        shift_min in 1i64..(5 * 24 * 60),
    ) {
        let cal = ChinaCalendar::bundled();
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(now_min);
        let state = ReminderState::default();
        let plan = plan_reminders(&subjects, &state, now, &settings, &cal);

        // The budget.
        prop_assert!(plan.len() <= settings.limit, "{} > {}", plan.len(), settings.limit);

        // Quiet hours.
        let by_step: HashMap<(&str, &str), &ReminderSubject> =
            subjects.iter().map(|s| ((s.case_id.as_str(), s.step_id.as_str()), s)).collect();
        for r in &plan {
            if !is_quiet(&settings, r.fire_at) {
                continue;
            }
            if r.kind == ReminderKind::CatchUp {
                // Fires at `now` moved out of quiet hours.
                prop_assert!(false, "catch-up in quiet hours at {}", r.local_time);
            }
            let s = by_step[&(r.case_id.as_deref().unwrap(), r.step_id.as_deref().unwrap())];
            prop_assert!(
                has_close(r, s) && window_is_all_quiet(&settings, s.clock_started_at, s.deadline),
                "{:?} of {}/{} at {} is in quiet hours (window {} – {})",
                r.kind, s.case_id, s.step_id, r.local_time, s.clock_started_at, s.deadline
            );
        }

        // Ids: the same plan again; then other settings, a moved deadline and new titles
        // keep the id of every (case, step, kind).
        prop_assert_eq!(&plan_reminders(&subjects, &state, now, &settings, &cal), &plan);
        let moved: Vec<ReminderSubject> = subjects
            .iter()
            .map(|s| ReminderSubject {
                deadline: s.deadline + Duration::minutes(shift_min),
                step_title: Text::new("改名的步骤", "Renamed step"),
                ..s.clone()
            })
            .collect();
        let mut ids: HashMap<(Option<String>, Option<String>, ReminderKind), String> = HashMap::new();
        for p in [
            &plan,
            &plan_reminders(&moved, &state, now, &other, &cal),
            &plan_reminders(&subjects, &state, now - Duration::days(3), &other, &cal),
        ] {
            for r in p.iter().filter(|r| r.kind != ReminderKind::CatchUp) {
                let key = (r.case_id.clone(), r.step_id.clone(), r.kind);
                let id = ids.entry(key).or_insert_with(|| r.id.clone());
                prop_assert_eq!(&*id, &r.id);
            }
        }
        // Distinct (case, step, kind) never share an id.
        let mut seen: HashMap<&String, _> = HashMap::new();
        for (k, id) in &ids {
            if let Some(prev) = seen.insert(id, k) {
                prop_assert!(false, "{:?} and {:?} share id {}", prev, k, id);
            }
        }
    }
}
