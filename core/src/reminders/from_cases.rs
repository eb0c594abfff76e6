//! Turning the vault's cases into planner input, and the China calendar as the planner's
//! working-day source.

use super::{gets_reminders, ReminderSubject, StepKind, WorkingDays};
use crate::calendar::ChinaCalendar;
use crate::rules::pack::{DurationDef, TimeSense};
use crate::vault::{CaseView, Vault, VaultError};
use chrono::{DateTime, NaiveDate, Utc};

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
pub fn subjects_for_case(case: &CaseView) -> Vec<ReminderSubject> {
    case.steps
        .iter()
        .filter(|s| gets_reminders(s.status))
        .filter_map(|s| {
            let d = s.deadline.as_ref()?;
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

/// Planner input for every case that is not archived.
pub fn subjects_for_vault(
    vault: &Vault,
    now: DateTime<Utc>,
) -> Result<Vec<ReminderSubject>, VaultError> {
    let mut out = Vec::new();
    for summary in vault.list_cases(false, now)? {
        let case = vault.case(&summary.id, now)?;
        out.extend(subjects_for_case(&case));
    }
    Ok(out)
}
