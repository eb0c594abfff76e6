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

/// Issue 12/27: each clock starts at the event it names. Kuaishou with an MCN and over 500k
/// fans: the 30-day notice and the 45-day wind-down both run from the start (the seed
/// gives them no order, "分阶段完成"), and the 7-day review waits for both.
#[test]
fn kuaishou_clocks_notice_and_wind_down_side_by_side_then_review() {
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
    assert_eq!(wind_down.starts, ClockStart::PlanStart);
    assert_eq!(beijing_date(wind_down), "2027-01-15"); // 45 days after 12-01, not after 12-31
    let review = &t["deregister_account"];
    assert_eq!(review.deadline.clock_start, wind_down.deadline.deadline_utc);
    assert_eq!(beijing_date(review), "2027-01-22");
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
    // The seed's words for the wind-down's order.
    let w = p.step("wind_down_plan").unwrap();
    assert!(
        w.instructions.zh.contains("来源没有说明"),
        "{}",
        w.instructions.zh
    );
    assert!(!w
        .duration
        .as_ref()
        .unwrap()
        .starts_on
        .zh
        .contains("没有MCN合约时"));
}

/// Issue 27 N1: with no MCN and 20,000 fans, the account is not deregistered before the
/// 15-day fan transition the farewell promises has run (it was due on day 7).
#[test]
fn kuaishou_deregistration_waits_for_the_fan_transition() {
    let b = book();
    let p = plan(
        &b,
        "kuaishou.live-exit",
        &[
            ("fans", "20000"),
            ("has_mcn_contract", "false"),
            ("third_party_bound", "false"),
        ],
    );
    let t = timeline(&p, "2026-03-02T09:00:00+08:00");
    let transition = &t["transition_period"];
    assert_eq!(beijing_date(transition), "2026-03-17");
    let review = &t["deregister_account"];
    assert!(
        review.deadline.clock_start >= transition.deadline.deadline_utc,
        "deregistration starts {} before the transition ends {}",
        review.deadline.clock_start,
        transition.deadline.deadline_utc
    );
    assert_eq!(beijing_date(review), "2026-03-24");
    // N10: no third-party unbinding when nothing is bound.
    assert!(p.step("unbind_third_party").is_none());
}

/// Issue 27 N1, over every scenario: a step that ends the account comes after every step
/// of the plan that uses the account (in the app or its back end), directly or through
/// other steps, so none of them can be settled once the account is gone.
#[test]
fn nothing_that_needs_the_account_comes_after_deregistration() {
    use std::collections::HashSet;
    use tuilu_core::rules::pack::{Channel, FactType};
    let b = book();
    let mut checked = 0;
    for s in b.scenarios() {
        // Fact sets that bring in as many steps as possible: every enum value, with all
        // yes/no facts yes, then all no; large numbers.
        let mut sets: Vec<Vec<(String, String)>> = Vec::new();
        for bools in ["true", "false"] {
            let base: Vec<(String, String)> = s
                .pack
                .facts
                .iter()
                .filter(|f| !f.optional)
                .filter_map(|f| match f.kind {
                    FactType::Bool => Some((f.id.clone(), bools.to_string())),
                    FactType::Integer => Some((f.id.clone(), "2000000".to_string())),
                    FactType::Money => Some((f.id.clone(), "100".to_string())),
                    _ => None,
                })
                .collect();
            sets.push(base.clone());
            for f in s
                .pack
                .facts
                .iter()
                .filter(|f| f.kind == FactType::Enum && !f.optional)
            {
                for o in &f.options {
                    let mut set = base.clone();
                    set.push((f.id.clone(), o.value.clone()));
                    sets.push(set);
                }
            }
        }
        for set in sets {
            let facts = s
                .parse_fact_pairs(set.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .unwrap();
            let p = evaluate_plan(s, &facts).unwrap();
            for end in p.steps.iter().filter(|st| st.ends_account) {
                checked += 1;
                let mut before: HashSet<&str> = HashSet::new();
                let mut todo: Vec<&str> = end.depends_on.iter().map(|d| d.as_str()).collect();
                while let Some(id) = todo.pop() {
                    if before.insert(id) {
                        todo.extend(p.step(id).unwrap().depends_on.iter().map(|d| d.as_str()));
                    }
                }
                for st in &p.steps {
                    let uses_account = matches!(st.channel, Channel::App | Channel::Pc);
                    if uses_account && st.id != end.id {
                        assert!(
                            before.contains(st.id.as_str()),
                            "{}: step {} “{}” uses the account but may come after {} ({set:?})",
                            s.id(),
                            st.number,
                            st.title.zh,
                            end.id
                        );
                    }
                }
            }
        }
    }
    assert!(checked > 0, "no scenario has a step that ends the account");
}

/// Issue 27 N6: keep-account mode has its own title and never speaks of deregistering;
/// with an MCN, the rest period is offered instead of the termination notice.
#[test]
fn kuaishou_keep_account_mode_never_speaks_of_deregistering() {
    let b = book();
    let p = plan(
        &b,
        "kuaishou.live-exit",
        &[
            ("exit_mode", "keep_account"),
            ("fans", "600000"),
            ("has_mcn_contract", "true"),
            ("balance", "100"),
            ("gift_diamonds", "10"),
            ("has_open_orders", "true"),
            ("has_shop", "true"),
        ],
    );
    assert!(!p.title.zh.contains("注销"), "{}", p.title.zh);
    let mut texts: Vec<String> = vec![p.title.zh.clone()];
    for st in &p.steps {
        texts.push(st.title.zh.clone());
        texts.push(st.instructions.zh.clone());
        texts.extend(st.escalation.iter().map(|e| e.zh.clone()));
        texts.extend(st.warnings.iter().map(|e| e.zh.clone()));
        texts.extend(st.tips.iter().map(|e| e.zh.clone()));
    }
    for n in p.warnings.iter().chain(&p.consequences) {
        texts.push(n.text.zh.clone());
    }
    for t in &texts {
        assert!(!t.contains("注销"), "keep-account plan says: {t}");
    }
    // The rest period is the alternative to the termination notice, asked as a choice.
    assert!(p.questions.iter().any(|q| q.id == "mcn_exit_choice"));
    let rest = plan(
        &b,
        "kuaishou.live-exit",
        &[
            ("exit_mode", "keep_account"),
            ("fans", "1000"),
            ("has_mcn_contract", "true"),
            ("mcn_exit_choice", "rest_period"),
        ],
    );
    assert!(rest.step("negotiate_rest_period").is_some());
    assert!(rest.step("mcn_written_notice").is_none());
    let end = plan(
        &b,
        "kuaishou.live-exit",
        &[
            ("exit_mode", "keep_account"),
            ("fans", "1000"),
            ("has_mcn_contract", "true"),
            ("mcn_exit_choice", "terminate"),
        ],
    );
    assert!(end.step("negotiate_rest_period").is_none());
    assert!(end.step("mcn_written_notice").is_some());
}

/// Issue 27 N5: a step that lets something lapse ("让它…") asks nothing of the user by
/// its end: its time is no window and no act-by.
#[test]
fn letting_something_lapse_is_no_deadline_for_the_user() {
    use tuilu_core::rules::pack::{StepKind, TimeSense};
    let b = book();
    let mut seen = 0;
    for s in b.scenarios() {
        for st in &s.pack.steps {
            if !(st.title.zh.contains("让它") || st.instructions.zh.contains("让它")) {
                continue;
            }
            seen += 1;
            assert_ne!(st.kind, StepKind::Window, "{} {}", s.id(), st.id);
            if let Some(d) = &st.duration {
                let sense = d.sense();
                assert!(
                    !matches!(sense, TimeSense::Window),
                    "{} {}: {:?}",
                    s.id(),
                    st.id,
                    sense
                );
                assert!(!sense.label().zh.contains("须在"), "{}", sense.label().zh);
                assert!(!sense.end_label().zh.contains("须在"));
            }
        }
    }
    assert!(seen > 0);
}

/// Issue 27 N13/N12: durations read as the seed says them, the day count as a detail;
/// the guild's earnings recovery is no gate.
#[test]
fn durations_read_as_the_seed_says_them() {
    use tuilu_core::app::timing::pending_text;
    use tuilu_core::Lang;
    let b = book();
    let s = b.get("kuaishou.live-exit").unwrap();
    let st = s
        .pack
        .steps
        .iter()
        .find(|x| x.id == "non_compete_period")
        .unwrap();
    let d = st.duration.as_ref().unwrap();
    let text = pending_text(Lang::Zh, d.sense(), d);
    assert!(text.contains("6个月至1年"), "{text}");
    assert!(text.find("6个月至1年") < text.find("183"), "{text}");
    let g = b.get("douyin.guild-exit").unwrap();
    let rec = g
        .pack
        .steps
        .iter()
        .find(|x| x.id == "after_exit_recovery")
        .unwrap();
    assert!(
        rec.duration.is_none(),
        "recovery is not a period to wait out"
    );
    assert!(rec.instructions.zh.contains("1-2周"));
}

/// Issue 27 N2: with a dispute and unsettled earnings the steps can be followed in order:
/// the dispute is settled before the request is submitted, and settling it is what
/// removes the unsettled-earnings blocker, which holds back only the submission.
#[test]
fn guild_dispute_comes_before_the_request_it_would_block() {
    let b = book();
    let p = plan(
        &b,
        "douyin.guild-exit",
        &[
            ("has_unsettled_earnings", "true"),
            ("has_violation_record", "false"),
            ("contract_ended", "true"),
            ("has_dispute", "true"),
        ],
    );
    let dispute = p.step("resolve_dispute").unwrap();
    let submit = p.step("submit_exit").unwrap();
    assert!(dispute.number < submit.number);
    assert!(submit.depends_on.iter().any(|d| d == "resolve_dispute"));
    assert!(!dispute.depends_on.iter().any(|d| d == "submit_exit"));
    assert!(dispute.instructions.zh.contains("来源没有说明"));
    let blocker = p
        .blockers
        .iter()
        .find(|x| x.id == "unsettled_earnings")
        .unwrap();
    assert!(blocker.holds_back("submit_exit"));
    assert!(!blocker.holds_back("resolve_dispute"));
    assert!(blocker.resolved_by.iter().any(|r| r == "resolve_dispute"));
}

/// Issue 27 general rule: a question whose answer cannot change the plan is not asked.
/// A creator who cancels a Xingtu task owes and gets nothing whatever was uploaded and
/// whatever the amount; the plans for every answer are the same.
#[test]
fn questions_that_cannot_change_the_plan_are_not_asked() {
    let b = book();
    let base = [("task_type", "xingtu"), ("cancelled_by", "creator")];
    let p = plan(&b, "douyin.xingtu-task-cancel", &base);
    for q in ["video_uploaded", "task_amount"] {
        assert!(
            !p.questions.iter().any(|x| x.id == q),
            "asked {q}: {:?}",
            p.questions.iter().map(|x| &x.id).collect::<Vec<_>>()
        );
    }
    assert_eq!(amount(&p, "creator_receives"), Some(0.0));
    // Check by evaluation, over every scenario: take a full set of answers, leave one
    // out; if the plan then asks it, some answer to it must change the plan.
    use tuilu_core::rules::pack::FactType;
    let sig = |p: &Plan| {
        serde_json::to_string(&(
            &p.steps
                .iter()
                .map(|x| (&x.id, x.applicability))
                .collect::<Vec<_>>(),
            &p.blockers
                .iter()
                .map(|x| (&x.id, x.applicability))
                .collect::<Vec<_>>(),
            &p.warnings.iter().map(|x| &x.id).collect::<Vec<_>>(),
            &p.consequences.iter().map(|x| &x.id).collect::<Vec<_>>(),
            &p.amounts
                .iter()
                .map(|x| (&x.id, x.value, &x.explanation.zh))
                .collect::<Vec<_>>(),
            &p.title.zh,
        ))
        .unwrap()
    };
    let answers_for = |kind: FactType, def: &tuilu_core::rules::pack::FactDef| -> Vec<String> {
        match kind {
            FactType::Bool => vec!["true".into(), "false".into()],
            FactType::Enum => def.options.iter().map(|o| o.value.clone()).collect(),
            FactType::Integer | FactType::Money => {
                vec![
                    "0".into(),
                    "1".into(),
                    "4".into(),
                    "600000".into(),
                    "2000000".into(),
                ]
            }
            _ => Vec::new(),
        }
    };
    let mut checked = 0;
    for s in b.scenarios() {
        let facts: Vec<_> = s.pack.facts.iter().filter(|f| !f.optional).collect();
        for bools in ["true", "false"] {
            for big in ["100", "2000000"] {
                let full: Vec<(String, String)> = facts
                    .iter()
                    .filter_map(|f| match f.kind {
                        FactType::Bool => Some((f.id.clone(), bools.to_string())),
                        FactType::Integer | FactType::Money => Some((f.id.clone(), big.into())),
                        FactType::Enum => Some((f.id.clone(), f.options[0].value.clone())),
                        _ => None,
                    })
                    .collect();
                for (left_out, _) in &full {
                    let rest = full.iter().filter(|(k, _)| k != left_out);
                    let base = s
                        .parse_fact_pairs(rest.map(|(k, v)| (k.as_str(), v.as_str())))
                        .unwrap();
                    let p = evaluate_plan(s, &base).unwrap();
                    if !p.questions.iter().any(|q| &q.id == left_out) {
                        continue;
                    }
                    checked += 1;
                    let def = s.fact(left_out).unwrap();
                    let shown: std::collections::HashSet<String> = answers_for(def.kind, def)
                        .iter()
                        .map(|a| {
                            let mut f = base.clone();
                            f.insert(left_out.clone(), s.parse_fact(left_out, a).unwrap());
                            sig(&evaluate_plan(s, &f).unwrap())
                        })
                        .collect();
                    assert!(
                        shown.len() > 1,
                        "{}: the question {left_out} is asked but no answer changes the plan (other answers: {full:?})",
                        s.id()
                    );
                }
            }
        }
    }
    assert!(checked > 0);
}

/// Issue 27 N11: an estimate that rests on defaults alone is not shown as a figure
/// (¥0.00): it waits for the answer, and the question is asked.
#[test]
fn an_estimate_from_defaults_waits_for_the_answer() {
    let b = book();
    let p = plan(
        &b,
        "wechat-channels.fan-group-exit",
        &[("has_paid_membership", "true"), ("membership_fee", "30")],
    );
    let a = p.amount("prorated_refund").unwrap();
    assert_eq!(a.value, None);
    assert!(a.open_facts.iter().any(|f| f == "months_remaining"));
    assert!(p.questions.iter().any(|q| q.id == "months_remaining"));
    let text = p.estimate_needs_text(tuilu_core::Lang::Zh, &a.open_facts);
    assert!(
        text.starts_with("需要回答") && text.ends_with("才能估算"),
        "{text}"
    );
    let p = plan(
        &b,
        "wechat-channels.fan-group-exit",
        &[
            ("has_paid_membership", "true"),
            ("membership_fee", "30"),
            ("plan_months", "3"),
            ("months_remaining", "2"),
        ],
    );
    assert_eq!(amount(&p, "prorated_refund"), Some(20.0));
}

/// Issue 27 N15: a choice accepts a unique prefix or the short Chinese word; an
/// ambiguous or unknown one is refused with a sentence naming the choices.
#[test]
fn choices_accept_a_unique_prefix_and_name_the_choices_when_refused() {
    let b = book();
    let x = b.get("douyin.xingtu-task-cancel").unwrap();
    assert_eq!(
        x.parse_fact("cancelled_by", "客户").unwrap().to_string(),
        "client"
    );
    assert_eq!(
        x.parse_fact("cancelled_by", "达人").unwrap().to_string(),
        "creator"
    );
    let r = b.get("douyin.recharge-refund").unwrap();
    assert_eq!(
        r.parse_fact("refund_reason", "误充值").unwrap().to_string(),
        "mistaken"
    );
    assert_eq!(
        r.parse_fact("recharge_method", "微信").unwrap().to_string(),
        "wechat_pay"
    );
    // "c" fits both "client" and "creator".
    assert!(x.parse_fact("cancelled_by", "c").is_err());
    let def = x.fact("cancelled_by").unwrap();
    let msg = tuilu_core::rules::facts::accepted_input(def).zh;
    assert!(
        msg.contains("「客户（品牌方）」") && msg.contains("「达人（我）」"),
        "{msg}"
    );
    assert!(msg.ends_with('。') && !msg.contains("以下之一"), "{msg}");
    // No option label needs shell quoting.
    for s in b.scenarios() {
        for f in &s.pack.facts {
            for o in &f.options {
                assert!(!o.label.zh.contains(" / "), "{}: {}", s.id(), o.label.zh);
            }
        }
    }
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
    // Seed 000: a declared dispute is settled before the request (issue 27 N2).
    let p = plan(&b, "douyin.guild-exit", &[("has_dispute", "true")]);
    let submit = p.step("submit_exit").unwrap();
    assert!(submit.depends_on.contains(&"resolve_dispute".to_string()));
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
