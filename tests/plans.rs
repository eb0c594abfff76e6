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
    let ids: Vec<&str> = cancel.alternatives.iter().map(|a| a.id.as_str()).collect();
    // Seed 003 gives two app paths: 我 → 创作者服务中心, and 设置 → 创作者服务中心.
    assert_eq!(ids, ["cancel_in_app", "cancel_in_app_via_settings"]);
}

/// Regression (issue 12): a task the client cancels must not tell the creator to press
/// 取消任务 (that makes them the canceller, who loses the 50 %), and its amounts are
/// explained for the client's case, not with the creator-cancel sentence.
#[test]
fn xingtu_client_cancel_has_its_own_steps_and_texts() {
    let b = book();
    let p = plan(
        &b,
        "douyin.xingtu-task-cancel",
        &[
            ("cancelled_by", "client"),
            ("video_uploaded", "true"),
            ("task_amount", "8000"),
        ],
    );
    let ids: Vec<&str> = p.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "record_task_state",
            "check_client_request",
            "keep_upload_record",
            "confirm_client_cancellation"
        ]
    );
    assert!(p.step("cancel_task").is_none() && p.step("await_confirmation").is_none());
    let pay = p.amount("creator_receives").unwrap();
    assert_eq!(pay.value, Some(4000.0));
    assert!(
        !pay.explanation.zh.contains("达人发起取消"),
        "{}",
        pay.explanation.zh
    );
    assert!(
        pay.explanation.zh.contains("客户取消"),
        "{}",
        pay.explanation.zh
    );
    assert!(p.warnings.iter().all(|w| w.id != "creator_cancel_forfeits"));

    // The creator's own cancellation keeps the cancel steps and its own text.
    let p = plan(
        &b,
        "douyin.xingtu-task-cancel",
        &[
            ("cancelled_by", "creator"),
            ("video_uploaded", "true"),
            ("task_amount", "8000"),
        ],
    );
    assert!(p.step("cancel_task").is_some() && p.step("check_client_request").is_none());
    let pay = p.amount("creator_receives").unwrap();
    assert_eq!(pay.value, Some(0.0));
    assert!(
        pay.explanation.zh.contains("自己发起取消"),
        "{}",
        pay.explanation.zh
    );
}

/// Regression (issue 12): seed 002 says the request is first made on the order, then
/// customer service checks the record.
#[test]
fn recharge_refund_applies_on_the_order_before_customer_service() {
    let b = book();
    let p = plan(&b, "douyin.recharge-refund", &[]);
    let pos = |id: &str| p.steps.iter().position(|s| s.id == id).unwrap();
    assert!(pos("apply_on_order") < pos("contact_customer_service"));
    assert_eq!(
        p.step("contact_customer_service").unwrap().depends_on,
        ["apply_on_order"]
    );
    assert!(p.step("apply_on_order").unwrap().title.zh.contains("先"));
}

/// Regression (issue 12): identity is checked by customer service (seed 000), so it is part
/// of the customer-service routes, never a step after the in-app route.
#[test]
fn guild_exit_identity_check_only_on_the_customer_service_route() {
    let b = book();
    let p = plan(&b, "douyin.guild-exit", &[]);
    assert!(p.step("verify_identity").is_none());
    let submit = p.step("submit_exit").unwrap();
    assert!(!submit.instructions.zh.contains("身份"));
    let cs = submit
        .alternatives
        .iter()
        .find(|r| r.id == "via_online_cs")
        .unwrap();
    assert!(
        cs.instructions.zh.contains("验证身份"),
        "{}",
        cs.instructions.zh
    );
    assert_eq!(p.step("await_review").unwrap().depends_on, ["submit_exit"]);
}

/// Regression (issue 12): the ladder says what seed 003 says: 第四次直接封号, nothing
/// about "permanent", and a ninth offence is not shown as the fourth.
#[test]
fn xingtu_penalty_ladder_says_what_the_seed_says() {
    let b = book();
    let text = |n: &str| {
        let p = plan(
            &b,
            "douyin.xingtu-task-cancel",
            &[("offsite_ad_violations", n)],
        );
        p.consequences
            .iter()
            .map(|c| c.text.zh.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let fourth = text("4");
    assert!(fourth.contains("第四次直接封号"), "{fourth}");
    assert!(!fourth.contains("永久"), "{fourth}");
    let ninth = text("9");
    assert!(!ninth.contains("第四次直接封号"), "{ninth}");
    assert!(ninth.contains("只列到第四次"), "{ninth}");
    assert!(text("0").is_empty());
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

/// Deadlines of a plan started at `from`, by step id (main routes only).
fn timeline(
    p: &Plan,
    from: &str,
) -> std::collections::HashMap<String, tuilu_core::rules::schedule::PlannedDeadline> {
    let cal = tuilu_core::calendar::ChinaCalendar::bundled();
    let from = chrono_like(from);
    tuilu_core::rules::schedule::plan_deadlines(p, &cal, from)
        .unwrap()
        .into_iter()
        .filter(|d| d.route_id.is_none())
        .map(|d| (d.step_id.clone(), d))
        .collect()
}

fn chrono_like(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn beijing_date(d: &tuilu_core::rules::schedule::PlannedDeadline) -> String {
    d.deadline.deadline_beijing.format("%Y-%m-%d").to_string()
}

/// Issue 12: each clock starts at the event it names. Kuaishou with an MCN and over 500k
/// fans: the 30-day notice, then the 45-day wind-down, then the 7-day review; nothing
/// counts from the plan start except the first.
#[test]
fn kuaishou_clocks_chain_notice_then_wind_down_then_review() {
    use tuilu_core::rules::pack::TimeSense;
    use tuilu_core::rules::schedule::ClockStart;
    let b = book();
    let p = plan(
        &b,
        "kuaishou.live-exit",
        &[
            ("fans", "600000"),
            ("has_mcn_contract", "true"),
            ("has_non_compete", "true"),
        ],
    );
    let t = timeline(&p, "2026-12-01T10:00:00+08:00");
    let notice = &t["mcn_written_notice"];
    assert_eq!(notice.starts, ClockStart::PlanStart);
    assert_eq!(notice.sense, TimeSense::MinimumPeriod);
    assert_eq!(beijing_date(notice), "2026-12-31");
    let wind_down = &t["wind_down_plan"];
    assert_eq!(wind_down.deadline.clock_start, notice.deadline.deadline_utc);
    assert_eq!(beijing_date(wind_down), "2027-02-14"); // 45 days after 12-31
    let review = &t["deregister_account"];
    assert_eq!(review.deadline.clock_start, wind_down.deadline.deadline_utc);
    assert_eq!(beijing_date(review), "2027-02-21");
    assert_eq!(review.sense, TimeSense::Deadline);
    // The non-compete runs from the contract's end (the notice's end), and is no deadline.
    let nc = &t["non_compete_period"];
    assert_eq!(
        nc.starts,
        ClockStart::AfterSteps {
            steps: vec!["mcn_written_notice".into()]
        }
    );
    assert_eq!(nc.deadline.clock_start, notice.deadline.deadline_utc);
    assert_eq!(nc.sense, TimeSense::Earliest);

    // Without an MCN and under 500k fans, the review counts from the start.
    let p = plan(
        &b,
        "kuaishou.live-exit",
        &[("fans", "3000"), ("has_mcn_contract", "false")],
    );
    let t = timeline(&p, "2026-12-01T10:00:00+08:00");
    assert!(!t.contains_key("mcn_written_notice") && !t.contains_key("wind_down_plan"));
    assert_eq!(beijing_date(&t["deregister_account"]), "2026-12-08");
}

/// Issue 12: the guild's after-exit recovery counts from the exit, not the plan start.
#[test]
fn guild_recovery_counts_from_the_exit() {
    let b = book();
    let p = plan(&b, "douyin.guild-exit", &[]);
    let t = timeline(&p, "2026-12-01T10:00:00+08:00");
    let exit = &t["submit_exit"];
    let recovery = &t["after_exit_recovery"];
    assert_eq!(recovery.deadline.clock_start, exit.deadline.deadline_utc);
    assert!(recovery.deadline.earliest_utc > exit.deadline.deadline_utc);
}

/// Every timed rule says what its time means, and a cooldown, a minimum period or a
/// non-compete is never a deadline.
#[test]
fn every_duration_has_a_sense_and_waits_are_not_deadlines() {
    use tuilu_core::rules::pack::TimeSense;
    let b = book();
    let sense = |scenario: &str, step: &str| {
        let s = b.get(scenario).unwrap();
        let st = s.pack.steps.iter().find(|x| x.id == step).unwrap();
        st.duration.as_ref().unwrap().sense.unwrap()
    };
    for s in b.scenarios() {
        for st in &s.pack.steps {
            let all = st
                .duration
                .iter()
                .chain(st.alternatives.iter().filter_map(|r| r.duration.as_ref()));
            for d in all {
                assert!(d.sense.is_some(), "{} {}", s.id(), st.id);
            }
        }
    }
    assert_eq!(
        sense("wechat-channels.fan-group-exit", "rejoin_cooldown"),
        TimeSense::Earliest
    );
    assert_eq!(
        sense("kuaishou.live-exit", "mcn_written_notice"),
        TimeSense::MinimumPeriod
    );
    assert_eq!(
        sense("kuaishou.live-exit", "non_compete_period"),
        TimeSense::Earliest
    );
    for s in [TimeSense::Earliest, TimeSense::MinimumPeriod] {
        assert!(!s.end_label().zh.contains("截止"));
        assert!(!s.label().zh.contains("截止"));
    }
}

/// Issue 12: statements the packs had left out are in the plans that need them.
#[test]
fn missing_seed_statements_are_encoded() {
    let b = book();
    // Seed 000: a declared dispute lengthens the review.
    let p = plan(&b, "douyin.guild-exit", &[("has_dispute", "true")]);
    let review = p.step("await_review").unwrap();
    assert!(review.depends_on.contains(&"resolve_dispute".to_string()));
    assert!(p.step("resolve_dispute").unwrap().duration.is_none());
    // Seed 001 §六: revenue effects per platform.
    for id in [
        "wechat-channels.fan-group-exit",
        "douyin.fan-group-exit",
        "kuaishou.fan-group-exit",
    ] {
        let p = plan(&b, id, &[("has_paid_membership", "false")]);
        assert!(
            p.consequences
                .iter()
                .any(|c| c.id == "revenue_share_effects"),
            "{id}"
        );
    }
    // Seed 002: a finished recharge is refunded, not cancelled; most are final.
    let p = plan(&b, "douyin.recharge-refund", &[]);
    for w in ["cannot_cancel_finished_recharge", "most_recharges_final"] {
        assert!(p.warnings.iter().any(|n| n.id == w), "{w}");
    }
    // Seed 004: deregistration waits for the notice and the wind-down; donated gear.
    let p = plan(
        &b,
        "kuaishou.live-exit",
        &[("fans", "600000"), ("has_mcn_contract", "true")],
    );
    let dereg = p.step("deregister_account").unwrap();
    assert!(dereg.depends_on.contains(&"mcn_written_notice".to_string()));
    assert!(dereg.depends_on.contains(&"wind_down_plan".to_string()));
    for w in [
        "deregister_after_notice_and_wind_down",
        "donated_equipment_tax",
    ] {
        assert!(p.warnings.iter().any(|n| n.id == w), "{w}");
    }
    let share = p.amount("gift_revenue_share");
    assert!(share.is_none(), "no diamonds given: no share");
    let p = plan(
        &b,
        "kuaishou.live-exit",
        &[
            ("fans", "600000"),
            ("has_mcn_contract", "false"),
            ("gift_diamonds", "2000"),
        ],
    );
    let share = p.amount("gift_revenue_share").unwrap();
    assert_eq!(share.value, Some(800.0));
    assert_eq!(share.unit_label.zh, "钻石");
    assert!(
        share.explanation.zh.contains("观众"),
        "{}",
        share.explanation.zh
    );
}
