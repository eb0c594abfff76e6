//! A case's digest: what the case list and the reminders read of a case's steps (progress,
//! the next step, the steps handed in, every running clock with its deadline), computed
//! when the steps change and kept in `cases.digest`. Listing a thousand cases or
//! re-planning their reminders then reads one row per case instead of every step row
//! (`docs/performance.md`).
//!
//! Kept honest by the database, not by discipline: triggers on `steps` clear a case's
//! digest whenever one of its step rows is inserted, updated or deleted, whoever writes.
//! The vault's writes recompute the cleared digests before they commit ([`refresh`]), and
//! opening a vault recomputes every digest whose basis differs (another build, another
//! calendar; [`super::DeadlineCalc::basis`]). A reader trusts only a digest with the
//! current basis; for any other case it reads the step rows as before
//! ([`super::store::load_listing`], [`super::store::load_clocked`]). Both paths build
//! through [`CaseDigest::from_rows`], and a test checks they agree on every case.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::deadlines::DeadlineCalc;
use super::error::Result;
use super::model::{NextDeadline, Progress, RunningClock, StepBrief, StepStatus};
use super::store::{clock_runs, clock_start, load_steps, period_ends, StepRow};
use super::time::parse_opt_ts;
use crate::calendar::Deadline;
use crate::rules::pack::DurationDef;
use crate::Text;

/// The digest format; part of the basis, so a change here recomputes every stored digest.
pub(crate) const FORMAT: &str = "d1";

/// What the case list and the reminders need of one case's steps, independent of `now`.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaseDigest {
    /// Settled steps out of the steps in the plan.
    pub progress: Progress,
    /// The first step in plan order still to do (to do, in progress or blocked).
    pub next_step: Option<Arc<StepBrief>>,
    /// The steps handed in that a list line names: the first, and the one the next step
    /// waits for.
    pub submitted: Vec<Arc<StepBrief>>,
    /// Every running clock (in plan, submitted or blocked after its clock started, with a
    /// duration), in plan order, with its deadline chained as the case view chains it.
    pub clocks: Vec<DigestClock>,
}

/// One running clock of a [`CaseDigest`].
#[derive(Debug, Clone)]
pub(crate) struct DigestClock {
    pub brief: StepBrief,
    pub status: StepStatus,
    /// The duration that runs (the route's when the step has one).
    pub duration: DurationDef,
    pub deadline: Deadline,
    pub escalation: Option<Text>,
}

/// A [`DigestClock`] as stored: the deadline as the instant its clock started (chained),
/// from which [`DeadlineCalc::deadline_for`] gives it back in constant time; reading
/// back eight date strings per clock took longer than counting the days again.
#[derive(Serialize, Deserialize)]
struct StoredClock {
    brief: StepBrief,
    status: StepStatus,
    duration: DurationDef,
    /// Unix milliseconds (instants are stored to the millisecond).
    clock_start_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    escalation: Option<Text>,
}

/// A [`CaseDigest`] as stored in `cases.digest` (JSON).
#[derive(Serialize, Deserialize)]
struct StoredDigest {
    progress: Progress,
    next_step: Option<StepBrief>,
    submitted: Vec<StepBrief>,
    clocks: Vec<StoredClock>,
}

impl CaseDigest {
    fn to_stored(&self) -> StoredDigest {
        StoredDigest {
            progress: self.progress,
            next_step: self.next_step.as_deref().cloned(),
            submitted: self.submitted.iter().map(|b| StepBrief::clone(b)).collect(),
            clocks: self
                .clocks
                .iter()
                .map(|c| StoredClock {
                    brief: c.brief.clone(),
                    status: c.status,
                    duration: c.duration.clone(),
                    clock_start_ms: c.deadline.clock_start.timestamp_millis(),
                    escalation: c.escalation.clone(),
                })
                .collect(),
        }
    }

    /// The digest back from its stored form; `None` when a deadline cannot be computed
    /// again (then the step rows are read, as for a digest never made).
    fn from_stored(calc: &DeadlineCalc, stored: StoredDigest) -> Option<CaseDigest> {
        let mut clocks = Vec::with_capacity(stored.clocks.len());
        for c in stored.clocks {
            let start = DateTime::<Utc>::from_timestamp_millis(c.clock_start_ms)?;
            let deadline = calc.deadline_for(&c.duration, start)?;
            clocks.push(DigestClock {
                brief: c.brief,
                status: c.status,
                duration: c.duration,
                deadline,
                escalation: c.escalation,
            });
        }
        Some(CaseDigest {
            progress: stored.progress,
            next_step: stored.next_step.map(Arc::new),
            submitted: stored.submitted.into_iter().map(Arc::new).collect(),
            clocks,
        })
    }
}

/// A step named in a list.
pub(super) fn brief(s: &StepRow) -> StepBrief {
    StepBrief {
        id: s.step_id.clone(),
        number: s.position,
        title: s.def.title.clone(),
        kind: s.def.kind,
        depends_on: s.def.depends_on.clone(),
    }
}

/// Each step of one case's `steps` whose clock runs (in plan, submitted or blocked after
/// its clock started, with a duration), with the duration that runs and its deadline,
/// chained like the case view's: a step is never due before the periods it waits for end.
fn running_deadlines<'a>(
    calc: &DeadlineCalc,
    steps: &'a [StepRow],
) -> Result<Vec<(&'a StepRow, &'a DurationDef, Deadline)>> {
    let ends = period_ends(calc, steps)?;
    let mut out = Vec::new();
    for s in steps
        .iter()
        .filter(|s| s.in_plan && clock_runs(s.state.status))
    {
        let Some(d) = s.def.duration_for(s.state.route.as_deref()) else {
            continue;
        };
        let Some(at) = parse_opt_ts(s.state.submitted_at.clone())? else {
            continue;
        };
        if let Some(deadline) = calc.deadline_for(d, clock_start(s, d, at, &ends)) {
            out.push((s, d, deadline));
        }
    }
    Ok(out)
}

impl CaseDigest {
    /// The digest from the rows that decide it: `next` (the first step still to do),
    /// `submitted` (the steps handed in, in plan order) and `handed_in` (every in-plan step
    /// submitted at some time, in plan order; empty when no clock runs). The one place
    /// both the stored digests and the readers' fallback are made.
    pub fn from_rows(
        calc: &DeadlineCalc,
        progress: Progress,
        next: Option<&StepRow>,
        submitted: &[StepRow],
        handed_in: &[StepRow],
    ) -> Result<CaseDigest> {
        let next_step = next.map(brief);
        // The list line names at most two steps handed in: the first, and the one the
        // next step waits for.
        let waited_for = next_step
            .as_ref()
            .and_then(|n| submitted.iter().find(|s| n.depends_on.contains(&s.step_id)));
        let mut named: Vec<Arc<StepBrief>> = Vec::new();
        for s in submitted.first().into_iter().chain(waited_for) {
            if named.last().is_none_or(|b| b.id != s.step_id) {
                named.push(Arc::new(brief(s)));
            }
        }
        let clocks = running_deadlines(calc, handed_in)?
            .into_iter()
            .map(|(s, d, deadline)| DigestClock {
                brief: brief(s),
                status: s.state.status,
                duration: d.clone(),
                deadline,
                escalation: s.def.escalation.clone(),
            })
            .collect();
        Ok(CaseDigest {
            progress,
            next_step: next_step.map(Arc::new),
            submitted: named,
            clocks,
        })
    }

    /// The digest of a case from all its step rows (as [`load_steps`] gives them).
    pub fn of_steps(calc: &DeadlineCalc, steps: &[StepRow]) -> Result<CaseDigest> {
        let mut in_plan: Vec<StepRow> = steps.iter().filter(|s| s.in_plan).cloned().collect();
        crate::sort::sort_by(&mut in_plan, |a, b| {
            (a.position, &a.step_id).cmp(&(b.position, &b.step_id))
        });
        let progress = Progress {
            settled: in_plan
                .iter()
                .filter(|s| s.state.status.is_settled())
                .count(),
            total: in_plan.len(),
        };
        let next = in_plan.iter().find(|s| {
            matches!(
                s.state.status,
                StepStatus::Todo | StepStatus::InProgress | StepStatus::Blocked
            )
        });
        let submitted: Vec<StepRow> = in_plan
            .iter()
            .filter(|s| s.state.status == StepStatus::Submitted)
            .cloned()
            .collect();
        CaseDigest::from_rows(calc, progress, next, &submitted, &in_plan)
    }

    /// The earliest running deadline at `now`, with how many running clocks are overdue.
    /// On a tie the step first in plan order.
    pub fn next_deadline(&self, now: DateTime<Utc>) -> (Option<NextDeadline>, usize) {
        let mut next: Option<&DigestClock> = None;
        let mut overdue = 0;
        for c in &self.clocks {
            overdue += usize::from(c.deadline.is_overdue(now));
            if next.is_none_or(|n| c.deadline.deadline_utc < n.deadline.deadline_utc) {
                next = Some(c);
            }
        }
        let next = next.map(|c| NextDeadline {
            step: c.brief.id.clone(),
            deadline: c.deadline.clone(),
            overdue: c.deadline.is_overdue(now),
            brief: c.brief.clone(),
            sense: crate::rules::pack::sense_of(c.brief.kind, Some(&c.duration)),
        });
        (next, overdue)
    }

    /// The running clocks of steps handed in and waiting for an answer (submitted): what
    /// reminders are planned from.
    pub fn running_clocks(&self, case_id: &str, case_title: &Text) -> Vec<RunningClock> {
        self.clocks
            .iter()
            .filter(|c| c.status == StepStatus::Submitted)
            .map(|c| RunningClock {
                case_id: case_id.to_string(),
                case_title: case_title.clone(),
                step_id: c.brief.id.clone(),
                step_title: c.brief.title.clone(),
                kind: c.brief.kind,
                status: c.status,
                duration: c.duration.clone(),
                deadline: c.deadline.clone(),
                escalation: c.escalation.clone(),
            })
            .collect()
    }

    /// Running clocks of steps handed in (what [`CaseDigest::running_clocks`] keeps).
    fn submitted_clocks(&self) -> i64 {
        self.clocks
            .iter()
            .filter(|c| c.status == StepStatus::Submitted)
            .count() as i64
    }
}

/// A case whose digest is not current: cleared by a trigger, or made on another basis
/// (`?1`). What opening a vault recomputes and what the readers read around.
macro_rules! not_current {
    () => {
        "(digest IS NULL OR digest_basis IS NOT ?1)"
    };
}
pub(super) use not_current;

/// Digests already read, per case, with the exact bytes they were read from. What a
/// digest reads back as depends only on those bytes and the vault's calculator, which
/// never changes for an open vault, so an entry is used only when the stored bytes are
/// the same as those it was read from: a case whose steps change gets other bytes, and
/// is read again. A phone asks for the case list after nearly every event; this spares
/// parsing a thousand unchanged digests each time (`docs/performance.md` gives both
/// figures). Entries of cases the latest full listing did not see (deleted) are dropped
/// once they outnumber those it did.
#[derive(Default)]
pub(super) struct DigestMemo {
    entries: HashMap<Box<str>, MemoEntry>,
    /// Counts full listings ([`DigestMemo::begin_listing`]).
    generation: u64,
}

struct MemoEntry {
    /// The listing that last asked for it.
    seen: u64,
    /// The stored bytes it was read from.
    text: Box<[u8]>,
    digest: Arc<CaseDigest>,
}

impl DigestMemo {
    /// The digest stored as `text` with `stored_basis`, parsed once; `None` when it must
    /// be read from the step rows (no digest, another basis, unreadable).
    pub fn get(
        &mut self,
        calc: &DeadlineCalc,
        case_id: &str,
        text: Option<&[u8]>,
        stored_basis: Option<&[u8]>,
    ) -> Option<Arc<CaseDigest>> {
        if stored_basis != Some(calc.basis().as_bytes()) {
            return None;
        }
        let text = text?;
        let generation = self.generation;
        if let Some(e) = self.entries.get_mut(case_id) {
            if *e.text == *text {
                e.seen = generation;
                return Some(Arc::clone(&e.digest));
            }
        }
        let stored = serde_json::from_slice(text).ok()?;
        let digest = Arc::new(CaseDigest::from_stored(calc, stored)?);
        self.entries.insert(
            case_id.into(),
            MemoEntry {
                seen: generation,
                text: text.into(),
                digest: Arc::clone(&digest),
            },
        );
        Some(digest)
    }

    /// Starts a listing of every case: entries it asks for are marked as in use.
    pub fn begin_listing(&mut self) {
        self.generation += 1;
    }

    /// Ends a listing that asked for `used` digests: drops the entries it did not ask for
    /// once they outnumber those it did.
    pub fn end_listing(&mut self, used: usize) {
        if self.entries.len() > 2 * used + 64 {
            let generation = self.generation;
            self.entries.retain(|_, e| e.seen == generation);
        }
    }
}

/// Which digests [`refresh`] recomputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stale {
    /// Those the triggers cleared (what a write leaves).
    Cleared,
    /// Those cleared or made on another basis (what opening a vault checks).
    AnyBasis,
}

/// Recomputes the digests `which` selects, inside the caller's transaction. A case whose steps cannot be read keeps no digest: readers then
/// read its step rows, and the case view reports what is wrong with them.
pub(super) fn refresh(conn: &Connection, calc: &DeadlineCalc, which: Stale) -> Result<()> {
    let ids: Vec<String> = match which {
        Stale::Cleared => conn
            .prepare_cached(
                "SELECT id FROM cases INDEXED BY cases_digest_cleared WHERE digest IS NULL",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        Stale::AnyBasis => conn
            .prepare_cached(concat!("SELECT id FROM cases WHERE ", not_current!()))?
            .query_map([calc.basis()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    };
    for id in &ids {
        let Ok(digest) = load_steps(conn, id).and_then(|steps| CaseDigest::of_steps(calc, &steps))
        else {
            continue;
        };
        let text = serde_json::to_string(&digest.to_stored())
            .map_err(|e| super::VaultError::corrupt("cases.digest", e))?;
        conn.prepare_cached(
            "UPDATE cases SET digest = ?2, digest_basis = ?3, digest_clocks = ?4 WHERE id = ?1",
        )?
        .execute(params![id, text, calc.basis(), digest.submitted_clocks()])?;
    }
    Ok(())
}

/// True when some case's digest needs [`refresh`] with [`Stale::AnyBasis`].
pub(super) fn any_stale(conn: &Connection, calc: &DeadlineCalc) -> Result<bool> {
    Ok(conn
        .query_row(
            concat!("SELECT 1 FROM cases WHERE ", not_current!(), " LIMIT 1"),
            [calc.basis()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}
