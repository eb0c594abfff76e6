//! Errors of the calendar module.

use std::fmt;

use serde::Serialize;

/// The JSON type a field of a holiday file must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
    /// A JSON string.
    String,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
}

impl JsonType {
    /// The type's name in Simplified Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            JsonType::Object => "对象",
            JsonType::Array => "数组",
            JsonType::String => "字符串",
            JsonType::Boolean => "布尔值 true/false",
            JsonType::Integer => "整数",
        }
    }

    /// The type's name in English.
    pub fn en(self) -> &'static str {
        match self {
            JsonType::Object => "an object",
            JsonType::Array => "an array",
            JsonType::String => "a string",
            JsonType::Boolean => "a boolean (true/false)",
            JsonType::Integer => "an integer",
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.en())
    }
}

/// Everything that can go wrong in the calendar: bad holiday files, storage, date arithmetic.
///
/// Messages are bilingual, Simplified Chinese first, then English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The file is not JSON at all.
    #[error(
        "节假日文件不是有效的 JSON：{message} / the holiday file is not valid JSON: {message}"
    )]
    Json {
        /// The parser's message (line and column).
        message: String,
    },
    /// A required field is absent.
    #[error("节假日文件缺少字段 `{field}` / the holiday file is missing the field `{field}`")]
    MissingField {
        /// Path of the field, e.g. `days[3].isOffDay`.
        field: String,
    },
    /// A field has the wrong JSON type.
    #[error(
        "字段 `{field}` 应为{}，实际是 {found} / the field `{field}` must be {}, found {found}",
        .expected.zh(),
        .expected.en()
    )]
    WrongType {
        /// Path of the field, e.g. `days[3].isOffDay`.
        field: String,
        /// What it must be.
        expected: JsonType,
        /// What it was (JSON type and a short excerpt).
        found: String,
    },
    /// The `year` field is outside the supported range.
    #[error(
        "年份 {year} 不在支持范围 {min}–{max} 内 / the year {year} is outside the supported range {min}–{max}"
    )]
    YearOutOfRange {
        /// The year as written.
        year: i64,
        /// Smallest supported year.
        min: i32,
        /// Largest supported year.
        max: i32,
    },
    /// A date string is not a valid `YYYY-MM-DD` date.
    #[error(
        "字段 `{field}` 不是有效日期（应为 YYYY-MM-DD）：\"{value}\" / the field `{field}` is not a valid YYYY-MM-DD date: \"{value}\""
    )]
    BadDate {
        /// Path of the field, e.g. `days[3].date`.
        field: String,
        /// The text found.
        value: String,
    },
    /// A listed date is more than one year away from the file's year.
    #[error(
        "日期 {date} 不在 {year} 年文件允许的范围内（{year} 年及前后各一年） / the date {date} is outside what a {year} file may list ({year} ± 1 year)"
    )]
    DateOutsideYear {
        /// The date, `YYYY-MM-DD`.
        date: String,
        /// The file's year.
        year: i32,
    },
    /// A date is listed twice.
    #[error("日期 {date} 重复出现 / the date {date} is listed more than once")]
    DuplicateDate {
        /// The date, `YYYY-MM-DD`.
        date: String,
    },
    /// An import that lists no days (the schedule is not published yet); importing it would add nothing.
    #[error(
        "{year} 年的文件没有列出任何日期（放假安排可能尚未发布），未导入 / the {year} file lists no days (the schedule may not be published yet); nothing imported"
    )]
    NoDaysListed {
        /// The file's year.
        year: i32,
    },
    /// A stored year file's name does not match the year inside it.
    #[error(
        "文件 {path} 的文件名与其中的年份 {year} 不符 / the file {path} is named differently from the year {year} it contains"
    )]
    FileNameMismatch {
        /// The file.
        path: String,
        /// The year inside.
        year: i32,
    },
    /// Reading or writing a file failed.
    #[error("无法读写 {path}：{message} / cannot read or write {path}: {message}")]
    Io {
        /// The file or directory.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A date computation left the supported date range.
    #[error("计算结果超出可表示的日期范围 / the result is outside the representable date range")]
    DateOutOfRange,
    /// A duration whose minimum exceeds its maximum.
    #[error("时长无效：最小值 {min} 大于最大值 {max} / invalid duration: minimum {min} is greater than maximum {max}")]
    InvalidDuration {
        /// The duration's minimum.
        min: u32,
        /// The duration's maximum.
        max: u32,
    },
}

impl CalendarError {
    pub(crate) fn io(path: &std::path::Path, err: &std::io::Error) -> CalendarError {
        CalendarError::Io {
            path: path.display().to_string(),
            message: err.to_string(),
        }
    }
}
