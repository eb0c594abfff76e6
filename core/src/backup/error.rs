//! The errors of backup, inspect and restore. Every one leaves the current vault untouched.

use std::io;

use thiserror::Error;

/// Why a backup could not be made, read or restored.
#[derive(Debug, Error)]
pub enum BackupError {
    /// The passphrase does not open this backup.
    #[error("口令不对，无法打开此备份 / wrong passphrase: it does not open this backup")]
    WrongPassphrase,
    /// The file ends early: it was cut off (an interrupted copy or upload).
    #[error("备份文件不完整（被截断或末尾损坏） / the backup file is incomplete (truncated or damaged at its end)")]
    Truncated,
    /// The encrypted data fails its authentication: bytes were changed.
    #[error("备份文件已损坏（内容被改动） / the backup file is damaged (its bytes were changed)")]
    Damaged,
    /// An entry inside the backup is not what the manifest says.
    #[error("备份内容与清单不符：{path}（{}） / a backup entry does not match the manifest: {path} ({what})", mismatch_zh(what))]
    EntryMismatch { path: String, what: &'static str },
    /// Written by a newer Tuilu.
    #[error("备份由更新版本的退路生成（格式 {found}，本版本支持到 {supported}），请先更新应用 / the backup was made by a newer Tuilu (format {found}, this version reads up to {supported}); update the app first")]
    NewerFormat { found: u32, supported: u32 },
    /// Not an age file, not passphrase-encrypted, or no Tuilu manifest inside.
    #[error("这不是退路备份文件 / this is not a Tuilu backup file")]
    NotABackup,
    /// The backup file does not exist.
    #[error("找不到备份文件 / backup file not found")]
    NotFound,
    /// The output file already exists.
    #[error("输出文件已存在，不会覆盖：{name} / the output file already exists and is not overwritten: {name}")]
    OutputExists { name: String },
    /// Restoring over a vault that has content (cases, evidence, flags, imported years,
    /// added packs...) needs an explicit replace. The shells word the choice (the CLI's
    /// `--replace`, a button on the phones).
    #[error("当前保险库已有内容（{zh}），恢复会替换它 / the current vault has content ({en}); restoring replaces it")]
    VaultHasContent { zh: String, en: String },
    /// Where the vault folder should be there is a file: nothing is touched.
    #[error("「{name}」是一个文件，不是文件夹；恢复不会覆盖它，请选择一个空文件夹或现有的保险库 / {name} is a file, not a folder; restore does not overwrite it: choose an empty folder or an existing vault")]
    TargetNotAFolder { name: String },
    /// The target folder holds files that are not a vault's: restore deletes nothing there,
    /// with or without replace.
    #[error("「{name}」既不是空文件夹，也不是退路保险库（里面有 {found_zh}）；恢复不会删除其中任何文件，请选择一个空文件夹或现有的保险库 / {name} is neither an empty folder nor a Tuilu vault (it holds {found_en}); restore deletes nothing there: choose an empty folder or an existing vault")]
    TargetNotAVault {
        name: String,
        found_zh: String,
        found_en: String,
    },
    /// The backup file would be written inside the vault folder (the next backup would
    /// carry it, and a restore would delete it).
    #[error("备份文件不能放在保险库文件夹里，请选择别的位置 / the backup cannot be written inside the vault folder: choose another place")]
    OutputInsideVault,
    /// The restored vault failed its checks (database integrity, evidence hashes, custody
    /// chain); nothing was made live.
    #[error("备份中的保险库未通过校验，未恢复：{} / the vault in the backup failed verification and was not restored: {}", .zh.join("；"), .en.join("; "))]
    VerifyFailed { zh: Vec<String>, en: Vec<String> },
    /// The disk filled up.
    #[error("存储空间不足：操作没有完成，没有留下不完整的文件，保险库保持原样；请释放一些空间后重试 / not enough storage space: the operation was not completed, no partial file was left and the vault is as it was; free some space and try again")]
    NoSpace,
    /// The backup asks for more scrypt work than any backup may
    /// ([`super::MAX_SCRYPT_LOG_N`]): made with a work factor no phone should have to
    /// meet, or hostile. Refused before any work.
    #[error("这个备份要求的口令加密强度过高：打开它需要约 {} MB 内存，退路最多接受 {} MB，为保护本设备没有尝试打开。若备份来自其他 age 工具，请在电脑上用较低强度重新加密 / the backup asks for too much passphrase work: opening it needs about {} MB of memory and Tuilu accepts at most {} MB, so it was not tried. If another age tool made it, re-encrypt it on a computer with a lower work factor", mib(*.required), mib(*.maximum), mib(*.required), mib(*.maximum))]
    TooCostly {
        /// The work factor (log2 N) in the file's header.
        required: u8,
        /// [`super::MAX_SCRYPT_LOG_N`].
        maximum: u8,
    },
    /// A work factor outside the range a backup may be made with.
    #[error("加密强度参数超出范围：{requested}（允许 {min}–{max}） / scrypt work factor out of range: {requested} (allowed {min}–{max})")]
    WorkFactorOutOfRange { requested: u8, min: u8, max: u8 },
    /// An ASCII-armoured age file (`-----BEGIN AGE ENCRYPTED FILE-----`) that is not
    /// valid armour.
    #[error("这是文本格式（ASCII 封装）的 age 加密文件，但其内容已损坏 / this is an ASCII-armoured age file, but its armour is damaged")]
    DamagedArmor,
    /// An empty passphrase.
    #[error("口令不能为空 / the passphrase must not be empty")]
    EmptyPassphrase,
    /// A passphrase guessed in moments ([`super::assess_passphrase`] says too weak).
    #[error("口令太弱：{zh} / the passphrase is too weak: {en}")]
    WeakPassphrase { zh: String, en: String },
    /// The vault stayed busy (another writer held it for the whole wait).
    #[error("保险库正在使用中，请稍后重试 / the vault is in use; try again in a moment")]
    Busy,
    /// Cancelled by the caller; nothing is left behind.
    #[error("已取消 / cancelled")]
    Cancelled,
    /// Another file-system error. The system's reason is the source (a detail line).
    #[error("文件操作失败（{}） / file operation failed ({op})", op_zh(op))]
    Io {
        op: &'static str,
        #[source]
        source: io::Error,
    },
    /// The vault database could not be read or opened.
    #[error("保险库数据库错误 / vault database error: {0}")]
    Vault(String),
}

impl BackupError {
    /// Maps an I/O error while writing: a full disk is [`BackupError::NoSpace`].
    pub(crate) fn write(op: &'static str) -> impl FnOnce(io::Error) -> BackupError {
        move |e| BackupError::from_io(op, e)
    }

    pub(crate) fn from_io(op: &'static str, e: io::Error) -> BackupError {
        if is_no_space(&e) {
            BackupError::NoSpace
        } else {
            BackupError::Io { op, source: e }
        }
    }

    /// The message in one language (`Display` gives both, Chinese first).
    pub fn message(&self, lang: crate::Lang) -> String {
        if let BackupError::VerifyFailed { zh, en } = self {
            return match lang {
                crate::Lang::Zh => format!("备份中的保险库未通过校验，未恢复：{}", zh.join("；")),
                crate::Lang::En => format!(
                    "the vault in the backup failed verification and was not restored: {}",
                    en.join("; ")
                ),
            };
        }
        crate::text::one_language(&self.to_string(), lang)
    }

    /// What kind of failure, for the apps to branch on and for scripts.
    pub fn kind(&self) -> BackupErrorKind {
        match self {
            BackupError::WrongPassphrase => BackupErrorKind::WrongPassphrase,
            BackupError::Truncated => BackupErrorKind::Truncated,
            BackupError::Damaged => BackupErrorKind::Damaged,
            BackupError::EntryMismatch { .. } => BackupErrorKind::EntryMismatch,
            BackupError::NewerFormat { .. } => BackupErrorKind::NewerFormat,
            BackupError::NotABackup => BackupErrorKind::NotABackup,
            BackupError::NotFound => BackupErrorKind::NotFound,
            BackupError::OutputExists { .. } => BackupErrorKind::OutputExists,
            BackupError::VaultHasContent { .. } => BackupErrorKind::VaultHasCases,
            BackupError::TargetNotAFolder { .. } => BackupErrorKind::TargetNotAFolder,
            BackupError::TargetNotAVault { .. } => BackupErrorKind::TargetNotAVault,
            BackupError::OutputInsideVault => BackupErrorKind::OutputInsideVault,
            BackupError::VerifyFailed { .. } => BackupErrorKind::VerifyFailed,
            BackupError::NoSpace => BackupErrorKind::NoSpace,
            BackupError::EmptyPassphrase => BackupErrorKind::EmptyPassphrase,
            BackupError::WeakPassphrase { .. } => BackupErrorKind::WeakPassphrase,
            BackupError::TooCostly { .. } => BackupErrorKind::TooCostly,
            BackupError::WorkFactorOutOfRange { .. } => BackupErrorKind::WorkFactorOutOfRange,
            BackupError::DamagedArmor => BackupErrorKind::DamagedArmor,
            BackupError::Cancelled => BackupErrorKind::Cancelled,
            BackupError::Busy => BackupErrorKind::Busy,
            BackupError::Io { .. } => BackupErrorKind::Io,
            BackupError::Vault(_) => BackupErrorKind::Vault,
        }
    }
}

/// What is wrong with an entry ([`BackupError::EntryMismatch`]'s English `what`), in Chinese.
fn mismatch_zh(what: &str) -> &'static str {
    match what {
        "changed while it was being backed up; try again" => "备份过程中文件被改动，请重试",
        "bad entry list" => "条目列表无效",
        "not a file a vault holds" => "不是保险库里会有的文件",
        "not exactly one database" => "数据库条目不是恰好一个",
        "not in the manifest" => "清单里没有这个条目",
        "twice in the archive" => "条目重复出现",
        "size differs from the manifest" => "大小与清单不符",
        "SHA-256 differs from the manifest" => "SHA-256 与清单不符",
        "missing from the archive" => "备份中缺少这个条目",
        "unreadable manifest" => "清单无法读取",
        _ => "内容不符",
    }
}

/// The file operations of [`BackupError::Io`] in Chinese.
fn op_zh(op: &str) -> &'static str {
    match op {
        "read" => "读取",
        "write" => "写入",
        "open" => "打开",
        "create" => "创建",
        "mkdir" => "创建文件夹",
        "rename" => "重命名",
        "fsync" => "写入磁盘",
        "stat" => "读取文件信息",
        "list" => "列出文件",
        "lock" => "加锁",
        "remove" => "删除",
        _ => "文件操作",
    }
}

/// scrypt's memory at work factor `log_n`, in MB (MiB), for messages.
fn mib(log_n: u8) -> u64 {
    super::work_factor::scrypt_memory_bytes(log_n.min(53)) >> 20
}

pub(crate) fn is_no_space(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::StorageFull || e.raw_os_error() == Some(libc::ENOSPC)
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> BackupError {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                rusqlite::ErrorCode::DiskFull => return BackupError::NoSpace,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                    return BackupError::Busy
                }
                _ => {}
            }
        }
        BackupError::Vault(e.to_string())
    }
}

impl From<crate::vault::VaultError> for BackupError {
    /// A busy vault or a full disk keep their own kinds (the apps retry, or say to free
    /// space); anything else is the vault's, with its description for the details.
    fn from(e: crate::vault::VaultError) -> BackupError {
        use crate::vault::VaultError as V;
        match e {
            V::Busy | V::Replaced => BackupError::Busy,
            V::NoSpace => BackupError::NoSpace,
            e => BackupError::Vault(e.to_string()),
        }
    }
}

/// The kinds of [`BackupError`]. `VaultHasCases`: the target vault has content, and only an
/// explicit replace may overwrite it (the apps then offer their replace button).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupErrorKind {
    WrongPassphrase,
    Truncated,
    Damaged,
    EntryMismatch,
    NewerFormat,
    NotABackup,
    NotFound,
    OutputExists,
    VaultHasCases,
    TargetNotAFolder,
    TargetNotAVault,
    OutputInsideVault,
    VerifyFailed,
    NoSpace,
    EmptyPassphrase,
    WeakPassphrase,
    TooCostly,
    WorkFactorOutOfRange,
    DamagedArmor,
    Cancelled,
    Busy,
    Io,
    Vault,
}

impl BackupErrorKind {
    /// The stable tag (`wrong_passphrase`, `vault_has_cases`...).
    pub fn as_str(self) -> &'static str {
        match self {
            BackupErrorKind::WrongPassphrase => "wrong_passphrase",
            BackupErrorKind::Truncated => "truncated",
            BackupErrorKind::Damaged => "damaged",
            BackupErrorKind::EntryMismatch => "entry_mismatch",
            BackupErrorKind::NewerFormat => "newer_format",
            BackupErrorKind::NotABackup => "not_a_backup",
            BackupErrorKind::NotFound => "not_found",
            BackupErrorKind::OutputExists => "output_exists",
            BackupErrorKind::VaultHasCases => "vault_has_cases",
            BackupErrorKind::TargetNotAFolder => "target_not_a_folder",
            BackupErrorKind::TargetNotAVault => "target_not_a_vault",
            BackupErrorKind::OutputInsideVault => "output_inside_vault",
            BackupErrorKind::VerifyFailed => "verify_failed",
            BackupErrorKind::NoSpace => "no_space",
            BackupErrorKind::EmptyPassphrase => "empty_passphrase",
            BackupErrorKind::WeakPassphrase => "weak_passphrase",
            BackupErrorKind::TooCostly => "too_costly",
            BackupErrorKind::WorkFactorOutOfRange => "work_factor_out_of_range",
            BackupErrorKind::DamagedArmor => "damaged_armor",
            BackupErrorKind::Cancelled => "cancelled",
            BackupErrorKind::Busy => "busy",
            BackupErrorKind::Io => "io",
            BackupErrorKind::Vault => "vault",
        }
    }
}
