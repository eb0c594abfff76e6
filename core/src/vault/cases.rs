//! Cases: create, read, list, re-plan (facts, pack upgrades), archive, delete.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::json;

use super::digest::{self, CaseDigest};
use super::error::{Result, VaultError};
use super::id;
use super::model::{
    CaseSummary, CaseView, Event, PlanMeta, Progress, ReplanReport, RunningClock, StepAction,
    StepChange, StepRef, StepSnapshot, StepStatus,
};
use super::store::{
    append_event, build_view, clock_columns, load_case, load_clocked, load_listing, load_steps,
    resolve_case_id, to_json_text, CaseRow, ListedSteps, NewEvent, StepRow,
};
use super::time::{fmt_ts, parse_ts};
use super::Vault;
use crate::rules::plan::Plan;
use crate::rules::{evaluate_plan, FactError, FactValue, Facts, Scenario};
use crate::Text;

fn facts_json(facts: &Facts) -> serde_json::Map<String, serde_json::Value> {
    crate::sort::collect_sorted(facts.iter().map(|(k, v)| (k.clone(), v.to_json())))
}

/// Compares dotted versions numerically (`1.10.0` > `1.9.2`); other text compares as text.
pub(crate) fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let parse = |s: &str| -> Option<Vec<u64>> { s.split('.').map(|p| p.parse().ok()).collect() };
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

fn insert_step(
    conn: &Connection,
    case_id: &str,
    position: i64,
    step_id: &str,
    def: &StepSnapshot,
) -> Result<()> {
    let (unit, min, max) = clock_columns(def.duration.as_ref());
    conn.execute(
        "INSERT INTO steps (case_id, step_id, position, in_plan, status, definition,
                            clock_unit, clock_min, clock_max)
         VALUES (?1, ?2, ?3, 1, 'todo', ?4, ?5, ?6, ?7)",
        params![
            case_id,
            step_id,
            position,
            to_json_text(def),
            unit,
            min,
            max
        ],
    )?;
    Ok(())
}

fn step_ref(s: &StepRow) -> StepRef {
    StepRef {
        id: s.step_id.clone(),
        status: s.state.status,
        title: s.def.title.clone(),
    }
}

impl Vault {
    /// Plans `scenario` with `facts` and stores it as a new case; returns the case.
    pub fn create_case(
        &self,
        scenario: &Scenario,
        facts: &Facts,
        now: DateTime<Utc>,
    ) -> Result<CaseView> {
        super::time::check_not_before_earliest(now)?;
        let plan = evaluate_plan(scenario, facts)?;
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut case_id = None;
        for _ in 0..8 {
            let bits: Vec<u8> = tx.query_row("SELECT randomblob(8)", [], |r| r.get(0))?;
            let mut b = [0u8; 8];
            b.copy_from_slice(&bits[..8]);
            let candidate = id::encode(u64::from_le_bytes(b));
            let taken: Option<i64> = tx
                .query_row("SELECT 1 FROM cases WHERE id = ?1", [&candidate], |r| {
                    r.get(0)
                })
                .optional()?;
            if taken.is_none() {
                case_id = Some(candidate);
                break;
            }
        }
        let case_id = case_id.ok_or_else(|| VaultError::corrupt("case ids", "no free id"))?;
        tx.execute(
            "INSERT INTO cases (id, scenario, pack_version, title_zh, title_en, facts,
                                plan_meta, created_at, updated_at, archived)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 0)",
            params![
                case_id,
                plan.scenario,
                plan.pack_version,
                plan.title.zh,
                plan.title.en,
                to_json_text(&facts_json(facts)),
                to_json_text(&PlanMeta::from_plan(&plan)),
                fmt_ts(now),
            ],
        )?;
        for s in &plan.steps {
            insert_step(
                &tx,
                &case_id,
                s.number as i64,
                &s.id,
                &StepSnapshot::from_plan(s),
            )?;
        }
        append_event(
            &tx,
            NewEvent {
                case_id: &case_id,
                kind: "case_created",
                payload: json!({
                    "scenario": plan.scenario,
                    "pack_version": plan.pack_version,
                    "facts": facts_json(facts),
                    "steps": plan.steps.iter().map(|s| &s.id).collect::<Vec<_>>(),
                }),
                ..Default::default()
            },
            now,
        )?;
        let case = load_case(&tx, &case_id)?;
        let steps = load_steps(&tx, &case_id)?;
        digest::refresh(&tx, &self.deadlines, digest::Stale::Cleared)?;
        tx.commit()?;
        build_view(&self.deadlines, case, steps, now)
    }

    /// Resolves a case id or an unambiguous prefix (at least 4 characters) to the id.
    pub fn resolve_case(&self, case_ref: &str) -> Result<String> {
        resolve_case_id(&self.lock(), case_ref)
    }

    /// The case with its steps, deadlines and overdue flags at `now`.
    pub fn case(&self, case_ref: &str, now: DateTime<Utc>) -> Result<CaseView> {
        let mut conn = self.lock();
        // One read transaction: case and steps from the same snapshot.
        let tx = conn.transaction()?;
        let id = resolve_case_id(&tx, case_ref)?;
        let case = load_case(&tx, &id)?;
        let steps = load_steps(&tx, &id)?;
        tx.finish()?;
        build_view(&self.deadlines, case, steps, now)
    }

    /// Every case (archived ones too when `include_archived`), most recently updated
    /// first, each with its progress and next deadline at `now`. Read from the cases'
    /// digests (`vault::digest`): one row per case; a case without a current digest is
    /// read from its step rows.
    pub fn list_cases(
        &self,
        include_archived: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseSummary>> {
        let mut conn = self.lock();
        // One read transaction: cases and steps from the same snapshot.
        let tx = conn.transaction()?;
        let mut listed: Option<Vec<(String, ListedSteps)>> = None;
        let mut out = Vec::new();
        let mut memo = self.digest_memo();
        memo.begin_listing();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT id, scenario, pack_version, title_zh, title_en, created_at, updated_at,
                        archived, digest, digest_basis
                 FROM cases WHERE archived = 0 OR ?1
                 ORDER BY updated_at DESC, id",
            )?;
            let mut rows = stmt.query([include_archived])?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                let digest = match memo.get(
                    &self.deadlines,
                    &id,
                    r.get_ref(8)?
                        .as_bytes_or_null()
                        .map_err(rusqlite::Error::from)?,
                    r.get_ref(9)?
                        .as_bytes_or_null()
                        .map_err(rusqlite::Error::from)?,
                ) {
                    Some(d) => d,
                    None => {
                        let listed = match &mut listed {
                            Some(l) => l,
                            None => listed.insert(load_listing(&tx)?),
                        };
                        let steps = listed
                            .binary_search_by(|(case, _)| case.as_str().cmp(&id))
                            .map(|i| std::mem::take(&mut listed[i].1))
                            .unwrap_or_default();
                        std::sync::Arc::new(CaseDigest::from_rows(
                            &self.deadlines,
                            steps.progress,
                            steps.next.as_ref(),
                            &steps.submitted,
                            &steps.clocked,
                        )?)
                    }
                };
                let (next_deadline, overdue_steps) = digest.next_deadline(now);
                out.push(CaseSummary {
                    progress: digest.progress,
                    scenario: r.get(1)?,
                    pack_version: r.get(2)?,
                    title: crate::text::Text::new(r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                    created_at: parse_ts(text_col(r, 5)?)?,
                    updated_at: parse_ts(text_col(r, 6)?)?,
                    archived: r.get::<_, i64>(7)? != 0,
                    next_deadline,
                    overdue_steps,
                    next_step: digest.next_step.clone(),
                    submitted: digest.submitted.clone(),
                    id,
                });
            }
        }
        memo.end_listing(out.len());
        drop(memo);
        tx.finish()?;
        Ok(out)
    }

    /// Every running clock of the cases not archived: the steps handed in and
    /// waiting for an answer (submitted), each with its deadline chained as the case view
    /// chains it. What reminders are planned from, read from the digests of the cases with
    /// such a clock (`vault::digest`), so re-planning over a thousand cases reads a few
    /// hundred rows and builds no case view; when some case has no current digest, from
    /// the step rows of running clocks ([`load_clocked`]). Agrees with the submitted
    /// steps' deadlines of [`Vault::case`] (tested).
    pub fn running_clocks(&self) -> Result<Vec<RunningClock>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let basis = self.deadlines.basis();
        let mut out = Vec::new();
        let mut all_current = true;
        let mut memo = self.digest_memo();
        {
            let mut stmt = tx.prepare_cached(concat!(
                "SELECT id, title_zh, title_en, digest, digest_basis FROM cases
                 WHERE archived = 0 AND (digest_clocks > 0 OR ",
                digest::not_current!(),
                ")
                 ORDER BY updated_at DESC, id"
            ))?;
            let mut rows = stmt.query([basis])?;
            while let Some(r) = rows.next()? {
                let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
                let Some(digest) = memo.get(
                    &self.deadlines,
                    id,
                    r.get_ref(3)?
                        .as_bytes_or_null()
                        .map_err(rusqlite::Error::from)?,
                    r.get_ref(4)?
                        .as_bytes_or_null()
                        .map_err(rusqlite::Error::from)?,
                ) else {
                    all_current = false;
                    break;
                };
                let title = Text::new(r.get::<_, String>(1)?, r.get::<_, String>(2)?);
                out.extend(digest.running_clocks(id, &title));
            }
        }
        drop(memo);
        if !all_current {
            out.clear();
            for (case_id, case_title, steps) in load_clocked(&tx)? {
                let digest =
                    CaseDigest::from_rows(&self.deadlines, Progress::default(), None, &[], &steps)?;
                out.extend(digest.running_clocks(&case_id, &case_title));
            }
        }
        tx.finish()?;
        Ok(out)
    }

    /// The case's journal, oldest first.
    pub fn journal(&self, case_ref: &str) -> Result<Vec<Event>> {
        self.events_where(case_ref, "e.case_id = ?1")
    }

    /// The events undo could revert: for each step, its latest transition not yet undone
    /// (oldest first). What the case view needs of the journal, read without replaying
    /// it: one or two index probes per step however long the journal
    /// ([`super::steps::undoable_before`], `docs/performance.md`).
    pub fn undo_candidates(&self, case_ref: &str) -> Result<Vec<Event>> {
        let seqs: Vec<i64> = {
            let mut conn = self.lock();
            let tx = conn.transaction()?;
            let id = resolve_case_id(&tx, case_ref)?;
            let steps: Vec<String> = tx
                .prepare_cached("SELECT step_id FROM steps WHERE case_id = ?1")?
                .query_map([&id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut seqs = Vec::new();
            for step in &steps {
                if let Some(seq) = super::steps::undoable_before(&tx, &id, step, i64::MAX)? {
                    seqs.push(seq);
                }
            }
            tx.finish()?;
            seqs
        };
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = seqs.iter().map(i64::to_string).collect();
        self.events_where(
            case_ref,
            &format!("e.case_id = ?1 AND e.seq IN ({})", list.join(", ")),
        )
    }

    fn events_where(&self, case_ref: &str, filter: &str) -> Result<Vec<Event>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let id = resolve_case_id(&tx, case_ref)?;
        let mut stmt = tx.prepare(&format!(
            "SELECT e.seq, e.case_id, e.at, e.recorded_at, e.kind, e.step_id, e.from_status,
                    e.to_status, e.action, e.note, e.undoes, e.payload
             FROM events e WHERE {filter} ORDER BY e.seq"
        ))?;
        let mut rows = stmt.query([&id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let status = |s: Option<String>| -> Result<Option<StepStatus>> {
                s.map(|s| {
                    StepStatus::parse(&s).ok_or_else(|| VaultError::corrupt("events.status", s))
                })
                .transpose()
            };
            let action: Option<String> = r.get(8)?;
            let payload: String = r.get(11)?;
            out.push(Event {
                seq: r.get(0)?,
                case_id: r.get(1)?,
                at: parse_ts(&r.get::<_, String>(2)?)?,
                recorded_at: parse_ts(&r.get::<_, String>(3)?)?,
                kind: r.get(4)?,
                step: r.get(5)?,
                from_status: status(r.get(6)?)?,
                to_status: status(r.get(7)?)?,
                action: action.as_deref().and_then(StepAction::parse),
                note: r.get(9)?,
                undoes: r.get(10)?,
                payload: serde_json::from_slice(payload.as_bytes())
                    .map_err(|e| VaultError::corrupt("events.payload", e))?,
            });
        }
        drop(rows);
        drop(stmt);
        tx.finish()?;
        Ok(out)
    }

    /// Changes the case's facts (`set` added or replaced, `unset` removed) and re-plans:
    /// steps that still apply keep their progress, steps that drop out are kept as dropped
    /// and reported, dropped steps that come back get their progress back.
    ///
    /// `scenario` must be the case's scenario at the case's pack version; a case on an
    /// older pack must be upgraded first ([`VaultError::PackVersionMismatch`]).
    pub fn set_facts(
        &self,
        case_ref: &str,
        scenario: &Scenario,
        set: &Facts,
        unset: &[String],
        now: DateTime<Utc>,
    ) -> Result<ReplanReport> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = resolve_case_id(&tx, case_ref)?;
        let case = load_case(&tx, &id)?;
        check_writable(&case, scenario)?;
        if scenario.pack.version != case.pack_version {
            return Err(VaultError::PackVersionMismatch {
                case_version: case.pack_version,
                current: scenario.pack.version.clone(),
            });
        }
        let mut facts = scenario.facts_from_json(&serde_json::Value::Object(case.facts.clone()))?;
        for name in unset {
            if scenario.fact(name).is_none() {
                return Err(scenario
                    .parse_fact(name, "")
                    .err()
                    .unwrap_or_else(|| FactError::Unknown {
                        scenario: scenario.id().to_string(),
                        fact: name.clone(),
                        known: String::new(),
                    })
                    .into());
            }
            facts.remove(name);
        }
        for (k, v) in set {
            facts.insert(k.clone(), v.clone());
        }
        let plan = evaluate_plan(scenario, &facts)?;
        let steps = load_steps(&tx, &id)?;
        let report = replan(
            &tx,
            &case,
            steps,
            &plan,
            &facts,
            vec![],
            "facts_changed",
            now,
        )?;
        digest::refresh(&tx, &self.deadlines, digest::Stale::Cleared)?;
        tx.commit()?;
        Ok(report)
    }

    /// Re-plans the case with `scenario` (the current pack) and moves it to that pack's
    /// version: reports added, dropped and changed steps and keeps progress where step ids
    /// match. Facts the new pack no longer accepts are removed and reported. Nothing is
    /// written when the case already has this version (`changed_anything: false`).
    pub fn upgrade(
        &self,
        case_ref: &str,
        scenario: &Scenario,
        now: DateTime<Utc>,
    ) -> Result<ReplanReport> {
        self.upgrade_with(case_ref, scenario, now, true)
    }

    /// What [`Vault::upgrade`] would change, computed the same way and rolled back: nothing
    /// is written (the report's `seq` is `None`).
    pub fn upgrade_preview(
        &self,
        case_ref: &str,
        scenario: &Scenario,
        now: DateTime<Utc>,
    ) -> Result<ReplanReport> {
        self.upgrade_with(case_ref, scenario, now, false)
    }

    fn upgrade_with(
        &self,
        case_ref: &str,
        scenario: &Scenario,
        now: DateTime<Utc>,
        apply: bool,
    ) -> Result<ReplanReport> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = resolve_case_id(&tx, case_ref)?;
        let case = load_case(&tx, &id)?;
        check_writable(&case, scenario)?;
        let current = &scenario.pack.version;
        match version_cmp(current, &case.pack_version) {
            std::cmp::Ordering::Equal => {
                return Ok(ReplanReport {
                    case_id: id,
                    from_version: case.pack_version.clone(),
                    to_version: case.pack_version,
                    changed_anything: false,
                    added: vec![],
                    dropped: vec![],
                    restored: vec![],
                    changed: vec![],
                    facts_dropped: vec![],
                    blockers: case
                        .plan_meta
                        .applying_blockers()
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                    seq: None,
                })
            }
            std::cmp::Ordering::Less => {
                return Err(VaultError::PackDowngrade {
                    case_version: case.pack_version,
                    current: current.clone(),
                })
            }
            std::cmp::Ordering::Greater => {}
        }
        let mut facts = Facts::new();
        let mut facts_dropped = Vec::new();
        for (k, v) in &case.facts {
            match scenario
                .fact(k)
                .map(|def| FactValue::from_json(def, v))
                .and_then(|r| r.ok())
            {
                Some(value) => {
                    facts.insert(k.clone(), value);
                }
                None => facts_dropped.push(k.clone()),
            }
        }
        let plan = evaluate_plan(scenario, &facts)?;
        let steps = load_steps(&tx, &id)?;
        let report = replan(
            &tx,
            &case,
            steps,
            &plan,
            &facts,
            facts_dropped,
            "upgraded",
            now,
        )?;
        if !apply {
            tx.rollback()?;
            return Ok(ReplanReport {
                seq: None,
                ..report
            });
        }
        digest::refresh(&tx, &self.deadlines, digest::Stale::Cleared)?;
        tx.commit()?;
        Ok(report)
    }

    /// Archives (or, with `archived: false`, restores) a case. Returns false when it
    /// already was in that state (nothing written).
    pub fn set_archived(&self, case_ref: &str, archived: bool, now: DateTime<Utc>) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = resolve_case_id(&tx, case_ref)?;
        let case = load_case(&tx, &id)?;
        if case.archived == archived {
            return Ok(false);
        }
        tx.execute(
            "UPDATE cases SET archived = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, archived, fmt_ts(now)],
        )?;
        append_event(
            &tx,
            NewEvent {
                case_id: &id,
                kind: if archived { "archived" } else { "unarchived" },
                ..Default::default()
            },
            now,
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Deletes a case for good: its steps and journal, and its evidence. Each evidence
    /// item becomes a tombstone that keeps only its file's hash and size (its name, note
    /// and tags are removed, its custody entries redacted, a `delete` entry records it),
    /// and its file is removed unless another case still uses the same bytes. All in one
    /// transaction; the files are unlinked once it has committed.
    pub fn delete_case(&self, case_ref: &str, now: DateTime<Utc>) -> Result<CaseDeleted> {
        let evidence_error =
            |e: crate::evidence::EvidenceError| VaultError::Evidence(e.to_string());
        // The connection first, then the evidence locks: the order `EvidenceStore::delete`
        // takes them in (inside `with_connection_mut`), so the two never wait on each other.
        let mut conn = self.lock();
        let _locks = crate::evidence::delete_locks(&self.dir).map_err(evidence_error)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = resolve_case_id(&tx, case_ref)?;
        let (evidence, trash) =
            crate::evidence::delete_case_items(&tx, &self.dir, &id, now).map_err(evidence_error)?;
        let rows = || -> Result<()> {
            // Undo entries point at earlier entries of the same case: remove newest first.
            tx.execute(
                "DELETE FROM events WHERE case_id = ?1 AND undoes IS NOT NULL",
                [&id],
            )?;
            tx.execute("DELETE FROM cases WHERE id = ?1", [&id])?;
            Ok(())
        };
        if let Err(e) = rows() {
            trash.put_back();
            return Err(e);
        }
        if let Err(e) = tx.commit() {
            trash.put_back();
            return Err(e.into());
        }
        trash.empty().map_err(evidence_error)?;
        Ok(CaseDeleted { id, evidence })
    }
}

/// What [`Vault::delete_case`] removed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaseDeleted {
    /// The case's id.
    pub id: String,
    /// Its evidence: items, bytes and files removed.
    pub evidence: crate::evidence::CaseEvidenceDeleted,
}

fn check_writable(case: &CaseRow, scenario: &Scenario) -> Result<()> {
    if case.archived {
        return Err(VaultError::Archived {
            id: case.id.clone(),
        });
    }
    if scenario.id() != case.scenario {
        return Err(VaultError::ScenarioMismatch {
            case_scenario: case.scenario.clone(),
            given: scenario.id().to_string(),
        });
    }
    Ok(())
}

/// Applies a new plan to a case's steps and records it. Progress is never touched: steps
/// only move in or out of the plan and get their new definition.
#[allow(clippy::too_many_arguments)]
fn replan(
    conn: &Connection,
    case: &CaseRow,
    steps: Vec<StepRow>,
    plan: &Plan,
    facts: &Facts,
    facts_dropped: Vec<String>,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<ReplanReport> {
    let mut existing: HashMap<String, StepRow> =
        steps.into_iter().map(|s| (s.step_id.clone(), s)).collect();
    let (mut added, mut restored, mut changed, mut dropped) = (vec![], vec![], vec![], vec![]);
    for s in &plan.steps {
        let def = StepSnapshot::from_plan(s);
        let position = s.number as i64;
        match existing.remove(&s.id) {
            None => {
                insert_step(conn, &case.id, position, &s.id, &def)?;
                added.push(StepRef {
                    id: s.id.clone(),
                    status: StepStatus::Todo,
                    title: def.title.clone(),
                });
            }
            Some(row) => {
                if !row.in_plan {
                    restored.push(StepRef {
                        title: def.title.clone(),
                        ..step_ref(&row)
                    });
                } else {
                    let fields = row.def.changed_fields(&def);
                    if !fields.is_empty() {
                        changed.push(StepChange {
                            id: s.id.clone(),
                            fields,
                            status: row.state.status,
                            title: def.title.clone(),
                        });
                    }
                }
                let (unit, min, max) = clock_columns(def.duration_for(row.state.route.as_deref()));
                conn.execute(
                    "UPDATE steps SET position = ?3, in_plan = 1, definition = ?4,
                            clock_unit = ?5, clock_min = ?6, clock_max = ?7
                     WHERE case_id = ?1 AND step_id = ?2",
                    params![case.id, s.id, position, to_json_text(&def), unit, min, max],
                )?;
            }
        }
    }
    let mut leftovers: Vec<StepRow> = existing.into_values().filter(|s| s.in_plan).collect();
    crate::sort::sort_by_key(&mut leftovers, |s| s.position);
    for row in leftovers {
        conn.execute(
            "UPDATE steps SET in_plan = 0 WHERE case_id = ?1 AND step_id = ?2",
            params![case.id, row.step_id],
        )?;
        dropped.push(step_ref(&row));
    }
    let new_facts = facts_json(facts);
    let meta = PlanMeta::from_plan(plan);
    conn.execute(
        "UPDATE cases SET pack_version = ?2, title_zh = ?3, title_en = ?4, facts = ?5,
                plan_meta = ?6, updated_at = ?7
         WHERE id = ?1",
        params![
            case.id,
            plan.pack_version,
            plan.title.zh,
            plan.title.en,
            to_json_text(&new_facts),
            to_json_text(&meta),
            fmt_ts(now)
        ],
    )?;
    let ids = |v: &[StepRef]| v.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    let seq = append_event(
        conn,
        NewEvent {
            case_id: &case.id,
            kind,
            payload: json!({
                "from_version": case.pack_version,
                "to_version": plan.pack_version,
                "facts_before": case.facts,
                "facts_after": new_facts,
                "facts_dropped": facts_dropped,
                "added": ids(&added),
                "dropped": ids(&dropped),
                "restored": ids(&restored),
                "changed": changed.iter().map(|c| json!({"id": c.id, "fields": c.fields})).collect::<Vec<_>>(),
            }),
            ..Default::default()
        },
        now,
    )?;
    // Deadlines of running clocks whose duration changed are recomputed on read.
    Ok(ReplanReport {
        case_id: case.id.clone(),
        from_version: case.pack_version.clone(),
        to_version: plan.pack_version.clone(),
        changed_anything: true,
        added,
        dropped,
        restored,
        changed,
        facts_dropped,
        blockers: meta
            .applying_blockers()
            .into_iter()
            .map(str::to_string)
            .collect(),
        seq: Some(seq),
    })
}

/// A text column borrowed from its row (a timestamp to parse needs no String of its own).
fn text_col<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)
}
