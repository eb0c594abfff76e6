//! iCalendar (RFC 5545) export of step deadlines with their reminders as alarms.
//!
//! - One VEVENT per open step: DTSTART = deadline − 30 min, DTEND = deadline, both UTC
//!   (`…Z`), so every calendar shows the China deadline in its own zone.
//! - UID `<deadline-id>@tuilu.app`, where the deadline id hashes case id and step id only:
//!   a re-import finds the same event.
//! - SEQUENCE comes from the vault (`reminder_calendar_sequence`): 0 on the first export of a
//!   UID, +1 whenever the event's content fingerprint changes, unchanged otherwise; so a
//!   re-import updates the event instead of adding a second one or being ignored.
//! - One VALARM per upcoming reminder of the step (absolute `TRIGGER;VALUE=DATE-TIME`),
//!   with UID `<reminder-id>@tuilu.app`.
//! - DTSTAMP is `now` on every component (the crate would otherwise stamp the wall clock and
//!   a random UID on alarms).

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, Property};
use rusqlite::Connection;

use super::planner::{deadline_id, deadline_text, plan_reminders, rfc3339, short_hash};
use super::store::{calendar_sequence, load_state};
use super::{
    ReminderError, ReminderKind, ReminderSettings, ReminderState, ReminderSubject, WorkingDays,
};
use crate::text::{Lang, Text};

/// UIDs end with this domain.
pub const UID_DOMAIN: &str = "tuilu.app";

/// Length of an exported deadline event, ending at the deadline.
const EVENT_MINUTES: i64 = 30;

/// One alarm of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarAlarm {
    pub uid: String,
    pub trigger: DateTime<Utc>,
    pub description: String,
}

/// One exported deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    pub uid: String,
    pub case_id: String,
    pub step_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub alarms: Vec<CalendarAlarm>,
    /// Hash of everything above except ids: a change bumps the SEQUENCE.
    pub fingerprint: String,
}

fn event_description(s: &ReminderSubject, settings: &ReminderSettings) -> String {
    let dl = deadline_text(s, settings);
    let esc = s.escalation.clone().unwrap_or_default();
    let mut zh = format!("{} · {}\n{}", s.case_title.zh, s.step_title.zh, dl.zh);
    let mut en = format!("{} · {}\n{}", s.case_title.en, s.step_title.en, dl.en);
    if !esc.zh.is_empty() {
        zh.push_str(&format!("\n逾期未果：{}", esc.zh));
    }
    if !esc.en.is_empty() {
        en.push_str(&format!("\nIf nothing happens: {}", esc.en));
    }
    format!("{zh}\n\n{en}")
}

/// The events for one case (`Some(id)`) or all, with alarms for the reminders still ahead
/// at `now` (snoozes and dismissals applied, no limit, no catch-up).
pub fn calendar_events(
    subjects: &[ReminderSubject],
    state: &ReminderState,
    now: DateTime<Utc>,
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
    case: Option<&str>,
    lang: Lang,
) -> Vec<CalendarEvent> {
    let unlimited = ReminderSettings {
        limit: usize::MAX,
        ..settings.clone()
    };
    let reminders = plan_reminders(subjects, state, now, &unlimited, cal);
    let mut events: Vec<CalendarEvent> = subjects
        .iter()
        .filter(|s| super::gets_reminders(s.status))
        .filter(|s| case.is_none() || case == Some(s.case_id.as_str()))
        .map(|s| {
            let alarms: Vec<CalendarAlarm> = reminders
                .iter()
                .filter(|r| r.kind != ReminderKind::CatchUp)
                .filter(|r| {
                    r.case_id.as_deref() == Some(s.case_id.as_str())
                        && r.step_id.as_deref() == Some(s.step_id.as_str())
                })
                .map(|r| CalendarAlarm {
                    uid: format!("{}@{UID_DOMAIN}", r.id),
                    trigger: r.fire_at,
                    description: r.title.get(lang).to_string(),
                })
                .collect();
            let summary_text = Text::new(
                format!("截止：{}（{}）", s.step_title.zh, s.case_title.zh),
                format!("Deadline: {} ({})", s.step_title.en, s.case_title.en),
            );
            let start = s.deadline - Duration::minutes(EVENT_MINUTES);
            let summary = summary_text.get(lang).to_string();
            let description = event_description(s, settings);
            let mut parts = vec![
                "tuilu.event.v1".to_string(),
                rfc3339(start),
                rfc3339(s.deadline),
                summary.clone(),
                description.clone(),
            ];
            for a in &alarms {
                parts.push(a.uid.clone());
                parts.push(rfc3339(a.trigger));
                parts.push(a.description.clone());
            }
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            CalendarEvent {
                uid: format!("{}@{UID_DOMAIN}", deadline_id(&s.case_id, &s.step_id)),
                case_id: s.case_id.clone(),
                step_id: s.step_id.clone(),
                start,
                end: s.deadline,
                summary,
                description,
                alarms,
                fingerprint: short_hash(&refs),
            }
        })
        .collect();
    crate::sort::sort_by(&mut events, |a, b| (a.end, &a.uid).cmp(&(b.end, &b.uid)));
    events
}

/// Serializes events (each with its SEQUENCE) as an RFC 5545 calendar. Deterministic: the
/// same input gives the same bytes.
pub fn build_calendar(events: &[(CalendarEvent, u32)], now: DateTime<Utc>, lang: Lang) -> String {
    let now = chrono::SubsecRound::trunc_subsecs(now, 0);
    let mut calendar = Calendar::empty();
    calendar.append_property(Property::new("VERSION", "2.0"));
    // The last field of PRODID is the language of the text (RFC 5545 §3.7.3).
    let prodid = match lang {
        Lang::Zh => "-//tuilu.app//Tuilu reminders//ZH",
        Lang::En => "-//tuilu.app//Tuilu reminders//EN",
    };
    calendar.append_property(Property::new("PRODID", prodid));
    calendar.append_property(Property::new("CALSCALE", "GREGORIAN"));
    calendar.append_property(Property::new("METHOD", "PUBLISH"));
    calendar.name(match lang {
        Lang::Zh => "退路：截止日期",
        Lang::En => "Tuilu deadlines",
    });
    for (e, sequence) in events {
        let mut event = Event::new();
        event
            .uid(&e.uid)
            .timestamp(now)
            .sequence(*sequence)
            .starts(e.start)
            .ends(e.end)
            .summary(&e.summary)
            .description(&e.description);
        for a in &e.alarms {
            let mut alarm = Alarm::display(&a.description, a.trigger);
            alarm.uid(&a.uid).timestamp(now);
            event.alarm(alarm);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// Exports one case (`Some(id)`) or all open steps as an `.ics` text, reading reminder
/// state from the vault and recording SEQUENCE numbers there.
pub fn export_calendar(
    conn: &Connection,
    subjects: &[ReminderSubject],
    now: DateTime<Utc>,
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
    case: Option<&str>,
    lang: Lang,
) -> Result<String, ReminderError> {
    let state = load_state(conn)?;
    let events = calendar_events(subjects, &state, now, settings, cal, case, lang);
    let mut with_seq = Vec::with_capacity(events.len());
    for e in events {
        let seq = calendar_sequence(conn, &e.uid, &e.fingerprint, now)?;
        with_seq.push((e, seq));
    }
    Ok(build_calendar(&with_seq, now, lang))
}
