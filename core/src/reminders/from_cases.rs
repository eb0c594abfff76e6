//! Turning the vault's cases into planner input, and the China calendar as the planner's
//! working-day source.

use super::{gets_reminders, ReminderSubject, StepKind, WorkingDays};
use crate::calendar::ChinaCalendar;
use crate::rules::pack::{DurationDef, TimeSense};
use crate::vault::{CaseView, Vault, VaultError};
use chrono::NaiveDate;

impl WorkingDays for ChinaCalendar {
    fn is_working_day(&self, d: NaiveDate) -> bool {
        self.is_working(d)
    }
}

/// How a step's period is reminded, from what its time means (its sense), not from the
/// step's kind: an action whose period is a minimum (a 30-day notice, a 45-day wind-down)
/// is reminded like a wait ("the period is over, go on"), never with "deadline passed".
fn reminded_as(kind: StepKind, d: Option<&DurationDef>) -> StepKind {
    match crate::rules::pack::sense_of(kind, d) {
        TimeSense::Deadline => StepKind::Action,
        TimeSense::Window => StepKind::Window,
        TimeSense::Earliest | TimeSense::MinimumPeriod | TimeSense::Lapse => StepKind::Wait,
    }
}

/// The steps of `case` that get reminders: submitted or in progress, with a deadline.
/// A period whose end is not firm (the source says it can be longer, not by how much) gets
/// none: "截止日" or "已过截止时间，请跟进" would treat its usual end as a limit.
pub fn subjects_for_case(case: &CaseView) -> Vec<ReminderSubject> {
    case.steps
        .iter()
        .filter(|s| gets_reminders(s.status))
        .filter_map(|s| {
            let d = s.deadline.as_ref().filter(|d| d.open_end.is_none())?;
            Some(ReminderSubject {
                case_id: case.id.clone(),
                case_title: case.title.clone(),
                step_id: s.id.clone(),
                step_title: s.title.clone(),
                step_kind: reminded_as(s.kind, s.duration.as_ref()),
                status: s.status,
                clock_started_at: d.clock_start,
                earliest: (d.earliest_utc != d.deadline_utc).then_some(d.earliest_utc),
                deadline: d.deadline_utc,
                deadline_estimated: d.estimated,
                escalation: s.definition.escalation.clone(),
                unit: d.unit,
            })
        })
        .collect()
}

/// Planner input for every case that is not archived: its running clocks, read in one
/// query ([`Vault::running_clocks`]) rather than by building every case's view. Gives what
/// [`subjects_for_case`] gives over each case's view (tested in `tests/reminder_subjects.rs`).
pub fn subjects_for_vault(vault: &Vault) -> Result<Vec<ReminderSubject>, VaultError> {
    Ok(vault
        .running_clocks()?
        .into_iter()
        .filter(|c| gets_reminders(c.status))
        // As for one case: a period whose end is not firm gets no reminders.
        .filter(|c| c.deadline.open_end.is_none())
        .map(|c| ReminderSubject {
            step_kind: reminded_as(c.kind, Some(&c.duration)),
            case_id: c.case_id,
            case_title: c.case_title,
            step_id: c.step_id,
            step_title: c.step_title,
            status: c.status,
            clock_started_at: c.deadline.clock_start,
            earliest: (c.deadline.earliest_utc != c.deadline.deadline_utc)
                .then_some(c.deadline.earliest_utc),
            deadline: c.deadline.deadline_utc,
            deadline_estimated: c.deadline.estimated,
            escalation: c.escalation,
            unit: c.deadline.unit,
        })
        .collect())
}
