//! Deadlines for a plan's steps when their clocks start at a given instant.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::plan::Plan;
use crate::calendar::{step_deadline, CalendarError, ChinaCalendar, Deadline};

/// The deadline of one step (or one of its alternative routes).
#[derive(Debug, Clone, Serialize)]
pub struct PlannedDeadline {
    pub step_id: String,
    /// `None` for the step's main route.
    pub route_id: Option<String>,
    pub deadline: Deadline,
}

/// For every step and alternative route with a duration, its deadline when the clock starts
/// at `clock_start`.
pub fn plan_deadlines(
    plan: &Plan,
    cal: &ChinaCalendar,
    clock_start: DateTime<Utc>,
) -> Result<Vec<PlannedDeadline>, CalendarError> {
    let mut out = Vec::new();
    for step in &plan.steps {
        if let Some(d) = &step.duration {
            out.push(PlannedDeadline {
                step_id: step.id.clone(),
                route_id: None,
                deadline: step_deadline(cal, d, clock_start)?,
            });
        }
        for r in &step.alternatives {
            if let Some(d) = &r.duration {
                out.push(PlannedDeadline {
                    step_id: step.id.clone(),
                    route_id: Some(r.id.clone()),
                    deadline: step_deadline(cal, d, clock_start)?,
                });
            }
        }
    }
    Ok(out)
}
