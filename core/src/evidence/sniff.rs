//! Media type from content, and capture time from EXIF.

use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

use crate::calendar::BEIJING;
use crate::limits::MAX_EXIF_BYTES;

/// The media type of `head` (the first bytes of a file), sniffed from its content only.
pub fn media_type(head: &[u8], size: u64) -> String {
    if size == 0 {
        return "application/x-empty".into();
    }
    if let Some(t) = infer::get(head) {
        return t.mime_type().to_string();
    }
    // Chat exports and notes are text: recognise UTF-8 text (a multi-byte character may be
    // cut at the end of `head`).
    let text = match std::str::from_utf8(head) {
        Ok(s) => Some(s),
        Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => {
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()
        }
        Err(_) => None,
    };
    match text {
        Some(s) if !s.contains('\0') => {
            let t = s.trim_start_matches('\u{feff}').trim_start();
            let lower: String = t.chars().take(15).collect::<String>().to_ascii_lowercase();
            if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
                "text/html".into()
            } else if (t.starts_with('{') || t.starts_with('['))
                && serde_json::from_slice::<serde_json::Value>(
                    s.trim_start_matches('\u{feff}').as_bytes(),
                )
                .is_ok()
            {
                "application/json".into()
            } else {
                "text/plain".into()
            }
        }
        _ => "application/octet-stream".into(),
    }
}

/// Where a capture time came from: the values of `evidence_items.captured_at_source`.
/// Which one wins when several are known is decided in `evidence::capture`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeSource {
    /// EXIF `DateTimeOriginal` without a zone, read as Asia/Shanghai (+08:00).
    Exif,
    /// EXIF `DateTimeOriginal` with `OffsetTimeOriginal`.
    ExifOffset,
    /// Given by the person adding the file (the CLI's `--captured-at`, a letter's sending).
    Caller,
    /// Android's MediaStore `DATE_TAKEN`, passed by the app.
    MediaStore,
    /// iOS's `PHAsset.creationDate`, passed by the app.
    PhotoLibrary,
    /// Read by the core from a well-known file name (`Screenshot_20261009-143012_…`), as
    /// local time in the user's zone.
    FileName,
}

impl TimeSource {
    pub const ALL: [TimeSource; 6] = [
        TimeSource::Exif,
        TimeSource::ExifOffset,
        TimeSource::Caller,
        TimeSource::MediaStore,
        TimeSource::PhotoLibrary,
        TimeSource::FileName,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TimeSource::Exif => "exif",
            TimeSource::ExifOffset => "exif_offset",
            TimeSource::Caller => "caller",
            TimeSource::MediaStore => "media_store",
            TimeSource::PhotoLibrary => "photo_library",
            TimeSource::FileName => "file_name",
        }
    }

    /// The source stored as `s`; `None` for a value this build does not know.
    pub fn parse(s: &str) -> Option<TimeSource> {
        TimeSource::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

fn exif_capable(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/jpeg"
            | "image/heif"
            | "image/heic"
            | "image/avif"
            | "image/tiff"
            | "image/png"
            | "image/webp"
    )
}

/// EXIF `DateTimeOriginal` of an image, as an instant. EXIF times carry no zone unless
/// `OffsetTimeOriginal` is present; without it the time is read as China Standard Time
/// (+08:00), the zone the device most likely had. First tries `head` (EXIF sits at the
/// start of JPEG files), then the stored file for containers that keep it elsewhere (its
/// first [`MAX_EXIF_BYTES`] only).
pub fn exif_capture_time(
    head: &[u8],
    media_type: &str,
    file: &Path,
) -> Option<(DateTime<Utc>, TimeSource)> {
    if !exif_capable(media_type) {
        return None;
    }
    let reader = exif::Reader::new();
    let exif = match reader.read_from_container(&mut Cursor::new(head)) {
        Ok(e) => e,
        Err(_) => {
            let f = std::fs::File::open(file).ok()?.take(MAX_EXIF_BYTES);
            reader
                .read_from_container(&mut BufReader::with_capacity(64 * 1024, f))
                .ok()?
        }
    };
    capture_time_of(&exif)
}

/// [`exif_capture_time`] on a whole file in memory.
pub fn exif_capture_time_bytes(
    bytes: &[u8],
    media_type: &str,
) -> Option<(DateTime<Utc>, TimeSource)> {
    if !exif_capable(media_type) {
        return None;
    }
    let bytes = &bytes[..bytes.len().min(MAX_EXIF_BYTES as usize)];
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    capture_time_of(&exif)
}

fn capture_time_of(exif: &exif::Exif) -> Option<(DateTime<Utc>, TimeSource)> {
    let ascii = |tag| match exif.get_field(tag, exif::In::PRIMARY).map(|f| &f.value) {
        Some(exif::Value::Ascii(v)) if !v.is_empty() => Some(v[0].clone()),
        _ => None,
    };
    let raw = ascii(exif::Tag::DateTimeOriginal)?;
    let mut dt = exif::DateTime::from_ascii(&raw).ok()?;
    if let Some(sub) = ascii(exif::Tag::SubSecTimeOriginal) {
        let _ = dt.parse_subsec(&sub);
    }
    let mut source = TimeSource::Exif;
    let mut offset = BEIJING;
    if let Some(off) = ascii(exif::Tag::OffsetTimeOriginal) {
        if dt.parse_offset(&off).is_ok() {
            if let Some(o) = dt
                .offset
                .and_then(|m| FixedOffset::east_opt(i32::from(m) * 60))
            {
                offset = o;
                source = TimeSource::ExifOffset;
            }
        }
    }
    let naive = NaiveDate::from_ymd_opt(i32::from(dt.year), dt.month.into(), dt.day.into())?
        .and_hms_nano_opt(
            dt.hour.into(),
            dt.minute.into(),
            dt.second.into(),
            dt.nanosecond.unwrap_or(0),
        )?;
    let t = offset.from_local_datetime(&naive).single()?;
    Some((t.with_timezone(&Utc), source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_types() {
        assert_eq!(
            media_type(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11),
            "image/jpeg"
        );
        assert_eq!(
            media_type(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16),
            "image/png"
        );
        assert_eq!(media_type(b"%PDF-1.7\n", 9), "application/pdf");
        assert_eq!(media_type("你好，公会".as_bytes(), 15), "text/plain");
        assert_eq!(media_type(b"{\"a\": 1}", 8), "application/json");
        assert_eq!(media_type(b"<!DOCTYPE html><p>", 18), "text/html");
        assert_eq!(
            media_type(b"\x00\x01\x02\xff", 4),
            "application/octet-stream"
        );
        assert_eq!(media_type(b"", 0), "application/x-empty");
        // A multi-byte character cut at the end of the sniffed head is still text.
        let s = "中文".as_bytes();
        assert_eq!(media_type(&s[..4], 100), "text/plain");
    }
}
