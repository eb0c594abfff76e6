//! The application layer: every view and event, as a shell would drive it.

use std::sync::Arc;

use tuilu_core::app::{Answer, App, AppError, ChangeKind, QuestionKind, TimeSense};
use tuilu_core::reminders::SnoozeChoice;
use tuilu_core::vault::{StepAction, StepStatus};
use tuilu_core::Lang;

mod app_support;
use app_support::{ctx, finish_before_submit, guild_answers, submit_exit, t, Recorder};

fn open() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    (dir, app)
}

#[test]
fn home_starts_empty_and_leads_to_a_new_exit() {
    let (_d, app) = open();
    let home = app.home(&ctx(Lang::Zh, "2026-09-29T08:00:00Z")).unwrap();
    assert!(home.cases.is_empty());
    assert_eq!(home.start_label, "开始一个退出流程");
    assert!(home.empty_text.unwrap().contains("退出"));
    // 2027 has no published holidays: said in words, for this year and the next.
    let home = app.home(&ctx(Lang::Zh, "2026-12-02T08:00:00Z")).unwrap();
    assert!(
        home.calendar_warnings
            .iter()
            .any(|w| w.contains("2027 年节假日")),
        "{:?}",
        home.calendar_warnings
    );
}

#[test]
fn a_locked_step_names_the_step_to_finish_by_title_and_number() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    let submit = case.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    let reason = submit.locked_reason.as_deref().unwrap();
    assert!(reason.starts_with("需先完成第 "), "{reason}");
    assert!(!reason.contains('_'), "no ids on screen: {reason}");
    assert!(submit
        .actions
        .iter()
        .all(|a| a.action != StepAction::Submit));
    // Before the clock runs, the rule's meaning is said, not a date.
    assert!(
        submit.timing.as_deref().unwrap().contains("工作日"),
        "{:?}",
        submit.timing
    );
    // The first step can be started or done now.
    let first = &case.steps[0];
    assert!(first.locked_reason.is_none());
    let labels: Vec<&str> = first.actions.iter().map(|a| a.label.as_str()).collect();
    assert!(labels.contains(&"已完成"), "{labels:?}");
    assert!(case.undo.is_none());

    // The typed error names both steps by title, in Chinese only.
    let e = app
        .step_action(
            &c,
            &case.id,
            "submit_exit",
            StepAction::Submit,
            None,
            None,
            None,
        )
        .unwrap_err();
    match &e {
        AppError::DependencyNotDone {
            dependency,
            dependency_title,
            ..
        } => {
            assert_eq!(dependency, "check_account_status");
            assert!(!dependency_title.contains('_'));
        }
        other => panic!("{other:?}"),
    }
    let zh = e.message(Lang::Zh);
    assert!(zh.starts_with("请先完成第 1 步「"), "{zh}");
    assert!(
        !zh.contains("check_account_status") && !zh.contains("cannot"),
        "{zh}"
    );
    // Made for an English app, the titles are English too.
    let en = app
        .step_action(
            &ctx(Lang::En, "2026-09-29T08:00:00Z"),
            &case.id,
            "submit_exit",
            StepAction::Submit,
            None,
            None,
            None,
        )
        .unwrap_err()
        .message(Lang::En);
    assert!(en.starts_with("Finish step 1 “"), "{en}");
    assert!(
        !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{en}"
    );
}

#[test]
fn submit_shows_the_deadline_in_its_sense_and_undo_reverts_it() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    // Done and submit ask when, each with its own question; start does not.
    let first = &case.steps[0];
    let asked = |a: StepAction| {
        first
            .actions
            .iter()
            .find(|x| x.action == a)
            .map(|x| (x.asks_time, x.time_question.clone()))
    };
    assert_eq!(asked(StepAction::Start), Some((false, None)));
    assert_eq!(
        asked(StepAction::Done),
        Some((true, Some("什么时候完成的？".into())))
    );
    finish_before_submit(&app, &c, &case.id);
    let c = ctx(Lang::Zh, "2026-09-30T09:30:00Z");
    let ready = app.case_screen(&c, &case.id).unwrap();
    let submit = ready.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    let submit = submit
        .actions
        .iter()
        .find(|a| a.action == StepAction::Submit);
    assert_eq!(
        submit.and_then(|a| a.time_question.as_deref()),
        Some("什么时候提交的？")
    );
    let screen = app
        .step_action(
            &c,
            &case.id,
            "submit_exit",
            StepAction::Submit,
            Some(t("2026-09-30T09:00:00Z")),
            None,
            None,
        )
        .unwrap();
    let submit = screen.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    assert_eq!(submit.status, StepStatus::Submitted);
    let d = submit.deadline.as_ref().unwrap();
    assert_eq!(d.sense, TimeSense::Deadline);
    assert_eq!(d.latest.to_string(), "2026-10-10");
    assert_eq!(d.deadline_beijing, "2026-10-10 23:59");
    assert!(
        d.text.contains("2026-10-10 23:59（北京时间）前答复"),
        "{}",
        d.text
    );
    assert!(!d.text.contains("截止"));
    assert_eq!(d.relative, "还剩 3 个工作日");
    assert!(!d.overdue);
    let undo = screen.undo.as_ref().unwrap();
    assert_eq!(undo.step, "submit_exit");
    assert!(undo.label.starts_with("撤销「已提交："), "{}", undo.label);

    // Overdue after the 10th: said in days, on the row and on home.
    let late = ctx(Lang::Zh, "2026-10-12T02:00:00Z");
    let screen = app.case_screen(&late, &case.id).unwrap();
    let d = screen
        .steps
        .iter()
        .find(|s| s.id == "submit_exit")
        .unwrap()
        .deadline
        .clone()
        .unwrap();
    assert!(d.overdue);
    assert_eq!(d.relative, "已逾期 2 天");
    assert_eq!(screen.overdue_count, 1);
    let home = app.home(&late).unwrap();
    assert!(home.cases[0].overdue);

    let undone = app.undo_last(&late, &case.id).unwrap();
    let submit = undone.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    assert_eq!(submit.status, StepStatus::Todo);
    assert!(submit.deadline.is_none());
    // The next undo is the step before.
    assert!(undone.undo.unwrap().label.contains("已完成"));
}

#[test]
fn home_orders_cases_by_urgency_with_the_next_action() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let calm = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    let urgent = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    finish_before_submit(&app, &c, &urgent.id);
    submit_exit(&app, &c, &urgent.id);
    let home = app.home(&ctx(Lang::Zh, "2026-10-20T02:00:00Z")).unwrap();
    assert_eq!(home.cases.len(), 2);
    assert_eq!(home.cases[0].id, urgent.id);
    assert!(home.cases[0].overdue);
    assert_eq!(home.cases[1].id, calm.id);
    let next = home.cases[1].next_action.as_deref().unwrap();
    assert!(next.starts_with("下一步：第 1 步「"), "{next}");
    assert_eq!(
        home.cases[1].progress_text,
        "已完成 0/9 步".replace('9', &home.cases[1].total.to_string())
    );
    app.flag_rule(&c, &calm.id, "submit_exit", Some("入口已改名"))
        .unwrap();
    let en = app.home(&ctx(Lang::En, "2026-10-20T02:00:00Z")).unwrap();
    assert!(en.cases[1]
        .next_action
        .as_deref()
        .unwrap()
        .starts_with("Next: step 1 “"));
}

#[test]
fn questionnaire_asks_every_fact_shows_assumptions_and_previews_changes() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let q = app.questionnaire(&c, "kuaishou.live-exit", &[]).unwrap();
    assert!(q.total >= 3);
    for question in &q.questions {
        assert!(!question.text.is_empty());
        assert!(!question.kind_label.contains("bool") && !question.kind_label.contains("enum"));
        // A question is either open, or shows the assumption in words, or says it is
        // optional (only letters use it).
        let optional = question.help.as_deref().is_some_and(|h| h.contains("选填"));
        assert!(
            question.needs_answer || question.answer_text.is_some() || optional,
            "{question:?}"
        );
        if optional {
            assert!(!question.needs_answer, "{question:?}");
        }
        if question.assumed {
            assert!(question.assumed_text.as_deref().unwrap().contains("可修改"));
        }
    }
    let fans = q
        .questions
        .iter()
        .find(|q| q.id == "fans")
        .expect("fans is asked");
    assert_eq!(fans.kind, QuestionKind::Integer);

    // People's ways of writing numbers are accepted; a bad one is explained.
    let answers = [Answer::new("fans", "60万"), Answer::new("balance", "很多")];
    let q = app
        .questionnaire(&c, "kuaishou.live-exit", &answers)
        .unwrap();
    let fans = q.questions.iter().find(|q| q.id == "fans").unwrap();
    assert_eq!(fans.answer_value.as_deref(), Some("600000"));
    assert!(fans.error.is_none());
    if let Some(balance) = q.questions.iter().find(|q| q.id == "balance") {
        let e = balance.error.as_deref().unwrap();
        assert!(e.contains("金额") && e.contains("1.5万"), "{e}");
        assert!(!q.complete);
    }
    assert!(!q.preview.steps.is_empty());
    assert!(q.preview.summary.starts_with("共 "));

    // Yes/no questions come with labelled options.
    let g = app
        .questionnaire(
            &c,
            "douyin.guild-exit",
            &[Answer::new("has_unsettled_earnings", "是")],
        )
        .unwrap();
    let q1 = g
        .questions
        .iter()
        .find(|q| q.id == "has_unsettled_earnings")
        .unwrap();
    assert_eq!(q1.kind, QuestionKind::YesNo);
    let labels: Vec<&str> = q1.options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["是", "否"]);
    assert!(q1.options[0].selected);
    // Unsettled earnings block the exit: the preview says so in words.
    assert!(!g.preview.blockers.is_empty());
    assert!(g.preview.blockers.iter().all(|b| !b.contains('_')));
}

#[test]
fn a_choice_accepts_its_chinese_label() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let q = app
        .questionnaire(
            &c,
            "douyin.fan-group-exit",
            &[Answer::new("has_paid_membership", "是")],
        )
        .unwrap();
    let plan = q.questions.iter().find(|q| q.id == "plan_type").unwrap();
    assert_eq!(plan.kind, QuestionKind::Choice);
    let label = plan.options[0].label.clone();
    let value = plan.options[0].value.clone();
    let q = app
        .questionnaire(
            &c,
            "douyin.fan-group-exit",
            &[
                Answer::new("has_paid_membership", "是"),
                Answer::new("plan_type", &label),
            ],
        )
        .unwrap();
    let plan = q.questions.iter().find(|q| q.id == "plan_type").unwrap();
    assert_eq!(
        plan.answer_value.as_deref(),
        Some(value.as_str()),
        "{label}"
    );
    assert!(plan.error.is_none());
    // A wrong choice lists the labels.
    let e = app
        .create_case(
            &c,
            "douyin.fan-group-exit",
            &[Answer::new("plan_type", "每天")],
        )
        .unwrap_err();
    let msg = e.message(Lang::Zh);
    assert!(matches!(e, AppError::InvalidFact { .. }), "{e:?}");
    assert!(
        msg.contains(&format!("「{label}」")) && msg.contains("请从这几项中选一项"),
        "{msg}"
    );
}

#[test]
fn errors_for_unknown_things_say_what_was_not_found() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let e = app.case_screen(&c, "zzzzzzzz").unwrap_err();
    assert_eq!(e.message(Lang::Zh), "找不到案件「zzzzzzzz」");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    let e = app
        .step_action(
            &c,
            &case.id,
            "no_such_step",
            StepAction::Done,
            None,
            None,
            None,
        )
        .unwrap_err();
    assert_eq!(e.message(Lang::En), "No step “no_such_step” was found");
    let e = app.questionnaire(&c, "nope", &[]).unwrap_err();
    assert_eq!(e.code(), "not_found");
    let e = app.undo_last(&c, &case.id).unwrap_err();
    assert!(matches!(e, AppError::NothingToUndo { .. }));
}

#[test]
fn observers_hear_every_change_and_can_leave() {
    let (_d, app) = open();
    let rec = Arc::new(Recorder::default());
    let handle = app.add_observer(rec.clone());
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    app.step_action(
        &c,
        &case.id,
        "check_account_status",
        StepAction::Done,
        None,
        None,
        None,
    )
    .unwrap();
    app.undo_last(&c, &case.id).unwrap();
    // A refused action changes nothing and tells nobody.
    let _ = app.step_action(
        &c,
        &case.id,
        "submit_exit",
        StepAction::Submit,
        None,
        None,
        None,
    );
    let kinds: Vec<(ChangeKind, Option<String>)> = rec
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|c| (c.kind, c.case_id.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ChangeKind::CaseCreated, Some(case.id.clone())),
            (ChangeKind::CaseChanged, Some(case.id.clone())),
            (ChangeKind::CaseChanged, Some(case.id.clone())),
        ]
    );
    assert!(app.remove_observer(handle));
    app.step_action(
        &c,
        &case.id,
        "check_account_status",
        StepAction::Done,
        None,
        None,
        None,
    )
    .unwrap();
    assert_eq!(rec.0.lock().unwrap().len(), 3);
}

#[test]
fn added_packs_survive_a_restart_and_bad_ones_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let compiled = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/golden/packs/douyin.xingtu-task-cancel.json"
    ))
    .unwrap();
    let mut pack: serde_json::Value = serde_json::from_str(&compiled).unwrap();
    pack["version"] = "9.0.0".into();
    {
        let app = App::open(dir.path()).unwrap();
        assert_eq!(
            app.add_pack(&pack.to_string()).unwrap(),
            "douyin.xingtu-task-cancel"
        );
        let e = app.add_pack("{\"id\": 1}").unwrap_err();
        assert!(matches!(e, AppError::InvalidPack { .. }), "{e:?}");
    }
    let app = App::open(dir.path()).unwrap();
    let picker = app
        .scenario_picker(&ctx(Lang::Zh, "2026-09-29T08:00:00Z"))
        .unwrap();
    let douyin = picker
        .groups
        .iter()
        .find(|g| g.platform == "douyin")
        .unwrap();
    assert_eq!(douyin.label, "抖音");
    let xingtu = douyin
        .scenarios
        .iter()
        .find(|s| s.id == "douyin.xingtu-task-cancel")
        .unwrap();
    assert_eq!(xingtu.pack_version, "9.0.0");
    assert!(xingtu.last_reviewed_text.starts_with("规则最近审核："));
    let labels: Vec<&str> = picker.groups.iter().map(|g| g.label.as_str()).collect();
    assert!(labels.contains(&"快手"), "{labels:?}");
}

#[test]
fn reminder_sync_names_categories_and_actions_and_snooze_keeps_the_reminder() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    finish_before_submit(&app, &c, &case.id);
    let c = ctx(Lang::Zh, "2026-09-30T09:00:00Z");
    submit_exit(&app, &c, &case.id);
    let sync = app.reminder_sync(&c, &[]).unwrap();
    assert_eq!(sync.budget, 60);
    assert!(!sync.schedule.is_empty());
    for n in &sync.schedule {
        assert!(["deadline", "follow_up", "waiting_over", "short_window"]
            .contains(&n.category.as_str()));
        assert!(n
            .actions
            .iter()
            .any(|a| a.id == "snooze" && a.label == "稍后提醒"));
        assert!(!n.title.is_empty() && !n.body.is_empty());
    }
    // What is scheduled stays; a stale token is cancelled.
    let tokens: Vec<String> = sync.schedule.iter().map(|n| n.token.clone()).collect();
    let mut scheduled = tokens.clone();
    scheduled.push("stale#x".into());
    let again = app.reminder_sync(&c, &scheduled).unwrap();
    assert!(again.schedule.is_empty());
    assert_eq!(again.cancel, ["stale#x"]);
    // The step is handed in: its notifications offer "已有结果", which marks it done from
    // the notification.
    let answered = sync
        .schedule
        .iter()
        .find(|n| n.actions.iter().any(|a| a.id == "done"))
        .unwrap();
    assert!(answered.actions.iter().any(|a| a.label == "已有结果"));
    assert!(sync
        .schedule
        .iter()
        .all(|n| n.actions.iter().all(|a| a.id != "submitted")));
    // A dismissed reminder leaves the plan.
    let first = sync.schedule[0].id.clone();
    let after = app.dismiss_reminder(&c, &first, &tokens).unwrap();
    assert!(after.cancel.iter().any(|t| t.starts_with(&first)));
    let later = app
        .snooze_reminder(&c, &sync.schedule[1].id, SnoozeChoice::OneHour, &[])
        .unwrap();
    assert!(later.schedule.iter().any(|n| n.id == sync.schedule[1].id));
    let done = app
        .notification_action(&c, &answered.token, "done", &[])
        .unwrap();
    assert!(done
        .schedule
        .iter()
        .all(|n| n.step_id.as_deref() != Some("submit_exit")));
    let screen = app.case_screen(&c, &case.id).unwrap();
    let submit = screen.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    assert_eq!(submit.status, StepStatus::Done);
    assert!(app
        .notification_action(&c, &answered.id, "explode", &[])
        .is_err());
}

#[test]
fn evidence_list_and_settings_say_things_in_words() {
    let (dir, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    let list = app.evidence_list(&c, &case.id, None).unwrap();
    assert!(list.items.is_empty() && list.empty_text.is_some());
    let file = dir.path().join("shot.png");
    std::fs::write(&file, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    {
        let vault = app.vault(c.now).unwrap();
        let root = vault.dir().to_path_buf();
        vault
            .with_connection_mut(|conn| {
                let mut item = tuilu_core::evidence::NewItem::import(case.id.clone());
                item.step_id = Some("backup_data".into());
                tuilu_core::evidence::EvidenceStore::new(conn, &root).add_file(
                    &item,
                    &file,
                    &tuilu_core::evidence::NoProgress,
                    &tuilu_core::evidence::CancelFlag::new(),
                    c.now,
                )
            })
            .unwrap();
    }
    let list = app
        .evidence_list(&c, &case.id, Some("backup_data"))
        .unwrap();
    assert_eq!(list.items.len(), 1);
    let row = &list.items[0];
    assert_eq!(row.short_hash.len(), 12);
    assert_eq!(row.captured_text, "拍摄时间未知");
    assert!(!row.step_title.as_deref().unwrap().contains('_'));
    // The same screenshot added for another step is attached to it: listed under both.
    {
        let vault = app.vault(c.now).unwrap();
        let root = vault.dir().to_path_buf();
        let added = vault
            .with_connection_mut(|conn| {
                let mut item = tuilu_core::evidence::NewItem::import(case.id.clone());
                item.step_id = Some("record_communications".into());
                tuilu_core::evidence::EvidenceStore::new(conn, &root).add_file(
                    &item,
                    &file,
                    &tuilu_core::evidence::NoProgress,
                    &tuilu_core::evidence::CancelFlag::new(),
                    c.now,
                )
            })
            .unwrap();
        assert_eq!(added.linked_step.as_deref(), Some("record_communications"));
    }
    let both = app
        .evidence_list(&c, &case.id, Some("record_communications"))
        .unwrap();
    assert_eq!(both.items.len(), 1);
    assert_eq!(
        app.evidence_list(&c, &case.id, None).unwrap().items.len(),
        1
    );
    let screen = app.case_screen(&c, &case.id).unwrap();
    let backup = screen.steps.iter().find(|s| s.id == "backup_data").unwrap();
    assert_eq!(backup.evidence_count, 1);
    let record = screen
        .steps
        .iter()
        .find(|s| s.id == "record_communications")
        .unwrap();
    assert_eq!(record.evidence_count, 1);
    assert!(backup.source.as_ref().unwrap().summary.contains("最近审核"));

    let s = app.settings_view(&c).unwrap();
    assert_eq!(s.quiet_hours_text, "22:00–08:00");
    assert_eq!(s.evidence_count, 1);
    assert_eq!(s.case_count, 1);
    assert!(s.vault_size > 0);
    let mut settings = app.settings();
    settings.quiet_hours_enabled = false;
    settings.language = Lang::En;
    app.save_settings(&settings).unwrap();
    let s = app
        .settings_view(&ctx(Lang::En, "2026-09-29T08:00:00Z"))
        .unwrap();
    assert_eq!(s.quiet_hours_text, "off");
    assert_eq!(App::open(dir.path()).unwrap().settings().language, Lang::En);
}

#[test]
fn the_backup_section_nudges_until_everything_is_in_a_backup() {
    use tuilu_core::backup::{create_backup, CreateOptions};
    use tuilu_core::evidence::{CancelFlag, NoProgress};
    let (d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    // An empty vault: nothing to lose yet, no nudge.
    let v = app.backup_section(&c).unwrap();
    assert_eq!(v.last_backup_text, "还没有备份过");
    assert!(!v.due);
    assert!(v.suggested_file_name.ends_with(".tuilu-backup"));
    assert!(v.suggested_file_name.contains("2026-09-29"));
    assert!(v.explanation.contains("口令"));
    app.create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    let v = app.backup_section(&c).unwrap();
    assert!(v.due);
    assert!(v.due_text.contains("建议现在备份"), "{}", v.due_text);
    assert!(
        v.contents_text.starts_with("1 个案件、0 份证据"),
        "{}",
        v.contents_text
    );

    let out = tempfile::tempdir().unwrap();
    let at = t("2026-09-29T09:30:00Z");
    create_backup(
        d.path(),
        &out.path().join("b.tuilu-backup"),
        "门前大桥下 游过一群鸭",
        &CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
        &NoProgress,
        &CancelFlag::new(),
        at,
    )
    .unwrap();
    let v = app.backup_section(&c).unwrap();
    assert_eq!(v.last_backup_at, Some(at));
    assert_eq!(
        v.last_backup_text,
        "上次备份：2026-09-29 17:30（今天），1 个案件、0 份证据"
    );
    assert!(!v.due, "{}", v.due_text);
    // A new case is in no backup yet.
    app.create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    let v = app.backup_section(&c).unwrap();
    assert!(v.due);
    assert_eq!(
        v.due_text,
        "上次备份之后新增了 1 个案件，还不在任何备份里。"
    );
    // Old backups are due again.
    let later = ctx(Lang::En, "2026-11-05T08:00:00Z");
    let v = app.backup_section(&later).unwrap();
    assert!(
        v.last_backup_text.contains("(36 days ago)"),
        "{}",
        v.last_backup_text
    );

    // The hint under the passphrase field.
    let weak = app.passphrase_hint(&c, "5201314");
    assert!(!weak.accepted);
    assert_eq!((weak.meter, weak.label.as_str()), (0, "太弱"));
    let strong = app.passphrase_hint(&c, "correct horse battery staple");
    assert!(strong.accepted);
    assert_eq!((strong.meter, strong.label.as_str()), (3, "强"));
    // zxcvbn counts a Chinese character as ten guesses: a phrase of 10 is accepted.
    let chinese = app.passphrase_hint(&c, "门前大桥下 游过一群鸭");
    assert!(chinese.accepted && chinese.meter >= 1, "{chinese:?}");
    // In every cracking list; the meter before zxcvbn accepted them.
    for p in ["Password1!", "P@ssw0rd", "qwerty123", "woaini1314520"] {
        let h = app.passphrase_hint(&c, p);
        assert!(!h.accepted && h.meter == 0, "{p}: {h:?}");
    }
    // The default is a generated recovery code, shown with what to do with it.
    assert!(
        v.explanation.contains("30-digit recovery code"),
        "{}",
        v.explanation
    );
    let zh = app.backup_section(&c).unwrap();
    assert!(
        zh.explanation.contains("30 位数字的恢复码"),
        "{}",
        zh.explanation
    );
    let code = app.new_recovery_code(&c).unwrap();
    assert_eq!(code.code.len(), 35);
    assert_ne!(code.code, app.new_recovery_code(&c).unwrap().code);
    assert!(
        code.instruction.contains("写在纸上"),
        "{}",
        code.instruction
    );
    assert_eq!(code.confirm_label, "我已写下恢复码");
    assert_eq!(app.passphrase_hint(&c, &code.code).meter, 3);
    assert!(!app
        .passphrase_hint(&later, "sunflower")
        .advice
        .contains('口'));
}

#[test]
fn a_blocker_holds_back_only_its_steps_and_the_step_that_fixes_it_clears_it() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    // Deregistering with accounts still linked (the default): the blocker names the step
    // that removes it and the step it holds back, and nothing else waits for it.
    let case = app
        .create_case(
            &c,
            "kuaishou.live-exit",
            &[Answer::new("has_mcn_contract", "是")],
        )
        .unwrap();
    let b = case
        .blockers
        .iter()
        .find(|b| b.title == "还绑定着第三方账号")
        .expect("the blocker is shown");
    let unbind = case
        .steps
        .iter()
        .find(|s| s.id == "unbind_third_party")
        .unwrap();
    let dereg = case
        .steps
        .iter()
        .find(|s| s.id == "deregister_account")
        .unwrap();
    assert!(
        b.remedy.contains(&format!(
            "第 {} 步「解除所有第三方账号绑定」完成后即解决",
            unbind.number
        )),
        "{}",
        b.remedy
    );
    assert!(
        b.remedy
            .contains(&format!("不能提交第 {} 步", dereg.number)),
        "{}",
        b.remedy
    );
    // The 30-day notice to the MCN is not held back by linked accounts.
    let notice = case
        .steps
        .iter()
        .find(|s| s.id == "mcn_written_notice")
        .unwrap();
    assert!(
        notice
            .actions
            .iter()
            .any(|a| a.action == StepAction::Submit),
        "{:?}",
        notice.locked_reason
    );
    let case = app
        .step_action(
            &c,
            &case.id,
            "mcn_written_notice",
            StepAction::Submit,
            None,
            None,
            None,
        )
        .unwrap();
    // Unlinking clears it; undoing that brings it back.
    let case = app
        .step_action(
            &c,
            &case.id,
            "unbind_third_party",
            StepAction::Done,
            None,
            None,
            None,
        )
        .unwrap();
    assert!(
        !case
            .blockers
            .iter()
            .any(|b| b.title == "还绑定着第三方账号"),
        "{:?}",
        case.blockers
    );
    let case = app.undo_last(&c, &case.id).unwrap();
    assert!(case
        .blockers
        .iter()
        .any(|b| b.title == "还绑定着第三方账号"));
}

#[test]
fn a_backup_that_never_reached_its_place_is_forgotten() {
    use tuilu_core::backup::{create_backup, CreateOptions};
    use tuilu_core::evidence::{CancelFlag, NoProgress};
    let (d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    app.create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let backup = |name: &str, at: &str| {
        create_backup(
            d.path(),
            &out.path().join(name),
            "门前大桥下 游过一群鸭",
            &CreateOptions {
                scrypt_log_n: Some(10),
                ..Default::default()
            },
            &NoProgress,
            &CancelFlag::new(),
            t(at),
        )
        .unwrap();
    };
    // The first backup is abandoned: back to "never backed up", and due.
    backup("a", "2026-09-29T09:00:00Z");
    let v = app.backup_not_kept(&c).unwrap();
    assert_eq!(v.last_backup_text, "还没有备份过");
    assert!(v.due);
    // A kept backup, then an abandoned one: the kept one is the last backup again.
    backup("b", "2026-09-29T10:00:00Z");
    backup("c", "2026-09-30T10:00:00Z");
    let v = app.backup_not_kept(&c).unwrap();
    assert_eq!(v.last_backup_at, Some(t("2026-09-29T10:00:00Z")));
    // Nothing more to put back: unchanged.
    let again = app.backup_not_kept(&c).unwrap();
    assert_eq!(again.last_backup_at, v.last_backup_at);
}

#[test]
fn a_wait_steps_time_picker_asks_about_its_clock_not_a_submission() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let case = app.create_case(&c, "douyin.recharge-refund", &[]).unwrap();
    for s in [
        "screenshot_recharge",
        "prepare_request_details",
        "apply_on_order",
        "contact_customer_service",
    ] {
        app.step_action(&c, &case.id, s, StepAction::Done, None, None, None)
            .unwrap();
    }
    let screen = app.case_screen(&c, &case.id).unwrap();
    let wait = screen
        .steps
        .iter()
        .find(|s| s.id == "await_decision")
        .unwrap();
    let question = |a: StepAction| {
        wait.actions
            .iter()
            .find(|x| x.action == a)
            .map(|x| (x.label.clone(), x.time_question.clone()))
    };
    assert_eq!(
        question(StepAction::Submit),
        Some(("开始计时".into(), Some("从什么时候开始计时？".into())))
    );
    assert_eq!(
        question(StepAction::Done),
        Some(("等待期已结束".into(), Some("等待期什么时候结束的？".into())))
    );
    // Once its clock runs, nothing was "submitted": the clock is running, and starting
    // again restarts it.
    let screen = app
        .step_action(
            &c,
            &case.id,
            "await_decision",
            StepAction::Submit,
            None,
            None,
            None,
        )
        .unwrap();
    let wait = screen
        .steps
        .iter()
        .find(|s| s.id == "await_decision")
        .unwrap();
    assert_eq!(wait.status_label, "计时中");
    let labels: Vec<&str> = wait.actions.iter().map(|a| a.label.as_str()).collect();
    assert!(labels.contains(&"重新计时"), "{labels:?}");
    assert!(!labels.iter().any(|l| l.contains("退回")), "{labels:?}");
}

/// Issue 27 N2: a guild exit with a dispute and unsettled earnings can be followed in
/// order (the dispute step comes before the request it unblocks), and the dispute makes
/// the 1–3 working-day review open-ended ("有纠纷会延长", no length given): on day 4 the
/// case shows the usual time passed, never "已逾期", no escalation that sends the user to
/// customer service as if the limit were firm, and no deadline reminders. Without a
/// dispute the same day is overdue.
#[test]
fn a_dispute_makes_the_guild_review_open_ended_and_the_steps_follow_in_order() {
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let answers = |dispute: &str| {
        vec![
            Answer::new("has_unsettled_earnings", dispute),
            Answer::new("has_dispute", dispute),
            Answer::new("has_violation_record", "否"),
            Answer::new("contract_ended", "是"),
        ]
    };
    let case = app
        .create_case(&c, "douyin.guild-exit", &answers("是"))
        .unwrap();
    // Nothing in the way: earnings settled, no dispute.
    let calm = app
        .create_case(&c, "douyin.guild-exit", &answers("否"))
        .unwrap();
    let pos = |id: &str| case.steps.iter().position(|s| s.id == id).unwrap();
    assert!(pos("resolve_dispute") < pos("submit_exit"));
    for (id, case_id) in ["check_account_status", "backup_data"]
        .iter()
        .chain(&["read_contract_and_negotiate", "record_communications"])
        .flat_map(|s| [(*s, &case.id), (*s, &calm.id)])
    {
        app.step_action(&c, case_id, id, StepAction::Done, None, None, None)
            .unwrap();
    }
    // Submitting is locked until the dispute (and so the earnings) is settled.
    let screen = app.case_screen(&c, &case.id).unwrap();
    let submit = screen.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    assert!(submit.locked_reason.is_some());
    let step = screen
        .steps
        .iter()
        .find(|s| s.id == "resolve_dispute")
        .unwrap();
    assert!(step.locked_reason.is_none(), "{:?}", step.locked_reason);
    assert!(
        step.instructions.contains("来源没有说明顺序"),
        "{}",
        step.instructions
    );
    app.step_action(
        &c,
        &case.id,
        "resolve_dispute",
        StepAction::Done,
        None,
        None,
        None,
    )
    .unwrap();
    // Before the clock runs: the usual time and the words that it can be longer.
    let screen = app.case_screen(&c, &case.id).unwrap();
    let submit = screen.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    assert!(submit.locked_reason.is_none(), "{:?}", submit.locked_reason);
    let timing = submit.timing.as_deref().unwrap();
    assert!(timing.contains("通常"), "{timing}");
    assert!(
        timing.contains("有纠纷会延长，来源没有说明延长多久"),
        "{timing}"
    );
    // Submitted on Wednesday 2026-09-30; 1–3 working days over National Day end on
    // 10-10 for both cases.
    let c = ctx(Lang::Zh, "2026-09-30T09:30:00Z");
    for id in [&case.id, &calm.id] {
        app.step_action(
            &c,
            id,
            "submit_exit",
            StepAction::Submit,
            Some(t("2026-09-30T09:00:00Z")),
            None,
            None,
        )
        .unwrap();
    }
    let late = ctx(Lang::Zh, "2026-10-12T02:00:00Z");
    let screen = app.case_screen(&late, &case.id).unwrap();
    let submit = screen.steps.iter().find(|s| s.id == "submit_exit").unwrap();
    let d = submit.deadline.as_ref().unwrap();
    assert!(!d.overdue);
    assert!(!submit.overdue);
    assert_eq!(d.relative, "已超过通常时间，仍在等待");
    assert!(
        !d.text.contains("逾期") && !d.text.contains("截止"),
        "{}",
        d.text
    );
    assert!(
        d.text.contains("至 2026-10-10 23:59（北京时间）之间"),
        "{}",
        d.text
    );
    assert!(
        d.text.contains("有纠纷会延长，来源没有说明延长多久"),
        "{}",
        d.text
    );
    assert_eq!(screen.overdue_count, 0);
    // The escalation, when read, does not send the user to customer service.
    let e = submit.escalation.as_deref().unwrap();
    assert!(!e.contains("客服"), "{e}");
    assert!(e.contains("不算逾期"), "{e}");
    let en = app
        .case_screen(&ctx(Lang::En, "2026-10-12T02:00:00Z"), &case.id)
        .unwrap();
    let d_en = en
        .steps
        .iter()
        .find(|s| s.id == "submit_exit")
        .unwrap()
        .deadline
        .clone()
        .unwrap();
    assert_eq!(d_en.relative, "past the usual time, still waiting");
    // Home: the disputed case is not overdue, the calm one is.
    let home = app.home(&late).unwrap();
    let row = |id: &str| home.cases.iter().find(|h| h.id == id).unwrap();
    assert!(!row(&case.id).overdue);
    assert!(row(&calm.id).overdue);
    // No "截止日" / "已过截止时间" reminders for the open-ended review; the calm case gets
    // them.
    let sync = app.reminder_sync(&c, &[]).unwrap();
    let text = format!("{:?}", sync.schedule);
    assert!(text.contains(&calm.id), "{text}");
    assert!(!text.contains(&case.id), "{text}");
}

/// The lines the apps used to join themselves come joined from the core, punctuated for
/// the language: the deadline's headline ("答复期限：还剩…" / "…: …"), an evidence row's
/// and a letter card's second line. English never carries ：，；「」.
#[test]
fn joined_lines_come_from_the_core_with_the_languages_punctuation() {
    use tuilu_core::evidence::{CancelFlag, NoProgress};
    let (_d, app) = open();
    let c = ctx(Lang::Zh, "2026-09-29T08:00:00Z");
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    finish_before_submit(&app, &c, &case.id);
    submit_exit(&app, &c, &case.id);
    app.add_evidence_bytes(
        &c,
        &case.id,
        Some("submit_exit"),
        "Screenshot_20260929-160000.png",
        b"\x89PNG\r\n\x1a\nnot really a picture",
        None,
        None,
        &NoProgress,
        &CancelFlag::new(),
    )
    .unwrap();
    const CJK_PUNCT: [char; 5] = ['：', '，', '；', '「', '」'];
    for lang in [Lang::Zh, Lang::En] {
        let c = ctx(lang, "2026-09-30T08:00:00Z");
        let home = app.home(&c).unwrap();
        let d = home.cases[0].next_deadline.clone().expect("a clock runs");
        let sep = if lang == Lang::Zh { "：" } else { ": " };
        assert_eq!(d.headline, format!("{}{sep}{}", d.sense_label, d.relative));
        let rows = app.evidence_list(&c, &case.id, None).unwrap().items;
        assert_eq!(
            rows[0].detail,
            format!("{} · {}", rows[0].kind_label, rows[0].size_text)
        );
        let letters = app.letters(&c, &case.id).unwrap().letters;
        assert!(!letters.is_empty());
        for l in &letters {
            assert_eq!(l.detail, format!("{} · {}", l.kind_label, l.step_text));
        }
        if lang == Lang::En {
            let lines = std::iter::once(d.headline.clone())
                .chain(rows.iter().map(|r| r.detail.clone()))
                .chain(letters.iter().map(|l| l.detail.clone()));
            for line in lines {
                assert!(!line.contains(CJK_PUNCT), "{line}");
            }
        }
    }
}
