//! The application layer's error: variants an app branches on, each with a message for
//! people in the chosen language that names steps and facts by their titles.

use super::present::tr;
use crate::backup::BackupErrorKind;
use crate::evidence::EvidenceError;
use crate::rules::{FactError, Scenario};
use crate::text::Lang;
use crate::vault::{CaseView, VaultError};
use chrono::DateTime;
use serde::Serialize;

/// What was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Case,
    Step,
    Scenario,
    Route,
    Reminder,
    EvidenceItem,
    File,
    Letter,
    /// A rule of a scenario's pack (a step, precondition, notice or formula) named by id.
    Rule,
}

impl Missing {
    fn words(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Missing::Case, Lang::Zh) => "案件",
            (Missing::Case, Lang::En) => "case",
            (Missing::Step, Lang::Zh) => "步骤",
            (Missing::Step, Lang::En) => "step",
            (Missing::Scenario, Lang::Zh) => "退出场景",
            (Missing::Scenario, Lang::En) => "exit scenario",
            (Missing::Route, Lang::Zh) => "办理途径",
            (Missing::Route, Lang::En) => "route",
            (Missing::Reminder, Lang::Zh) => "提醒",
            (Missing::Reminder, Lang::En) => "reminder",
            (Missing::EvidenceItem, Lang::Zh) => "证据",
            (Missing::EvidenceItem, Lang::En) => "evidence item",
            (Missing::File, Lang::Zh) => "文件",
            (Missing::File, Lang::En) => "file",
            (Missing::Letter, Lang::Zh) => "文书",
            (Missing::Letter, Lang::En) => "letter",
            (Missing::Rule, Lang::Zh) => "规则",
            (Missing::Rule, Lang::En) => "rule",
        }
    }
}

/// The kinds of [`AppError`], as an enum for the apps to branch on (restore offers
/// "replace" on `Backup` with [`BackupErrorKind::VaultHasCases`], a `Busy` vault retries...).
/// The words to show come with the error; nothing is decided from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NotFound,
    AmbiguousCase,
    DependencyNotDone,
    BlockedBy,
    InvalidTransition,
    NothingToUndo,
    DependentStarted,
    StepDropped,
    TimeInFuture,
    TimeBeforePrevious,
    TimeTooEarly,
    NoteTooLong,
    TagTooLong,
    TooManyTags,
    Archived,
    InvalidFact,
    UnknownFact,
    PackOutdated,
    InvalidPack,
    VaultFromNewerVersion,
    LetterNotReady,
    Busy,
    Storage,
    Cancelled,
    FileProblem,
    Backup,
    Internal,
    /// A value an app passed could not be converted (a time that is not `HH:MM`, an
    /// instant out of range): the app's bug, not the user's. Raised by the FFI layer.
    InvalidInput,
}

impl ErrorKind {
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::NotFound,
        ErrorKind::AmbiguousCase,
        ErrorKind::DependencyNotDone,
        ErrorKind::BlockedBy,
        ErrorKind::InvalidTransition,
        ErrorKind::NothingToUndo,
        ErrorKind::DependentStarted,
        ErrorKind::StepDropped,
        ErrorKind::TimeInFuture,
        ErrorKind::TimeBeforePrevious,
        ErrorKind::TimeTooEarly,
        ErrorKind::NoteTooLong,
        ErrorKind::TagTooLong,
        ErrorKind::TooManyTags,
        ErrorKind::Archived,
        ErrorKind::InvalidFact,
        ErrorKind::UnknownFact,
        ErrorKind::PackOutdated,
        ErrorKind::InvalidPack,
        ErrorKind::VaultFromNewerVersion,
        ErrorKind::LetterNotReady,
        ErrorKind::Busy,
        ErrorKind::Storage,
        ErrorKind::Cancelled,
        ErrorKind::FileProblem,
        ErrorKind::Backup,
        ErrorKind::Internal,
        ErrorKind::InvalidInput,
    ];

    /// The stable code (`not_found`, `dependency_not_done`...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::AmbiguousCase => "ambiguous_case",
            ErrorKind::DependencyNotDone => "dependency_not_done",
            ErrorKind::BlockedBy => "blocked_by",
            ErrorKind::InvalidTransition => "invalid_transition",
            ErrorKind::NothingToUndo => "nothing_to_undo",
            ErrorKind::DependentStarted => "dependent_started",
            ErrorKind::StepDropped => "step_dropped",
            ErrorKind::TimeInFuture => "time_in_future",
            ErrorKind::TimeBeforePrevious => "time_before_previous",
            ErrorKind::TimeTooEarly => "time_too_early",
            ErrorKind::NoteTooLong => "note_too_long",
            ErrorKind::TagTooLong => "tag_too_long",
            ErrorKind::TooManyTags => "too_many_tags",
            ErrorKind::Archived => "archived",
            ErrorKind::InvalidFact => "invalid_fact",
            ErrorKind::UnknownFact => "unknown_fact",
            ErrorKind::PackOutdated => "pack_outdated",
            ErrorKind::InvalidPack => "invalid_pack",
            ErrorKind::VaultFromNewerVersion => "vault_from_newer_version",
            ErrorKind::LetterNotReady => "letter_not_ready",
            ErrorKind::Busy => "busy",
            ErrorKind::Storage => "storage",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::FileProblem => "file_problem",
            ErrorKind::Backup => "backup",
            ErrorKind::Internal => "internal",
            ErrorKind::InvalidInput => "invalid_input",
        }
    }
}

/// What was wrong with a file the user picked or named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileProblemKind {
    NotFound,
    IsDirectory,
    NotAFile,
    Unreadable,
    /// The file could not be written (a folder that is gone, no permission).
    Unwritable,
    NoSpace,
    FileTooLarge,
    OutputExists,
    BadBundle,
    ContentMissing,
    ContentChanged,
    RecordAltered,
    NoEvidence,
}

impl FileProblemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileProblemKind::NotFound => "not_found",
            FileProblemKind::IsDirectory => "is_directory",
            FileProblemKind::NotAFile => "not_a_file",
            FileProblemKind::Unreadable => "unreadable",
            FileProblemKind::Unwritable => "unwritable",
            FileProblemKind::NoSpace => "no_space",
            FileProblemKind::FileTooLarge => "file_too_large",
            FileProblemKind::OutputExists => "output_exists",
            FileProblemKind::BadBundle => "bad_bundle",
            FileProblemKind::ContentMissing => "content_missing",
            FileProblemKind::ContentChanged => "content_changed",
            FileProblemKind::RecordAltered => "record_altered",
            FileProblemKind::NoEvidence => "no_evidence",
        }
    }
}

/// Why a step refuses an action its status would allow ([`crate::vault::Refusal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionHint {
    /// A waiting period or a window: nothing to start, its clock runs from its hand-in.
    NothingToStart,
    /// An action with no answer to wait for: it is marked done, not handed in.
    NoAnswerToAwait,
}

/// Everything a user action can run into. Titles are in the language the error was made
/// for (the app's language); ids are kept for apps that branch on them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppError {
    #[error("not found: {what:?} `{id}`")]
    NotFound { what: Missing, id: String },
    #[error("ambiguous case id prefix `{prefix}`")]
    AmbiguousCase { prefix: String },
    #[error("step {step} waits for {dependency}")]
    DependencyNotDone {
        step: String,
        step_title: String,
        dependency: String,
        dependency_title: String,
        dependency_number: i64,
    },
    #[error("blocked by {blocker}")]
    BlockedBy {
        blocker: String,
        blocker_title: String,
        remedy: String,
    },
    #[error("step {step} cannot {action} from {from}")]
    InvalidTransition {
        step: String,
        step_title: String,
        from: String,
        action: String,
        /// When the status alone is not the reason: what kind of step this is.
        hint: Option<TransitionHint>,
    },
    #[error("step {step} has nothing to undo")]
    NothingToUndo { step: String, step_title: String },
    #[error("step {dependent} depends on {step} and has started")]
    DependentStarted {
        step: String,
        step_title: String,
        dependent: String,
        dependent_title: String,
    },
    #[error("step {step} left the plan")]
    StepDropped { step: String, step_title: String },
    #[error("time is in the future")]
    TimeInFuture,
    #[error("time is before the step's previous change")]
    TimeBeforePrevious { previous_beijing: String },
    /// The time is before a step it depends on was settled (`dependency_title`,
    /// `dependency_number`), or before 2000 (a wrong device clock: `limit_beijing` empty).
    #[error("time is too early")]
    TimeTooEarly {
        limit_beijing: String,
        dependency_title: String,
        dependency_number: i64,
    },
    /// A note past [`crate::limits::MAX_NOTE_CHARS`].
    #[error("note too long")]
    NoteTooLong { chars: usize, max: usize },
    /// An evidence tag past [`crate::limits::MAX_TAG_CHARS`].
    #[error("tag too long")]
    TagTooLong { chars: usize, max: usize },
    /// More evidence tags than [`crate::limits::MAX_TAGS`].
    #[error("too many tags")]
    TooManyTags { count: usize, max: usize },
    #[error("the case is archived")]
    Archived,
    #[error("invalid value for fact {fact}")]
    InvalidFact {
        fact: String,
        fact_title: String,
        /// What would be accepted, in words.
        reason: String,
    },
    #[error("unknown fact {fact}")]
    UnknownFact { fact: String },
    #[error("the case's rule pack v{case_version} is older than v{current}")]
    PackOutdated {
        case_version: String,
        current: String,
    },
    #[error("invalid rule pack: {problems} problem(s), first: {first}")]
    InvalidPack { problems: usize, first: String },
    #[error("vault written by a newer version (schema {found} > {supported})")]
    VaultFromNewerVersion { found: u32, supported: u32 },
    /// A letter cannot be written or marked as sent yet; `reason` says why (in the
    /// error's language), naming steps or questions by their titles.
    #[error("letter {letter} is not ready")]
    LetterNotReady {
        letter: String,
        letter_title: String,
        reason: String,
    },
    #[error("the vault is busy")]
    Busy,
    #[error("storage error: {detail}")]
    Storage { detail: String },
    /// The user (or the app) stopped a long operation; nothing was left behind.
    #[error("cancelled")]
    Cancelled,
    /// A file the user picked or named could not be used (`code`: `not_found`,
    /// `is_directory`, `not_a_file`, `unreadable`, `no_space`, `file_too_large`,
    /// `output_exists`, `bad_bundle`, `content_missing`, `content_changed`, `no_evidence`);
    /// `name` is the file's name, never a path.
    #[error("file problem {}: {name}", code.as_str())]
    FileProblem { code: FileProblemKind, name: String },
    /// A backup could not be made, read or restored (`kind`: `wrong_passphrase`,
    /// `truncated`, `damaged`, `not_a_backup`, `newer_format`, `vault_has_cases`,
    /// `verify_failed`, `no_space`, `output_exists`, `empty_passphrase`...), with the
    /// core's message in each language.
    #[error("backup {}", kind.as_str())]
    Backup {
        kind: BackupErrorKind,
        zh: String,
        en: String,
    },
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

impl AppError {
    /// What kind of error this is, for branching (an app never reads the words to decide).
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::NotFound { .. } => ErrorKind::NotFound,
            AppError::AmbiguousCase { .. } => ErrorKind::AmbiguousCase,
            AppError::DependencyNotDone { .. } => ErrorKind::DependencyNotDone,
            AppError::BlockedBy { .. } => ErrorKind::BlockedBy,
            AppError::InvalidTransition { .. } => ErrorKind::InvalidTransition,
            AppError::NothingToUndo { .. } => ErrorKind::NothingToUndo,
            AppError::DependentStarted { .. } => ErrorKind::DependentStarted,
            AppError::StepDropped { .. } => ErrorKind::StepDropped,
            AppError::TimeInFuture => ErrorKind::TimeInFuture,
            AppError::TimeBeforePrevious { .. } => ErrorKind::TimeBeforePrevious,
            AppError::TimeTooEarly { .. } => ErrorKind::TimeTooEarly,
            AppError::NoteTooLong { .. } => ErrorKind::NoteTooLong,
            AppError::TagTooLong { .. } => ErrorKind::TagTooLong,
            AppError::TooManyTags { .. } => ErrorKind::TooManyTags,
            AppError::Archived => ErrorKind::Archived,
            AppError::InvalidFact { .. } => ErrorKind::InvalidFact,
            AppError::UnknownFact { .. } => ErrorKind::UnknownFact,
            AppError::PackOutdated { .. } => ErrorKind::PackOutdated,
            AppError::InvalidPack { .. } => ErrorKind::InvalidPack,
            AppError::VaultFromNewerVersion { .. } => ErrorKind::VaultFromNewerVersion,
            AppError::LetterNotReady { .. } => ErrorKind::LetterNotReady,
            AppError::Busy => ErrorKind::Busy,
            AppError::Storage { .. } => ErrorKind::Storage,
            AppError::Cancelled => ErrorKind::Cancelled,
            AppError::FileProblem { .. } => ErrorKind::FileProblem,
            AppError::Backup { .. } => ErrorKind::Backup,
            AppError::Internal { .. } => ErrorKind::Internal,
        }
    }

    /// A stable code for logs and `--json` (`dependency_not_done`...).
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The message for people, in `lang` only.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::NotFound { .. } | AppError::AmbiguousCase { .. } => self.lookup_words(lang),
            AppError::DependencyNotDone { .. }
            | AppError::BlockedBy { .. }
            | AppError::InvalidTransition { .. }
            | AppError::NothingToUndo { .. }
            | AppError::DependentStarted { .. }
            | AppError::StepDropped { .. } => self.step_words(lang),
            AppError::TimeInFuture
            | AppError::TimeBeforePrevious { .. }
            | AppError::TimeTooEarly { .. }
            | AppError::NoteTooLong { .. }
            | AppError::TagTooLong { .. }
            | AppError::TooManyTags { .. }
            | AppError::InvalidFact { .. }
            | AppError::UnknownFact { .. } => self.input_words(lang),
            AppError::Archived
            | AppError::PackOutdated { .. }
            | AppError::InvalidPack { .. }
            | AppError::VaultFromNewerVersion { .. }
            | AppError::LetterNotReady { .. } => self.case_words(lang),
            AppError::Busy
            | AppError::Storage { .. }
            | AppError::Cancelled
            | AppError::FileProblem { .. }
            | AppError::Backup { .. }
            | AppError::Internal { .. } => self.system_words(lang),
        }
    }

    /// What the user asked for that is not there (or not one thing).
    /// `message` sends only these kinds here (others get no words).
    fn lookup_words(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            // A reminder's id is internal (a notification carries it; nobody types it).
            AppError::NotFound {
                what: Missing::Reminder,
                ..
            } => {
                if zh {
                    "这条提醒已不存在：它的步骤可能已经完成、归档或删除".to_string()
                } else {
                    "This reminder no longer exists: its step may be settled, archived or deleted"
                        .to_string()
                }
            }
            AppError::NotFound { what, id } => {
                if zh {
                    format!("找不到{}「{id}」", what.words(lang))
                } else {
                    format!("No {} “{id}” was found", what.words(lang))
                }
            }
            AppError::AmbiguousCase { prefix } => {
                if zh {
                    format!("案件编号「{prefix}」对应多个案件，请多输入几位")
                } else {
                    format!("More than one case starts with “{prefix}”; type more of its id")
                }
            }
            _ => String::new(),
        }
    }

    /// Why a step cannot move, naming steps by their titles.
    /// `message` sends only these kinds here (others get no words).
    fn step_words(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            AppError::DependencyNotDone {
                step_title,
                dependency_title,
                dependency_number,
                ..
            } => {
                if zh {
                    format!(
                        "请先完成第 {dependency_number} 步「{dependency_title}」，再办理「{step_title}」"
                    )
                } else {
                    format!(
                        "Finish step {dependency_number} “{dependency_title}” before “{step_title}”"
                    )
                }
            }
            AppError::BlockedBy {
                blocker_title,
                remedy,
                ..
            } => {
                if zh {
                    format!("「{blocker_title}」尚未解决，这一步暂不能提交，也不能标记为已完成。{remedy}")
                } else {
                    format!("“{blocker_title}” is not resolved yet, so this step cannot be submitted or marked done. {remedy}")
                }
            }
            AppError::InvalidTransition {
                step_title,
                hint: Some(TransitionHint::NothingToStart),
                ..
            } => {
                if zh {
                    format!("「{step_title}」是等待期或办理时限，没有需要“开始”的事：它的计时从提交时算起")
                } else {
                    format!("“{step_title}” is a waiting period or a window: there is nothing to start; its clock runs from when it is handed in")
                }
            }
            AppError::InvalidTransition {
                step_title,
                hint: Some(TransitionHint::NoAnswerToAwait),
                ..
            } => {
                if zh {
                    format!("「{step_title}」没有需要等待的答复，不用提交：办完后标记为已完成")
                } else {
                    format!("“{step_title}” has no answer to wait for, so there is nothing to submit: mark it done when it is done")
                }
            }
            AppError::InvalidTransition {
                step_title,
                from,
                action,
                hint: None,
                ..
            } => {
                if zh {
                    format!("「{step_title}」当前为「{from}」，不能{action}")
                } else {
                    format!("“{step_title}” is {from}; it cannot be marked {action} now")
                }
            }
            AppError::NothingToUndo { step_title, .. } => {
                if zh {
                    format!("「{step_title}」没有可以撤销的操作")
                } else {
                    format!("There is nothing to undo on “{step_title}”")
                }
            }
            AppError::DependentStarted {
                step_title,
                dependent_title,
                ..
            } => {
                if zh {
                    format!("「{dependent_title}」依赖「{step_title}」且已开始，请先撤销「{dependent_title}」")
                } else {
                    format!("“{dependent_title}” depends on “{step_title}” and has started; undo it first")
                }
            }
            AppError::StepDropped { step_title, .. } => {
                if zh {
                    format!("「{step_title}」已不在当前计划中（情况变更后移出）")
                } else {
                    format!(
                        "“{step_title}” is no longer part of the plan (your answers changed it)"
                    )
                }
            }
            _ => String::new(),
        }
    }

    /// What is wrong with what the user typed or picked: a time, a note, tags, an answer.
    /// `message` sends only these kinds here (others get no words).
    fn input_words(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            AppError::TimeInFuture => {
                if zh {
                    "时间不能晚于现在".to_string()
                } else {
                    "The time cannot be later than now".to_string()
                }
            }
            AppError::TimeBeforePrevious { previous_beijing } => {
                if zh {
                    format!("时间不能早于这一步上次变更的时间（{previous_beijing}，北京时间）")
                } else {
                    format!("The time cannot be before this step's previous change ({previous_beijing} Beijing time)")
                }
            }
            AppError::TimeTooEarly {
                limit_beijing,
                dependency_title,
                dependency_number,
            } => match (zh, limit_beijing.is_empty()) {
                (true, true) => "时间早于 2000 年：设备的日期可能不对，请检查手机的日期和时间".to_string(),
                (false, true) => "The time is before 2000: the device's date may be wrong; check the date and time".to_string(),
                (true, false) => format!(
                    "时间不能早于第 {dependency_number} 步「{dependency_title}」完成的时间（{limit_beijing}，北京时间）"
                ),
                (false, false) => format!(
                    "The time cannot be before step {dependency_number} “{dependency_title}” was settled ({limit_beijing} Beijing time)"
                ),
            },
            AppError::NoteTooLong { chars, max } => {
                if zh {
                    format!("备注太长（{chars} 字），最多 {max} 字；长的内容请作为证据文件添加")
                } else {
                    format!("The note is too long ({chars} characters; at most {max}); add longer text as an evidence file")
                }
            }
            AppError::TagTooLong { chars, max } => {
                if zh {
                    format!("标签太长（{chars} 字），最多 {max} 字")
                } else {
                    format!("A tag is too long ({chars} characters; at most {max})")
                }
            }
            AppError::TooManyTags { count, max } => {
                if zh {
                    format!("标签太多（{count} 个），最多 {max} 个")
                } else {
                    format!("Too many tags ({count}; at most {max})")
                }
            }
            AppError::InvalidFact {
                fact_title, reason, ..
            } => {
                if zh {
                    format!("「{fact_title}」的回答无效：{reason}")
                } else {
                    format!("The answer to “{fact_title}” is not valid: {reason}")
                }
            }
            AppError::UnknownFact { fact } => {
                if zh {
                    format!("这个场景没有问题「{fact}」")
                } else {
                    format!("This scenario has no question “{fact}”")
                }
            }
            _ => String::new(),
        }
    }

    /// What the state of the case, its rules or the vault does not allow yet.
    /// `message` sends only these kinds here (others get no words).
    fn case_words(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            AppError::Archived => {
                if zh {
                    "案件已归档，请先取消归档".to_string()
                } else {
                    "The case is archived; restore it first".to_string()
                }
            }
            AppError::PackOutdated {
                case_version,
                current,
            } => {
                if zh {
                    format!("规则已更新（v{case_version} → v{current}），请先更新案件的规则")
                } else {
                    format!("The rules were updated (v{case_version} → v{current}); update the case first")
                }
            }
            AppError::InvalidPack { problems, first } => {
                if zh {
                    format!("规则包无效：共 {problems} 处问题，第一处：{first}")
                } else {
                    format!(
                        "The rule pack is invalid: {}; first: {first}",
                        super::present::count_en(*problems as u64, "problem", "problems")
                    )
                }
            }
            AppError::VaultFromNewerVersion { .. } => {
                if zh {
                    "数据由更新版本的退路写入，请先升级退路；数据未做任何修改".to_string()
                } else {
                    "The data was written by a newer Tuilu; update the app. Nothing was changed"
                        .to_string()
                }
            }
            AppError::LetterNotReady {
                letter_title,
                reason,
                ..
            } => {
                if zh {
                    format!("「{letter_title}」还不能生成：{reason}")
                } else {
                    format!("“{letter_title}” cannot be written yet: {reason}")
                }
            }
            _ => String::new(),
        }
    }

    /// What went wrong under the user: storage, files, backups, cancellation.
    /// `message` sends only these kinds here (others get no words).
    fn system_words(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            AppError::Busy => {
                if zh {
                    "数据正被占用，请稍后重试".to_string()
                } else {
                    "The data is in use; try again in a moment".to_string()
                }
            }
            AppError::Storage { detail } => {
                if zh {
                    format!("存储出错：{detail}")
                } else {
                    format!("Storage error: {detail}")
                }
            }
            AppError::Cancelled => tr(
                lang,
                "已取消，未留下任何内容",
                "Cancelled; nothing was left behind",
            ),
            AppError::FileProblem { code, name } => file_problem(lang, *code, name),
            AppError::Backup { zh: z, en, .. } => {
                if zh {
                    z.clone()
                } else {
                    en.clone()
                }
            }
            AppError::Internal { detail } => {
                if zh {
                    format!("内部错误：{detail}")
                } else {
                    format!("Internal error: {detail}")
                }
            }
            _ => String::new(),
        }
    }
}

/// A file problem in words, naming the file by its name.
fn file_problem(lang: Lang, code: FileProblemKind, name: &str) -> String {
    use FileProblemKind as K;
    let (zh, en) = match code {
        K::NotFound => ("找不到文件", "File not found"),
        K::IsDirectory => ("这是一个文件夹，不是文件", "This is a folder, not a file"),
        K::NotAFile => ("不是普通文件", "Not a regular file"),
        K::Unreadable => ("无法读取文件", "The file cannot be read"),
        K::NoSpace => (
            "存储空间不足，未保存任何内容",
            "Not enough storage space; nothing was stored",
        ),
        K::FileTooLarge => (
            "文件太大，未保存任何内容",
            "The file is too large; nothing was stored",
        ),
        K::OutputExists => (
            "目标文件已存在，请换一个名称",
            "The file already exists; choose another name",
        ),
        K::BadBundle => (
            "这不是可读取的证据包",
            "This is not a readable evidence bundle",
        ),
        K::ContentMissing => (
            "证据文件缺失，请先核验证据",
            "An evidence file is missing; verify the evidence first",
        ),
        K::ContentChanged => (
            "证据文件已被改动，请先核验证据",
            "An evidence file has changed; verify the evidence first",
        ),
        K::RecordAltered => (
            "证据记录与保管日志不符（可能被改动过），未导出；请先核验证据",
            "An evidence record differs from the custody log (it may have been altered); nothing was exported. Verify the evidence first",
        ),
        K::NoEvidence => (
            "这个案件还没有证据，无法导出",
            "This case has no evidence to export yet",
        ),
        K::Unwritable => ("无法写入文件", "The file cannot be written"),
    };
    let text = tr(lang, zh, en);
    if name.is_empty() {
        text
    } else {
        match lang {
            Lang::Zh => format!("{text}：{name}"),
            Lang::En => format!("{text}: {name}"),
        }
    }
}

pub(super) fn io_error(e: std::io::Error) -> AppError {
    AppError::Storage {
        detail: e.to_string(),
    }
}

pub(super) fn evidence_error(e: EvidenceError) -> AppError {
    AppError::Storage {
        detail: e.to_string(),
    }
}

/// A vault error in words for people, naming steps by their titles (from `case`).
pub fn vault_error(e: VaultError, case: Option<&CaseView>, lang: Lang) -> AppError {
    let title = |id: &str| -> String {
        case.and_then(|c| c.step(id))
            .map(|s| s.title.get(lang).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let number = |id: &str| case.and_then(|c| c.step(id)).map_or(0, |s| s.number);
    match e {
        VaultError::UnknownCase { id } => AppError::NotFound {
            what: Missing::Case,
            id,
        },
        VaultError::AmbiguousCase { prefix, .. } => AppError::AmbiguousCase { prefix },
        VaultError::UnknownStep { step, .. } => AppError::NotFound {
            what: Missing::Step,
            id: step,
        },
        VaultError::UnknownRoute { route, .. } => AppError::NotFound {
            what: Missing::Route,
            id: route,
        },
        VaultError::StepDropped { step } => AppError::StepDropped {
            step_title: title(&step),
            step,
        },
        VaultError::DependencyNotDone {
            step, dependency, ..
        } => AppError::DependencyNotDone {
            step_title: title(&step),
            dependency_title: title(&dependency),
            dependency_number: number(&dependency),
            step,
            dependency,
        },
        VaultError::BlockersNotCleared { blockers, .. } => blocked_by(&blockers, case, lang),
        VaultError::InvalidTransition { step, from, action } => AppError::InvalidTransition {
            step_title: title(&step),
            step,
            from: label(from.labels(), lang).to_string(),
            action: label(action.labels(), lang).to_string(),
            hint: None,
        },
        VaultError::NothingToStart { step } => {
            refused_by_kind(step, TransitionHint::NothingToStart, case, lang)
        }
        VaultError::NoAnswerToAwait { step } => {
            refused_by_kind(step, TransitionHint::NoAnswerToAwait, case, lang)
        }
        VaultError::NothingToUndo { step } => AppError::NothingToUndo {
            step_title: title(&step),
            step,
        },
        VaultError::DependentStarted {
            step, dependent, ..
        } => AppError::DependentStarted {
            step_title: title(&step),
            dependent_title: title(&dependent),
            step,
            dependent,
        },
        VaultError::TimeInFuture { .. } => AppError::TimeInFuture,
        VaultError::TimeBeforePrevious { previous, .. } => AppError::TimeBeforePrevious {
            previous_beijing: beijing_text(&previous),
        },
        VaultError::TimeTooEarly { limit, bound, .. } => match bound {
            crate::vault::TimeBound::Earliest => AppError::TimeTooEarly {
                limit_beijing: String::new(),
                dependency_title: String::new(),
                dependency_number: 0,
            },
            crate::vault::TimeBound::DependencySettled { step } => AppError::TimeTooEarly {
                limit_beijing: beijing_text(&limit),
                dependency_title: title(&step),
                dependency_number: number(&step),
            },
        },
        VaultError::NoteTooLong { chars, max } => AppError::NoteTooLong { chars, max },
        VaultError::Archived { .. } => AppError::Archived,
        VaultError::PackVersionMismatch {
            case_version,
            current,
        }
        | VaultError::PackDowngrade {
            case_version,
            current,
        } => AppError::PackOutdated {
            case_version,
            current,
        },
        VaultError::Facts(f) => fact_error(f, None, lang),
        VaultError::TooNew { found, supported } => {
            AppError::VaultFromNewerVersion { found, supported }
        }
        VaultError::Busy | VaultError::Replaced => AppError::Busy,
        VaultError::UnknownRule { rule, .. } => AppError::NotFound {
            what: Missing::Rule,
            id: rule,
        },
        VaultError::NoSpace => AppError::FileProblem {
            code: FileProblemKind::NoSpace,
            name: String::new(),
        },
        other @ (VaultError::Io { .. }
        | VaultError::NotADatabase { .. }
        | VaultError::NotAFolder { .. }
        | VaultError::NotAVault { .. }
        | VaultError::Interrupted
        | VaultError::Sqlite(_)
        | VaultError::Corrupt { .. }
        | VaultError::Evidence(_)
        | VaultError::ScenarioMismatch { .. }) => storage_error(&other, lang),
    }
}

/// A step whose kind, not its status, refuses the action: its status words say where it
/// stands, the hint why.
fn refused_by_kind(
    step: String,
    hint: TransitionHint,
    case: Option<&CaseView>,
    lang: Lang,
) -> AppError {
    let view = case.and_then(|c| c.step(&step));
    let action = match hint {
        TransitionHint::NothingToStart => crate::vault::StepAction::Start,
        TransitionHint::NoAnswerToAwait => crate::vault::StepAction::Submit,
    };
    AppError::InvalidTransition {
        step_title: view.map_or_else(|| step.clone(), |s| s.title.get(lang).to_string()),
        step,
        from: view
            .map_or("", |s| label(s.status.labels(), lang))
            .to_string(),
        action: label(action.labels(), lang).to_string(),
        hint: Some(hint),
    }
}

/// The first blocker that holds a step back, by its title, with its remedy.
fn blocked_by(blockers: &str, case: Option<&CaseView>, lang: Lang) -> AppError {
    let first = blockers.split(", ").next().unwrap_or_default().to_string();
    let b = case.and_then(|c| c.blockers.iter().find(|b| b.id == first));
    AppError::BlockedBy {
        blocker_title: b.map_or(first.clone(), |b| b.title.get(lang).to_string()),
        remedy: b.map_or(String::new(), |b| b.remedy.get(lang).to_string()),
        blocker: first,
    }
}

/// A vault that cannot be read or written: its message in one language, with the
/// system's reason after it.
fn storage_error(e: &VaultError, lang: Lang) -> AppError {
    let mut detail = vault_words(e, lang);
    if let Some(reason) = std::error::Error::source(e)
        .map(|r| r.to_string())
        .filter(|r| !detail.contains(r.as_str()))
    {
        detail.push_str(match lang {
            Lang::Zh => "：",
            Lang::En => ": ",
        });
        detail.push_str(&reason);
    }
    AppError::Storage { detail }
}

/// One of a (zh, en) pair of labels.
fn label(pair: (&'static str, &'static str), lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => pair.0,
        Lang::En => pair.1,
    }
}

/// A vault error in words for people, in `lang`: the vault's errors carry none of their
/// own (their `Display` is for logs). Where a screen has the case at hand,
/// [`vault_error`] words them better (step titles instead of ids); this is for the CLI's
/// and the storage paths, which have only the error.
pub fn vault_words(e: &VaultError, lang: Lang) -> String {
    match e {
        VaultError::Busy
        | VaultError::Corrupt { .. }
        | VaultError::Evidence(_)
        | VaultError::Interrupted
        | VaultError::Io { .. }
        | VaultError::NoSpace
        | VaultError::NotADatabase { .. }
        | VaultError::NotAFolder { .. }
        | VaultError::NotAVault { .. }
        | VaultError::Replaced
        | VaultError::Sqlite(_)
        | VaultError::TooNew { .. }
        | VaultError::UnknownRule { .. } => vault_storage_words(e, lang),
        VaultError::AmbiguousCase { .. }
        | VaultError::Archived { .. }
        | VaultError::Facts(_)
        | VaultError::PackDowngrade { .. }
        | VaultError::PackVersionMismatch { .. }
        | VaultError::ScenarioMismatch { .. }
        | VaultError::UnknownCase { .. } => vault_case_words(e, lang),
        VaultError::BlockersNotCleared { .. }
        | VaultError::DependencyNotDone { .. }
        | VaultError::DependentStarted { .. }
        | VaultError::InvalidTransition { .. }
        | VaultError::NoAnswerToAwait { .. }
        | VaultError::NoteTooLong { .. }
        | VaultError::NothingToStart { .. }
        | VaultError::NothingToUndo { .. }
        | VaultError::StepDropped { .. }
        | VaultError::TimeBeforePrevious { .. }
        | VaultError::TimeInFuture { .. }
        | VaultError::TimeTooEarly { .. }
        | VaultError::UnknownRoute { .. }
        | VaultError::UnknownStep { .. } => vault_step_words(e, lang),
    }
}

/// The vault itself: where it is, what it holds, whether it can be written now.
fn vault_storage_words(e: &VaultError, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: String, en: String| if zh { z } else { en };
    match e {
        VaultError::UnknownRule { scenario, rule } => pick(
            format!("场景 {scenario} 没有规则 `{rule}`"),
            format!("scenario {scenario} has no rule `{rule}`"),
        ),
        VaultError::Evidence(d) => pick(
            format!("证据库恢复失败：{d}"),
            format!("evidence recovery failed: {d}"),
        ),
        VaultError::Io { path, .. } => pick(
            format!("无法访问保险库「{}」", path.display()),
            format!("cannot access the vault at {}", path.display()),
        ),
        VaultError::NotADatabase { path } => pick(
            format!("不是 SQLite 数据库：{}", path.display()),
            format!("not a SQLite database: {}", path.display()),
        ),
        VaultError::TooNew { found, supported } => pick(
            format!("保险库由更新版本的退路创建（数据库结构版本 {found}，本程序支持到 {supported}），请升级退路；未做任何修改"),
            format!("the vault was written by a newer Tuilu (schema version {found}, this build supports up to {supported}); upgrade Tuilu. Nothing was changed"),
        ),
        VaultError::Busy => pick(
            "保险库正被其他程序占用，请稍后重试".into(),
            "the vault is locked by another process; try again".into(),
        ),
        VaultError::Interrupted => pick(
            "操作已中断".into(),
            "the operation was interrupted".into(),
        ),
        VaultError::Replaced => pick(
            "保险库刚刚从备份恢复，这次操作没有保存；请重试".into(),
            "the vault was just restored from a backup and this operation was not saved; try again".into(),
        ),
        VaultError::NoSpace => pick(
            "存储空间不足：这次操作没有保存，保险库保持原样；请释放一些空间后重试".into(),
            "not enough storage space: this operation was not saved and the vault is as it was; free some space and try again".into(),
        ),
        VaultError::NotAFolder { path } => pick(
            format!("「{}」是一个文件，不是保险库文件夹；请指定一个文件夹", path.display()),
            format!("{} is a file, not a vault folder; choose a folder", path.display()),
        ),
        VaultError::NotAVault { path, found } => pick(
            format!(
                "「{}」里已有其他文件（{}），不是退路保险库；不会在这里建立保险库，请指定一个空文件夹或现有的保险库",
                path.display(),
                found.join("、")
            ),
            format!(
                "{} already holds other files ({}) and is not a Tuilu vault; no vault is created there: choose an empty folder or an existing vault",
                path.display(),
                found.join(", ")
            ),
        ),
        VaultError::Sqlite(e) => pick(format!("数据库错误：{e}"), format!("database error: {e}")),
        VaultError::Corrupt { what, detail } => pick(
            format!("保险库数据损坏（{what}）：{detail}"),
            format!("corrupt vault data ({what}): {detail}"),
        ),
        // `vault_words` sends only this family here.
        _ => String::new(),
    }
}

/// A case: which one, its state, its pack and its facts.
fn vault_case_words(e: &VaultError, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: String, en: String| if zh { z } else { en };
    match e {
        VaultError::UnknownCase { id } => pick(format!("找不到案件「{id}」"), format!("no case `{id}`")),
        VaultError::AmbiguousCase { prefix, matches } => pick(
            format!("案件编号「{prefix}」不唯一：{matches}"),
            format!("case id prefix `{prefix}` is ambiguous: {matches}"),
        ),
        VaultError::Archived { id } => pick(
            format!("案件 {id} 已归档，先取消归档"),
            format!("case {id} is archived; unarchive it first"),
        ),
        VaultError::ScenarioMismatch { case_scenario, given } => pick(
            format!("案件属于场景 {case_scenario}，不是 {given}"),
            format!("the case belongs to scenario {case_scenario}, not {given}"),
        ),
        VaultError::PackVersionMismatch { case_version, current } => pick(
            format!("案件使用规则包 v{case_version}，当前为 v{current}；请先更新案件的规则"),
            format!("the case uses pack v{case_version}, the current pack is v{current}; update the case's rules first"),
        ),
        VaultError::PackDowngrade { case_version, current } => pick(
            format!("当前规则包 v{current} 比案件使用的 v{case_version} 旧，不能降级"),
            format!("the current pack v{current} is older than the case's v{case_version}; refusing to downgrade"),
        ),
        VaultError::Facts(f) => crate::text::one_language(&f.to_string(), lang),
        // `vault_words` sends only this family here.
        _ => String::new(),
    }
}

/// A step and its transition: what the step allows, and the times given.
fn vault_step_words(e: &VaultError, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: String, en: String| if zh { z } else { en };
    match e {
        VaultError::UnknownStep { step, known } => pick(
            format!("案件中没有步骤「{step}」（步骤：{known}）"),
            format!("the case has no step `{step}` (steps: {known})"),
        ),
        VaultError::StepDropped { step } => pick(
            format!("步骤 {step} 已不在当前计划中（事实变更后移出），不能操作"),
            format!("step {step} is not in the current plan (dropped after a change); it cannot be transitioned"),
        ),
        VaultError::UnknownRoute { step, route, known } => pick(
            format!("步骤 {step} 没有办理途径 {route}（途径：{known}）"),
            format!("step {step} has no route `{route}` (routes: {known})"),
        ),
        VaultError::DependencyNotDone { step, dependency, action, status } => pick(
            format!(
                "依赖步骤 {dependency} 尚未完成（{}），不能{}步骤 {step}",
                status.labels().0,
                action.labels().0
            ),
            format!(
                "dependency {dependency} is not done ({}); cannot {} step {step}",
                status.labels().1,
                action.labels().1
            ),
        ),
        VaultError::BlockersNotCleared { step, blockers } => pick(
            format!("存在未解决的阻碍：{blockers}；解决后再提交步骤 {step}"),
            format!("blockers not cleared: {blockers}; resolve them before submitting step {step}"),
        ),
        VaultError::NothingToStart { step } => pick(
            format!("步骤 {step} 是等待期或办理时限，没有需要“开始”的事：它的计时从提交时算起"),
            format!("step {step} is a waiting period or a window: there is nothing to start; its clock runs from when it is handed in"),
        ),
        VaultError::NoAnswerToAwait { step } => pick(
            format!("步骤 {step} 没有需要等待的答复，不用提交：办完后标记为已完成"),
            format!("step {step} has no answer to wait for, so there is nothing to submit: mark it done when it is done"),
        ),
        VaultError::InvalidTransition { step, from, action } => pick(
            format!("步骤 {step} 当前为「{}」，不能{}", from.labels().0, action.labels().0),
            format!("step {step} is {}; cannot {} it", from.labels().1, action.labels().1),
        ),
        VaultError::NothingToUndo { step } => pick(
            format!("步骤 {step} 没有可撤销的操作"),
            format!("step {step} has no transition to undo"),
        ),
        VaultError::DependentStarted { step, dependent, status } => pick(
            format!(
                "步骤 {dependent} 依赖步骤 {step} 且已开始（{}），请先撤销或重置它",
                status.labels().0
            ),
            format!(
                "step {dependent} depends on {step} and is already {}; undo it first",
                status.labels().1
            ),
        ),
        VaultError::TimeInFuture { at, now } => pick(
            format!("时间 {at} 晚于现在 {now}"),
            format!("time {at} is in the future (now {now})"),
        ),
        VaultError::TimeTooEarly { at, limit, bound } => match bound {
            crate::vault::TimeBound::DependencySettled { step } => pick(
                format!("时间 {at} 早于前置步骤 {step} 完成的时间 {limit}"),
                format!("time {at} is before step {step} it depends on was settled at {limit}"),
            ),
            crate::vault::TimeBound::Earliest => pick(
                format!("时间 {at} 早于可接受的最早时间 {limit}"),
                format!("time {at} is before the earliest accepted time at {limit}"),
            ),
        },
        VaultError::NoteTooLong { chars, max } => pick(
            format!("备注太长（{chars} 字），最多 {max} 字"),
            format!("the note is too long ({chars} characters; at most {max})"),
        ),
        VaultError::TimeBeforePrevious { step, at, previous } => pick(
            format!("时间 {at} 早于步骤 {step} 上一次变更的时间 {previous}"),
            format!("time {at} is before step {step}'s previous transition at {previous}"),
        ),
        // `vault_words` sends only this family here.
        _ => String::new(),
    }
}

/// A fact error in words for people.
pub fn fact_error(e: FactError, scenario: Option<&Scenario>, lang: Lang) -> AppError {
    match e {
        FactError::Unknown { fact, .. } => AppError::UnknownFact { fact },
        FactError::WrongType { fact, .. } => {
            let def = scenario.and_then(|s| s.fact(&fact));
            AppError::InvalidFact {
                fact_title: def.map_or(fact.clone(), |d| d.prompt.get(lang).to_string()),
                reason: def
                    .map(|d| crate::rules::facts::accepted_input(d).get(lang).to_string())
                    .unwrap_or_default(),
                fact,
            }
        }
        FactError::PastLimit { fact, limit } => AppError::InvalidFact {
            fact_title: scenario
                .and_then(|s| s.fact(&fact))
                .map_or(fact.clone(), |d| d.prompt.get(lang).to_string()),
            reason: limit.get(lang).to_string(),
            fact,
        },
    }
}

/// A stored RFC 3339 instant as Beijing time to the minute.
fn beijing_text(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|t| crate::text::minute_text(&t.with_timezone(&crate::calendar::BEIJING)))
        .unwrap_or_else(|_| stored.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{StepAction, StepStatus, TimeBound};
    use std::path::PathBuf;

    /// Every vault error has words in each language (none falls through a family's match
    /// to an empty string), and the Chinese words have no English sentence in them.
    #[test]
    fn every_vault_error_is_worded_in_both_languages() {
        let s = || "x".to_string();
        let path = || PathBuf::from("/tmp/v");
        let all = vec![
            VaultError::UnknownRule {
                scenario: s(),
                rule: s(),
            },
            VaultError::Evidence(s()),
            VaultError::Io {
                path: path(),
                source: std::io::Error::other("disk"),
            },
            VaultError::NotADatabase { path: path() },
            VaultError::TooNew {
                found: 9,
                supported: 8,
            },
            VaultError::Busy,
            VaultError::Interrupted,
            VaultError::Replaced,
            VaultError::NoSpace,
            VaultError::NotAFolder { path: path() },
            VaultError::NotAVault {
                path: path(),
                found: vec![s()],
            },
            VaultError::Sqlite(rusqlite::Error::InvalidQuery),
            VaultError::Corrupt {
                what: s(),
                detail: s(),
            },
            VaultError::UnknownCase { id: s() },
            VaultError::AmbiguousCase {
                prefix: s(),
                matches: s(),
            },
            VaultError::Archived { id: s() },
            VaultError::ScenarioMismatch {
                case_scenario: s(),
                given: s(),
            },
            VaultError::PackVersionMismatch {
                case_version: s(),
                current: s(),
            },
            VaultError::PackDowngrade {
                case_version: s(),
                current: s(),
            },
            VaultError::UnknownStep {
                step: s(),
                known: s(),
            },
            VaultError::StepDropped { step: s() },
            VaultError::UnknownRoute {
                step: s(),
                route: s(),
                known: s(),
            },
            VaultError::DependencyNotDone {
                step: s(),
                dependency: s(),
                action: StepAction::Start,
                status: StepStatus::Todo,
            },
            VaultError::BlockersNotCleared {
                step: s(),
                blockers: s(),
            },
            VaultError::NothingToStart { step: s() },
            VaultError::NoAnswerToAwait { step: s() },
            VaultError::InvalidTransition {
                step: s(),
                from: StepStatus::Done,
                action: StepAction::Submit,
            },
            VaultError::NothingToUndo { step: s() },
            VaultError::DependentStarted {
                step: s(),
                dependent: s(),
                status: StepStatus::InProgress,
            },
            VaultError::TimeInFuture { at: s(), now: s() },
            VaultError::TimeTooEarly {
                at: s(),
                limit: s(),
                bound: TimeBound::Earliest,
            },
            VaultError::TimeTooEarly {
                at: s(),
                limit: s(),
                bound: TimeBound::DependencySettled { step: s() },
            },
            VaultError::NoteTooLong { chars: 5, max: 4 },
            VaultError::TimeBeforePrevious {
                step: s(),
                at: s(),
                previous: s(),
            },
        ];
        for e in &all {
            let zh = vault_words(e, Lang::Zh);
            let en = vault_words(e, Lang::En);
            assert!(!zh.is_empty() && !en.is_empty(), "{e:?}");
            assert_ne!(zh, en, "{e:?}");
            assert!(
                !zh.contains(" the ") && !zh.contains("cannot"),
                "English in the Chinese words of {e:?}: {zh}"
            );
        }
    }
}
