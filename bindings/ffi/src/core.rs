//! `TuiluCore`: the long-lived entry object, opened on the vault directory. It holds the
//! rule book (bundled packs, loaded once, plus packs added at run time) and the China
//! calendar (bundled holiday data plus the years imported into the vault), and the vault
//! database (cases, evidence, reminder state; opened on first use, see `vault_api.rs`).
//!
//! Thread-safe: readers take a snapshot (`Arc`) of the rule book or calendar under a short
//! read lock, so any number of callers plan at once; updates (a pack, an imported year)
//! build a new snapshot and swap it in.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use tuilu_core::calendar::{self as cal, ChinaCalendar};
use tuilu_core::rules::schedule::plan_deadlines;
use tuilu_core::vault::Vault;
use tuilu_core::{evaluate_plan, RuleBook, Scenario};

use crate::calendar::{
    CalendarStatusRecord, DateResultRecord, DayInfoRecord, DeadlineRecord, WorkingDayCountRecord,
    YearStatusRecord,
};
use crate::cancel::{CancelToken, Cancellation};
use crate::error::{guard, guard_async, join, ApiError};
use crate::facts::{facts_from_records, Fact};
use crate::hash::sha256_file;
use crate::plan::{PlanRecord, ScheduledPlanRecord};
use crate::progress::{Progress, ProgressListener};
use crate::rules::ScenarioInfo;
use crate::runtime::runtime;
use crate::uniffi_support::{IsoDate, Timestamp};
use crate::DurationRecord;

/// The entry point of the core, opened on the vault directory. Thread-safe; share one per
/// app.
#[derive(Debug, uniffi::Object)]
pub struct TuiluCore {
    vault_dir: PathBuf,
    rules: RwLock<Arc<RuleBook>>,
    calendar: RwLock<Arc<ChinaCalendar>>,
    /// Serializes calendar imports (write file, then swap the calendar).
    import_lock: Mutex<()>,
    /// The vault database, opened on first use.
    vault: VaultSlot,
}

/// The vault database of a `TuiluCore`, opened on first use with that call's `now` (the
/// time migrations are recorded with). Shared with the blocking tasks of long operations.
#[derive(Debug, Clone)]
pub(crate) struct VaultSlot {
    dir: PathBuf,
    open: Arc<Mutex<Option<Arc<Vault>>>>,
}

impl VaultSlot {
    /// The open vault; opens it (creating or migrating the database) when needed. A
    /// failure is not cached: the next call tries again.
    pub(crate) fn get(&self, now: Timestamp) -> Result<Arc<Vault>, ApiError> {
        let mut slot = self.open.lock().map_err(|_| poisoned())?;
        if let Some(v) = slot.as_ref() {
            return Ok(v.clone());
        }
        let v = Arc::new(Vault::open(&self.dir, now)?);
        *slot = Some(v.clone());
        Ok(v)
    }

    /// Forgets the open vault (calls in flight keep theirs); the next call reopens it.
    pub(crate) fn reset(&self) -> Result<(), ApiError> {
        *self.open.lock().map_err(|_| poisoned())? = None;
        Ok(())
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }
}

fn poisoned() -> ApiError {
    ApiError::internal("lock poisoned by an earlier panic")
}

impl TuiluCore {
    pub(crate) fn book(&self) -> Result<Arc<RuleBook>, ApiError> {
        Ok(self.rules.read().map_err(|_| poisoned())?.clone())
    }

    fn cal(&self) -> Result<Arc<ChinaCalendar>, ApiError> {
        Ok(self.calendar.read().map_err(|_| poisoned())?.clone())
    }

    pub(crate) fn vault_slot(&self) -> &VaultSlot {
        &self.vault
    }

    fn calendar_dir(&self) -> PathBuf {
        cal::calendar_dir(&self.vault_dir)
    }

    fn with_scenario<T>(
        &self,
        id: &str,
        f: impl FnOnce(&Scenario) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let book = self.book()?;
        let s = book
            .get(id)
            .ok_or_else(|| ApiError::not_found(format!("no scenario `{id}`")))?;
        f(s)
    }

    fn evaluate(&self, scenario_id: &str, facts: Vec<Fact>) -> Result<tuilu_core::Plan, ApiError> {
        self.with_scenario(scenario_id, |s| {
            let facts = facts_from_records(s, facts)?;
            Ok(evaluate_plan(s, &facts)?)
        })
    }

    /// After a restore replaced the vault folder: reopen the database on next use and
    /// reload the imported holiday years from the restored folder.
    #[cfg_attr(not(feature = "backup"), allow(dead_code))]
    pub(crate) fn reload_vault(&self) -> Result<(), ApiError> {
        self.vault.reset()?;
        let calendar = ChinaCalendar::with_overrides(&self.calendar_dir())?;
        *self.calendar.write().map_err(|_| poisoned())? = Arc::new(calendar);
        Ok(())
    }

    fn add_scenario(&self, s: Scenario) -> Result<ScenarioInfo, ApiError> {
        let info = ScenarioInfo::from(&s);
        let mut slot = self.rules.write().map_err(|_| poisoned())?;
        let mut book = RuleBook::clone(&slot);
        book.insert(s);
        *slot = Arc::new(book);
        Ok(info)
    }
}

#[uniffi::export]
impl TuiluCore {
    /// Opens the core on the vault directory `vault_dir` (created when missing): loads the
    /// bundled rule packs and the calendar with the holiday years imported into
    /// `<vault_dir>/calendar`. The vault database is opened by the first call that needs
    /// it (or by `open_vault`). Invalid stored holiday files are skipped and listed in
    /// `calendar_status().problems`. Errors: `InvalidInput` (empty path, or a file),
    /// `Io`, `Internal` (a bundled pack is invalid: a build bug).
    #[uniffi::constructor]
    pub fn new(vault_dir: String) -> Result<Arc<TuiluCore>, ApiError> {
        guard(|| {
            if vault_dir.is_empty() {
                return Err(ApiError::invalid_input("empty vault path"));
            }
            let vault_dir = PathBuf::from(vault_dir);
            if vault_dir.exists() && !vault_dir.is_dir() {
                return Err(ApiError::invalid_input("the vault path is not a directory"));
            }
            std::fs::create_dir_all(&vault_dir)?;
            let rules = tuilu_core::load_bundled()
                .map_err(|_| ApiError::internal("a bundled rule pack is invalid"))?;
            let calendar = ChinaCalendar::with_overrides(&cal::calendar_dir(&vault_dir))?;
            Ok(Arc::new(TuiluCore {
                vault: VaultSlot {
                    dir: vault_dir.clone(),
                    open: Arc::new(Mutex::new(None)),
                },
                vault_dir,
                rules: RwLock::new(Arc::new(rules)),
                calendar: RwLock::new(Arc::new(calendar)),
                import_lock: Mutex::new(()),
            }))
        })
    }

    /// Same as `core_version()`.
    pub fn version(&self) -> String {
        crate::core_version()
    }

    // -- rule book --------------------------------------------------------------------

    /// Every scenario: the bundled ones in a stable order, then those added at run time.
    pub fn scenarios(&self) -> Result<Vec<ScenarioInfo>, ApiError> {
        guard(|| Ok(self.book()?.scenarios().iter().map(Into::into).collect()))
    }

    /// One scenario. Errors: `NotFound`.
    pub fn scenario(&self, id: String) -> Result<ScenarioInfo, ApiError> {
        guard(|| self.with_scenario(&id, |s| Ok(s.into())))
    }

    /// Validates a rule pack in its compiled form (JSON, see `check_pack`) and adds it to
    /// the rule book, replacing the scenario with the same id (a pack update). Kept in
    /// memory for this object's life. Errors: `InvalidInput` with the number of problems
    /// and the first one's path (use `check_pack` for the full list).
    pub fn add_pack(&self, pack_json: String) -> Result<ScenarioInfo, ApiError> {
        guard(|| {
            let s = Scenario::from_text(crate::rules::TEXT_ORIGIN, &pack_json)?;
            self.add_scenario(s)
        })
    }

    /// The same as `add_pack` for a pack file. Errors: `NotFound`, `Io`, `InvalidInput`.
    pub fn add_pack_file(&self, path: String) -> Result<ScenarioInfo, ApiError> {
        guard(|| {
            let path = Path::new(&path);
            let text = std::fs::read_to_string(path)?;
            let origin = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| crate::rules::TEXT_ORIGIN.to_string());
            let s = Scenario::from_text(&origin, &text)?;
            self.add_scenario(s)
        })
    }

    /// Evaluates the plan of scenario `scenario_id` for the answers in `facts`.
    /// Unanswered facts do not stop planning: they are listed in `missing_facts` and
    /// `questions`, and rules waiting on them are `Undetermined`.
    /// Errors: `NotFound` (scenario), `InvalidInput` (unknown fact, wrong type, out of
    /// bounds, not a choice, given twice; the detail names the fact, never the value).
    pub fn plan(&self, scenario_id: String, facts: Vec<Fact>) -> Result<PlanRecord, ApiError> {
        guard(|| Ok(PlanRecord::from(&self.evaluate(&scenario_id, facts)?)))
    }

    /// `plan`, plus the deadline of every step and alternative route with a duration when
    /// its clock starts at `clock_start`.
    pub fn plan_with_deadlines(
        &self,
        scenario_id: String,
        facts: Vec<Fact>,
        clock_start: Timestamp,
    ) -> Result<ScheduledPlanRecord, ApiError> {
        guard(|| {
            let plan = self.evaluate(&scenario_id, facts)?;
            let deadlines = plan_deadlines(&plan, &*self.cal()?, clock_start)?;
            Ok(ScheduledPlanRecord {
                plan: (&plan).into(),
                clock_start,
                deadlines: deadlines.iter().map(Into::into).collect(),
            })
        })
    }

    // -- calendar ---------------------------------------------------------------------

    /// Classifies a date: working or not, why, and whether it is an estimate.
    pub fn is_working_day(&self, date: IsoDate) -> Result<DayInfoRecord, ApiError> {
        guard(|| Ok((&self.cal()?.is_working_day(date)).into()))
    }

    /// The `n`-th working day after `date` (`date` itself never counts); `n < 0` counts
    /// back, `n == 0` gives `date`.
    pub fn add_working_days(&self, date: IsoDate, n: i32) -> Result<DateResultRecord, ApiError> {
        guard(|| Ok((&self.cal()?.add_working_days(date, n)?).into()))
    }

    /// Working days after `from` up to and including `to` (negative when `to < from`).
    pub fn working_days_between(
        &self,
        from: IsoDate,
        to: IsoDate,
    ) -> Result<WorkingDayCountRecord, ApiError> {
        guard(|| Ok((&self.cal()?.working_days_between(from, to)).into()))
    }

    /// `date` plus `n` calendar days (never an estimate).
    pub fn add_natural_days(&self, date: IsoDate, n: i32) -> Result<DateResultRecord, ApiError> {
        guard(|| Ok((&self.cal()?.add_natural_days(date, n)?).into()))
    }

    /// When a duration that starts at `clock_start` ends. Errors: `InvalidInput` when
    /// `min > max` or the result is out of range.
    pub fn step_deadline(
        &self,
        duration: DurationRecord,
        clock_start: Timestamp,
    ) -> Result<DeadlineRecord, ApiError> {
        guard(|| {
            let d = tuilu_core::rules::pack::DurationDef::try_from(&duration)?;
            Ok((&cal::step_deadline(&*self.cal()?, &d, clock_start)?).into())
        })
    }

    /// The years the calendar holds data for, their source, and skipped stored files.
    pub fn calendar_status(&self) -> Result<CalendarStatusRecord, ApiError> {
        guard(|| Ok((&self.cal()?.status()).into()))
    }

    /// Imports a holiday year file (holiday-cn JSON) into the vault and the calendar; it
    /// replaces bundled or earlier imported data for its year. A rejected file changes
    /// nothing. Errors: `InvalidInput` (naming the field at fault), `Io`.
    pub fn import_holiday_year(&self, json: Vec<u8>) -> Result<YearStatusRecord, ApiError> {
        guard(|| {
            let _serial = self.import_lock.lock().map_err(|_| poisoned())?;
            let import = cal::import_year_into(&self.calendar_dir(), &json)?;
            let year = import.year;
            let mut next = ChinaCalendar::clone(&*self.cal()?);
            next.apply_import(import);
            let status = next
                .status()
                .years
                .iter()
                .find(|y| y.year == year)
                .map(YearStatusRecord::from)
                .ok_or_else(|| ApiError::internal("imported year missing from the calendar"))?;
            *self.calendar.write().map_err(|_| poisoned())? = Arc::new(next);
            // The vault counts case deadlines with the calendar it loaded when opened:
            // reopen it on next use so that they see the import.
            self.vault.reset()?;
            Ok(status)
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl TuiluCore {
    /// SHA-256 of the file at `path`, as 64 lowercase hex digits. Reads in chunks on the
    /// core's worker threads; reports progress in bytes to `listener`; fails with
    /// `Cancelled` once `cancel` is cancelled (or once the awaiting future is dropped).
    /// Errors: `NotFound` (no such file), `InvalidInput` (a directory), `Io`.
    pub async fn hash_file(
        &self,
        path: String,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<String, ApiError> {
        guard_async(async move {
            if path.is_empty() {
                return Err(ApiError::invalid_input("empty path"));
            }
            let cancellation = Cancellation::new(cancel);
            let abandon = cancellation.abandon_on_drop();
            let work = cancellation.clone();
            let handle = runtime().spawn_blocking(move || {
                guard(|| {
                    let path = PathBuf::from(path);
                    let total = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                    let mut progress = Progress::new(listener, total);
                    sha256_file(&path, &mut progress, &work)
                })
            });
            let result = join(handle).await;
            abandon.disarm();
            result
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::FactValue;

    fn temp_vault(name: &str) -> String {
        let dir =
            std::env::temp_dir().join(format!("tuilu-ffi-core-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.to_string_lossy().into_owned()
    }

    fn fact(id: &str, value: FactValue) -> Fact {
        Fact {
            id: id.into(),
            value,
        }
    }

    fn date(s: &str) -> IsoDate {
        s.parse().unwrap()
    }

    #[test]
    fn plans_xingtu_amounts() {
        let core = TuiluCore::new(temp_vault("xingtu")).unwrap();
        assert_eq!(core.scenarios().unwrap().len(), 7);
        let plan = core
            .plan(
                "douyin.xingtu-task-cancel".into(),
                vec![
                    fact(
                        "task_type",
                        FactValue::Choice {
                            value: "xingtu".into(),
                        },
                    ),
                    fact(
                        "cancelled_by",
                        FactValue::Choice {
                            value: "client".into(),
                        },
                    ),
                    fact("video_uploaded", FactValue::Bool { value: true }),
                    fact(
                        "task_amount",
                        FactValue::Money {
                            yuan: "3000".into(),
                        },
                    ),
                ],
            )
            .unwrap();
        let amount = |id: &str| plan.amounts.iter().find(|a| a.id == id).unwrap().value;
        assert_eq!(amount("client_compensation"), Some(1500.0));
        assert_eq!(amount("creator_receives"), Some(1500.0));

        let e = core.plan("nope".into(), vec![]).unwrap_err();
        assert!(matches!(e, ApiError::NotFound { .. }));
    }

    #[test]
    fn deadlines_and_working_days() {
        let core = TuiluCore::new(temp_vault("cal")).unwrap();
        assert_eq!(
            core.add_working_days(date("2026-09-30"), 3).unwrap().date,
            date("2026-10-10")
        );
        let start: Timestamp = "2026-09-30T09:00:00Z".parse().unwrap();
        let d = core
            .step_deadline(
                DurationRecord {
                    unit: crate::DurationUnit::WorkingDays,
                    min: 1,
                    max: 3,
                    starts_on: crate::LocalizedText {
                        zh: String::new(),
                        en: String::new(),
                    },
                    sense: None,
                },
                start,
            )
            .unwrap();
        assert_eq!(d.latest_date, date("2026-10-10"));
        assert_eq!(
            d.deadline_utc,
            "2026-10-10T15:59:59Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(d.deadline_beijing, "2026-10-10T23:59:59+08:00");
        assert!(core.is_working_day(date("2027-03-03")).unwrap().estimated);
    }

    #[test]
    fn bad_import_keeps_earlier_data() {
        let vault = temp_vault("import");
        let core = TuiluCore::new(vault.clone()).unwrap();
        let good = br#"{"year": 2027, "papers": [], "days": [
            {"name": "test", "date": "2027-03-03", "isOffDay": true}]}"#;
        let y = core.import_holiday_year(good.to_vec()).unwrap();
        assert_eq!((y.year, y.days_listed, y.replaces_bundled), (2027, 1, true));
        assert!(!core.is_working_day(date("2027-03-03")).unwrap().working);
        let e = core.import_holiday_year(b"{not json".to_vec()).unwrap_err();
        assert!(matches!(e, ApiError::InvalidInput { .. }), "{e}");
        assert!(!core.is_working_day(date("2027-03-03")).unwrap().working);
        // A new core on the same vault sees the import.
        let again = TuiluCore::new(vault).unwrap();
        assert!(!again.is_working_day(date("2027-03-03")).unwrap().working);
    }

    #[test]
    fn vault_path_must_be_a_directory() {
        assert!(matches!(
            TuiluCore::new(String::new()),
            Err(ApiError::InvalidInput { .. })
        ));
        let file = std::env::temp_dir().join(format!("tuilu-ffi-file-{}", std::process::id()));
        std::fs::write(&file, b"x").unwrap();
        assert!(matches!(
            TuiluCore::new(file.to_string_lossy().into_owned()),
            Err(ApiError::InvalidInput { .. })
        ));
    }
}
