//! Helpers shared by the application-layer tests (views, events, letters): times, the view
//! context, the demo guild answers and a change recorder.
#![allow(dead_code)]

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tuilu_core::app::{Answer, Change, ChangeObserver, ViewContext};
use tuilu_core::reminders::UserZone;
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

/// Records every change the app reports.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<Change>>);

impl ChangeObserver for Recorder {
    fn changed(&self, change: &Change) {
        self.0.lock().unwrap().push(change.clone());
    }
}
