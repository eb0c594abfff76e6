//! Rows as stored, and the small queries every operation shares.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::deadlines::DeadlineCalc;
use super::error::{Result, VaultError};
use super::id::{looks_like_id, CASE_ID_LEN};
use super::model::{
    CaseView, NextDeadline, PlanMeta, Progress, StepAction, StepBrief, StepSnapshot, StepStatus,
    StepView,
};
use super::time::{fmt_ts, parse_opt_ts, parse_ts};
use crate::rules::pack::{DurationDef, DurationUnit};
use crate::text::Text;

/// The mutable state of a step: what a transition changes and an undo restores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepState {
    pub status: StepStatus,
    #[serde(default)]
    pub status_at: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub submitted_at: Option<String>,
    #[serde(default)]
    pub done_at: Option<String>,
    #[serde(default)]
    pub route: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A row of `steps`.
#[derive(Debug, Clone)]
pub struct StepRow {
    pub step_id: String,
    pub position: i64,
    pub in_plan: bool,
    pub state: StepState,
    /// Shared: cases made from one pack version store identical definitions, and a list
    /// of a thousand cases parses each distinct one once ([`load_listing`]).
    pub def: Arc<StepSnapshot>,
}

/// A row of `cases`.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: String,
    pub scenario: String,
    pub pack_version: String,
    pub title: Text,
    pub facts: serde_json::Map<String, serde_json::Value>,
    pub plan_meta: PlanMeta,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived: bool,
}

pub fn unit_str(u: DurationUnit) -> &'static str {
    match u {
        DurationUnit::WorkingDays => "working_days",
        DurationUnit::NaturalDays => "natural_days",
        DurationUnit::Hours => "hours",
    }
}

/// Values of the `clock_*` columns for a duration.
pub fn clock_columns(d: Option<&DurationDef>) -> (Option<&'static str>, Option<i64>, Option<i64>) {
    match d {
        Some(d) => (
            Some(unit_str(d.unit)),
            Some(i64::from(d.min)),
            Some(i64::from(d.max)),
        ),
        None => (None, None, None),
    }
}

fn json_col<T: for<'de> Deserialize<'de>>(what: &str, text: &str) -> Result<T> {
    serde_json::from_slice(text.as_bytes()).map_err(|e| VaultError::corrupt(what, e))
}

pub fn to_json_text<T: Serialize>(v: &T) -> String {
    // Serialising our own plain types cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Finds a case by id or by an unambiguous prefix of at least 4 characters.
pub fn resolve_case_id(conn: &Connection, given: &str) -> Result<String> {
    let wanted = given.trim().to_ascii_lowercase();
    let exact: Option<String> = conn
        .query_row("SELECT id FROM cases WHERE id = ?1", [&wanted], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(id) = exact {
        return Ok(id);
    }
    if wanted.len() >= 4 && wanted.len() < CASE_ID_LEN && looks_like_id(&wanted) {
        let mut stmt =
            conn.prepare("SELECT id FROM cases WHERE substr(id, 1, ?2) = ?1 ORDER BY id LIMIT 6")?;
        let ids: Vec<String> = stmt
            .query_map(params![wanted, wanted.len() as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.len() {
            0 => {}
            1 => return Ok(ids.into_iter().next().unwrap_or_default()),
            _ => {
                return Err(VaultError::AmbiguousCase {
                    prefix: given.to_string(),
                    matches: ids.join(", "),
                })
            }
        }
    }
    Err(VaultError::UnknownCase {
        id: given.to_string(),
    })
}

pub fn load_case(conn: &Connection, id: &str) -> Result<CaseRow> {
    let raw = conn
        .query_row(
            "SELECT id, scenario, pack_version, title_zh, title_en, facts, plan_meta,
                    created_at, updated_at, archived
             FROM cases WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, i64>(9)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| VaultError::UnknownCase { id: id.to_string() })?;
    Ok(CaseRow {
        facts: json_col("cases.facts", &raw.5)?,
        plan_meta: json_col("cases.plan_meta", &raw.6)?,
        created_at: parse_ts(&raw.7)?,
        updated_at: parse_ts(&raw.8)?,
        archived: raw.9 != 0,
        id: raw.0,
        scenario: raw.1,
        pack_version: raw.2,
        title: Text::new(raw.3, raw.4),
    })
}

const STEP_COLUMNS: &str = "step_id, position, in_plan, status, status_at, started_at, \
                            submitted_at, done_at, route, note, definition";

/// A `steps` row before its JSON and enum columns are checked.
struct RawStep {
    step_id: String,
    position: i64,
    in_plan: i64,
    status: String,
    times: [Option<String>; 4],
    route: Option<String>,
    note: Option<String>,
    definition: String,
}

fn step_from_row(r: &Row<'_>) -> rusqlite::Result<RawStep> {
    Ok(RawStep {
        step_id: r.get(0)?,
        position: r.get(1)?,
        in_plan: r.get(2)?,
        status: r.get(3)?,
        times: [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
        route: r.get(8)?,
        note: r.get(9)?,
        definition: r.get(10)?,
    })
}

fn finish_step(raw: RawStep) -> Result<StepRow> {
    let def = Arc::new(json_col("steps.definition", &raw.definition)?);
    finish_step_with(raw, def)
}

fn finish_step_with(raw: RawStep, def: Arc<StepSnapshot>) -> Result<StepRow> {
    let status = StepStatus::parse(&raw.status)
        .ok_or_else(|| VaultError::corrupt("steps.status", &raw.status))?;
    let [status_at, started_at, submitted_at, done_at] = raw.times;
    Ok(StepRow {
        def,
        step_id: raw.step_id,
        position: raw.position,
        in_plan: raw.in_plan != 0,
        state: StepState {
            status,
            status_at,
            started_at,
            submitted_at,
            done_at,
            route: raw.route,
            note: raw.note,
        },
    })
}

/// Every step of a case: in-plan steps first, each group in position order.
pub fn load_steps(conn: &Connection, case_id: &str) -> Result<Vec<StepRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STEP_COLUMNS} FROM steps WHERE case_id = ?1
         ORDER BY in_plan DESC, position, step_id"
    ))?;
    let rows = stmt
        .query_map([case_id], step_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(finish_step).collect()
}

/// What a list line needs of one case's steps ([`load_listing`]).
#[derive(Debug, Default)]
pub struct ListedSteps {
    /// Settled steps out of the steps in the plan.
    pub progress: Progress,
    /// The first step in plan order still to do (to do, in progress or blocked).
    pub next: Option<StepRow>,
    /// The steps handed in (submitted), in plan order.
    pub submitted: Vec<StepRow>,
    /// When a clock runs (a step submitted or blocked after its clock started): every step
    /// whose clock has started, in plan order, all that [`period_ends`] and
    /// [`clock_start`] read. Empty when no clock runs.
    pub clocked: Vec<StepRow>,
}

/// One case's rows while [`load_listing`] reads them: counts, and the few rows kept.
#[derive(Default)]
struct Gathered {
    progress: Progress,
    rows: Vec<StepRow>,
    next: Option<usize>,
    submitted: Vec<usize>,
    clocked: Vec<usize>,
    running: bool,
}

impl Gathered {
    fn finish(self) -> ListedSteps {
        let mut rows: Vec<Option<StepRow>> = self.rows.into_iter().map(Some).collect();
        let take = |ids: &[usize]| -> Vec<StepRow> {
            // A row is kept once; a step both handed in and clocked is in both lists.
            let mut v: Vec<StepRow> = ids.iter().filter_map(|&i| rows[i].clone()).collect();
            crate::sort::sort_by(&mut v, |a, b| {
                (a.position, &a.step_id).cmp(&(b.position, &b.step_id))
            });
            v
        };
        let submitted = take(&self.submitted);
        let clocked = if self.running {
            take(&self.clocked)
        } else {
            Vec::new()
        };
        ListedSteps {
            progress: self.progress,
            next: self.next.and_then(|i| rows[i].take()),
            submitted,
            clocked,
        }
    }
}

/// What a list of cases needs of their steps, per case id (in id order), in one pass over
/// the `steps` table: progress counts, the next step to do, the steps handed in and, for
/// the cases with a clock running, the steps whose clock has started. Only those few rows
/// are kept, and each distinct definition is parsed once (cases made from one pack version
/// store identical ones), so that listing a thousand cases stays quick.
pub fn load_listing(conn: &Connection) -> Result<Vec<(String, ListedSteps)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT case_id, clock_unit IS NOT NULL, {STEP_COLUMNS} FROM steps
         ORDER BY case_id, step_id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut defs: HashMap<String, Arc<StepSnapshot>> = HashMap::new();
    let mut out: Vec<(String, ListedSteps)> = Vec::new();
    let mut current: Option<(String, Gathered)> = None;
    while let Some(r) = rows.next()? {
        // Compared as bytes; checked as text once per case.
        let case_id = r.get_ref(0)?.as_bytes().map_err(rusqlite::Error::from)?;
        let g = match &mut current {
            Some((id, g)) if id.as_bytes() == case_id => g,
            _ => {
                if let Some((id, g)) = current.take() {
                    out.push((id, g.finish()));
                }
                let id = std::str::from_utf8(case_id)
                    .map_err(|e| VaultError::corrupt("steps.case_id", e))?;
                &mut current.insert((id.to_string(), Gathered::default())).1
            }
        };
        // Columns after the two leading ones, as in STEP_COLUMNS.
        const C: usize = 2;
        if r.get::<_, i64>(C + 2)? == 0 {
            continue;
        }
        let text = r.get_ref(C + 3)?.as_str().map_err(rusqlite::Error::from)?;
        let status =
            StepStatus::parse(text).ok_or_else(|| VaultError::corrupt("steps.status", text))?;
        let position: i64 = r.get(C + 1)?;
        g.progress.total += 1;
        g.progress.settled += usize::from(status.is_settled());
        let next = matches!(
            status,
            StepStatus::Todo | StepStatus::InProgress | StepStatus::Blocked
        ) && g.next.is_none_or(|i| position < g.rows[i].position);
        let submitted = status == StepStatus::Submitted;
        let clocked = r.get::<_, bool>(1)? && r.get_ref(C + 6)? != rusqlite::types::ValueRef::Null;
        if !(next || submitted || clocked) {
            continue;
        }
        // The definition is looked up while the row is borrowed: no copy of its text.
        let text = r.get_ref(C + 10)?.as_str().map_err(rusqlite::Error::from)?;
        let def = match defs.get(text) {
            Some(d) => Arc::clone(d),
            None => match json_col::<StepSnapshot>("steps.definition", text) {
                Ok(d) => {
                    let d = Arc::new(d);
                    defs.insert(text.to_string(), Arc::clone(&d));
                    d
                }
                // A running clock needs its definition; a list line can do without a
                // step it cannot read (the case view reports it), and the other cases
                // are still listed.
                Err(e) if clocked => return Err(e),
                Err(_) => continue,
            },
        };
        let i = g.rows.len();
        g.rows.push(StepRow {
            def,
            step_id: r.get(C)?,
            position,
            in_plan: true,
            state: StepState {
                status,
                status_at: r.get(C + 4)?,
                started_at: r.get(C + 5)?,
                submitted_at: r.get(C + 6)?,
                done_at: r.get(C + 7)?,
                route: r.get(C + 8)?,
                note: r.get(C + 9)?,
            },
        });
        if next {
            g.next = Some(i);
        }
        if submitted {
            g.submitted.push(i);
        }
        if clocked {
            g.clocked.push(i);
            g.running |= clock_runs(status);
        }
    }
    if let Some((id, g)) = current.take() {
        out.push((id, g.finish()));
    }
    Ok(out)
}

/// For every case not archived with a clock running (a step submitted or blocked), its
/// title and every in-plan step handed in (submitted at some time, whatever its status
/// now): all that [`period_ends`] and [`clock_start`] read. Cases in the order the case
/// list gives them (most recently updated first), steps in plan order. One query through
/// two partial indexes (`steps_running` finds the cases, `steps_handed_in` their steps),
/// so no other step row is read; each distinct step definition is parsed once.
pub fn load_clocked(conn: &Connection) -> Result<Vec<(String, Text, Vec<StepRow>)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STEP_COLUMNS}, c.id, c.title_zh, c.title_en
         FROM cases c JOIN steps s INDEXED BY steps_handed_in ON s.case_id = c.id
         WHERE c.archived = 0 AND s.in_plan = 1 AND s.submitted_at IS NOT NULL
           AND c.id IN (SELECT case_id FROM steps INDEXED BY steps_running
                        WHERE status IN ('submitted', 'blocked'))
         ORDER BY c.updated_at DESC, c.id, s.position, s.step_id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut defs: HashMap<String, Arc<StepSnapshot>> = HashMap::new();
    let mut out: Vec<(String, Text, Vec<StepRow>)> = Vec::new();
    while let Some(r) = rows.next()? {
        let raw = step_from_row(r)?;
        let def = match defs.get(&raw.definition) {
            Some(d) => Arc::clone(d),
            None => {
                let d = Arc::new(json_col::<StepSnapshot>(
                    "steps.definition",
                    &raw.definition,
                )?);
                defs.insert(raw.definition.clone(), Arc::clone(&d));
                d
            }
        };
        let row = finish_step_with(raw, def)?;
        let case_id = r.get_ref(11)?.as_str().map_err(rusqlite::Error::from)?;
        match out.last_mut() {
            Some((id, _, steps)) if id == case_id => steps.push(row),
            _ => out.push((
                case_id.to_string(),
                Text::new(r.get::<_, String>(12)?, r.get::<_, String>(13)?),
                vec![row],
            )),
        }
    }
    Ok(out)
}

/// Writes a step's state and clock columns.
pub fn write_step_state(
    conn: &Connection,
    case_id: &str,
    step: &StepRow,
    state: &StepState,
) -> Result<()> {
    let (unit, min, max) = clock_columns(step.def.duration_for(state.route.as_deref()));
    let n = conn.execute(
        "UPDATE steps SET status = ?3, status_at = ?4, started_at = ?5, submitted_at = ?6,
                done_at = ?7, route = ?8, note = ?9, clock_unit = ?10, clock_min = ?11,
                clock_max = ?12
         WHERE case_id = ?1 AND step_id = ?2",
        params![
            case_id,
            step.step_id,
            state.status.as_str(),
            state.status_at,
            state.started_at,
            state.submitted_at,
            state.done_at,
            state.route,
            state.note,
            unit,
            min,
            max
        ],
    )?;
    if n != 1 {
        return Err(VaultError::corrupt(
            "steps",
            format!("step {} of case {case_id} vanished", step.step_id),
        ));
    }
    Ok(())
}

/// A journal entry to append.
#[derive(Debug, Default)]
pub struct NewEvent<'a> {
    pub case_id: &'a str,
    pub at: Option<DateTime<Utc>>,
    pub kind: &'a str,
    pub step: Option<&'a str>,
    pub action: Option<StepAction>,
    pub from: Option<StepStatus>,
    pub to: Option<StepStatus>,
    pub note: Option<&'a str>,
    pub undoes: Option<i64>,
    pub payload: serde_json::Value,
}

/// Appends to the journal; returns the entry's sequence number.
pub fn append_event(conn: &Connection, e: NewEvent<'_>, now: DateTime<Utc>) -> Result<i64> {
    let payload = if e.payload.is_null() {
        "{}".to_string()
    } else {
        to_json_text(&e.payload)
    };
    conn.execute(
        "INSERT INTO events (case_id, at, recorded_at, kind, step_id, action, from_status,
                             to_status, note, undoes, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            e.case_id,
            fmt_ts(e.at.unwrap_or(now)),
            fmt_ts(now),
            e.kind,
            e.step,
            e.action.map(StepAction::as_str),
            e.from.map(StepStatus::as_str),
            e.to.map(StepStatus::as_str),
            e.note,
            e.undoes,
            payload
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn touch_case(conn: &Connection, case_id: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE cases SET updated_at = ?2 WHERE id = ?1",
        params![case_id, fmt_ts(now)],
    )?;
    Ok(())
}

/// Whether a step's clock runs: submitted, or blocked after being submitted.
pub fn clock_runs(status: StepStatus) -> bool {
    matches!(status, StepStatus::Submitted | StepStatus::Blocked)
}

/// When the periods of a case's steps end: for every in-plan step submitted with a
/// duration (whatever its status now), the end of its period, each clock started no
/// earlier than the ends of the periods it waits for ([`clock_start`]). Steps come in plan
/// (dependency) order, so a step's dependencies are done first. The same chaining as
/// `rules::schedule::plan_deadlines`, on the times the user recorded.
pub fn period_ends(
    calc: &DeadlineCalc,
    steps: &[StepRow],
) -> Result<HashMap<String, DateTime<Utc>>> {
    let mut ends = HashMap::new();
    let mut ordered: Vec<&StepRow> = steps.iter().filter(|s| s.in_plan).collect();
    crate::sort::sort_by_key(&mut ordered, |s| s.position);
    for s in ordered {
        let Some(d) = s.def.duration_for(s.state.route.as_deref()) else {
            continue;
        };
        let Some(at) = parse_opt_ts(s.state.submitted_at.clone())? else {
            continue;
        };
        if let Some(dl) = calc.deadline_for(d, clock_start(s, d, at, &ends)) {
            ends.insert(s.step_id.clone(), dl.deadline_utc);
        }
    }
    Ok(ends)
}

/// When a submitted step's clock starts: when it was submitted, but never before the end
/// of the periods it waits for (its duration's `after` steps, else its dependencies).
pub fn clock_start(
    step: &StepRow,
    duration: &DurationDef,
    submitted_at: DateTime<Utc>,
    ends: &HashMap<String, DateTime<Utc>>,
) -> DateTime<Utc> {
    let waits_for = if duration.after.is_empty() {
        &step.def.depends_on
    } else {
        &duration.after
    };
    waits_for
        .iter()
        .filter_map(|d| ends.get(d))
        .fold(submitted_at, |at, &end| at.max(end))
}

/// When a wait's counted period started because every step it waits for (its duration's
/// `after` steps, else its dependencies; at least one) is settled: the latest of their
/// settled times and period ends. `None` while one of them is still open.
fn started_by_settled_steps(
    step: &StepRow,
    duration: &DurationDef,
    steps: &[StepRow],
    ends: &HashMap<String, DateTime<Utc>>,
) -> Result<Option<DateTime<Utc>>> {
    let waits_for: Vec<&StepRow> = {
        let ids = if duration.after.is_empty() {
            &step.def.depends_on
        } else {
            &duration.after
        };
        steps
            .iter()
            .filter(|s| s.in_plan && ids.contains(&s.step_id))
            .collect()
    };
    if waits_for.is_empty() {
        return Ok(None);
    }
    let mut start: Option<DateTime<Utc>> = None;
    for w in waits_for {
        if !w.state.status.is_settled() {
            return Ok(None);
        }
        let Some(done) = parse_opt_ts(w.state.done_at.clone())? else {
            return Ok(None);
        };
        let end = ends.get(&w.step_id).map_or(done, |&e| e.max(done));
        start = Some(start.map_or(end, |s| s.max(end)));
    }
    Ok(start)
}

/// Builds the read view of a case.
pub fn build_view(
    calc: &DeadlineCalc,
    case: CaseRow,
    steps: Vec<StepRow>,
    now: DateTime<Utc>,
) -> Result<CaseView> {
    let status: HashMap<&str, StepStatus> = steps
        .iter()
        .filter(|s| s.in_plan)
        .map(|s| (s.step_id.as_str(), s.state.status))
        .collect();
    let ends = period_ends(calc, &steps)?;
    let mut in_plan = Vec::new();
    let mut dropped = Vec::new();
    for s in &steps {
        let duration = s.def.duration_for(s.state.route.as_deref()).cloned();
        let submitted_at = parse_opt_ts(s.state.submitted_at.clone())?;
        let deadline = match (&duration, submitted_at) {
            (Some(d), Some(at)) if s.in_plan && clock_runs(s.state.status) => {
                calc.deadline_for(d, clock_start(s, d, at, &ends))
            }
            // A wait whose starting event has happened (the steps it waits for are all
            // settled) runs from then, with no extra tap: its date shows at once. Marking
            // it submitted with another time corrects the start.
            (Some(d), None)
                if s.in_plan
                    && s.def.kind == crate::rules::pack::StepKind::Wait
                    && s.state.status == StepStatus::Todo =>
            {
                started_by_settled_steps(s, d, &steps, &ends)?
                    .and_then(|at| calc.deadline_for(d, at))
            }
            _ => None,
        };
        // A wait counted from settled steps shows its date and relative time on the step;
        // the case's next deadline, overdue count and reminders follow the clocks the user
        // started (as the case list and the reminders read them).
        let projected = deadline.is_some() && submitted_at.is_none();
        let overdue = !projected && deadline.as_ref().is_some_and(|d| d.is_overdue(now));
        let waiting_on = s
            .def
            .depends_on
            .iter()
            .filter(|d| status.get(d.as_str()).is_some_and(|st| !st.is_settled()))
            .cloned()
            .collect();
        let view = StepView {
            id: s.step_id.clone(),
            number: s.position,
            status: s.state.status,
            in_plan: s.in_plan,
            title: s.def.title.clone(),
            kind: s.def.kind,
            undetermined: s.def.undetermined,
            depends_on: s.def.depends_on.clone(),
            waiting_on,
            status_at: parse_opt_ts(s.state.status_at.clone())?,
            started_at: parse_opt_ts(s.state.started_at.clone())?,
            submitted_at,
            done_at: parse_opt_ts(s.state.done_at.clone())?,
            route: s.state.route.clone(),
            note: s.state.note.clone(),
            duration,
            deadline,
            overdue,
            definition: (*s.def).clone(),
        };
        if s.in_plan {
            in_plan.push(view);
        } else {
            dropped.push(view);
        }
    }
    let progress = Progress {
        settled: in_plan.iter().filter(|s| s.status.is_settled()).count(),
        total: in_plan.len(),
    };
    let next_deadline = in_plan
        .iter()
        .filter(|s| s.submitted_at.is_some())
        .filter_map(|s| s.deadline.as_ref().map(|d| (s, d)))
        .min_by_key(|(_, d)| d.deadline_utc)
        .map(|(s, d)| NextDeadline {
            step: s.id.clone(),
            deadline: d.clone(),
            overdue: s.overdue,
            brief: StepBrief {
                id: s.id.clone(),
                number: s.number,
                title: s.title.clone(),
                kind: s.kind,
                depends_on: s.depends_on.clone(),
            },
            sense: crate::rules::pack::sense_of(s.kind, s.duration.as_ref()),
        });
    let overdue_steps = in_plan
        .iter()
        .filter(|s| s.overdue)
        .map(|s| s.id.clone())
        .collect();
    Ok(CaseView {
        id: case.id,
        scenario: case.scenario,
        pack_version: case.pack_version,
        title: case.title,
        facts: case.facts.into_iter().collect(),
        created_at: case.created_at,
        updated_at: case.updated_at,
        archived: case.archived,
        blockers: case.plan_meta.blockers,
        missing_facts: case.plan_meta.missing_facts,
        steps: in_plan,
        dropped_steps: dropped,
        progress,
        next_deadline,
        overdue_steps,
    })
}

#[cfg(test)]
mod query_plans {
    use super::*;

    /// Re-planning reminders never reads every step row: `load_clocked` names its indexes
    /// (`INDEXED BY`), and SQLite refuses to prepare the query if one cannot serve, so a
    /// change that would bring back a full scan fails here (the bundled SQLite has no
    /// EXPLAIN to check the plan with).
    #[test]
    fn the_running_clocks_are_read_through_their_indexes() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::vault::schema::migrate(&mut conn, chrono::Utc::now()).unwrap();
        assert!(load_clocked(&conn).unwrap().is_empty());
    }
}
