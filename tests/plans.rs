//! Plan behaviour users depend on: amounts, blockers, open questions, fact errors, order.

use tuilu_core::rules::plan::Applicability;
use tuilu_core::{evaluate_plan, load_bundled, FactError, Facts, Plan, RuleBook};

fn book() -> RuleBook {
    load_bundled().unwrap()
}

fn plan(book: &RuleBook, id: &str, pairs: &[(&str, &str)]) -> Plan {
    let s = book.get(id).unwrap();
    let facts = s.parse_fact_pairs(pairs.iter().copied()).unwrap();
    evaluate_plan(s, &facts).unwrap()
}

fn amount(p: &Plan, id: &str) -> Option<f64> {
    p.amount(id)
        .unwrap_or_else(|| panic!("no amount {id}"))
        .value
}

#[test]
fn xingtu_client_cancels_after_upload_owes_half() {
    let b = book();
    let p = plan(
        &b,
        "douyin.xingtu-task-cancel",
        &[
            ("cancelled_by", "client"),
            ("video_uploaded", "true"),
            ("task_amount", "1234.57"),
        ],
    );
    assert_eq!(amount(&p, "client_compensation"), Some(617.29));
    assert_eq!(amount(&p, "creator_receives"), Some(617.29));
    assert_eq!(p.amount("client_compensation").unwrap().currency, "CNY");
    assert!(p.missing_facts.is_empty(), "{:?}", p.missing_facts);
}

#[test]
fn xingtu_client_cancels_before_start_owes_nothing() {
    let b = book();
    let p = plan(
        &b,
        "douyin.xingtu-task-cancel",
        &[
            ("cancelled_by", "client"),
            ("video_uploaded", "false"),
            ("task_amount", "5000"),
        ],
    );
    assert_eq!(amount(&p, "client_compensation"), Some(0.0));
}

#[test]
fn xingtu_creator_cancels_receives_nothing() {
    let b = book();
    let p = plan(
        &b,
        "douyin.xingtu-task-cancel",
        &[
            ("cancelled_by", "creator"),
            ("video_uploaded", "true"),
            ("task_amount", "5000"),
        ],
    );
    assert_eq!(amount(&p, "creator_receives"), Some(0.0));
    assert_eq!(amount(&p, "client_compensation"), Some(0.0));
    assert!(p.warnings.iter().any(|w| w.id == "creator_cancel_forfeits"));
}

#[test]
fn xingtu_offers_the_app_as_an_alternative_route() {
    let b = book();
    let p = plan(&b, "douyin.xingtu-task-cancel", &[]);
    let cancel = p.step("cancel_task").unwrap();
    assert_eq!(cancel.alternatives.len(), 1);
    assert_eq!(cancel.alternatives[0].id, "cancel_in_app");
}

#[test]
fn kuaishou_estimates_twenty_percent_income_tax() {
    let b = book();
    let p = plan(&b, "kuaishou.live-exit", &[("balance", "8888.88")]);
    assert_eq!(amount(&p, "estimated_income_tax"), Some(1777.78));
}

#[test]
fn kuaishou_wind_down_depends_on_fan_count() {
    let b = book();
    let big = plan(
        &b,
        "kuaishou.live-exit",
        &[("fans", "600000"), ("has_mcn_contract", "true")],
    );
    let small = plan(
        &b,
        "kuaishou.live-exit",
        &[("fans", "1000"), ("has_mcn_contract", "false")],
    );
    let big_ids: Vec<&str> = big.steps.iter().map(|s| s.id.as_str()).collect();
    let small_ids: Vec<&str> = small.steps.iter().map(|s| s.id.as_str()).collect();
    assert!(
        big_ids.len() > small_ids.len(),
        "{big_ids:?} vs {small_ids:?}"
    );
    for id in &small_ids {
        assert!(
            big_ids.contains(id),
            "{id} should also apply to a big account"
        );
    }
}

#[test]
fn guild_blockers_come_with_remedies() {
    let b = book();
    let p = plan(
        &b,
        "douyin.guild-exit",
        &[
            ("has_unsettled_earnings", "true"),
            ("has_violation_record", "false"),
            ("contract_ended", "false"),
        ],
    );
    assert_eq!(p.blockers.len(), 2, "{:#?}", p.blockers);
    assert!(p
        .blockers
        .iter()
        .all(|b| !b.remedy.zh.is_empty() && !b.remedy.en.is_empty()));
    let clear = plan(
        &b,
        "douyin.guild-exit",
        &[
            ("has_unsettled_earnings", "false"),
            ("has_violation_record", "false"),
            ("contract_ended", "true"),
        ],
    );
    assert!(clear.blockers.is_empty(), "{:#?}", clear.blockers);
}

#[test]
fn unanswered_facts_do_not_stop_planning() {
    let b = book();
    let p = plan(&b, "douyin.guild-exit", &[]);
    assert!(!p.steps.is_empty());
    assert!(p
        .missing_facts
        .contains(&"has_unsettled_earnings".to_string()));
    // The blocker on unsettled earnings is listed as undetermined, waiting on that fact.
    let blocker = p
        .blockers
        .iter()
        .find(|b| b.open_facts.contains(&"has_unsettled_earnings".to_string()))
        .expect("an undetermined blocker");
    assert_eq!(blocker.applicability, Applicability::Undetermined);
    let q = p
        .questions
        .iter()
        .find(|q| q.id == "has_unsettled_earnings")
        .unwrap();
    assert!(q.needed_by.contains(&blocker.id));
}

#[test]
fn xingtu_amount_waits_for_its_facts() {
    let b = book();
    let p = plan(
        &b,
        "douyin.xingtu-task-cancel",
        &[("cancelled_by", "client")],
    );
    let a = p.amount("client_compensation").unwrap();
    assert_eq!(a.value, None);
    assert_eq!(a.open_facts, ["task_amount", "video_uploaded"]);
    let q = p.questions.iter().find(|q| q.id == "task_amount").unwrap();
    assert!(q.needed_by.contains(&"client_compensation".to_string()));
}

#[test]
fn steps_come_after_their_dependencies() {
    let b = book();
    for s in b.scenarios() {
        let p = evaluate_plan(s, &Facts::new()).unwrap();
        for (i, step) in p.steps.iter().enumerate() {
            assert_eq!(step.number, i + 1);
            for d in &step.depends_on {
                let pos = p.steps.iter().position(|x| &x.id == d).unwrap();
                assert!(pos < i, "{}: {} before its dependency {d}", s.id(), step.id);
            }
        }
    }
}

#[test]
fn unknown_fact_is_an_error_naming_it() {
    let b = book();
    let s = b.get("douyin.xingtu-task-cancel").unwrap();
    let err = s
        .parse_fact_pairs([("video_uplodaed", "true")])
        .unwrap_err();
    assert!(matches!(&err, FactError::Unknown { fact, .. } if fact == "video_uplodaed"));
    assert!(err.to_string().contains("video_uplodaed"));
}

#[test]
fn wrong_type_is_an_error_naming_the_fact() {
    let b = book();
    let s = b.get("douyin.xingtu-task-cancel").unwrap();
    for (k, v) in [
        ("video_uploaded", "maybe"),
        ("task_amount", "lots"),
        ("cancelled_by", "nobody"),
        ("task_amount", "1.234"),
    ] {
        let err = s.parse_fact_pairs([(k, v)]).unwrap_err();
        assert!(
            matches!(&err, FactError::WrongType { fact, .. } if fact == k),
            "{k}={v}: {err}"
        );
    }
    // Typed facts handed over directly are checked too.
    let mut facts = Facts::new();
    facts.insert("video_uploaded".into(), tuilu_core::FactValue::Integer(1));
    let err = evaluate_plan(s, &facts).unwrap_err();
    assert!(err.to_string().contains("video_uploaded"));
}

#[test]
fn facts_from_json_accept_numbers_and_strings() {
    let b = book();
    let s = b.get("douyin.xingtu-task-cancel").unwrap();
    let facts = s
        .facts_from_json(&serde_json::json!({"cancelled_by": "client", "video_uploaded": true, "task_amount": 200}))
        .unwrap();
    let p = evaluate_plan(s, &facts).unwrap();
    assert_eq!(p.amount("client_compensation").unwrap().value, Some(100.0));
    let err = s
        .facts_from_json(&serde_json::json!({"video_uploaded": "yes please"}))
        .unwrap_err();
    assert!(err.to_string().contains("video_uploaded"));
}
