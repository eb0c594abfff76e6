//! The checklist read at a glance: settled steps fold to one line, the step to act on is
//! unfolded and opened to, a header says what is next and when, evidence shows only where
//! it belongs, and the questions the plan waits on are answered in place. Also the
//! questionnaire's error timing. All on the bundled packs, as the demo builds them.

use tuilu_core::app::{
    effects::ANDROID_PENDING_LIMIT, Answer, App, CaseScreen, Event, Os, PlatformState,
    QuestionKind, Route, Screen,
};
use tuilu_core::evidence::{CancelFlag, NoProgress};
use tuilu_core::vault::{StepAction, StepStatus};
use tuilu_core::Lang;

mod app_support;
use app_support::{ctx, guild_answers, t};

fn open() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    (dir, app)
}

fn foreground() -> PlatformState {
    PlatformState {
        os: Os::Android { sdk: 34 },
        notifications_allowed: true,
        exact_alarms_allowed: true,
        pending_limit: ANDROID_PENDING_LIMIT,
        scheduled: vec![],
        in_foreground: true,
    }
}

/// The demo's guild exit: three checks done on 2026-10-09 14:00 Beijing time, the exit
/// request (step 4) handed in at 14:30; returns the case id.
fn guild_at_step_4(app: &App) -> String {
    let c = ctx(Lang::Zh, "2026-09-28T02:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    let c = ctx(Lang::Zh, "2026-10-09T07:00:00Z");
    for step in [
        "check_account_status",
        "backup_data",
        "read_contract_and_negotiate",
    ] {
        app.step_action(
            &c,
            &case.id,
            step,
            StepAction::Done,
            Some(t("2026-10-09T06:00:00Z")),
            None,
            None,
        )
        .unwrap();
    }
    app.step_action(
        &c,
        &case.id,
        "submit_exit",
        StepAction::Submit,
        Some(t("2026-10-09T06:30:00Z")),
        None,
        None,
    )
    .unwrap();
    case.id
}

fn focused(case: &CaseScreen) -> &tuilu_core::app::StepRow {
    &case.steps[case.focus_step.expect("a step to act on") as usize]
}

#[test]
fn the_guild_checklist_folds_the_done_steps_and_opens_at_step_4() {
    let (_d, app) = open();
    let id = guild_at_step_4(&app);
    let case = app
        .case_screen(&ctx(Lang::Zh, "2026-10-12T02:00:00Z"), &id)
        .unwrap();
    // Steps 1–3 are one line each: the mark and when they were done, in words.
    for s in &case.steps[..3] {
        assert_eq!(s.status, StepStatus::Done);
        assert!(s.collapsed, "step {} stays a full card", s.number);
        assert_eq!(
            s.collapsed_text.as_deref(),
            Some("✓\u{a0}10月9日\u{a0}14:00"),
            "step {}",
            s.number
        );
    }
    // Step 4, the first open step, is where the screen opens, unfolded; step 5 was
    // handed in and waits for the guild's answer.
    let now = focused(&case);
    assert_eq!(now.number, 4, "{}", now.title);
    assert_eq!(now.id, "record_communications");
    assert!(!now.collapsed && now.collapsed_text.is_none());
    let sent = &case.steps[4];
    assert_eq!(sent.status, StepStatus::Submitted);
    assert!(!sent.collapsed);
    let due = sent.deadline.as_ref().expect("the request's clock runs");
    assert!(!due.overdue);
    // The header says what is next, and what waits on the other side by when.
    assert!(
        case.next_text.starts_with(&format!(
            "下一步：第 4 步「{}」；第 5 步等待对方答复（10月",
            now.title
        )),
        "{}",
        case.next_text
    );
    assert!(case.next_text.ends_with("日前）"), "{}", case.next_text);
    // No step after it is folded: only settled steps are.
    assert!(case.steps[3..].iter().all(|s| !s.collapsed));

    // With step 4 done, the request is the step in play: the header waits on the guild.
    let c = ctx(Lang::Zh, "2026-10-12T02:00:00Z");
    let waiting = app
        .step_action(
            &c,
            &id,
            "record_communications",
            StepAction::Done,
            None,
            None,
            None,
        )
        .unwrap();
    assert_eq!(focused(&waiting).id, "submit_exit");
    assert!(
        waiting
            .next_text
            .starts_with(&format!("等待对方答复：第 5 步「{}」 · 10月", sent.title))
            && waiting.next_text.ends_with("日前答复"),
        "{}",
        waiting.next_text
    );
    app.undo_last(&c, &id).unwrap();

    let en = app
        .case_screen(&ctx(Lang::En, "2026-10-12T02:00:00Z"), &id)
        .unwrap();
    assert_eq!(
        en.steps[0].collapsed_text.as_deref(),
        Some("✓\u{a0}Oct\u{a0}9\u{a0}14:00")
    );
    assert!(
        en.next_text.starts_with("Next: step 4 “")
            && en
                .next_text
                .contains("; step 5 awaits their answer (due by Oct "),
        "{}",
        en.next_text
    );
    assert!(!en
        .next_text
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
}

#[test]
fn a_new_case_opens_at_step_1_and_a_finished_one_says_so() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-28T02:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    assert_eq!(case.focus_step, Some(0));
    assert!(case.steps.iter().all(|s| !s.collapsed));
    // Nothing runs yet: the next step, with no date.
    assert_eq!(
        case.next_text,
        format!("下一步：第 1 步「{}」", case.steps[0].title)
    );
    let mut case = case;
    for _ in 0..case.steps.len() {
        let Some(open) = case.steps.iter().find(|s| !s.status.is_settled()) else {
            break;
        };
        case = app
            .step_action(
                &c,
                &case.id,
                &open.id.clone(),
                StepAction::Skip,
                None,
                None,
                None,
            )
            .unwrap();
    }
    assert_eq!(case.focus_step, None);
    assert_eq!(case.next_text, "全部步骤已完成");
    assert!(case.steps.iter().all(|s| s.collapsed));
    assert!(case.steps.iter().all(|s| s
        .collapsed_text
        .as_deref()
        .unwrap()
        .starts_with("已跳过\u{a0}9月28日\u{a0}")));
}

#[test]
fn evidence_shows_only_where_the_step_expects_it_or_has_some() {
    let (_d, app) = open();
    let id = guild_at_step_4(&app);
    let case = app
        .case_screen(&ctx(Lang::Zh, "2026-10-12T02:00:00Z"), &id)
        .unwrap();
    for s in &case.steps {
        assert_eq!(
            s.shows_evidence,
            !s.evidence_hints.is_empty() || s.evidence_count > 0,
            "step {} {}",
            s.number,
            s.title
        );
    }
    // Both kinds are in this pack: the request keeps its proof, a step without a hint
    // shows no evidence row.
    assert!(focused(&case).shows_evidence);
    let without = case
        .steps
        .iter()
        .find(|s| s.evidence_hints.is_empty())
        .expect("a step that expects no evidence");
    assert!(!without.shows_evidence, "{}", without.title);
    // Filing something under it brings the row back.
    let c = ctx(Lang::Zh, "2026-10-12T02:00:00Z");
    app.add_evidence_bytes(
        &c,
        &id,
        Some(&without.id),
        "chat.txt",
        "公会说可以退".as_bytes(),
        None,
        None,
        &NoProgress,
        &CancelFlag::new(),
    )
    .unwrap();
    let case = app.case_screen(&c, &id).unwrap();
    let again = case.steps.iter().find(|s| s.id == without.id).unwrap();
    assert_eq!(again.evidence_count, 1);
    assert!(again.shows_evidence);
}

#[test]
fn the_kuaishou_question_is_a_card_with_its_controls_and_reason_and_answering_replans() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-10-10T02:00:00Z");
    let case = app
        .create_case(
            &c,
            "kuaishou.live-exit",
            &[Answer::new("fans", "1.2万"), Answer::new("balance", "350")],
        )
        .unwrap();
    let card = case
        .question_cards
        .iter()
        .find(|q| q.question.id == "has_mcn_contract")
        .expect("the MCN question is a card");
    assert_eq!(
        card.question.text,
        "你和MCN机构（经纪公司、公会）签了约吗？"
    );
    // The questionnaire's own control: yes/no, nothing chosen, no error.
    assert_eq!(card.question.kind, QuestionKind::YesNo);
    assert_eq!(card.question.options.len(), 2);
    assert!(card.question.options.iter().all(|o| !o.selected));
    assert!(card.question.error.is_none());
    // The reason names the steps that wait on it, by number.
    let waiting: Vec<_> = case.steps.iter().filter(|s| s.pending.is_some()).collect();
    assert_eq!(
        waiting.len(),
        4,
        "{:?}",
        waiting.iter().map(|s| &s.title).collect::<Vec<_>>()
    );
    let numbers: Vec<String> = waiting.iter().map(|s| s.number.to_string()).collect();
    assert_eq!(
        card.reason,
        format!("回答后才能确定是否需要第 {} 步", numbers.join("、"))
    );
    assert!(card.reason.starts_with("回答后才能确定"), "{}", card.reason);
    let before = case.steps.len();
    app.handle(
        &c,
        &foreground(),
        Event::Open {
            route: Route::Case {
                case_id: case.id.clone(),
            },
        },
    );

    // Answered on the checklist: the case is re-planned and the card is gone.
    let u = app.handle(
        &c,
        &foreground(),
        Event::CaseAnswered {
            case_id: case.id.clone(),
            answers: vec![Answer::new("has_mcn_contract", "false")],
        },
    );
    assert!(u.message.is_none(), "{:?}", u.message);
    let Some(Screen::Case(after)) = u.screen else {
        panic!("{:?}", u.screen)
    };
    assert!(
        after.question_cards.is_empty(),
        "{:?}",
        after.question_cards
    );
    assert!(
        after.steps.len() < before,
        "{} → {}",
        before,
        after.steps.len()
    );
    assert!(after.steps.iter().all(|s| s.pending.is_none()));
    // Progress is kept: the two steps done stay done.
    let done = |c: &CaseScreen| {
        c.steps
            .iter()
            .filter(|s| s.status == StepStatus::Done)
            .count()
    };
    assert_eq!(done(&after), done(&case));

    // A word that is not an answer is refused in words, and nothing changes.
    let u = app.handle(
        &c,
        &foreground(),
        Event::CaseAnswered {
            case_id: case.id.clone(),
            answers: vec![Answer::new("has_mcn_contract", "也许")],
        },
    );
    let m = u.message.expect("refused");
    assert!(m.is_error && m.text.contains("是"), "{}", m.text);
}

#[test]
fn the_21_step_kuaishou_case_opens_at_its_first_open_step() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-10-10T02:00:00Z");
    let mut case = app
        .create_case(
            &c,
            "kuaishou.live-exit",
            &[
                Answer::new("fans", "1.2万"),
                Answer::new("balance", "350"),
                Answer::new("has_mcn_contract", "是"),
            ],
        )
        .unwrap();
    assert_eq!(case.steps.len(), 21, "the full plan");
    for id in case
        .steps
        .iter()
        .take(2)
        .map(|s| s.id.clone())
        .collect::<Vec<_>>()
    {
        case = app
            .step_action(&c, &case.id, &id, StepAction::Done, None, None, None)
            .unwrap();
    }
    let f = focused(&case);
    assert_eq!(f.number, 3);
    assert!(case.steps[..2].iter().all(|s| s.collapsed));
    assert!(
        case.next_text.starts_with("下一步：第 3 步「"),
        "{}",
        case.next_text
    );
    assert!(case.question_cards.is_empty());
}

#[test]
fn the_questionnaire_shows_no_error_before_an_answer_and_words_one_on_going_on() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-28T02:00:00Z");
    let q = app.questionnaire(&c, "douyin.guild-exit", &[]).unwrap();
    assert!(q.questions.iter().all(|q| q.error.is_none()));
    let second = q.questions[1].clone();
    assert_eq!(second.id, "has_violation_record");
    assert!(second.needs_answer);

    // 下一题 on the open question: it says so, in words, on that question only.
    let u = app.handle(
        &c,
        &foreground(),
        Event::AnswersChanged {
            scenario: "douyin.guild-exit".into(),
            answers: vec![Answer::new("has_unsettled_earnings", "否")],
            going_on_from: Some(second.id.clone()),
        },
    );
    let Some(Screen::Questionnaire(q)) = u.screen else {
        panic!("{:?}", u.screen)
    };
    let err = q.questions[1].error.as_deref().expect("says it is open");
    assert_eq!(err, "这一题还没有回答：请先选择一项，再继续下一题。");
    assert!(q
        .questions
        .iter()
        .enumerate()
        .all(|(i, q)| i == 1 || q.error.is_none()));

    // Going on from an answered question, or from one with an assumption, is fine.
    let q = app
        .questionnaire_going_on(
            &c,
            "douyin.guild-exit",
            &[
                Answer::new("has_unsettled_earnings", "否"),
                Answer::new("has_violation_record", "否"),
            ],
            Some("has_violation_record"),
        )
        .unwrap();
    assert!(q.questions.iter().all(|q| q.error.is_none()));
    let en = app
        .questionnaire_going_on(
            &ctx(Lang::En, "2026-09-28T02:00:00Z"),
            "douyin.guild-exit",
            &[],
            Some("has_violation_record"),
        )
        .unwrap();
    assert_eq!(
        en.questions[1].error.as_deref(),
        Some("This question has no answer yet: choose one before going on.")
    );
}

#[test]
fn the_header_names_an_overdue_answer_even_when_another_step_is_next() {
    let (_d, app) = open();
    let id = guild_at_step_4(&app);
    // Weeks later the guild still has not answered the request (step 5).
    let case = app
        .case_screen(&ctx(Lang::Zh, "2026-10-30T02:00:00Z"), &id)
        .unwrap();
    let late = &case.steps[4];
    let d = late.deadline.as_ref().unwrap();
    assert!(
        late.overdue && d.relative.starts_with("已逾期"),
        "{}",
        d.relative
    );
    assert_eq!(focused(&case).number, 4);
    assert!(
        case.next_text
            .ends_with(&format!("；第 5 步{}", d.relative)),
        "{}",
        case.next_text
    );
}

/// A step with no answer to wait for (no duration, none on its routes) is marked done, not
/// handed in: the checklist offers no "submit" on it, and the vault refuses one in words
/// (the phones and the command line alike), so nothing waits on an answer nobody gives.
#[test]
fn a_request_without_a_clock_is_done_not_handed_in() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-08-18T02:00:00Z");
    let case = app
        .create_case(
            &c,
            "douyin.recharge-refund",
            &[
                Answer::new("recharge_amount", "648"),
                Answer::new("refund_reason", "mistaken"),
            ],
        )
        .unwrap();
    let c = ctx(Lang::Zh, "2026-08-20T04:00:00Z");
    for step in ["screenshot_recharge", "prepare_request_details"] {
        app.step_action(&c, &case.id, step, StepAction::Done, None, None, None)
            .unwrap();
    }
    let screen = app.case_screen(&c, &case.id).unwrap();
    let row = screen
        .steps
        .iter()
        .find(|s| s.id == "apply_on_order")
        .unwrap();
    let offered: Vec<StepAction> = row.actions.iter().map(|a| a.action).collect();
    assert!(offered.contains(&StepAction::Done), "{offered:?}");
    assert!(!offered.contains(&StepAction::Submit), "{offered:?}");
    let e = app
        .step_action(
            &c,
            &case.id,
            "apply_on_order",
            StepAction::Submit,
            None,
            None,
            None,
        )
        .unwrap_err();
    assert!(e.message(Lang::Zh).contains("办完后标记为已完成"), "{e:?}");
    let case = app
        .step_action(
            &c,
            &case.id,
            "apply_on_order",
            StepAction::Done,
            None,
            None,
            None,
        )
        .unwrap();
    assert!(case.next_text.starts_with("下一步："), "{}", case.next_text);
}
