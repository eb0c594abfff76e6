//! Vault errors. Every message is bilingual (zh-Hans first), names what it is about and
//! carries no personal data beyond ids the user typed.

use std::path::PathBuf;

use crate::rules::FactError;

/// Everything that can go wrong with the vault, its cases and their steps.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("场景 {scenario} 没有规则 `{rule}` / scenario {scenario} has no rule `{rule}`")]
    UnknownRule { scenario: String, rule: String },
    #[error("证据库恢复失败：{0} / evidence recovery failed: {0}")]
    Evidence(String),
    /// The system's reason is the source (shown as a detail line, once).
    #[error("无法访问保险库「{}」 / cannot access the vault at {}", .path.display(), .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("不是 SQLite 数据库：{} / not a SQLite database: {}", .path.display(), .path.display())]
    NotADatabase { path: PathBuf },
    #[error(
        "保险库由更新版本的退路创建（数据库结构版本 {found}，本程序支持到 {supported}），请升级退路；未做任何修改 / \
         the vault was written by a newer Tuilu (schema version {found}, this build supports up to {supported}); \
         upgrade Tuilu. Nothing was changed"
    )]
    TooNew { found: u32, supported: u32 },
    #[error(
        "保险库正被其他程序占用，请稍后重试 / the vault is locked by another process; try again"
    )]
    Busy,
    #[error("操作已中断 / the operation was interrupted")]
    Interrupted,
    /// The vault was restored from a backup since it was opened: the write was rolled
    /// back; open the vault again.
    #[error(
        "保险库刚刚从备份恢复，这次操作没有保存；请重试 / \
         the vault was just restored from a backup and this operation was not saved; try again"
    )]
    Replaced,
    /// The disk is full: the write was rolled back, nothing changed.
    #[error(
        "存储空间不足：这次操作没有保存，保险库保持原样；请释放一些空间后重试 / \
         not enough storage space: this operation was not saved and the vault is as it was; free some space and try again"
    )]
    NoSpace,
    /// Where the vault folder should be there is a file.
    #[error(
        "「{}」是一个文件，不是保险库文件夹；请指定一个文件夹 / \
         {} is a file, not a vault folder; choose a folder",
        .path.display(), .path.display()
    )]
    NotAFolder { path: PathBuf },
    /// A folder that holds other files and no vault: no vault is created there.
    #[error(
        "「{}」里已有其他文件（{}），不是退路保险库；不会在这里建立保险库，请指定一个空文件夹或现有的保险库 / \
         {} already holds other files ({}) and is not a Tuilu vault; no vault is created there: choose an empty folder or an existing vault",
        .path.display(), .found.join("、"), .path.display(), .found.join(", ")
    )]
    NotAVault { path: PathBuf, found: Vec<String> },
    #[error("数据库错误：{0} / database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("保险库数据损坏（{what}）：{detail} / corrupt vault data ({what}): {detail}")]
    Corrupt { what: String, detail: String },

    #[error("找不到案件「{id}」 / no case `{id}`")]
    UnknownCase { id: String },
    #[error(
        "案件编号「{prefix}」不唯一：{matches} / case id prefix `{prefix}` is ambiguous: {matches}"
    )]
    AmbiguousCase { prefix: String, matches: String },
    #[error("案件 {id} 已归档，先取消归档 / case {id} is archived; unarchive it first")]
    Archived { id: String },
    #[error(
        "案件属于场景 {case_scenario}，不是 {given} / the case belongs to scenario {case_scenario}, not {given}"
    )]
    ScenarioMismatch {
        case_scenario: String,
        given: String,
    },
    #[error(
        "案件使用规则包 v{case_version}，当前为 v{current}；请先运行 `tuilu case upgrade` / \
         the case uses pack v{case_version}, the current pack is v{current}; run `tuilu case upgrade` first"
    )]
    PackVersionMismatch {
        case_version: String,
        current: String,
    },
    #[error(
        "当前规则包 v{current} 比案件使用的 v{case_version} 旧，不能降级 / \
         the current pack v{current} is older than the case's v{case_version}; refusing to downgrade"
    )]
    PackDowngrade {
        case_version: String,
        current: String,
    },
    #[error(transparent)]
    Facts(#[from] FactError),

    #[error("案件中没有步骤「{step}」（步骤：{known}） / the case has no step `{step}` (steps: {known})")]
    UnknownStep { step: String, known: String },
    #[error(
        "步骤 {step} 已不在当前计划中（事实变更后移出），不能操作 / \
         step {step} is not in the current plan (dropped after a change); it cannot be transitioned"
    )]
    StepDropped { step: String },
    #[error(
        "步骤 {step} 没有办理途径 {route}（途径：{known}） / step {step} has no route `{route}` (routes: {known})"
    )]
    UnknownRoute {
        step: String,
        route: String,
        known: String,
    },
    #[error(
        "依赖步骤 {dependency} 尚未完成（{status_zh}），不能{action_zh}步骤 {step} / \
         dependency {dependency} is not done ({status_en}); cannot {action_en} step {step}"
    )]
    DependencyNotDone {
        step: String,
        dependency: String,
        action_zh: &'static str,
        action_en: &'static str,
        status_zh: &'static str,
        status_en: &'static str,
    },
    #[error(
        "存在未解决的阻碍：{blockers}；解决后（用 `tuilu case facts` 更新事实）再提交步骤 {step} / \
         blockers not cleared: {blockers}; resolve them (update facts with `tuilu case facts`) before submitting step {step}"
    )]
    BlockersNotCleared { step: String, blockers: String },
    #[error(
        "步骤 {step} 当前为「{from_zh}」，不能{action_zh} / step {step} is {from_en}; cannot {action_en} it"
    )]
    InvalidTransition {
        step: String,
        from_zh: &'static str,
        from_en: &'static str,
        action_zh: &'static str,
        action_en: &'static str,
    },
    #[error("步骤 {step} 没有可撤销的操作 / step {step} has no transition to undo")]
    NothingToUndo { step: String },
    #[error(
        "步骤 {dependent} 依赖步骤 {step} 且已开始（{status_zh}），请先撤销或重置它 / \
         step {dependent} depends on {step} and is already {status_en}; undo it first"
    )]
    DependentStarted {
        step: String,
        dependent: String,
        status_zh: &'static str,
        status_en: &'static str,
    },
    #[error("时间 {at} 晚于现在 {now} / time {at} is in the future (now {now})")]
    TimeInFuture { at: String, now: String },
    /// A time before something that must come first (a dependency settled, the year 2000): the device clock or the typed time is wrong.
    #[error("时间 {at} 早于{} {limit} / time {at} is before {} at {limit}", .bound.zh(), .bound.en())]
    TimeTooEarly {
        at: String,
        limit: String,
        bound: TimeBound,
    },
    /// A note longer than [`crate::limits::MAX_NOTE_CHARS`].
    #[error("备注太长（{chars} 字），最多 {max} 字 / the note is too long ({chars} characters; at most {max})")]
    NoteTooLong { chars: usize, max: usize },
    #[error(
        "时间 {at} 早于步骤 {step} 上一次变更的时间 {previous} / \
         time {at} is before step {step}'s previous transition at {previous}"
    )]
    TimeBeforePrevious {
        step: String,
        at: String,
        previous: String,
    },
}

/// What a time may not come before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeBound {
    /// A step this one depends on was settled then (its id).
    DependencySettled { step: String },
    /// The earliest time Tuilu accepts ([`crate::limits::EARLIEST_TIME_SECS`]).
    Earliest,
}

impl TimeBound {
    fn zh(&self) -> String {
        match self {
            TimeBound::DependencySettled { step } => format!("前置步骤 {step} 完成的时间"),
            TimeBound::Earliest => "可接受的最早时间".into(),
        }
    }

    fn en(&self) -> String {
        match self {
            TimeBound::DependencySettled { step } => {
                format!("step {step} it depends on was settled")
            }
            TimeBound::Earliest => "the earliest accepted time".into(),
        }
    }
}

impl From<rusqlite::Error> for VaultError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => VaultError::Busy,
            Some(ErrorCode::OperationInterrupted) => VaultError::Interrupted,
            Some(ErrorCode::DiskFull) => VaultError::NoSpace,
            Some(ErrorCode::ConstraintViolation) if is_commit_hook(&e) => VaultError::Replaced,
            Some(ErrorCode::SystemIoFailure) if is_no_space_io(&e) => VaultError::NoSpace,
            Some(ErrorCode::NotADatabase) => VaultError::NotADatabase {
                path: PathBuf::new(),
            },
            _ => VaultError::Sqlite(e),
        }
    }
}

/// A commit rolled back by the vault's commit hook (the database was replaced).
fn is_commit_hook(e: &rusqlite::Error) -> bool {
    const SQLITE_CONSTRAINT_COMMITHOOK: i32 = 19 | (2 << 8);
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == SQLITE_CONSTRAINT_COMMITHOOK)
}

/// A "disk I/O error" from SQLite that is a full disk: the shared-memory file could not be
/// grown (`SQLITE_IOERR_SHMSIZE`, what even a read gets with 0 bytes free), or the write
/// failed with `ENOSPC` (SQLite's failing call leaves it in `errno`).
fn is_no_space_io(e: &rusqlite::Error) -> bool {
    const SQLITE_IOERR_SHMSIZE: i32 = 10 | (19 << 8);
    if let rusqlite::Error::SqliteFailure(f, _) = e {
        if f.extended_code == SQLITE_IOERR_SHMSIZE {
            return true;
        }
    }
    std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOSPC)
}

impl VaultError {
    /// The message in one language (`Display` gives both, Chinese first).
    pub fn message(&self, lang: crate::Lang) -> String {
        crate::text::one_language(&self.to_string(), lang)
    }

    pub(crate) fn corrupt(what: impl Into<String>, detail: impl ToString) -> VaultError {
        VaultError::Corrupt {
            what: what.into(),
            detail: detail.to_string(),
        }
    }
}

/// Result alias for vault operations.
pub type Result<T, E = VaultError> = std::result::Result<T, E>;
