//! Turning the vault's cases into planner input, and the China calendar as the planner's
//! working-day source.

use super::{gets_reminders, ReminderSubject, StepKind, WorkingDays};
use crate::calendar::{ChinaCalendar, Deadline};
use crate::rules::pack::{DurationDef, TimeSense};
use crate::text::Text;
use crate::vault::{CaseView, StepStatus, Vault, VaultError};
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

/// Whether a step with this status and deadline gets reminders. A period whose end is not
/// firm (the source says it can be longer, not by how much) gets none: "截止日" or
/// "已过截止时间，请跟进" would treat its usual end as a limit.
fn reminded(status: StepStatus, d: &Deadline) -> bool {
    gets_reminders(status) && d.open_end.is_none()
}

/// A step's planner input, made the same way whether it was read from a case's view or
/// from the vault's running clocks (which it takes over without copying).
#[allow(clippy::too_many_arguments)]
fn subject(
    case_id: String,
    case_title: Text,
    step_id: String,
    step_title: Text,
    kind: StepKind,
    status: StepStatus,
    duration: Option<&DurationDef>,
    d: &Deadline,
    escalation: Option<Text>,
) -> ReminderSubject {
    ReminderSubject {
        case_id,
        case_title,
        step_id,
        step_title,
        step_kind: reminded_as(kind, duration),
        status,
        clock_started_at: d.clock_start,
        earliest: (d.earliest_utc != d.deadline_utc).then_some(d.earliest_utc),
        deadline: d.deadline_utc,
        deadline_estimated: d.estimated,
        escalation,
        unit: d.unit,
    }
}

/// The steps of `case` that get reminders: submitted or in progress, with a firm deadline
/// ([`reminded`]).
pub fn subjects_for_case(case: &CaseView) -> Vec<ReminderSubject> {
    case.steps
        .iter()
        .filter_map(|s| {
            let d = s.deadline.as_ref().filter(|d| reminded(s.status, d))?;
            Some(subject(
                case.id.clone(),
                case.title.clone(),
                s.id.clone(),
                s.title.clone(),
                s.kind,
                s.status,
                s.duration.as_ref(),
                d,
                s.definition.escalation.clone(),
            ))
        })
        .collect()
}

/// Planner input for every case that is not archived: its running clocks, read in one
/// query ([`Vault::running_clocks`]) rather than by building every case's view. Gives what
/// [`subjects_for_case`] gives over each case's view (tested in `tests/vault_listing.rs`).
pub fn subjects_for_vault(vault: &Vault) -> Result<Vec<ReminderSubject>, VaultError> {
    Ok(vault
        .running_clocks()?
        .into_iter()
        .filter(|c| reminded(c.status, &c.deadline))
        .map(|c| {
            subject(
                c.case_id,
                c.case_title,
                c.step_id,
                c.step_title,
                c.kind,
                c.status,
                Some(&c.duration),
                &c.deadline,
                c.escalation,
            )
        })
        .collect())
}
