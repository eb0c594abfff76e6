//! Errors of the evidence store. Messages are Simplified Chinese first, then English, and
//! name at most a file name (never a full path, a note or a case's facts).

use std::io;

/// Everything that can go wrong in the evidence store.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("找不到文件 / file not found: {name}")]
    NotFound { name: String },

    #[error("这是一个文件夹，不是文件 / this is a directory, not a file: {name}")]
    IsDirectory { name: String },

    #[error("不是普通文件 / not a regular file: {name}")]
    NotAFile { name: String },

    #[error("无法读取文件 / cannot read the file: {name}: {source}")]
    Unreadable { name: String, source: io::Error },

    #[error("存储空间不足，未保存任何内容 / not enough storage space; nothing was stored: {name}")]
    NoSpace { name: String },

    #[error(
        "文件超过允许写入的大小上限，未保存任何内容 / the file exceeds the allowed file-size \
         limit; nothing was stored: {name}"
    )]
    FileTooLarge { name: String },

    #[error("操作已取消，未留下任何内容 / cancelled; nothing was left behind")]
    Cancelled,

    #[error("输入无效 / invalid input: {0}")]
    InvalidInput(String),

    /// A note past [`crate::limits::MAX_NOTE_CHARS`]; nothing was stored.
    #[error("备注太长（{chars} 字），最多 {max} 字 / the note is too long ({chars} characters; at most {max})")]
    NoteTooLong { chars: usize, max: usize },

    /// A tag past [`crate::limits::MAX_TAG_CHARS`]; nothing was stored.
    #[error("标签太长（{chars} 字），最多 {max} 字 / a tag is too long ({chars} characters; at most {max})")]
    TagTooLong { chars: usize, max: usize },

    /// More tags than [`crate::limits::MAX_TAGS`]; nothing was stored.
    #[error("标签太多（{count} 个），最多 {max} 个 / too many tags ({count}; at most {max})")]
    TooManyTags { count: usize, max: usize },

    #[error("找不到证据 / no such evidence item: {id}")]
    UnknownItem { id: String },

    #[error("证据已删除 / the evidence item was deleted: {id}")]
    ItemDeleted { id: String },

    #[error("证据文件缺失 / the evidence file is missing: {id} ({name})")]
    ContentMissing { id: String, name: String },

    #[error("证据文件已被改动（哈希不符）/ the evidence file has changed (hash mismatch): {id} ({name})")]
    ContentChanged { id: String, name: String },

    #[error(
        "证据记录与保管日志不符（可能被改动过），未导出；请先核验证据 / the record of an \
         evidence item differs from the custody log (it may have been altered); nothing was \
         exported; verify the evidence first: {name}"
    )]
    RecordAltered { name: String },

    #[error("目标文件已存在 / the output file already exists: {name}")]
    OutputExists { name: String },

    #[error("无法读取证据包 / cannot read the bundle: {reason}")]
    BadBundle { reason: String },

    #[error("存储读写失败 / storage error while {op}: {source}")]
    Io { op: &'static str, source: io::Error },

    #[error("数据库错误 / database error: {0}")]
    Db(#[from] rusqlite::Error),
}

impl EvidenceError {
    /// The message in one language (the `Display` form gives both), naming at most a file.
    pub fn message(&self, lang: crate::Lang) -> String {
        let zh = lang == crate::Lang::Zh;
        let pick = |z: String, e: String| if zh { z } else { e };
        match self {
            EvidenceError::NotFound { name } => pick(
                format!("找不到文件：{name}"),
                format!("file not found: {name}"),
            ),
            EvidenceError::IsDirectory { name } => pick(
                format!("这是一个文件夹，不是文件：{name}"),
                format!("this is a directory, not a file: {name}"),
            ),
            EvidenceError::NotAFile { name } => pick(
                format!("不是普通文件：{name}"),
                format!("not a regular file: {name}"),
            ),
            EvidenceError::Unreadable { name, .. } => pick(
                format!("无法读取文件：{name}"),
                format!("cannot read the file: {name}"),
            ),
            EvidenceError::NoSpace { name } => pick(
                format!("存储空间不足，未保存任何内容：{name}"),
                format!("not enough storage space; nothing was stored: {name}"),
            ),
            EvidenceError::FileTooLarge { name } => pick(
                format!("文件超过允许写入的大小上限，未保存任何内容：{name}"),
                format!("the file exceeds the allowed file-size limit; nothing was stored: {name}"),
            ),
            EvidenceError::Cancelled => pick(
                "操作已取消，未留下任何内容".into(),
                "cancelled; nothing was left behind".into(),
            ),
            EvidenceError::InvalidInput(what) => {
                // Messages given here are already "zh / en".
                let (z, e) = what.split_once(" / ").unwrap_or((what, what));
                pick(format!("输入无效：{z}"), format!("invalid input: {e}"))
            }
            EvidenceError::NoteTooLong { chars, max } => pick(
                format!("备注太长（{chars} 字），最多 {max} 字；长的内容请作为证据文件添加"),
                format!("the note is too long ({chars} characters; at most {max}); add longer text as an evidence file"),
            ),
            EvidenceError::TagTooLong { chars, max } => pick(
                format!("标签太长（{chars} 字），最多 {max} 字"),
                format!("a tag is too long ({chars} characters; at most {max})"),
            ),
            EvidenceError::TooManyTags { count, max } => pick(
                format!("标签太多（{count} 个），最多 {max} 个"),
                format!("too many tags ({count}; at most {max})"),
            ),
            EvidenceError::UnknownItem { id } => pick(
                format!("找不到证据：{id}"),
                format!("no such evidence item: {id}"),
            ),
            EvidenceError::ItemDeleted { id } => pick(
                format!("证据已删除：{id}"),
                format!("the evidence item was deleted: {id}"),
            ),
            EvidenceError::ContentMissing { name, .. } => pick(
                format!("证据文件缺失：{name}"),
                format!("the evidence file is missing: {name}"),
            ),
            EvidenceError::RecordAltered { name } => pick(
                format!("证据记录与保管日志不符（可能被改动过），未导出；请先核验证据：{name}"),
                format!("the record of an evidence item differs from the custody log (it may have been altered); nothing was exported; verify the evidence first: {name}"),
            ),
            EvidenceError::ContentChanged { name, .. } => pick(
                format!("证据文件已被改动（哈希不符）：{name}"),
                format!("the evidence file has changed (hash mismatch): {name}"),
            ),
            EvidenceError::OutputExists { name } => pick(
                format!("目标文件已存在：{name}"),
                format!("the output file already exists: {name}"),
            ),
            EvidenceError::BadBundle { reason } => pick(
                "无法读取证据包，它不是完整的 zip 文件".into(),
                format!("cannot read the bundle: {reason}"),
            ),
            EvidenceError::Io { op, source } => pick(
                format!(
                    "存储读写失败（系统错误 {}）",
                    source.raw_os_error().unwrap_or(0)
                ),
                format!("storage error while {op}: {source}"),
            ),
            EvidenceError::Db(e) => pick("数据库错误".into(), format!("database error: {e}")),
        }
    }

    /// Maps a write-side I/O error to a clear variant: out of space, over the file-size
    /// limit (`EFBIG`, as under `ulimit -f` with `SIGXFSZ` ignored), or a plain storage error.
    pub(crate) fn from_write(e: io::Error, name: &str, op: &'static str) -> EvidenceError {
        match e.raw_os_error() {
            Some(27) => EvidenceError::FileTooLarge { name: name.into() }, // EFBIG
            Some(28) => EvidenceError::NoSpace { name: name.into() },      // ENOSPC
            #[cfg(target_os = "linux")]
            Some(122) => EvidenceError::NoSpace { name: name.into() }, // EDQUOT
            #[cfg(target_os = "macos")]
            Some(69) => EvidenceError::NoSpace { name: name.into() }, // EDQUOT
            _ if e.kind() == io::ErrorKind::StorageFull => {
                EvidenceError::NoSpace { name: name.into() }
            }
            _ => EvidenceError::Io { op, source: e },
        }
    }

    pub(crate) fn io(op: &'static str) -> impl FnOnce(io::Error) -> EvidenceError {
        move |source| EvidenceError::Io { op, source }
    }

    /// A stable machine-readable code for `--json` output and the FFI.
    pub fn code(&self) -> &'static str {
        match self {
            EvidenceError::NotFound { .. } => "not_found",
            EvidenceError::IsDirectory { .. } => "is_directory",
            EvidenceError::NotAFile { .. } => "not_a_file",
            EvidenceError::Unreadable { .. } => "unreadable",
            EvidenceError::NoSpace { .. } => "no_space",
            EvidenceError::FileTooLarge { .. } => "file_too_large",
            EvidenceError::Cancelled => "cancelled",
            EvidenceError::InvalidInput(_) => "invalid_input",
            EvidenceError::NoteTooLong { .. } => "note_too_long",
            EvidenceError::TagTooLong { .. } => "tag_too_long",
            EvidenceError::TooManyTags { .. } => "too_many_tags",
            EvidenceError::UnknownItem { .. } => "unknown_item",
            EvidenceError::ItemDeleted { .. } => "item_deleted",
            EvidenceError::ContentMissing { .. } => "content_missing",
            EvidenceError::ContentChanged { .. } => "content_changed",
            EvidenceError::RecordAltered { .. } => "record_altered",
            EvidenceError::OutputExists { .. } => "output_exists",
            EvidenceError::BadBundle { .. } => "bad_bundle",
            EvidenceError::Io { .. } => "io",
            EvidenceError::Db(_) => "database",
        }
    }
}

/// The file-name part of a path, for messages (never the directories above it).
pub(crate) fn display_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "?".to_string())
}
