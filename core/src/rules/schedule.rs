//! The timeline of a plan: when each step's clock starts and ends, given the instant the
//! user starts (`from`).
//!
//! Clocks start at the event they name, in plan (dependency) order:
//! - a duration with `from_fact` starts at 00:00 Beijing time of that date (or at that
//!   instant for a datetime) once the user has answered it;
//! - a duration with `after` starts when the latest of those steps ends;
//! - any other clock starts when the step can start: the latest end of its dependencies,
//!   and never before `from`.
//!
//! A step ends when its period ends (the latest end, `max`), or, without a duration, when
//! it can start. So a step that waits on a notice period is never due before that period
//! is over, and a chain (notice 30 days → wind-down 45 days → review 7 days) adds up.

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, Utc};
use serde::Serialize;

use super::facts::FactValue;
use super::pack::{DurationDef, TimeSense};
use super::plan::Plan;
use crate::calendar::{step_deadline, CalendarError, ChinaCalendar, Deadline, BEIJING};

/// The deadline of one step (or one of its alternative routes).
#[derive(Debug, Clone, Serialize)]
pub struct PlannedDeadline {
    pub step_id: String,
    /// `None` for the step's main route.
    pub route_id: Option<String>,
    /// What the period means (deadline, earliest, minimum period, window).
    pub sense: TimeSense,
    /// Why the clock starts when it does.
    pub starts: ClockStart,
    pub deadline: Deadline,
}

/// What started a clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClockStart {
    /// The start of the plan (`--from`), nothing earlier to wait for.
    PlanStart,
    /// When these steps ended (the latest of them).
    AfterSteps { steps: Vec<String> },
    /// The date the user gave for this fact.
    Fact { fact: String },
}

/// For every step and alternative route with a duration, its deadline when the plan
/// starts at `from`, each clock started by the event it names (see the module docs).
pub fn plan_deadlines(
    plan: &Plan,
    cal: &ChinaCalendar,
    from: DateTime<Utc>,
) -> Result<Vec<PlannedDeadline>, CalendarError> {
    let mut out = Vec::new();
    // When each step (already scheduled) ends.
    let mut ends: HashMap<&str, DateTime<Utc>> = HashMap::new();
    for step in &plan.steps {
        // Steps come in dependency order, so dependencies are already scheduled.
        let (ready, ready_cause) = latest_end(&ends, &step.depends_on, from);
        let mut step_end = ready;
        let mut schedule =
            |d: &DurationDef, route: Option<&str>| -> Result<DateTime<Utc>, CalendarError> {
                let (start, starts) = clock_start(plan, d, &ends, ready, &ready_cause, from);
                let deadline = step_deadline(cal, d, start)?;
                let end = deadline.deadline_utc;
                out.push(PlannedDeadline {
                    step_id: step.id.clone(),
                    route_id: route.map(str::to_string),
                    sense: d.sense(),
                    starts,
                    deadline,
                });
                Ok(end)
            };
        if let Some(d) = &step.duration {
            step_end = schedule(d, None)?;
        }
        for r in &step.alternatives {
            if let Some(d) = &r.duration {
                let end = schedule(d, Some(&r.id))?;
                // Without a main-route clock, the step ends with its routes' clocks.
                if step.duration.is_none() {
                    step_end = step_end.max(end);
                }
            }
        }
        ends.insert(step.id.as_str(), step_end);
    }
    Ok(out)
}

/// The latest end among `steps` that are scheduled, and never before `from`.
fn latest_end(
    ends: &HashMap<&str, DateTime<Utc>>,
    steps: &[String],
    from: DateTime<Utc>,
) -> (DateTime<Utc>, ClockStart) {
    let mut at = from;
    let mut cause = ClockStart::PlanStart;
    for s in steps {
        if let Some(&e) = ends.get(s.as_str()) {
            if e > at {
                at = e;
                cause = ClockStart::AfterSteps {
                    steps: vec![s.clone()],
                };
            }
        }
    }
    (at, cause)
}

fn clock_start(
    plan: &Plan,
    d: &DurationDef,
    ends: &HashMap<&str, DateTime<Utc>>,
    ready: DateTime<Utc>,
    ready_cause: &ClockStart,
    from: DateTime<Utc>,
) -> (DateTime<Utc>, ClockStart) {
    if let Some(f) = &d.from_fact {
        let at = match plan.facts.get(f) {
            Some(FactValue::Date(day)) => day
                .and_time(NaiveTime::MIN)
                .and_local_timezone(BEIJING)
                .single()
                .map(|t| t.to_utc()),
            Some(FactValue::Datetime(t)) => Some(*t),
            _ => None,
        };
        if let Some(at) = at {
            return (at, ClockStart::Fact { fact: f.clone() });
        }
    }
    let named: Vec<String> = d
        .after
        .iter()
        .filter(|s| ends.contains_key(s.as_str()))
        .cloned()
        .collect();
    if !named.is_empty() {
        let (at, _) = latest_end(ends, &named, from);
        return (at, ClockStart::AfterSteps { steps: named });
    }
    (ready, ready_cause.clone())
}
