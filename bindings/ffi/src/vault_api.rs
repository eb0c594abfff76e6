//! The vault-backed capabilities of [`TuiluCore`]: cases and steps, evidence, reminders and
//! calendar export.
//!
//! Every method takes `now` (the app passes its clock, tests a fixed time): the core never
//! reads the clock. The vault holds one SQLite connection behind a mutex; an evidence add
//! hashes and writes without it and takes it only to commit, and the case data evidence
//! operations need (step titles, the export snapshot) is loaded before they take it. Long operations (evidence add, verify,
//! export, bundle check) are `async`, run on the crate's runtime, report progress and stop
//! at a `CancelToken`; a cancelled add leaves no file and no row.

use std::path::PathBuf;
use std::sync::Arc;

use rusqlite::Connection;
use tuilu_core::evidence::{self as ev, stage_file, stage_import, CancelFlag, EvidenceStore};
use tuilu_core::reminders::{self as rm, store as rstore, ReminderSubject, WorkingDays};
use tuilu_core::vault::{CaseView, TransitionOptions, Vault};
use tuilu_core::Scenario;

use crate::cancel::{CancelToken, Cancellation};
use crate::cases::{
    CaseEventRecord, CaseRecord, CaseSummaryRecord, Ctx, ReplanReportRecord, StepAction,
    TransitionOptionsRecord, TransitionRecord,
};
use crate::core::{TuiluCore, VaultSlot};
use crate::error::{guard, guard_async, join, ApiError};
use crate::evidence::{
    AddedEvidenceRecord, BundleReportRecord, DeletedEvidenceRecord, EvidenceItemRecord,
    ExportReportRecord, NewEvidenceRecord, VerifyReportRecord,
};
use crate::facts::{facts_from_records, Fact};
use crate::progress::{CoreProgress, ProgressListener};
use crate::reminders::{
    Language, ReminderDiffRecord, ReminderRecord, ReminderSettingsRecord, SnoozeChoice,
    SnoozedRecord,
};
use crate::runtime::runtime;
use crate::uniffi_support::Timestamp;

impl TuiluCore {
    pub(crate) fn open(&self, now: Timestamp) -> Result<Arc<Vault>, ApiError> {
        self.vault_slot().get(now)
    }

    /// Runs `f` with the conversion context (the vault's calendar, the rule book).
    fn with_ctx<T>(&self, vault: &Vault, f: impl FnOnce(&Ctx<'_>) -> T) -> Result<T, ApiError> {
        let book = self.book()?;
        let ctx = Ctx {
            calendar: vault.deadline_calc().calendar(),
            book: &book,
        };
        Ok(f(&ctx))
    }

    /// The scenario a case was planned with, from the rule book.
    fn scenario_of<T>(
        &self,
        case: &CaseView,
        f: impl FnOnce(&Scenario) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let book = self.book()?;
        let sc = book.get(&case.scenario).ok_or_else(|| {
            ApiError::not_found(format!(
                "the case's scenario `{}` is not in the rule book",
                case.scenario
            ))
        })?;
        f(sc)
    }

    /// Runs `f` on the vault's connection with the planner's input: the subjects are
    /// loaded first (they read cases through the vault, which needs the connection).
    fn with_reminders<T>(
        &self,
        settings: &ReminderSettingsRecord,
        now: Timestamp,
        f: impl FnOnce(
            &Connection,
            &[ReminderSubject],
            &rm::ReminderSettings,
            &dyn WorkingDays,
        ) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let settings = rm::ReminderSettings::try_from(settings)?;
        let vault = self.open(now)?;
        let subjects = rm::subjects_for_vault(&vault, now)?;
        let cal = vault.deadline_calc().calendar();
        vault.with_connection_mut(|conn| f(conn, &subjects, &settings, cal))
    }

    /// The reminder `id` in the plan at `now` or among the occurrences of open steps.
    fn find_reminder(
        subjects: &[ReminderSubject],
        conn: &Connection,
        settings: &rm::ReminderSettings,
        cal: &dyn WorkingDays,
        id: &str,
        now: Timestamp,
    ) -> Result<rm::Reminder, ApiError> {
        let state = rstore::load_state(conn)?;
        rm::find_reminder(subjects, &state, now, settings, cal, id)
            .ok_or_else(|| ApiError::not_found("no such reminder"))
    }
}

#[uniffi::export]
impl TuiluCore {
    // -- vault ---------------------------------------------------------------------------

    /// Opens the vault database now (creating or migrating it) instead of on first use, and
    /// returns its schema version. Call it at launch to surface problems early. Errors:
    /// `Conflict` whose detail starts with "vault too new" (written by a newer app: nothing
    /// was changed; ask the user to update), `Storage`, `Io`.
    pub fn open_vault(&self, now: Timestamp) -> Result<i32, ApiError> {
        guard(|| {
            Ok(crate::uniffi_support::int32(
                self.open(now)?.schema_version()?,
            ))
        })
    }

    // -- cases ---------------------------------------------------------------------------

    /// Plans `scenario_id` with `facts` and stores it as a new case. Errors: `NotFound`
    /// (scenario), `InvalidInput` (facts, as for `plan`).
    pub fn create_case(
        &self,
        scenario_id: String,
        facts: Vec<Fact>,
        now: Timestamp,
    ) -> Result<CaseRecord, ApiError> {
        guard(|| {
            let book = self.book()?;
            let sc = book
                .get(&scenario_id)
                .ok_or_else(|| ApiError::not_found(format!("no scenario `{scenario_id}`")))?;
            let facts = facts_from_records(sc, facts)?;
            let vault = self.open(now)?;
            let view = vault.create_case(sc, &facts, now)?;
            let journal = vault.journal(&view.id)?;
            self.with_ctx(&vault, |ctx| ctx.case(&view, &journal))
        })
    }

    /// A case (`case_id`: its id or an unambiguous prefix of at least 4 characters) with
    /// its steps, deadlines and overdue flags at `now`. Errors: `NotFound`, `InvalidInput`
    /// (ambiguous prefix).
    pub fn get_case(&self, case_id: String, now: Timestamp) -> Result<CaseRecord, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let view = vault.case(&case_id, now)?;
            let journal = vault.journal(&view.id)?;
            self.with_ctx(&vault, |ctx| ctx.case(&view, &journal))
        })
    }

    /// Every case (archived ones too when `include_archived`), most recently updated first.
    pub fn list_cases(
        &self,
        include_archived: bool,
        now: Timestamp,
    ) -> Result<Vec<CaseSummaryRecord>, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let list = vault.list_cases(include_archived, now)?;
            self.with_ctx(&vault, |ctx| list.iter().map(|s| ctx.summary(s)).collect())
        })
    }

    /// The case's journal, oldest first. Errors: `NotFound`.
    pub fn case_journal(
        &self,
        case_id: String,
        now: Timestamp,
    ) -> Result<Vec<CaseEventRecord>, ApiError> {
        guard(|| {
            let events = self.open(now)?.journal(&case_id)?;
            Ok(events.iter().map(Into::into).collect())
        })
    }

    /// Applies `action` to a step (see `TransitionOptionsRecord` for the time, note and
    /// route). Errors: `NotFound` (case, step), `Conflict` (not allowed from the step's status, a
    /// dependency not done, blockers, nothing to undo, archived case; the detail names the
    /// steps and statuses), `InvalidInput` (route, time).
    pub fn transition_step(
        &self,
        case_id: String,
        step_id: String,
        action: StepAction,
        options: TransitionOptionsRecord,
        now: Timestamp,
    ) -> Result<TransitionRecord, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let opts = TransitionOptions {
                at: options.at,
                note: options.note,
                route: options.route,
            };
            let out = vault.transition(&case_id, &step_id, action.into(), &opts, now)?;
            // The duration that runs (the route's or the step's), for the full deadline.
            let duration = match &out.deadline {
                Some(_) => vault
                    .case(&out.case_id, now)?
                    .step(&out.step)
                    .and_then(|s| s.duration.clone()),
                None => None,
            };
            self.with_ctx(&vault, |ctx| ctx.transition(&out, duration.as_ref()))
        })
    }

    /// Changes the case's facts (`set` added or replaced, `unset` removed) and re-plans:
    /// steps keep their progress, steps that leave the plan are kept as dropped. Errors:
    /// `NotFound`, `InvalidInput` (facts), `Conflict` (archived; the case's pack is older
    /// than the rule book's: `upgrade_case` first).
    pub fn set_case_facts(
        &self,
        case_id: String,
        set: Vec<Fact>,
        unset: Vec<String>,
        now: Timestamp,
    ) -> Result<ReplanReportRecord, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let case = vault.case(&case_id, now)?;
            self.scenario_of(&case, |sc| {
                let set = facts_from_records(sc, set)?;
                let report = vault.set_facts(&case.id, sc, &set, &unset, now)?;
                Ok((&report).into())
            })
        })
    }

    /// Re-plans the case with the rule book's pack and moves it to that version.
    pub fn upgrade_case(
        &self,
        case_id: String,
        now: Timestamp,
    ) -> Result<ReplanReportRecord, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let case = vault.case(&case_id, now)?;
            self.scenario_of(&case, |sc| Ok((&vault.upgrade(&case.id, sc, now)?).into()))
        })
    }

    /// Archives a case (or restores it with `archived == false`); false when it already was
    /// in that state.
    pub fn set_case_archived(
        &self,
        case_id: String,
        archived: bool,
        now: Timestamp,
    ) -> Result<bool, ApiError> {
        guard(|| Ok(self.open(now)?.set_archived(&case_id, archived, now)?))
    }

    /// Deletes a case with its steps and journal, for good; returns its id. Its evidence
    /// stays in the evidence store (the custody log is append-only).
    pub fn delete_case(&self, case_id: String, now: Timestamp) -> Result<String, ApiError> {
        guard(|| Ok(self.open(now)?.delete_case(&case_id)?))
    }

    // -- evidence (quick) ----------------------------------------------------------------

    /// The case's live evidence items, oldest first.
    pub fn list_evidence(
        &self,
        case_id: String,
        now: Timestamp,
    ) -> Result<Vec<EvidenceItemRecord>, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let case = vault.case(&case_id, now)?;
            let root = vault.dir().to_path_buf();
            let items =
                vault.with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&case.id))?;
            Ok(items
                .iter()
                .map(|i| EvidenceItemRecord::from(i).with_case(&case))
                .collect())
        })
    }

    /// One item, live or deleted. Errors: `NotFound`.
    pub fn evidence_item(
        &self,
        item_id: String,
        now: Timestamp,
    ) -> Result<EvidenceItemRecord, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let root = vault.dir().to_path_buf();
            let item =
                vault.with_connection_mut(|conn| EvidenceStore::new(conn, &root).get(&item_id))?;
            Ok((&item).into())
        })
    }

    /// Ties an item to the step it proves (a step of its case), replacing every step it
    /// proved before, or unties it from all of them (`step_id` none). Recorded in the
    /// custody log. Errors: `NotFound`, `Conflict` (deleted item).
    pub fn link_evidence(
        &self,
        item_id: String,
        step_id: Option<String>,
        now: Timestamp,
    ) -> Result<EvidenceItemRecord, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let root = vault.dir().to_path_buf();
            let item = match step_id {
                None => vault.with_connection_mut(|conn| {
                    EvidenceStore::new(conn, &root).unlink(&item_id, now)
                })?,
                Some(step) => {
                    let case_id = vault
                        .with_connection_mut(|conn| EvidenceStore::new(conn, &root).get(&item_id))?
                        .case_id;
                    let case = vault.case(&case_id, now)?;
                    let title = step_title(&case, &step)?;
                    let item = vault.with_connection_mut(|conn| {
                        EvidenceStore::new(conn, &root).link(&item_id, &step, Some(&title), now)
                    })?;
                    return Ok(EvidenceItemRecord::from(&item).with_case(&case));
                }
            };
            Ok((&item).into())
        })
    }

    /// Changes an item's note and/or replaces its tags (none leaves it as is). The file is
    /// never touched.
    pub fn annotate_evidence(
        &self,
        item_id: String,
        note: Option<String>,
        tags: Option<Vec<String>>,
        now: Timestamp,
    ) -> Result<EvidenceItemRecord, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let root = vault.dir().to_path_buf();
            let item = vault.with_connection_mut(|conn| {
                EvidenceStore::new(conn, &root).annotate(
                    &item_id,
                    note.as_deref(),
                    tags.as_deref(),
                    now,
                )
            })?;
            Ok((&item).into())
        })
    }

    /// Deletes an item: its row becomes a tombstone, the custody log records it, and the
    /// file is removed unless another case's item has the same bytes. Errors: `NotFound`,
    /// `Conflict` (already deleted).
    pub fn delete_evidence(
        &self,
        item_id: String,
        now: Timestamp,
    ) -> Result<DeletedEvidenceRecord, ApiError> {
        guard(|| {
            let vault = self.open(now)?;
            let root = vault.dir().to_path_buf();
            let d = vault.with_connection_mut(|conn| {
                EvidenceStore::new(conn, &root).delete(&item_id, now)
            })?;
            Ok((&d).into())
        })
    }

    // -- reminders -----------------------------------------------------------------------

    /// The reminders to schedule at `now` for every open case: stable ids, nearest first,
    /// at most `settings.limit`, one catch-up standing for missed ones. Re-plan at each
    /// launch and after every change; schedule each under its `schedule_token`.
    pub fn plan_reminders(
        &self,
        settings: ReminderSettingsRecord,
        now: Timestamp,
    ) -> Result<Vec<ReminderRecord>, ApiError> {
        guard(|| {
            self.with_reminders(&settings, now, |conn, subjects, settings, cal| {
                let state = rstore::load_state(conn)?;
                let plan = rm::plan_reminders(subjects, &state, now, settings, cal);
                Ok(plan.iter().map(Into::into).collect())
            })
        })
    }

    /// Snoozes a reminder (`choice` counted from `now` in the settings' zone). A snooze
    /// never moves a reminder earlier than its planned time: snoozing one that is not due
    /// yet keeps it at its planned time, which `until` then reports. Snoozing a catch-up
    /// (even one already delivered) brings back each reminder it covers at `until`.
    /// Errors: `NotFound` (no such reminder).
    pub fn snooze_reminder(
        &self,
        reminder_id: String,
        choice: SnoozeChoice,
        settings: ReminderSettingsRecord,
        now: Timestamp,
    ) -> Result<SnoozedRecord, ApiError> {
        guard(|| {
            self.with_reminders(&settings, now, |conn, subjects, settings, cal| {
                let r = Self::find_reminder(subjects, conn, settings, cal, &reminder_id, now)?;
                let until = rm::snooze_target(subjects, settings, cal, &r, choice.into(), now);
                rstore::snooze(conn, &r, until, now)?;
                Ok(SnoozedRecord {
                    id: r.id,
                    until,
                    local_time: until.with_timezone(&settings.tz).to_rfc3339(),
                })
            })
        })
    }

    /// Dismisses a reminder: it will not fire again (nor come back in a catch-up) until its
    /// step's clock changes. Dismissing a catch-up acknowledges what it covers.
    pub fn dismiss_reminder(
        &self,
        reminder_id: String,
        settings: ReminderSettingsRecord,
        now: Timestamp,
    ) -> Result<(), ApiError> {
        guard(|| {
            self.with_reminders(&settings, now, |conn, subjects, settings, cal| {
                let r = Self::find_reminder(subjects, conn, settings, cal, &reminder_id, now)?;
                Ok(rstore::dismiss(conn, &r, now)?)
            })
        })
    }

    /// Records that the user opened a reminder (a catch-up: also what it covers).
    pub fn acknowledge_reminder(
        &self,
        reminder_id: String,
        settings: ReminderSettingsRecord,
        now: Timestamp,
    ) -> Result<(), ApiError> {
        guard(|| {
            self.with_reminders(&settings, now, |conn, subjects, settings, cal| {
                let r = Self::find_reminder(subjects, conn, settings, cal, &reminder_id, now)?;
                Ok(rstore::mark_acknowledged(conn, &r, now)?)
            })
        })
    }

    /// Records that the system delivered these reminders (ids, or schedule tokens) at
    /// `delivered_at`: what an alarm receiver gets, or a shell reads back from the OS at
    /// launch. A delivered occurrence is not planned again; a delivered catch-up retires
    /// every reminder it covers (it is looked up with `settings`, as planned at
    /// `delivered_at` or earlier). Unknown ids are recorded and otherwise ignored.
    pub fn mark_reminders_delivered(
        &self,
        reminder_ids: Vec<String>,
        settings: ReminderSettingsRecord,
        delivered_at: Timestamp,
    ) -> Result<(), ApiError> {
        guard(|| {
            self.with_reminders(&settings, delivered_at, |conn, subjects, settings, cal| {
                let tokens: Vec<&str> = reminder_ids.iter().map(String::as_str).collect();
                Ok(rstore::mark_delivered_tokens(
                    conn,
                    subjects,
                    settings,
                    cal,
                    &tokens,
                    delivered_at,
                )?)
            })
        })
    }

    /// Compares the plan at `now` with what the shell has scheduled (`scheduled`: the
    /// schedule tokens, or bare ids): what to add, cancel and keep.
    pub fn reminder_diff(
        &self,
        scheduled: Vec<String>,
        settings: ReminderSettingsRecord,
        now: Timestamp,
    ) -> Result<ReminderDiffRecord, ApiError> {
        guard(|| {
            self.with_reminders(&settings, now, |conn, subjects, settings, cal| {
                let state = rstore::load_state(conn)?;
                let plan = rm::plan_reminders(subjects, &state, now, settings, cal);
                Ok((&rm::diff(&plan, &scheduled)).into())
            })
        })
    }

    /// An iCalendar (RFC 5545) text with the running deadlines of one case (`case_id`) or
    /// of every open case, their reminders as alarms, in `language`. Stable UIDs; SEQUENCE
    /// grows when an event changes (recorded in the vault). `settings.limit` is ignored.
    pub fn export_calendar(
        &self,
        case_id: Option<String>,
        settings: ReminderSettingsRecord,
        language: Language,
        now: Timestamp,
    ) -> Result<String, ApiError> {
        guard(|| {
            let case = match &case_id {
                Some(c) => Some(self.open(now)?.resolve_case(c)?),
                None => None,
            };
            self.with_reminders(&settings, now, |conn, subjects, settings, cal| {
                let settings = rm::ReminderSettings {
                    limit: usize::MAX,
                    ..settings.clone()
                };
                Ok(rm::export_calendar(
                    conn,
                    subjects,
                    now,
                    &settings,
                    cal,
                    case.as_deref(),
                    language.into(),
                )?)
            })
        })
    }
}

/// `zh / en` title of a step of the case, as the evidence store records it.
fn step_title(case: &CaseView, step: &str) -> Result<String, ApiError> {
    case.step(step)
        .map(|s| format!("{} / {}", s.title.zh, s.title.en))
        .ok_or_else(|| ApiError::not_found(crate::error::no_such_step(step)))
}

/// Runs `work` on the crate's runtime with progress and cancellation, the pattern of every
/// long vault operation. The vault is opened inside the blocking task.
pub(crate) async fn long_op<T: Send + 'static>(
    slot: VaultSlot,
    listener: Option<Arc<dyn ProgressListener>>,
    cancel: Option<Arc<CancelToken>>,
    work: impl FnOnce(&VaultSlot, &CoreProgress, &CancelFlag) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    guard_async(async move {
        let cancellation = Cancellation::new(cancel);
        let abandon = cancellation.abandon_on_drop();
        let flag = cancellation.core_flag().clone();
        // The work keeps the operation counted as running (CancelToken::join) until it has
        // ended, cleanup included, even when nobody awaits it any more.
        let running = cancellation.clone();
        let handle = runtime().spawn_blocking(move || {
            let _running = running;
            guard(|| {
                if flag.is_cancelled() {
                    return Err(ApiError::Cancelled);
                }
                let progress = CoreProgress::new(listener);
                let out = work(&slot, &progress, &flag)?;
                progress.finish();
                Ok(out)
            })
        });
        let result = join(handle).await;
        abandon.disarm();
        cancellation.release();
        result
    })
    .await
}

/// Converts the app's record, checking the case and step: `(case id, NewItem)`.
fn new_item(
    vault: &Vault,
    item: NewEvidenceRecord,
    now: Timestamp,
) -> Result<ev::NewItem, ApiError> {
    let case = vault.case(&item.case_id, now)?;
    let step_title = match &item.step_id {
        Some(s) => Some(step_title(&case, s)?),
        None => None,
    };
    Ok(ev::NewItem {
        case_id: case.id,
        step_id: item.step_id,
        step_title,
        note: item.note,
        tags: item.tags,
        captured_at: item.captured_at,
        source: item.source.into(),
    })
}

#[uniffi::export(async_runtime = "tokio")]
impl TuiluCore {
    /// Adds the file at `path` to a case (streamed once through SHA-256 into the vault).
    /// Reports bytes to `listener`; `cancel` stops it and leaves no file and no row. The
    /// same bytes already in the case give back that item (`duplicate`); added for another
    /// step, that item is attached to it too (`linked_step`). Errors: `NotFound`
    /// (case, step, file), `InvalidInput` (a directory), `Io` (no space...), `Cancelled`.
    pub async fn add_evidence_file(
        &self,
        item: NewEvidenceRecord,
        path: String,
        now: Timestamp,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<AddedEvidenceRecord, ApiError> {
        long_op(
            self.vault_slot().clone(),
            listener,
            cancel,
            move |slot, progress, flag| {
                if path.is_empty() {
                    return Err(ApiError::invalid_input("empty path"));
                }
                let vault = slot.get(now)?;
                let item = new_item(&vault, item, now)?;
                let path = PathBuf::from(path);
                // Hash and write without the connection, so other vault calls go on
                // meanwhile; only the commit takes it.
                let staged = stage_file(slot.dir(), &path, progress, flag)?;
                let added = vault.with_connection_mut(|conn| {
                    EvidenceStore::new(conn, slot.dir()).commit_import(staged, &item, flag, now)
                })?;
                Ok((&added).into())
            },
        )
        .await
    }

    /// Adds bytes handed over by the app (share sheet, picker, camera) under the file name
    /// `name`. As `add_evidence_file`.
    pub async fn add_evidence_bytes(
        &self,
        item: NewEvidenceRecord,
        name: String,
        bytes: Vec<u8>,
        now: Timestamp,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<AddedEvidenceRecord, ApiError> {
        long_op(
            self.vault_slot().clone(),
            listener,
            cancel,
            move |slot, progress, flag| {
                let vault = slot.get(now)?;
                let item = new_item(&vault, item, now)?;
                let len = bytes.len() as u64;
                let staged = stage_import(
                    slot.dir(),
                    &name,
                    &mut std::io::Cursor::new(bytes),
                    len,
                    progress,
                    flag,
                )?;
                let added = vault.with_connection_mut(|conn| {
                    EvidenceStore::new(conn, slot.dir()).commit_import(staged, &item, flag, now)
                })?;
                Ok((&added).into())
            },
        )
        .await
    }

    /// Re-hashes every live file (of `case_id`, or of the whole vault), walks the custody
    /// chain and checks each item against it. Read-only. A problem is an issue of the
    /// report (naming the item and its step), not an error.
    pub async fn verify_evidence(
        &self,
        case_id: Option<String>,
        now: Timestamp,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<VerifyReportRecord, ApiError> {
        long_op(
            self.vault_slot().clone(),
            listener,
            cancel,
            move |slot, progress, flag| {
                let vault = slot.get(now)?;
                let case = match case_id {
                    Some(c) => Some(vault.resolve_case(&c)?),
                    None => None,
                };
                let report = vault.with_connection_mut(|conn| {
                    EvidenceStore::new(conn, slot.dir()).verify(
                        case.as_deref(),
                        progress,
                        flag,
                        now,
                    )
                })?;
                Ok((&report).into())
            },
        )
        .await
    }

    /// Writes the case's evidence bundle (zip: originals, manifest with the case and its
    /// journal, custody log, SHA256SUMS, a readable index) to `out_path`, which must not
    /// exist. A cancelled or failed export leaves no bundle. Errors: `NotFound`,
    /// `Conflict` (output exists), `InvalidInput` (no evidence), `Storage` (an evidence
    /// file is missing or changed), `Io`, `Cancelled`.
    pub async fn export_evidence(
        &self,
        case_id: String,
        out_path: String,
        now: Timestamp,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<ExportReportRecord, ApiError> {
        let book = self.book();
        long_op(
            self.vault_slot().clone(),
            listener,
            cancel,
            move |slot, progress, flag| {
                if out_path.is_empty() {
                    return Err(ApiError::invalid_input("empty output path"));
                }
                let book = book?;
                let vault = slot.get(now)?;
                // The snapshot first: the export holds the connection.
                let case = vault.case(&case_id, now)?;
                let journal = vault.journal(&case.id)?;
                let pack = book.get(&case.scenario).map(|s| &s.pack);
                let snapshot = ev::CaseSnapshot::new(&case, &journal, pack, vault.deadline_calc());
                let out = PathBuf::from(out_path);
                let report = vault.with_connection_mut(|conn| {
                    EvidenceStore::new(conn, slot.dir())
                        .export(&case.id, &snapshot, &out, progress, flag, now)
                })?;
                Ok((&report).into())
            },
        )
        .await
    }

    /// Checks a bundle anywhere (no vault needed): every file against SHA256SUMS, the
    /// manifest, and the custody chain. Problems are issues of the report. Errors:
    /// `NotFound`, `InvalidInput` (not a zip), `Cancelled`.
    pub async fn verify_bundle(
        &self,
        path: String,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<BundleReportRecord, ApiError> {
        long_op(
            self.vault_slot().clone(),
            listener,
            cancel,
            move |_slot, progress, flag| {
                if path.is_empty() {
                    return Err(ApiError::invalid_input("empty path"));
                }
                let report = ev::verify_bundle(&PathBuf::from(path), progress, flag)?;
                Ok((&report).into())
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::StepStatus;
    use crate::evidence::EvidenceSource;
    use crate::facts::FactValue;

    fn temp_vault(name: &str) -> String {
        let dir =
            std::env::temp_dir().join(format!("tuilu-ffi-vault-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.to_string_lossy().into_owned()
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn guild_facts() -> Vec<Fact> {
        [
            ("has_unsettled_earnings", false),
            ("has_violation_record", false),
            ("contract_ended", true),
        ]
        .into_iter()
        .map(|(id, value)| Fact {
            id: id.into(),
            value: FactValue::Bool { value },
        })
        .collect()
    }

    fn step(
        core: &TuiluCore,
        case: &str,
        step: &str,
        action: StepAction,
        at: &str,
    ) -> Result<TransitionRecord, ApiError> {
        core.transition_step(
            case.into(),
            step.into(),
            action,
            TransitionOptionsRecord::default(),
            t(at),
        )
    }

    #[test]
    fn case_steps_deadline_and_errors() {
        let core = TuiluCore::new(temp_vault("cases")).unwrap();
        let now = "2026-09-29T08:00:00Z";
        let case = core
            .create_case("douyin.guild-exit".into(), guild_facts(), t(now))
            .unwrap();
        assert_eq!(case.facts.len(), 3);
        let e = step(&core, &case.id, "submit_exit", StepAction::Submit, now).unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e}");
        assert!(e.to_string().contains("submit_exit"), "{e}");
        for s in [
            "check_account_status",
            "backup_data",
            "read_contract_and_negotiate",
        ] {
            step(&core, &case.id, s, StepAction::Done, now).unwrap();
        }
        let out = step(
            &core,
            &case.id,
            "submit_exit",
            StepAction::Submit,
            "2026-09-30T09:00:00Z",
        )
        .unwrap();
        assert_eq!(out.to_status, StepStatus::Submitted);
        let d = out.deadline.unwrap();
        assert_eq!(d.latest_date.to_string(), "2026-10-10");
        let view = core
            .get_case(case.id[..6].into(), t("2026-10-01T00:00:00Z"))
            .unwrap();
        let submit = view.steps.iter().find(|s| s.id == "submit_exit").unwrap();
        assert_eq!(submit.deadline.as_ref().unwrap().latest_date, d.latest_date);
        assert!(matches!(
            core.get_case("zzzzzzzz".into(), t(now)),
            Err(ApiError::NotFound { .. })
        ));
        let undo = step(
            &core,
            &case.id,
            "submit_exit",
            StepAction::Undo,
            "2026-10-01T00:00:00Z",
        )
        .unwrap();
        assert_eq!(undo.to_status, StepStatus::Todo);
    }

    #[test]
    fn evidence_add_verify_and_cancel() {
        let vault = temp_vault("evidence");
        let core = TuiluCore::new(vault.clone()).unwrap();
        let now = t("2026-09-29T08:00:00Z");
        let case = core
            .create_case("douyin.guild-exit".into(), guild_facts(), now)
            .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let item = NewEvidenceRecord {
            case_id: case.id.clone(),
            source: EvidenceSource::Capture,
            step_id: Some("backup_data".into()),
            note: String::new(),
            tags: vec![],
            captured_at: None,
        };
        let added = rt
            .block_on(core.add_evidence_bytes(
                item.clone(),
                "a.txt".into(),
                b"abc".to_vec(),
                now,
                None,
                None,
            ))
            .unwrap();
        assert_eq!(
            added.item.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = CancelToken::new();
        token.cancel();
        let e = rt
            .block_on(core.add_evidence_bytes(
                item,
                "b.txt".into(),
                vec![1; 10],
                now,
                None,
                Some(token),
            ))
            .unwrap_err();
        assert_eq!(e, ApiError::Cancelled);
        assert_eq!(core.list_evidence(case.id.clone(), now).unwrap().len(), 1);
        let report = rt
            .block_on(core.verify_evidence(Some(case.id), now, None, None))
            .unwrap();
        assert!(report.intact);
        assert_eq!(report.items_checked, 1);
    }

    fn temp_files(vault: &str) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(std::path::Path::new(vault).join("evidence/tmp"))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    }

    /// Reports progress; the first time bytes are done it holds the worker for a while, as
    /// a busy worker would be when the app gives up.
    #[derive(Default)]
    struct SlowOnce(std::sync::atomic::AtomicBool);

    impl ProgressListener for SlowOnce {
        fn on_progress(&self, done: u64, _total: u64) {
            if done > 0 && !self.0.swap(true, std::sync::atomic::Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
        }
    }

    /// What a cancelled Kotlin coroutine does: stop awaiting (the future is dropped), cancel
    /// the token, join it. The join returns only once the worker has removed its `.part`.
    #[test]
    fn join_after_an_abandoned_add_returns_once_the_temp_file_is_gone() {
        use std::future::Future;
        let vault = temp_vault("join");
        let core = TuiluCore::new(vault.clone()).unwrap();
        let now = t("2026-09-29T08:00:00Z");
        let case = core
            .create_case("douyin.guild-exit".into(), guild_facts(), now)
            .unwrap();
        let item = NewEvidenceRecord {
            case_id: case.id.clone(),
            source: EvidenceSource::Capture,
            step_id: None,
            note: String::new(),
            tags: vec![],
            captured_at: None,
        };
        let listener = Arc::new(SlowOnce::default());
        let token = CancelToken::new();
        let mut add = Box::pin(core.add_evidence_bytes(
            item,
            "big.bin".into(),
            vec![7; 8 << 20],
            now,
            Some(listener.clone()),
            Some(token.clone()),
        ));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(add.as_mut().poll(&mut cx).is_pending());
        while !listener.0.load(std::sync::atomic::Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        drop(add);
        token.cancel();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(token.join());
        assert_eq!(temp_files(&vault), Vec::<std::path::PathBuf>::new());
        assert!(core.list_evidence(case.id, now).unwrap().is_empty());
    }

    /// A process killed mid-import leaves its `.part`: the next open of the vault removes it.
    #[test]
    fn the_next_open_sweeps_leftover_temp_files() {
        let vault = temp_vault("sweep");
        let now = t("2026-09-29T08:00:00Z");
        TuiluCore::new(vault.clone())
            .unwrap()
            .open_vault(now)
            .unwrap();
        let tmp = std::path::Path::new(&vault).join("evidence/tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::write(tmp.join("add-1-2-3.part"), b"half").unwrap();
        TuiluCore::new(vault.clone())
            .unwrap()
            .open_vault(now)
            .unwrap();
        assert_eq!(temp_files(&vault), Vec::<std::path::PathBuf>::new());
    }
}
