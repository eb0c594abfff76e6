//! Helpers shared by the application-layer tests (views, events, letters): times, the view
//! context, the demo guild answers and a change recorder.
#![allow(dead_code)]

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tuilu_core::app::{Answer, App, Change, ChangeObserver, ViewContext};
use tuilu_core::reminders::UserZone;
use tuilu_core::vault::StepAction;
use tuilu_core::Lang;

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Beijing time, `lang`, at `now` (RFC 3339).
pub fn ctx(lang: Lang, now: &str) -> ViewContext {
    ViewContext::new(lang, UserZone::beijing(), t(now))
}

/// A guild exit with nothing in the way: earnings settled, no violation, contract ended.
pub fn guild_answers() -> Vec<Answer> {
    vec![
        Answer::new("has_unsettled_earnings", "否"),
        Answer::new("has_violation_record", "否"),
        Answer::new("contract_ended", "是"),
    ]
}

/// A fresh vault (in a temporary folder, kept as long as the returned guard) with one guild
/// exit created at `now` (RFC 3339); returns the case id too.
pub fn with_guild_case(now: &str) -> (tempfile::TempDir, App, String) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("vault")).unwrap();
    let case = app
        .create_case(&ctx(Lang::Zh, now), "douyin.guild-exit", &guild_answers())
        .unwrap();
    (dir, app, case.id)
}

/// The guild exit's steps before its request is handed in.
pub const BEFORE_SUBMIT: [&str; 3] = [
    "check_account_status",
    "backup_data",
    "read_contract_and_negotiate",
];

/// Marks the guild exit's steps before its request done, at `c`.
pub fn finish_before_submit(app: &App, c: &ViewContext, case_id: &str) {
    for s in BEFORE_SUBMIT {
        app.step_action(c, case_id, s, StepAction::Done, None, None, None)
            .unwrap();
    }
}

/// Hands in the guild exit's request at `c`: its review clock starts.
pub fn submit_exit(app: &App, c: &ViewContext, case_id: &str) {
    app.step_action(
        c,
        case_id,
        "submit_exit",
        StepAction::Submit,
        None,
        None,
        None,
    )
    .unwrap();
}

/// Records every change the app reports.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<Change>>);

impl ChangeObserver for Recorder {
    fn changed(&self, change: &Change) {
        self.0.lock().unwrap().push(change.clone());
    }
}
