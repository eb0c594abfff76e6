//! Step transitions and undo: validated and journalled in one immediate transaction.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::json;

use super::error::{Result, TimeBound, VaultError};
use super::model::{
    refusal, PlanMeta, Refusal, StepAction, StepFacts, StepStatus, TransitionOptions,
    TransitionOutcome,
};
use super::store::{
    append_event, clock_runs, clock_start, load_case, load_steps, period_ends, resolve_case_id,
    touch_case, write_step_state, NewEvent, StepRow, StepState,
};
use super::time::{check_not_before_earliest, fmt_ts, parse_opt_ts};
use super::Vault;
use crate::limits::MAX_NOTE_CHARS;

/// Clock skew tolerated between a given `--at` and `now`.
const FUTURE_TOLERANCE_SECS: i64 = 60;

impl Vault {
    /// Applies `action` to a step of a case (`case_ref`: id or unambiguous prefix).
    ///
    /// Checks, in order: the case exists and is not archived; the step exists and is in the
    /// current plan; for `undo`, that the step has a transition not yet undone; the
    /// state machine ([`allowed`]); the time (not in the future, not before the step's
    /// previous transition); dependencies done or skipped (start, submit, done); no
    /// applying plan blocker (submit); no started dependent (re-starting a skipped step).
    /// Then writes the new state and a journal entry in the same transaction.
    pub fn transition(
        &self,
        case_ref: &str,
        step_id: &str,
        action: StepAction,
        opts: &TransitionOptions,
        now: DateTime<Utc>,
    ) -> Result<TransitionOutcome> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let case_id = resolve_case_id(&tx, case_ref)?;
        let case = load_case(&tx, &case_id)?;
        if case.archived {
            return Err(VaultError::Archived { id: case_id });
        }
        let steps = load_steps(&tx, &case_id)?;
        let step = find_step(&steps, step_id)?;
        let at = opts.at.unwrap_or(now);
        if at > now + Duration::seconds(FUTURE_TOLERANCE_SECS) {
            return Err(VaultError::TimeInFuture {
                at: fmt_ts(at),
                now: fmt_ts(now),
            });
        }
        check_not_before_earliest(at)?;
        // Not bounded by the case's creation: people often open a case after they have
        // already acted (handed the request in last week), and record it with its real
        // time. A step is bounded by the steps it depends on instead.
        let note = opts
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        check_note(note)?;

        let (new_state, undoes, payload) = if let Some(to) = action.target() {
            forward(&case.plan_meta, &steps, step, action, to, at, opts, note)?
        } else {
            let (seq, before, next) = latest_undoable(&tx, &case_id, step)?;
            // Undoing a settled step unsettles it: not while a step after it has moved.
            if step.state.status.is_settled() && !before.status.is_settled() {
                let facts = step_facts(&case.plan_meta, &steps, step, None);
                if let Some((dependent, status)) = facts.started_dependent {
                    return Err(VaultError::DependentStarted {
                        step: step.step_id.clone(),
                        dependent: dependent.to_string(),
                        status,
                    });
                }
            }
            // `next_undoable`: what undo reverts after this one, so views and the next
            // undo need not walk back through the journal.
            let payload = json!({
                "restored": before,
                "undone_state": step.state,
                "next_undoable": next,
            });
            (before, Some(seq), payload)
        };

        write_step_state(&tx, &case_id, step, &new_state)?;
        let seq = append_event(
            &tx,
            NewEvent {
                case_id: &case_id,
                at: Some(at),
                kind: if undoes.is_some() {
                    "undo"
                } else {
                    "transition"
                },
                step: Some(&step.step_id),
                action: Some(action),
                from: Some(step.state.status),
                to: Some(new_state.status),
                note,
                undoes,
                payload,
            },
            now,
        )?;
        touch_case(&tx, &case_id, now)?;
        super::digest::refresh(&tx, &self.deadlines, super::digest::Stale::Cleared)?;
        tx.commit()?;

        let submitted_at = parse_opt_ts(new_state.submitted_at.clone())?;
        let deadline = match (
            step.def.duration_for(new_state.route.as_deref()),
            submitted_at,
        ) {
            (Some(d), Some(s)) if clock_runs(new_state.status) => {
                let ends = period_ends(&self.deadlines, &steps)?;
                self.deadlines
                    .deadline_for(d, clock_start(step, d, s, &ends))
            }
            _ => None,
        };
        Ok(TransitionOutcome {
            case_id,
            step: step.step_id.clone(),
            action,
            from: step.state.status,
            to: new_state.status,
            at,
            seq,
            undoes,
            deadline,
        })
    }
}

/// The new state of a step after a forward action, checked against the state machine,
/// times, dependencies and blockers; with the journal payload recording the old state.
#[allow(clippy::too_many_arguments)]
fn forward(
    plan_meta: &PlanMeta,
    steps: &[StepRow],
    step: &StepRow,
    action: StepAction,
    to: StepStatus,
    at: DateTime<Utc>,
    opts: &TransitionOptions,
    note: Option<&str>,
) -> Result<(StepState, Option<i64>, serde_json::Value)> {
    let from = step.state.status;
    let facts = step_facts(plan_meta, steps, step, opts.route.as_deref());
    match refusal(&facts, action) {
        None => {}
        Some(Refusal::Status) => {
            return Err(VaultError::InvalidTransition {
                step: step.step_id.clone(),
                from,
                action,
            });
        }
        Some(Refusal::NothingToStart) => {
            return Err(VaultError::NothingToStart {
                step: step.step_id.clone(),
            })
        }
        Some(Refusal::NoAnswerToAwait) => {
            return Err(VaultError::NoAnswerToAwait {
                step: step.step_id.clone(),
            })
        }
        Some(Refusal::Dependency(dep, status)) => {
            return Err(VaultError::DependencyNotDone {
                step: step.step_id.clone(),
                dependency: dep.to_string(),
                action,
                status,
            });
        }
        Some(Refusal::Blocker(_)) => {
            let status = |id: &str| {
                steps
                    .iter()
                    .find(|s| s.in_plan && s.step_id == id)
                    .map(|s| s.state.status)
            };
            return Err(VaultError::BlockersNotCleared {
                step: step.step_id.clone(),
                blockers: plan_meta
                    .blockers_holding_back(&step.step_id, &status)
                    .join(", "),
            });
        }
        Some(Refusal::DependentStarted(dependent, status)) => {
            return Err(VaultError::DependentStarted {
                step: step.step_id.clone(),
                dependent: dependent.to_string(),
                status,
            });
        }
    }
    if let Some(prev) = parse_opt_ts(step.state.status_at.clone())? {
        if at < prev {
            return Err(VaultError::TimeBeforePrevious {
                step: step.step_id.clone(),
                at: fmt_ts(at),
                previous: fmt_ts(prev),
            });
        }
    }
    if matches!(
        action,
        StepAction::Start | StepAction::Submit | StepAction::Done
    ) {
        check_after_dependencies(steps, step, at)?;
    }
    let route = match opts.route.as_deref() {
        Some(r) => {
            if !step.def.alternatives.iter().any(|a| a.id == r) {
                return Err(VaultError::UnknownRoute {
                    step: step.step_id.clone(),
                    route: r.to_string(),
                    known: step
                        .def
                        .alternatives
                        .iter()
                        .map(|a| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            Some(r.to_string())
        }
        None => step.state.route.clone(),
    };
    let ts = Some(fmt_ts(at));
    let old = &step.state;
    let new_state = StepState {
        status: to,
        status_at: ts.clone(),
        started_at: match to {
            StepStatus::InProgress if old.started_at.is_none() => ts.clone(),
            _ => old.started_at.clone(),
        },
        submitted_at: match to {
            StepStatus::Submitted => ts.clone(),
            StepStatus::Done | StepStatus::Blocked => old.submitted_at.clone(),
            _ => None,
        },
        done_at: if to.is_settled() { ts } else { None },
        route,
        note: note.map(str::to_string).or_else(|| old.note.clone()),
    };
    let payload = json!({ "before": step.state, "route": new_state.route });
    Ok((new_state, None, payload))
}

fn find_step<'a>(steps: &'a [StepRow], step_id: &str) -> Result<&'a StepRow> {
    let step =
        steps
            .iter()
            .find(|s| s.step_id == step_id)
            .ok_or_else(|| VaultError::UnknownStep {
                step: step_id.to_string(),
                known: steps
                    .iter()
                    .filter(|s| s.in_plan)
                    .map(|s| s.step_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
    if !step.in_plan {
        return Err(VaultError::StepDropped {
            step: step_id.to_string(),
        });
    }
    Ok(step)
}

/// A step is not acted on before the steps it depends on were settled.
fn check_after_dependencies(steps: &[StepRow], step: &StepRow, at: DateTime<Utc>) -> Result<()> {
    for dep in &step.def.depends_on {
        let Some(d) = steps.iter().find(|s| s.in_plan && &s.step_id == dep) else {
            continue;
        };
        if let Some(settled) = parse_opt_ts(d.state.done_at.clone())? {
            if at < settled {
                return Err(VaultError::TimeTooEarly {
                    at: fmt_ts(at),
                    limit: fmt_ts(settled),
                    bound: TimeBound::DependencySettled { step: dep.clone() },
                });
            }
        }
    }
    Ok(())
}

/// A note within [`MAX_NOTE_CHARS`].
pub(crate) fn check_note(note: Option<&str>) -> Result<()> {
    if let Some(n) = note {
        let chars = n.chars().count();
        if chars > MAX_NOTE_CHARS {
            return Err(VaultError::NoteTooLong {
                chars,
                max: MAX_NOTE_CHARS,
            });
        }
    }
    Ok(())
}

/// What the vault knows of `step` that decides which actions it allows now
/// ([`refusal`]): the same facts the case view reads from its steps.
fn step_facts<'a>(
    plan_meta: &'a PlanMeta,
    steps: &'a [StepRow],
    step: &'a StepRow,
    route: Option<&str>,
) -> StepFacts<'a> {
    let in_plan = |id: &str| steps.iter().find(|s| s.in_plan && s.step_id == id);
    let status = |id: &str| in_plan(id).map(|s| s.state.status);
    StepFacts {
        status: step.state.status,
        kind: step.def.kind,
        has_clock: step
            .def
            .duration_for(route.or(step.state.route.as_deref()))
            .is_some(),
        unsettled_dependency: step.def.depends_on.iter().find_map(|dep| {
            in_plan(dep)
                .filter(|d| !d.state.status.is_settled())
                .map(|d| (d.step_id.as_str(), d.state.status))
        }),
        holding_blocker: plan_meta
            .blockers_holding_back(&step.step_id, &status)
            .first()
            .copied(),
        started_dependent: steps
            .iter()
            .filter(|s| s.in_plan)
            .find(|s| {
                s.def.depends_on.contains(&step.step_id) && s.state.status != StepStatus::Todo
            })
            .map(|s| (s.step_id.as_str(), s.state.status)),
    }
}

/// The journal entry (seq) of the step's latest transition not yet undone, among the
/// entries before `before`: what undo would revert. Read in one or two index probes, not
/// by replaying the journal: the latest entry of the step is that transition, or an undo
/// whose payload names it (`next_undoable`, written by the undo); only an undo written
/// before that field existed makes it walk back through the journal.
pub(crate) fn undoable_before(
    conn: &Connection,
    case_id: &str,
    step_id: &str,
    before: i64,
) -> Result<Option<i64>> {
    let latest: Option<(i64, String, Option<String>, Option<i64>)> = conn
        .prepare_cached(
            "SELECT seq, kind, json_type(payload, '$.next_undoable'),
                    json_extract(payload, '$.next_undoable')
             FROM events
             WHERE case_id = ?1 AND step_id = ?2 AND seq < ?3
               AND kind IN ('transition', 'undo')
             ORDER BY seq DESC LIMIT 1",
        )?
        .query_row(params![case_id, step_id, before], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    match latest {
        None => Ok(None),
        Some((seq, kind, _, _)) if kind == "transition" => Ok(Some(seq)),
        Some((_, _, Some(t), next)) if t == "integer" => Ok(next),
        Some((_, _, Some(t), _)) if t == "null" => Ok(None),
        Some(_) => Ok(conn
            .prepare_cached(
                "SELECT e.seq FROM events e
                 WHERE e.case_id = ?1 AND e.step_id = ?2 AND e.seq < ?3
                   AND e.kind = 'transition'
                   AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undoes = e.seq)
                 ORDER BY e.seq DESC LIMIT 1",
            )?
            .query_row(params![case_id, step_id, before], |r| r.get(0))
            .optional()?),
    }
}

/// The step's latest transition not yet undone, with the state it left, and what undo
/// would revert once it is undone (`next_undoable`).
fn latest_undoable(
    conn: &Connection,
    case_id: &str,
    step: &StepRow,
) -> Result<(i64, StepState, Option<i64>)> {
    let row: Option<(i64, Option<String>, String)> =
        match undoable_before(conn, case_id, &step.step_id, i64::MAX)? {
            None => None,
            Some(seq) => conn
                .query_row(
                    "SELECT seq, to_status, payload FROM events WHERE seq = ?1",
                    params![seq],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?,
        };
    let Some((seq, to_status, payload)) = row else {
        return Err(VaultError::NothingToUndo {
            step: step.step_id.clone(),
        });
    };
    if to_status.as_deref() != Some(step.state.status.as_str()) {
        return Err(VaultError::corrupt(
            format!("journal entry {seq}"),
            format!(
                "step {} is {} but its latest transition led to {:?}",
                step.step_id,
                step.state.status.as_str(),
                to_status
            ),
        ));
    }
    #[derive(serde::Deserialize)]
    struct Payload {
        before: StepState,
    }
    let p: Payload = serde_json::from_slice(payload.as_bytes())
        .map_err(|e| VaultError::corrupt(format!("journal entry {seq}"), e))?;
    let next = undoable_before(conn, case_id, &step.step_id, seq)?;
    Ok((seq, p.before, next))
}
