//! The plan view of `tuilu plan`: what a user reads in both languages, from the same rule
//! book and calendar the phones use.

use tuilu_core::app::plan_view::{plan_bundled, PlanRequest, PlanView};
use tuilu_core::app::{Answer, App, AppError, ViewContext};
use tuilu_core::Lang;

mod app_support;
use app_support::{ctx, guild_answers, t};

fn request(scenario: &str, answers: Vec<Answer>, from: Option<&str>) -> PlanRequest {
    PlanRequest {
        scenario: scenario.to_string(),
        answers,
        from: from.map(t),
        ..PlanRequest::default()
    }
}

fn plan(c: &ViewContext, req: PlanRequest) -> PlanView {
    plan_bundled(c, req).unwrap().view
}

/// Every string of the view a user reads: all but ids and the source's raw fields.
fn visible(view: &PlanView) -> Vec<String> {
    fn walk(v: &serde_json::Value, key: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) if !["id", "scenario", "seed"].contains(&key) => {
                out.push(s.clone())
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, key, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, k, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(view).unwrap(), "", &mut out);
    out
}

#[test]
fn a_chinese_plan_says_steps_timing_answers_and_questions_in_words() {
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let v = plan(&c, request("douyin.guild-exit", guild_answers(), None));
    assert_eq!(v.heading, "抖音：退出公会（规则版本 v1.2.1）");
    let numbers: Vec<i64> = v.steps.iter().map(|s| s.number).collect();
    assert_eq!(numbers, (1..=numbers.len() as i64).collect::<Vec<_>>());
    let submit = v.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    assert_eq!(submit.channel, "手机App");
    assert_eq!(
        submit.timing.as_deref(),
        Some("自退出申请提交起，对方应在 1–3 个工作日内答复")
    );
    // Without a start time there are no dates.
    assert!(v.steps.iter().all(|s| s.deadline.is_none()));
    assert!(
        submit.routes[0].text.starts_with("或者："),
        "{:?}",
        submit.routes
    );
    assert!(submit
        .after
        .as_deref()
        .unwrap()
        .starts_with("先完成：第 1 步「检查账号状态和收益结算」"));
    // The answers the plan was made for, in words, and how to answer the rest: by the
    // question's number, never its id.
    let answers: Vec<(&str, &str)> = v
        .answers
        .iter()
        .map(|a| (a.label.as_str(), a.value.as_str()))
        .collect();
    assert!(
        answers.contains(&("你的账号目前有违规记录吗？", "否")),
        "{answers:?}"
    );
    assert!(v.questions.is_empty(), "{:?}", v.questions);
    assert!(v
        .assumptions
        .iter()
        .all(|a| a.line.contains("〔--fact ") && !a.line.contains("has_")));
    for text in visible(&v) {
        for id in ["submit_exit", "has_dispute", "contract_ended", "douyin."] {
            assert!(!text.contains(id), "an id on a Chinese screen: {text}");
        }
    }
}

#[test]
fn open_questions_name_the_kind_of_answer_and_what_they_affect() {
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let v = plan(&c, request("douyin.guild-exit", vec![], None));
    let q = &v.questions[0];
    assert!(q.line.contains("〔是/否：--fact "), "{}", q.line);
    assert!(q.affects.as_deref().unwrap().starts_with("影响："));
    let b = &v.blockers[0];
    assert!(
        b.pending.as_deref().unwrap().starts_with("〔待回答：「"),
        "{:?}",
        b.pending
    );
    assert!(b.remedy.starts_with("解决办法："));
    // An answer by number is the question of that number.
    let by_number = plan(
        &c,
        request(
            "douyin.guild-exit",
            vec![Answer::new("1", "否"), Answer::new("2", "否")],
            None,
        ),
    );
    assert_eq!(by_number.answers.len(), 2);
    // A bad answer is refused, naming the question by its words.
    let e = plan_bundled(
        &c,
        request(
            "douyin.xingtu-task-cancel",
            vec![Answer::new("task_amount", "lots")],
            None,
        ),
    )
    .unwrap_err();
    assert!(matches!(e, AppError::InvalidFact { .. }), "{e:?}");
    assert!(e.message(Lang::Zh).contains("任务金额"), "{e:?}");
}

#[test]
fn an_english_plan_has_no_chinese_punctuation() {
    let c = ctx(Lang::En, "2026-09-29T08:00:00Z");
    for scenario in ["douyin.guild-exit", "kuaishou.live-exit"] {
        let v = plan(
            &c,
            request(scenario, vec![], Some("2026-09-30T17:00:00+08:00")),
        );
        assert!(v.heading.contains(scenario));
        let json = serde_json::to_value(&v).unwrap();
        let mut texts = visible(&v);
        // A source's quote is the article's own words, in Chinese.
        texts.retain(|s| {
            !json
                .to_string()
                .contains(&format!("\"quote\":{}", serde_json::json!(s)))
                && !s.starts_with("source: ")
        });
        for text in texts {
            for c in ['：', '，', '；', '「', '」'] {
                assert!(!text.contains(c), "{c} in English: {text}");
            }
        }
    }
}

#[test]
fn with_a_start_time_each_period_gets_dates_in_its_own_words() {
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    // Submitted Wed 2026-09-30 17:00 over the National Day break: working days resume
    // Oct 8, and Sat Oct 10 is a make-up working day.
    let v = plan(
        &c,
        request(
            "douyin.guild-exit",
            guild_answers(),
            Some("2026-09-30T17:00:00+08:00"),
        ),
    );
    let submit = v.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    assert_eq!(
        submit.deadline.as_deref(),
        Some("对方最早 2026-10-08 答复，最迟应在 2026-10-10 23:59（北京时间）前答复")
    );
    // A notice period and a non-compete end; nothing is due then.
    let v = plan(
        &c,
        request(
            "kuaishou.live-exit",
            vec![
                Answer::new("fans", "600000"),
                Answer::new("has_mcn_contract", "true"),
                Answer::new("has_non_compete", "true"),
            ],
            Some("2026-12-01T10:00:00+08:00"),
        ),
    );
    let step = |id: &str| v.steps.iter().find(|s| s.id == id).unwrap();
    assert_eq!(
        step("mcn_written_notice").deadline.as_deref(),
        Some("至少到 2026-12-31 23:59（北京时间）期满")
    );
    let non_compete = step("non_compete_period");
    assert!(non_compete
        .deadline
        .as_deref()
        .unwrap()
        .ends_with("之后可以办理"));
    assert!(non_compete
        .escalation
        .as_deref()
        .unwrap()
        .starts_with("期满之后："));
    // Into 2027, whose holidays are unpublished: the date says it is an estimate.
    let v = plan(
        &c,
        request(
            "douyin.guild-exit",
            guild_answers(),
            Some("2026-12-30T10:00:00+08:00"),
        ),
    );
    let submit = v.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    assert!(
        submit.deadline.as_deref().unwrap().contains("〔估算："),
        "{:?}",
        submit.deadline
    );
}

#[test]
fn a_vague_source_makes_the_time_usual_not_a_limit() {
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let mut answers = guild_answers();
    answers.push(Answer::new("has_dispute", "是"));
    let v = plan(
        &c,
        request(
            "douyin.guild-exit",
            answers,
            Some("2026-09-30T17:00:00+08:00"),
        ),
    );
    let submit = v.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    assert!(submit
        .timing
        .as_deref()
        .unwrap()
        .contains("通常 1–3 个工作日；有纠纷会延长"));
    let d = submit.deadline.as_deref().unwrap();
    assert!(
        d.starts_with("通常在 2026-10-08 至 2026-10-10 23:59"),
        "{d}"
    );
    assert!(!d.contains("前答复"), "{d}");
    assert!(submit
        .escalation
        .as_deref()
        .unwrap()
        .starts_with("超过通常时间仍无结果："));
}

#[test]
fn the_app_plans_with_the_packs_added_to_the_vault_and_shows_flags() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let compiled = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/golden/packs/douyin.xingtu-task-cancel.json"
    ))
    .unwrap();
    let mut pack: serde_json::Value = serde_json::from_str(&compiled).unwrap();
    pack["version"] = "9.0.0".into();
    pack["title"]["zh"] = "抖音星图：取消任务（新版）".into();
    app.add_pack(&pack.to_string()).unwrap();
    let req = || request("douyin.xingtu-task-cancel", vec![], None);
    let out = app.plan(&c, req()).unwrap();
    assert_eq!(
        out.view.heading,
        "抖音星图：取消任务（新版）（规则版本 v9.0.0）"
    );
    assert_eq!(out.json["pack_version"], "9.0.0");
    assert!(plan(&c, req()).heading.ends_with("（规则版本 v1.2.0）"));

    // A rule the user flagged carries the flag, in words and in the JSON.
    let book = app.rule_book().unwrap();
    let sc = book.get("douyin.xingtu-task-cancel").unwrap();
    let first = out.view.steps[0].id.clone();
    app.vault(c.now)
        .unwrap()
        .flag_rule(sc, &first, "入口改了", c.now)
        .unwrap();
    let out = app.plan(&c, req()).unwrap();
    assert_eq!(
        out.view.steps[0].notes.flag.as_deref(),
        Some("⚑ 你标记了此规则可能已过时：入口改了")
    );
    assert_eq!(out.json["flags"][0]["rule_id"], first.as_str());
    assert!(out.view.problems.is_empty());
}

#[test]
fn the_json_record_carries_each_deadline_on_its_step_and_route() {
    let c = ctx(Lang::En, "2026-09-29T08:00:00Z");
    let out = plan_bundled(
        &c,
        request(
            "douyin.guild-exit",
            vec![],
            Some("2026-09-30T17:00:00+08:00"),
        ),
    )
    .unwrap();
    let steps = out.json["steps"].as_array().unwrap();
    let submit = steps.iter().find(|s| s["id"] == "submit_exit").unwrap();
    assert_eq!(submit["deadline"]["latest_date"], "2026-10-10");
    assert!(submit["alternatives"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["deadline"]["latest_date"] == "2026-10-07"));
    assert!(out.json["deadlines"].as_array().unwrap().len() >= 3);
    assert_eq!(out.json["flags"], serde_json::json!([]));
}

#[test]
fn a_skipped_holiday_file_is_said_when_the_plan_has_dates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("calendar")).unwrap();
    std::fs::write(dir.path().join("calendar/2030.json"), "not json").unwrap();
    let app = App::open(dir.path()).unwrap();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let dated = app
        .plan(
            &c,
            request(
                "douyin.guild-exit",
                vec![],
                Some("2026-09-30T17:00:00+08:00"),
            ),
        )
        .unwrap();
    assert_eq!(dated.view.problems.len(), 1, "{:?}", dated.view.problems);
    assert!(dated.view.problems[0].starts_with("已忽略无效的节假日数据文件"));
    assert!(dated.view.problems[0].contains("2030.json"));
    // Without dates the calendar plays no part.
    let plain = app
        .plan(&c, request("douyin.guild-exit", vec![], None))
        .unwrap();
    assert!(plain.view.problems.is_empty());
}
