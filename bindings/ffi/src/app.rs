//! The application layer across the FFI: [`TuiluApp`] computes a view model per screen and
//! applies the user's events (see `tuilu_core::app`). The shells draw these records as
//! they are; every string in them is already in the user's language. Long work (evidence,
//! bundles, backups) is in [`crate::ops`].
//!
//! Records are declared once with [`view_record!`]: the field list makes both the UniFFI
//! record and its conversion from the core's view (why not derived in the core:
//! docs/architecture.md, "Records across the FFI").

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use tuilu_core::app::{self as core_app, App};
use tuilu_core::reminders as rm;
use tuilu_core::vault as v;
use tuilu_core::Lang;

use crate::uniffi_support::Timestamp;
use crate::zone::{ForeignZone, TimeZoneRules};

/// Converts a core view value into its FFI record.
pub(crate) trait ToFfi {
    type Out;
    fn to_ffi(self) -> Self::Out;
}

macro_rules! same {
    ($($t:ty),*) => {$(
        impl ToFfi for $t {
            type Out = $t;
            fn to_ffi(self) -> $t { self }
        }
    )*};
}
same!((), String, bool, i64, i32, f64, DateTime<Utc>, NaiveDate);

impl<T: ToFfi> ToFfi for Vec<T> {
    type Out = Vec<T::Out>;
    fn to_ffi(self) -> Vec<T::Out> {
        self.into_iter().map(ToFfi::to_ffi).collect()
    }
}

impl<T: ToFfi> ToFfi for Option<T> {
    type Out = Option<T::Out>;
    fn to_ffi(self) -> Option<T::Out> {
        self.map(ToFfi::to_ffi)
    }
}

macro_rules! via_from {
    ($($core:ty => $ffi:ty),*) => {$(
        impl ToFfi for $core {
            type Out = $ffi;
            fn to_ffi(self) -> $ffi { self.into() }
        }
    )*};
}
via_from!(
    v::StepStatus => StepStatus,
    v::StepAction => StepAction,
    tuilu_core::rules::pack::Channel => Channel,
    Lang => Language,
    tuilu_core::rules::pack::TimeSense => TimeSense,
    core_app::QuestionKind => QuestionKind,
    core_app::ChangeKind => ChangeKind,
    core_app::VerifyState => VerifyState
);

/// `From` both ways between an FFI enum and the core enum with the same variants.
macro_rules! mirror_enum {
    ($(#[$m:meta])* $ffi:ident <=> $core:path { $($v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $ffi { $($v),+ }
        impl From<$core> for $ffi {
            fn from(v: $core) -> $ffi {
                use $core as C;
                match v { $(C::$v => $ffi::$v),+ }
            }
        }
        impl From<$ffi> for $core {
            fn from(v: $ffi) -> $core {
                use $core as C;
                match v { $($ffi::$v => C::$v),+ }
            }
        }
    };
}

mirror_enum!(
    /// Where a step of a case stands.
    StepStatus <=> v::StepStatus { Todo, InProgress, Submitted, Done, Skipped, Blocked }
);
mirror_enum!(
    /// What the user does to a step (`Undo` reverts its latest transition).
    StepAction <=> v::StepAction { Start, Submit, Done, Skip, Block, Undo }
);
mirror_enum!(
    /// How a step is carried out.
    Channel <=> tuilu_core::rules::pack::Channel {
        App, Pc, Web, CustomerService, Hotline, Email, Offline
    }
);
mirror_enum!(
    /// What a running time means: the platform must answer by it (`Deadline`), you may
    /// act only after it (`Earliest`), it lasts at least this long (`MinimumPeriod`), or
    /// you must act before it ends (`Window`), or it lapses by itself with nothing to do
    /// (`Lapse`).
    TimeSense <=> tuilu_core::rules::pack::TimeSense { Deadline, Earliest, MinimumPeriod, Window, Lapse }
);
mirror_enum!(
    /// The language of the views (Simplified Chinese or English).
    Language <=> Lang { Zh, En }
);
mirror_enum!(
    /// Snooze choices offered on a notification.
    SnoozeChoice <=> rm::SnoozeChoice { TenMinutes, OneHour, TomorrowMorning, NextWorkingDay }
);
mirror_enum!(
    /// How a question is answered.
    QuestionKind <=> core_app::QuestionKind { YesNo, Choice, Money, Integer, Date, DateTime, Text }
);
mirror_enum!(
    /// What changed.
    ChangeKind <=> core_app::ChangeKind {
        CaseCreated, CaseChanged, CaseDeleted, EvidenceChanged, RemindersChanged,
        SettingsChanged, RulesChanged, CalendarChanged
    }
);
mirror_enum!(
    /// What the last check of a case's evidence found for an item.
    VerifyState <=> core_app::VerifyState { Unchecked, Intact, Missing, Changed, RecordProblem }
);

mirror_enum!(
    /// The kind of an error or refusal (`AppException` and `Message.errorKind`): what an app
    /// branches on. The words to show come with it.
    ErrorKind <=> core_app::ErrorKind { NotFound, AmbiguousCase, DependencyNotDone, BlockedBy, InvalidTransition, NothingToUndo, DependentStarted, StepDropped, TimeInFuture, TimeBeforePrevious, TimeTooEarly, NoteTooLong, TagTooLong, TooManyTags, Archived, InvalidFact, UnknownFact, PackOutdated, InvalidPack, VaultFromNewerVersion, LetterNotReady, Busy, Storage, Cancelled, FileProblem, Backup, Internal, InvalidInput }
);
mirror_enum!(
    /// What was wrong with a file (`AppException.FileProblem`).
    FileProblemKind <=> core_app::FileProblemKind { NotFound, IsDirectory, NotAFile, Unreadable, Unwritable, NoSpace, FileTooLarge, OutputExists, BadBundle, ContentMissing, ContentChanged, RecordAltered, NoEvidence }
);
mirror_enum!(
    /// Why a backup could not be made, read or restored (`AppException.Backup`).
    /// `VaultHasCases`: restoring needs the user's explicit "replace".
    BackupErrorKind <=> tuilu_core::backup::BackupErrorKind { WrongPassphrase, Truncated, Damaged, EntryMismatch, NewerFormat, NotABackup, NotFound, OutputExists, VaultHasCases, TargetNotAFolder, TargetNotAVault, OutputInsideVault, VerifyFailed, NoSpace, EmptyPassphrase, WeakPassphrase, TooCostly, WorkFactorOutOfRange, DamagedArmor, Cancelled, Busy, Io, Vault }
);
mirror_enum!(
    /// What was not found (`AppException.NotFound`).
    MissingKind <=> core_app::Missing { Case, Step, Scenario, Route, Reminder, EvidenceItem, File, Letter, Rule }
);
via_from!(core_app::ErrorKind => ErrorKind);

/// Declares an FFI record with the fields of a core view, and the conversion.
///
/// A field written `name: i32 as count` is a count, index or number held as `i64` in the
/// core and handed over as `i32` (Kotlin `Int`, Swift `Int32`) through [`Count`].
macro_rules! view_record {
    ($(#[$m:meta])* $name:ident <= $core:ty {
        $($field:ident : $ty:ty $(as $conv:ident)?),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $name { $(pub $field: $ty),* }
        impl ToFfi for $core {
            type Out = $name;
            fn to_ffi(self) -> $name {
                $name { $($field: view_field!(self.$field $(, $conv)?)),* }
            }
        }
    };
}

/// The conversion of one field of [`view_record!`].
macro_rules! view_field {
    ($e:expr) => {
        $e.to_ffi()
    };
    ($e:expr, count) => {
        $crate::app::Count::count($e)
    };
}

/// A count, index or number (steps settled, evidence items, a step's number, a budget of
/// notifications): `Int` for the app developer (Kotlin `Int`, Swift `Int32`). Sizes in
/// bytes, progress and times stay 64-bit. A value beyond `i32` saturates: a count never
/// panics across the FFI.
pub(crate) trait Count {
    type Out;
    fn count(self) -> Self::Out;
}

impl Count for i64 {
    type Out = i32;
    fn count(self) -> i32 {
        i32::try_from(self).unwrap_or(if self < 0 { i32::MIN } else { i32::MAX })
    }
}

impl<T: Count> Count for Option<T> {
    type Out = Option<T::Out>;
    fn count(self) -> Option<T::Out> {
        self.map(Count::count)
    }
}

view_record!(
    /// A running timed rule, worded for the user.
    DeadlineViewRecord <= core_app::DeadlineView {
        sense: TimeSense, sense_label: String, text: String, relative: String, headline: String,
        earliest: NaiveDate, latest: NaiveDate, earliest_utc: Timestamp, deadline_utc: Timestamp,
        deadline_beijing: String, deadline_local: String, overdue: bool, reached: bool,
        estimated: bool, estimate_reason: Option<String>,
    }
);
view_record!(
    /// One case on the home screen.
    CaseCardRecord <= core_app::CaseCard {
        id: String, scenario: String, title: String, platform: String, settled: i32 as count,
        total: i32 as count, progress_text: String, next_action: Option<String>,
        next_deadline: Option<DeadlineViewRecord>, next_deadline_step: Option<String>,
        overdue: bool, estimated: bool, updated_at: Timestamp,
    }
);
view_record!(
    /// The end of a home list that has more cases than it shows.
    MoreCasesRecord <= core_app::MoreCases {
        text: String, label: String, remaining: i32 as count, next_shown: i32 as count,
    }
);
view_record!(
    /// Home: open cases, most urgent first, the first page of them as cards.
    HomeViewRecord <= core_app::HomeView {
        cases: Vec<CaseCardRecord>, open_count: i32 as count,
        more_cases: Option<MoreCasesRecord>, archived_count: i32 as count,
        archived_cases: Vec<CaseCardRecord>,
        calendar_warnings: Vec<String>, empty_text: Option<String>, start_label: String,
        clock_warning: Option<String>,
    }
);
view_record!(
    /// One scenario to pick.
    ScenarioCardRecord <= core_app::ScenarioCard {
        id: String, title: String, summary: String, pack_version: String, last_reviewed: String,
        last_reviewed_text: String, flagged_rules: i32 as count,
        steps_in_pack: i32 as count,
    }
);
view_record!(
    PlatformGroupRecord <= core_app::PlatformGroup {
        platform: String, label: String, scenarios: Vec<ScenarioCardRecord>,
    }
);
view_record!(
    /// The scenario picker, platforms grouped.
    ScenarioPickerRecord <= core_app::ScenarioPickerView { groups: Vec<PlatformGroupRecord> }
);
view_record!(
    /// A labelled option of a choice question.
    ChoiceOptionRecord <= core_app::ChoiceOption { value: String, label: String, selected: bool, }
);
view_record!(
    /// One question; `answer_value` is what to send back, `error` why the last answer
    /// was refused.
    QuestionViewRecord <= core_app::QuestionView {
        id: String, text: String, help: Option<String>, kind: QuestionKind,
        kind_label: String, options: Vec<ChoiceOptionRecord>, min: Option<f64>,
        answer_text: Option<String>, answer_value: Option<String>, assumed: bool,
        assumed_text: Option<String>, error: Option<String>, needs_answer: bool,
    }
);
view_record!(
    AmountViewRecord <= core_app::AmountView {
        id: String, label: String, value_text: Option<String>, value: Option<f64>,
        explanation: String, pending_text: Option<String>,
    }
);
view_record!(
    PreviewStepRecord <= core_app::PreviewStep {
        number: i32 as count, title: String, undetermined: bool, timing: Option<String>,
    }
);
view_record!(
    PlanPreviewRecord <= core_app::PlanPreview {
        steps: Vec<PreviewStepRecord>, blockers: Vec<String>, added_steps: Vec<String>,
        removed_steps: Vec<String>, amounts: Vec<AmountViewRecord>, warnings: Vec<String>,
        summary: String,
    }
);
view_record!(
    /// The questionnaire with the answers so far and what they change.
    QuestionnaireRecord <= core_app::QuestionnaireView {
        scenario: String, title: String, questions: Vec<QuestionViewRecord>, answered: i32 as count,
        total: i32 as count, complete: bool, preview: PlanPreviewRecord,
    }
);
view_record!(
    SourceViewRecord <= core_app::SourceView {
        quote: String, seed: String, confidence: String, last_reviewed: String,
        note: Option<String>, summary: String,
    }
);
view_record!(
    /// The user's mark on a rule.
    FlagViewRecord <= core_app::FlagView { note: String, flagged_at: Timestamp, text: String, }
);
view_record!(
    /// An action allowed now, with its label.
    ActionViewRecord <= core_app::ActionView {
        action: StepAction, label: String, asks_time: bool, time_question: Option<String>,
        when: Option<WhenViewRecord>, choose_route: bool,
    }
);
view_record!(
    RouteViewRecord <= core_app::RouteView {
        id: String, title: String, channel: String, instructions: String, selected: bool,
        timing: Option<String>,
    }
);
view_record!(
    /// One step of the checklist: what to do, what can be done now, and why not.
    StepRowRecord <= core_app::StepRow {
        id: String, number: i32 as count, title: String, instructions: String, channel: Channel,
        channel_label: String, status: StepStatus, status_label: String,
        status_at: Option<String>, actions: Vec<ActionViewRecord>,
        locked_reason: Option<String>, routes: Vec<RouteViewRecord>, timing: Option<String>,
        deadline: Option<DeadlineViewRecord>, overdue: bool, escalation: Option<String>,
        warnings: Vec<String>, tips: Vec<String>, evidence_hints: Vec<String>,
        evidence_count: i32 as count, shows_evidence: bool, collapsed: bool,
        collapsed_text: Option<String>, source: Option<SourceViewRecord>,
        flag: Option<FlagViewRecord>, pending: Option<String>, note: Option<String>,
    }
);
view_record!(
    /// What undo would revert.
    UndoViewRecord <= core_app::UndoView { step: String, label: String, }
);
view_record!(
    /// One answered fact in words.
    FactLineRecord <= core_app::FactLine { id: String, label: String, value: String, assumed: bool, }
);
view_record!(
    /// A blocker and its remedy.
    BlockerViewRecord <= core_app::BlockerView { id: String, title: String, remedy: String, }
);
view_record!(
    /// An open question on the checklist, answered in place (`EventRecord::CaseAnswered`),
    /// with what the answer decides.
    OpenQuestionCardRecord <= core_app::OpenQuestionCard {
        question: QuestionViewRecord, reason: String,
    }
);
view_record!(
    /// The checklist of a case.
    CaseScreenRecord <= core_app::CaseScreen {
        id: String, scenario: String, title: String, platform: String, pack_version: String,
        newer_pack: Option<String>, archived: bool, facts: Vec<FactLineRecord>,
        settled: i32 as count, total: i32 as count, progress_text: String,
        blockers: Vec<BlockerViewRecord>, next_text: String, focus_step: Option<i32> as count,
        steps: Vec<StepRowRecord>, dropped_steps: Vec<StepRowRecord>, warnings: Vec<String>,
        consequences: Vec<String>, amounts: Vec<AmountViewRecord>,
        undo: Option<UndoViewRecord>, open_questions: Vec<String>,
        question_cards: Vec<OpenQuestionCardRecord>,
        menu: Vec<CaseMenuItemRecord>, overdue_count: i32 as count, created_at: Timestamp,
        updated_at: Timestamp,
    }
);
view_record!(
    /// A step an evidence item can move to.
    MoveTargetRecord <= core_app::MoveTarget { step_id: String, label: String }
);
view_record!(
    EvidenceRowRecord <= core_app::EvidenceRow {
        id: String, kind_label: String, media_type: String, file_name: String, size: i64,
        size_text: String, detail: String, captured_text: String, captured_at: Option<Timestamp>,
        short_hash: String, sha256: String, step: Option<String>, step_title: Option<String>,
        note: String, verify_state: VerifyState, verify_text: Option<String>,
    }
);
view_record!(
    EvidenceListRecord <= core_app::EvidenceListView {
        case_id: String, title: String, move_targets: Vec<MoveTargetRecord>,
        move_label: String, delete_label: String, step: Option<String>,
        items: Vec<EvidenceRowRecord>,
        total_size_text: String, empty_text: Option<String>, verify_summary: Option<String>,
        verify_intact: Option<bool>,
    }
);
view_record!(
    /// What adding evidence did (`notice`: the words to show), with the updated list.
    EvidenceAddedRecord <= core_app::EvidenceAddedView {
        list: EvidenceListRecord, item_id: String, duplicate: bool, notice: String,
    }
);
view_record!(
    /// What a delete removed (one evidence item, or a case with its evidence), in words.
    DeletedRecord <= core_app::DeletedView {
        case_id: String, evidence_items: i32 as count, evidence_bytes: i64, notice: String,
    }
);
view_record!(
    /// A file written (the dispute bundle, the calendar): where, how big, and in words.
    FileWrittenRecord <= core_app::FileWrittenView {
        path: String, size: i64, size_text: String, count: i32 as count, sha256: String,
        notice: String,
    }
);
view_record!(
    /// What a dispute bundle will carry and leave out, to show before the export.
    BundlePreviewRecord <= core_app::BundlePreviewView {
        include_private: bool, files: i32 as count, size_text: String, summary: String,
        facts: Vec<String>, withheld_facts: Vec<String>, notes: Vec<String>,
        withheld_notes: Vec<String>, privacy_hint: String,
    }
);
view_record!(
    /// What the check of a received bundle found, in words.
    BundleCheckRecord <= core_app::BundleCheckView {
        intact: bool, headline: String, exported_at: Option<String>, items: i32 as count,
        files_checked: i32 as count, size_text: String, issues: Vec<String>,
    }
);
view_record!(
    /// A backup made, checked or restored, in words.
    BackupRecord <= core_app::BackupView {
        path: String, size: i64, size_text: String, created_text: String, cases: i32 as count,
        evidence_files: i32 as count, contents_text: String, headline: String, replaced: bool,
    }
);
view_record!(
    /// An action on a notification.
    NotificationActionRecord <= core_app::NotificationAction { id: String, label: String, }
);
view_record!(
    /// A notification to hold, under `token`, in channel/category `category`.
    NotificationViewRecord <= core_app::NotificationView {
        id: String, token: String, fire_at: Timestamp, fire_local: String, title: String,
        body: String, category: String, actions: Vec<NotificationActionRecord>,
        case_id: Option<String>, step_id: Option<String>,
    }
);
view_record!(
    /// What to schedule and cancel now.
    ReminderSyncRecord <= core_app::ReminderSyncView {
        schedule: Vec<NotificationViewRecord>, cancel: Vec<String>, keep: Vec<String>,
        budget: i32 as count,
    }
);
view_record!(
    /// One holiday year and its source.
    CalendarYearRecord <= core_app::CalendarYearLine { year: i32, text: String, estimated: bool, }
);
view_record!(
    SettingsViewRecord <= core_app::SettingsView {
        language: Language, language_label: String, time_zone: String,
        quiet_hours_enabled: bool, quiet_hours_text: String, preferred_time: String,
        calendar_years: Vec<CalendarYearRecord>, calendar_warnings: Vec<String>,
        vault_size: i64, vault_size_text: String, evidence_count: i32 as count,
        case_count: i32 as count,
        pack_problems: Vec<String>,
    }
);
view_record!(
    /// The backup section of settings: last backup in words, whether one is due.
    BackupSectionRecord <= core_app::BackupSectionView {
        last_backup_at: Option<Timestamp>, last_backup_text: String, due: bool,
        due_text: String, contents_text: String, suggested_file_name: String,
        mime_type: String, explanation: String, create_label: String, restore_label: String,
    }
);
view_record!(
    /// The hint under the passphrase field (meter 0 too weak … 3 strong).
    PassphraseHintRecord <= core_app::PassphraseHintView {
        meter: i32 as count, label: String, advice: String, accepted: bool,
    }
);
view_record!(
    /// A fresh recovery code (the default for a new backup) and what to do with it.
    RecoveryCodeRecord <= core_app::RecoveryCodeView {
        code: String, instruction: String, confirm_label: String,
        own_passphrase_label: String,
    }
);
view_record!(
    /// One change, told to observers.
    ChangeRecord <= core_app::Change { kind: ChangeKind, case_id: Option<String> }
);

/// An answer as the person gave it: typed text, or a choice's value or label.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AnswerRecord {
    pub fact: String,
    pub value: String,
}

fn answers(list: Vec<AnswerRecord>) -> Vec<core_app::Answer> {
    list.into_iter()
        .map(|a| core_app::Answer::new(a.fact, a.value))
        .collect()
}

/// What the views of one call are made for.
#[derive(Clone, uniffi::Record)]
pub struct ViewContextRecord {
    pub language: Language,
    /// The device's zone (the platform's rules).
    pub zone: Arc<dyn TimeZoneRules>,
    pub now: Timestamp,
}

impl std::fmt::Debug for ViewContextRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewContextRecord")
            .field("language", &self.language)
            .field("zone", &self.zone.id())
            .field("now", &self.now)
            .finish()
    }
}

/// The settings the user can change.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AppSettingsRecord {
    pub language: Language,
    pub quiet_hours_enabled: bool,
    /// `HH:MM`.
    pub quiet_start: String,
    pub quiet_end: String,
    pub preferred_time: String,
}

/// Errors of the application layer: variants an app branches on, each with
/// `user_message`, the words to show (in the call's language, naming steps and facts by
/// their titles). Kotlin: `AppException`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum AppError {
    #[error("{user_message}")]
    NotFound {
        what: MissingKind,
        id: String,
        user_message: String,
    },
    #[error("{user_message}")]
    DependencyNotDone {
        step: String,
        dependency: String,
        user_message: String,
    },
    #[error("{user_message}")]
    BlockedBy {
        blocker: String,
        user_message: String,
    },
    #[error("{user_message}")]
    InvalidFact { fact: String, user_message: String },
    #[error("{user_message}")]
    InvalidTransition { step: String, user_message: String },
    #[error("{user_message}")]
    NothingToUndo { step: String, user_message: String },
    #[error("{user_message}")]
    VaultFromNewerVersion { user_message: String },
    /// Another refusal the user can act on; `code` names it (`Archived`,
    /// `DependentStarted`, `TimeInFuture`, `PackOutdated`, `InvalidPack`...).
    #[error("{user_message}")]
    Refused {
        code: ErrorKind,
        user_message: String,
    },
    #[error("{user_message}")]
    Busy { user_message: String },
    /// A long operation was cancelled (its token, or the awaiting side went away);
    /// nothing was left behind.
    #[error("{user_message}")]
    Cancelled { user_message: String },
    /// A file could not be used; `code` says how.
    #[error("{user_message}")]
    FileProblem {
        code: FileProblemKind,
        user_message: String,
    },
    /// A backup could not be made, read or restored; `kind` says how (`VaultHasCases`:
    /// restoring needs the user's explicit "replace").
    #[error("{user_message}")]
    Backup {
        kind: BackupErrorKind,
        user_message: String,
    },
    #[error("{user_message}")]
    Storage { user_message: String },
    #[error("{user_message}")]
    Internal { user_message: String },
}

impl AppError {
    pub(crate) fn from_core(e: core_app::AppError, lang: Lang) -> AppError {
        use core_app::AppError as C;
        let user_message = e.message(lang);
        match e {
            C::NotFound { what, id } => AppError::NotFound {
                what: what.into(),
                id,
                user_message,
            },
            C::DependencyNotDone {
                step, dependency, ..
            } => AppError::DependencyNotDone {
                step,
                dependency,
                user_message,
            },
            C::BlockedBy { blocker, .. } => AppError::BlockedBy {
                blocker,
                user_message,
            },
            C::InvalidFact { fact, .. } | C::UnknownFact { fact } => {
                AppError::InvalidFact { fact, user_message }
            }
            C::InvalidTransition { step, .. } => AppError::InvalidTransition { step, user_message },
            C::NothingToUndo { step, .. } => AppError::NothingToUndo { step, user_message },
            C::VaultFromNewerVersion { .. } => AppError::VaultFromNewerVersion { user_message },
            C::Busy => AppError::Busy { user_message },
            C::Cancelled => AppError::Cancelled { user_message },
            C::FileProblem { code, .. } => AppError::FileProblem {
                code: code.into(),
                user_message,
            },
            C::Backup { kind, .. } => AppError::Backup {
                kind: kind.into(),
                user_message,
            },
            C::Storage { .. } => AppError::Storage { user_message },
            C::Internal { .. } => AppError::Internal { user_message },
            other => AppError::Refused {
                code: other.kind().into(),
                user_message,
            },
        }
    }

    /// A panic stopped inside the library (never crosses the FFI).
    pub(crate) fn panicked() -> AppError {
        AppError::Internal {
            user_message: "内部错误 / internal error".into(),
        }
    }

    /// A value the app passed that cannot be converted (an app bug, not the user's).
    pub(crate) fn invalid_input(what: &str) -> AppError {
        AppError::Refused {
            code: ErrorKind::InvalidInput,
            user_message: format!("输入无效 / invalid input: {what}"),
        }
    }
}

/// Told about every change, so screens refresh without polling. Called on the thread
/// that made the change; return quickly. An exception it throws is logged once, on one
/// line ([`crate::callback`]).
#[uniffi::export(with_foreign)]
pub trait ChangeObserver: Send + Sync {
    fn changed(&self, change: ChangeRecord) -> Result<(), crate::callback::CallbackError>;
}

struct ObserverAdapter(Arc<dyn ChangeObserver>, crate::callback::LogOnce);

impl core_app::ChangeObserver for ObserverAdapter {
    fn changed(&self, change: &core_app::Change) {
        // A panicking foreign observer must not take the core down.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let result = self.0.changed(change.clone().to_ffi());
            self.1.check("change observer", result)
        }));
    }
}

/// The application service, opened on the vault directory. Thread-safe; one per app.
#[derive(Debug, uniffi::Object)]
pub struct TuiluApp {
    pub(crate) app: Arc<App>,
}

/// The core's context of a call: the zone answers come from the app's rules, remembered
/// for this call only.
pub(crate) fn ctx(c: &ViewContextRecord) -> core_app::ViewContext {
    let tz = rm::UserZone::from_rules(Arc::new(ForeignZone::new(c.zone.clone())));
    core_app::ViewContext::new(c.language.into(), tz, c.now)
}

/// Runs `f` with the core's context, converting its view and its error; a panic becomes
/// `Internal`.
pub(crate) fn run<T: ToFfi>(
    c: &ViewContextRecord,
    f: impl FnOnce(&core_app::ViewContext) -> Result<T, core_app::AppError>,
) -> Result<T::Out, AppError> {
    let cx = ctx(c);
    let lang = cx.lang;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        f(&cx)
            .map(ToFfi::to_ffi)
            .map_err(|e| AppError::from_core(e, lang))
    }))
    .unwrap_or_else(|_| Err(AppError::panicked()))
}

/// A time of day the app passed as `HH:MM`; `field` names it for people
/// ("免打扰开始时间", "quiet hours start").
fn hhmm(field: (&str, &str), s: &str) -> Result<chrono::NaiveTime, AppError> {
    chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| AppError::Refused {
        code: ErrorKind::InvalidInput,
        user_message: format!(
            "{}无效（应为 22:30 这样的时间）/ The {} is not a time of day (such as 22:30)",
            field.0, field.1
        ),
    })
}

/// Exports methods of [`TuiluApp`] that all have one shape: the call's context first, then
/// the arguments, and one call into the core under [`run`]. An entry reads
/// `fn name(args) -> Record = |app, c| body;` (`app`: the core's `App`, `c`: the core's
/// context) and becomes `pub fn name(&self, ctx: ViewContextRecord, args) -> Result<Record,
/// AppError>`.
macro_rules! export_views {
    ($($(#[$m:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty
        = |$app:ident, $c:ident| $body:expr;)*) => {
        #[uniffi::export]
        impl TuiluApp {$(
            $(#[$m])*
            #[allow(clippy::too_many_arguments)]
            pub fn $name(&self, ctx: ViewContextRecord, $($arg: $ty),*)
                -> Result<$out, AppError> {
                let $app: &App = &self.app;
                run(&ctx, |$c| $body)
            }
        )*}
    };
}

export_views! {
    fn home() -> HomeViewRecord = |app, c| app.home(c);
    /// Home showing the first `shown` open cases (at least one): for a shell that keeps
    /// its own list and asks for more as the user scrolls.
    fn home_showing(shown: i32) -> HomeViewRecord =
        |app, c| app.home_showing(c, usize::try_from(shown).unwrap_or(1));
    fn scenario_picker() -> ScenarioPickerRecord = |app, c| app.scenario_picker(c);
    fn questionnaire(scenario: String, answers: Vec<AnswerRecord>) -> QuestionnaireRecord =
        |app, c| app.questionnaire(c, &scenario, &self::answers(answers));
    fn case_screen(case_id: String) -> CaseScreenRecord = |app, c| app.case_screen(c, &case_id);
    fn evidence_list(case_id: String, step_id: Option<String>) -> EvidenceListRecord =
        |app, c| app.evidence_list(c, &case_id, step_id.as_deref());
    /// Deletes one evidence item: its file (unless another case holds the same bytes),
    /// name, note and tags go; the custody log keeps a record of the deletion.
    fn delete_evidence(item_id: String) -> DeletedRecord =
        |app, c| app.delete_evidence(c, &item_id);
    /// Deletes a case for good with its journal and all its evidence.
    fn delete_case(case_id: String) -> DeletedRecord = |app, c| app.delete_case(c, &case_id);
    /// What the case's dispute bundle will carry (files, facts, notes) and leave out;
    /// show it before `export_bundle` with the same `include_private`.
    fn bundle_preview(case_id: String, include_private: bool) -> BundlePreviewRecord =
        |app, c| app.bundle_preview(c, &case_id, include_private);
    /// What to schedule and cancel, given the tokens the phone has scheduled (Android
    /// cannot list its alarms: the app keeps the set of tokens it scheduled).
    fn reminder_sync(scheduled: Vec<String>) -> ReminderSyncRecord =
        |app, c| app.reminder_sync(c, &scheduled);
    fn settings_view() -> SettingsViewRecord = |app, c| app.settings_view(c);
    /// Starts a case from the questionnaire's answers.
    fn create_case(scenario: String, answers: Vec<AnswerRecord>) -> CaseScreenRecord =
        |app, c| app.create_case(c, &scenario, &self::answers(answers));
    /// A step action; `at` defaults to now.
    fn step_action(
        case_id: String, step_id: String, action: StepAction, at: Option<Timestamp>,
        note: Option<String>, route: Option<String>,
    ) -> CaseScreenRecord =
        |app, c| app.step_action(c, &case_id, &step_id, action.into(), at, note, route);
    /// Undoes the case's latest action that can be undone (the undo snackbar).
    fn undo_last(case_id: String) -> CaseScreenRecord = |app, c| app.undo_last(c, &case_id);
    fn set_case_facts(case_id: String, set: Vec<AnswerRecord>, unset: Vec<String>)
        -> CaseScreenRecord = |app, c| app.set_case_facts(c, &case_id, &answers(set), &unset);
    /// Flags a rule (`note`), or clears the flag (`note` none).
    fn flag_rule(case_id: String, rule_id: String, note: Option<String>) -> CaseScreenRecord =
        |app, c| app.flag_rule(c, &case_id, &rule_id, note.as_deref());
    fn snooze_reminder(reminder_id: String, choice: SnoozeChoice, scheduled: Vec<String>)
        -> ReminderSyncRecord =
        |app, c| app.snooze_reminder(c, &reminder_id, choice.into(), &scheduled);
    fn dismiss_reminder(reminder_id: String, scheduled: Vec<String>) -> ReminderSyncRecord =
        |app, c| app.dismiss_reminder(c, &reminder_id, &scheduled);
    /// Carries out a notification's action (`NotificationActionRecord.id`: `submitted`,
    /// `done`, `snooze`) without opening the app; returns the new sync.
    fn notification_action(reminder_id: String, action_id: String, scheduled: Vec<String>)
        -> ReminderSyncRecord =
        |app, c| app.notification_action(c, &reminder_id, &action_id, &scheduled);
    /// Records deliveries (ids or tokens); a delivered catch-up retires what it covers.
    fn reminders_delivered(tokens: Vec<String>) -> () =
        |app, c| app.reminders_delivered(c, &tokens);
    /// Imports a holiday-year file (holiday-cn JSON) into the vault and the calendar; a
    /// rejected file changes nothing. Returns the settings view with the calendar years.
    fn import_holiday_year(json: Vec<u8>) -> SettingsViewRecord = |app, c| {
        app.import_holiday_year(&json)?;
        app.settings_view(c)
    };
    /// Writes the running deadlines (of `case_id`, or of every open case) as an `.ics`
    /// file with alarms to `out_path` (replaced if it exists).
    fn export_calendar(case_id: Option<String>, out_path: String) -> FileWrittenRecord =
        |app, c| app.export_calendar_file(c, case_id.as_deref(), Path::new(&out_path));
    /// The backup section of settings.
    fn backup_section() -> BackupSectionRecord = |app, c| app.backup_section(c);
    /// The new backup never reached the place the user chose (exporter dismissed, copy
    /// failed): the section goes back to the backup before it.
    fn backup_not_kept() -> BackupSectionRecord = |app, c| app.backup_not_kept(c);
    /// A fresh 30-digit recovery code from the OS CSPRNG for the next backup: show it once,
    /// then pass `code` as the passphrase to `create_backup`. Nothing is stored.
    fn new_recovery_code() -> RecoveryCodeRecord = |app, c| app.new_recovery_code(c);
    /// The hint under the passphrase field, as the user types. Nothing is stored.
    fn passphrase_hint(passphrase: String) -> PassphraseHintRecord =
        |app, c| Ok(app.passphrase_hint(c, &passphrase));
}

#[uniffi::export]
impl TuiluApp {
    /// Opens the service on the vault directory (created when missing). The vault
    /// database opens on first use.
    #[uniffi::constructor]
    pub fn new(vault_dir: String) -> Result<Arc<TuiluApp>, AppError> {
        let open = std::panic::catch_unwind(|| App::open(Path::new(&vault_dir)))
            .map_err(|_| AppError::panicked())?;
        let app = open.map_err(|e| AppError::from_core(e, Lang::Zh))?;
        Ok(Arc::new(TuiluApp { app: Arc::new(app) }))
    }
    /// The version of the core library, e.g. `0.1.0`.
    pub fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }

    pub fn settings(&self) -> AppSettingsRecord {
        let s = self.app.settings();
        AppSettingsRecord {
            language: s.language.into(),
            quiet_hours_enabled: s.quiet_hours_enabled,
            quiet_start: s.quiet_start.format("%H:%M").to_string(),
            quiet_end: s.quiet_end.format("%H:%M").to_string(),
            preferred_time: s.preferred_time.format("%H:%M").to_string(),
        }
    }

    pub fn save_settings(&self, settings: AppSettingsRecord) -> Result<(), AppError> {
        let s = core_app::AppSettings {
            language: settings.language.into(),
            quiet_hours_enabled: settings.quiet_hours_enabled,
            quiet_start: hhmm(
                ("免打扰开始时间", "quiet hours start"),
                &settings.quiet_start,
            )?,
            quiet_end: hhmm(("免打扰结束时间", "quiet hours end"), &settings.quiet_end)?,
            preferred_time: hhmm(("提醒时间", "reminder time"), &settings.preferred_time)?,
        };
        self.app
            .save_settings(&s)
            .map_err(|e| AppError::from_core(e, s.language))
    }

    /// Adds a compiled rule pack (JSON), kept in the vault so it survives a restart.
    pub fn add_pack(&self, pack_json: String) -> Result<String, AppError> {
        self.app
            .add_pack(&pack_json)
            .map_err(|e| AppError::from_core(e, self.app.settings().language))
    }

    /// Registers an observer; returns the handle for `remove_observer`.
    pub fn add_observer(&self, observer: Arc<dyn ChangeObserver>) -> u64 {
        self.app
            .add_observer(Arc::new(ObserverAdapter(observer, Default::default())))
    }

    pub fn remove_observer(&self, handle: u64) -> bool {
        self.app.remove_observer(handle)
    }
}

// Letters drafted from a case: their records and a second `impl TuiluApp` block.
#[path = "letters.rs"]
mod letters;
pub use letters::{
    LetterAttachmentRecord, LetterCardRecord, LetterDateRecord, LetterLabelsRecord,
    LetterViewRecord, LettersViewRecord, SentCopyRecord,
};

// Rule-pack updates (install from bytes, the settings section): a third `impl TuiluApp`.
#[path = "rule_updates.rs"]
mod rule_updates;
pub use rule_updates::{
    PackVersionRecord, ReleaseFileRecord, RuleUpdateResultRecord, RuleUpdatesViewRecord,
    SignedIndexRecord,
};

// The shells' one way in (`handle`): events, routes, screens and effects; a fourth
// `impl TuiluApp`.
#[path = "shell.rs"]
mod shell;
pub use shell::{
    AlarmTiming, CaseMenuAction, CaseMenuItemRecord, CategorySetupRecord, ConfirmViewRecord,
    EffectFailure, EffectRecord, EventRecord, HistoryEntryRecord, HistoryViewRecord, MessageRecord,
    NotificationActionId, NotificationButtonRecord, NotificationCategory, NotificationEffectRecord,
    Os, PermissionRequest, PlatformStateRecord, ReminderKind, RouteRecord, ScreenRecord,
    TimeChoiceRecord, UpdateRecord, UpgradeViewRecord, WhenViewRecord,
};

#[cfg(test)]
mod tests {
    use super::{Count, Os, PlatformStateRecord};
    use tuilu_core::app as core_app;

    #[test]
    fn a_count_beyond_i32_saturates_instead_of_wrapping() {
        assert_eq!(42i64.count(), 42);
        assert_eq!(i64::from(i32::MAX).count(), i32::MAX);
        assert_eq!((i64::from(i32::MAX) + 1).count(), i32::MAX);
        assert_eq!(i64::MAX.count(), i32::MAX);
        assert_eq!(i64::MIN.count(), i32::MIN);
        assert_eq!(Some(5_000_000_000i64).count(), Some(i32::MAX));
        assert_eq!(None::<i64>.count(), None);
    }

    #[test]
    fn a_negative_platform_number_counts_as_zero() {
        let p = core_app::PlatformState::from(PlatformStateRecord {
            os: Os::Android { sdk: -1 },
            notifications_allowed: true,
            exact_alarms_allowed: true,
            pending_limit: -5,
            scheduled: vec![],
            in_foreground: true,
        });
        assert_eq!(p.pending_limit, 0);
        assert!(matches!(p.os, core_app::Os::Android { sdk: 0 }));
    }
}
