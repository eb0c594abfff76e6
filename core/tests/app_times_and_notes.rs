//! Times and notes a person (or a wrong device clock) gives are checked against the case:
//! a step is not settled before the steps it depends on, nothing happens before 2000, and
//! notes have a bound. Each refusal says which bound, in words, and changes nothing.

use tuilu_core::app::{App, AppError};
use tuilu_core::limits::MAX_NOTE_CHARS;
use tuilu_core::vault::StepAction;
use tuilu_core::Lang;

mod app_support;
use app_support::{ctx, guild_answers, t, with_guild_case};

const NOW: &str = "2026-10-09T08:00:00Z";

fn with_case() -> (tempfile::TempDir, App, String) {
    with_guild_case(NOW)
}

/// Settles every step before `submit_exit` at `at`.
fn settle_before_submit(app: &App, case: &str, at: &str) {
    for step in [
        "check_account_status",
        "backup_data",
        "read_contract_and_negotiate",
    ] {
        app.step_action(
            &ctx(Lang::Zh, NOW),
            case,
            step,
            StepAction::Done,
            Some(t(at)),
            None,
            None,
        )
        .unwrap();
    }
}

#[test]
fn a_step_is_not_settled_before_the_steps_it_depends_on() {
    let (_d, app, case) = with_case();
    settle_before_submit(&app, &case, "2026-09-30T09:00:00+08:00");
    let before = app.case_screen(&ctx(Lang::Zh, NOW), &case).unwrap();
    for (lang, words) in [
        (
            Lang::Zh,
            "时间不能早于第 1 步「检查账号状态和收益结算」完成的时间",
        ),
        (Lang::En, "The time cannot be before step 1 “"),
    ] {
        let e = app
            .step_action(
                &ctx(lang, NOW),
                &case,
                "submit_exit",
                StepAction::Submit,
                Some(t("1970-01-02T00:00:00Z")),
                None,
                None,
            )
            .unwrap_err();
        // 1970 is before 2000 first of all.
        assert_eq!(e.code(), "time_too_early", "{e:?}");
        let e = app
            .step_action(
                &ctx(lang, NOW),
                &case,
                "submit_exit",
                StepAction::Submit,
                Some(t("2026-09-29T10:00:00+08:00")),
                None,
                None,
            )
            .unwrap_err();
        assert!(matches!(e, AppError::TimeTooEarly { .. }), "{e:?}");
        let m = e.message(lang);
        assert!(m.starts_with(words), "{m}");
        assert!(m.contains("2026-09-30 09:00"), "{m}");
    }
    assert_eq!(app.case_screen(&ctx(Lang::Zh, NOW), &case).unwrap(), before);
    // At or after the dependency: accepted, and the home card counts from then.
    app.step_action(
        &ctx(Lang::Zh, NOW),
        &case,
        "submit_exit",
        StepAction::Submit,
        Some(t("2026-09-30T17:00:00+08:00")),
        None,
        None,
    )
    .unwrap();
    let home = app.home(&ctx(Lang::Zh, NOW)).unwrap();
    assert!(
        !format!("{home:?}").contains("20720"),
        "no deadline decades overdue"
    );
}

#[test]
fn a_time_before_2000_is_a_wrong_clock_and_a_case_is_not_dated_by_it() {
    let (_d, app, case) = with_case();
    let e = app
        .step_action(
            &ctx(Lang::Zh, NOW),
            &case,
            "check_account_status",
            StepAction::Done,
            Some(t("1999-12-31T23:59:59Z")),
            None,
            None,
        )
        .unwrap_err();
    assert!(
        e.message(Lang::Zh).contains("设备的日期可能不对"),
        "{}",
        e.message(Lang::Zh)
    );
    // A phone whose clock says 1970 cannot create a case dated then.
    let e = app
        .create_case(
            &ctx(Lang::En, "1970-01-01T00:00:10Z"),
            "douyin.guild-exit",
            &guild_answers(),
        )
        .unwrap_err();
    assert_eq!(e.code(), "time_too_early");
    assert!(e.message(Lang::En).contains("before 2000"), "{e:?}");
    assert_eq!(app.home(&ctx(Lang::Zh, NOW)).unwrap().cases.len(), 1);
    // A case created before the steps it records is fine: people open a case after they
    // have already acted.
    app.step_action(
        &ctx(Lang::Zh, NOW),
        &case,
        "check_account_status",
        StepAction::Done,
        Some(t("2026-09-01T10:00:00+08:00")),
        None,
        None,
    )
    .unwrap();
}

#[test]
fn notes_are_bounded_with_words_and_nothing_changes() {
    let (_d, app, case) = with_case();
    let before = app.case_screen(&ctx(Lang::Zh, NOW), &case).unwrap();
    let long = "很".repeat(MAX_NOTE_CHARS + 1);
    let e = app
        .step_action(
            &ctx(Lang::Zh, NOW),
            &case,
            "check_account_status",
            StepAction::Done,
            None,
            Some(long.clone()),
            None,
        )
        .unwrap_err();
    assert_eq!(e.code(), "note_too_long");
    assert!(
        e.message(Lang::Zh).starts_with(&format!(
            "备注太长（{} 字），最多 {MAX_NOTE_CHARS} 字",
            MAX_NOTE_CHARS + 1
        )),
        "{}",
        e.message(Lang::Zh)
    );
    assert_eq!(app.case_screen(&ctx(Lang::Zh, NOW), &case).unwrap(), before);
    // At the limit: kept whole.
    let at_limit = "很".repeat(MAX_NOTE_CHARS);
    app.step_action(
        &ctx(Lang::Zh, NOW),
        &case,
        "check_account_status",
        StepAction::Done,
        None,
        Some(at_limit),
        None,
    )
    .unwrap();
    // A flag's note too.
    let e = app
        .flag_rule(&ctx(Lang::Zh, NOW), &case, "await_review", Some(&long))
        .unwrap_err();
    assert_eq!(e.code(), "note_too_long");
}

/// An answer to a question the pack no longer asks (a saved draft after a pack update) is
/// left out: the questionnaire stays complete and creating the case works, never a
/// disabled button with no reason.
#[test]
fn an_answer_to_a_dropped_question_neither_blocks_nor_breaks_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("vault")).unwrap();
    let mut answers = guild_answers();
    answers.push(tuilu_core::app::Answer::new("question_dropped_in_v2", "是"));
    let c = ctx(Lang::Zh, NOW);
    let q = app
        .questionnaire(&c, "douyin.guild-exit", &answers)
        .unwrap();
    let alone = app
        .questionnaire(&c, "douyin.guild-exit", &guild_answers())
        .unwrap();
    assert!(alone.complete, "the guild answers alone are enough");
    assert!(q.complete, "an answer to a dropped question does not block");
    assert!(q.questions.iter().all(|q| q.error.is_none()));
    let case = app.create_case(&c, "douyin.guild-exit", &answers);
    assert_eq!(case.is_ok(), q.complete, "{case:?}");
}

/// The same screenshot proves two steps: each step's evidence list names that step.
#[test]
fn a_file_kept_for_two_steps_is_named_by_the_step_listed() {
    let (_d, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    let png = b"\x89PNG\r\n\x1a\nthe same screenshot";
    let none = tuilu_core::evidence::NoProgress;
    let cancel = tuilu_core::evidence::CancelFlag::new();
    for step in ["check_account_status", "backup_data"] {
        app.add_evidence_bytes(
            &c,
            &case,
            Some(step),
            "结算截图.png",
            png,
            None,
            None,
            &none,
            &cancel,
        )
        .unwrap();
    }
    let screen = app.case_screen(&c, &case).unwrap();
    let title = |id: &str| {
        screen
            .steps
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title.clone())
            .unwrap()
    };
    for step in ["check_account_status", "backup_data"] {
        let list = app.evidence_list(&c, &case, Some(step)).unwrap();
        assert_eq!(list.items.len(), 1, "{step}");
        assert_eq!(list.items[0].step.as_deref(), Some(step));
        assert_eq!(
            list.items[0].step_title.as_deref(),
            Some(title(step).as_str())
        );
    }
}
