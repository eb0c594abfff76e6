//! Capture times: where one can come from, which one the core keeps, and how each source
//! is worded for the user.
//!
//! # Precedence (decided here, not by the shells)
//!
//! 1. **EXIF in the bytes** (`exif_offset`, `exif`). It travels inside the original: the
//!    guild, the platform or a lawyer who receives the dispute bundle can read it from the
//!    very file whose SHA-256 the custody log records, and gets the same answer as we do.
//!    A person disputing a guild can point at it without asking anyone to trust their
//!    phone.
//! 2. **The platform's record** (`media_store`: Android MediaStore `DATE_TAKEN`;
//!    `photo_library`: iOS `PHAsset.creationDate`), or a time the person adding the file
//!    gave (`caller`). Only the phone knows it and no recipient can check it; Android
//!    fills `DATE_TAKEN` from the EXIF date when there is one (so it rarely disagrees with
//!    rule 1 except in its zone), and for a screenshot it is the moment the screen was
//!    captured. It loses to EXIF because EXIF can be checked by others.
//! 3. **The file name** (`file_name`), only when neither of the above is known: the
//!    screenshot and camera names Android and macOS write (`Screenshot_20261009-143012_
//!    Douyin.png`, `Screenshot_2026-10-09-14-30-12-123_com.ss.android.ugc.aweme.jpg`,
//!    `IMG_20261009_143012.jpg`, `Screenshot 2026-10-09 at 14.30.12.png`), read as local
//!    time in the user's zone. A name is text anyone can change, so it comes last and is
//!    worded "可能不准". Names that carry the moment a file was *saved* rather than taken
//!    (WeChat's `mmexport1696834212345.jpg`, `微信图片_20261009143012.jpg`) are not read: that
//!    time would be claimed as a capture time it is not. iOS names its screenshots
//!    `IMG_1234.PNG`, with no date: there the photo library's date (rule 2) is the source.
//!
//! Precision is never invented: a time is kept to the millisecond its source gives (a
//! name to the second), and the words say where it came from.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::sniff::TimeSource;

/// A capture time with its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureTime {
    pub at: DateTime<Utc>,
    pub source: TimeSource,
}

impl CaptureTime {
    /// A time the person adding the file gave.
    pub fn caller(at: DateTime<Utc>) -> CaptureTime {
        CaptureTime {
            at,
            source: TimeSource::Caller,
        }
    }
}

/// Where an app found a capture time it passes with the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlatformTimeSource {
    /// Android MediaStore `DATE_TAKEN`.
    MediaStore,
    /// iOS `PHAsset.creationDate`.
    PhotoLibrary,
}

/// A capture time the platform knows about a file (the app passes it with the bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformTime {
    pub at: DateTime<Utc>,
    pub source: PlatformTimeSource,
}

impl From<PlatformTime> for CaptureTime {
    fn from(p: PlatformTime) -> CaptureTime {
        CaptureTime {
            at: p.at,
            source: match p.source {
                PlatformTimeSource::MediaStore => TimeSource::MediaStore,
                PlatformTimeSource::PhotoLibrary => TimeSource::PhotoLibrary,
            },
        }
    }
}

/// The capture time kept for an item: the EXIF time of its bytes, else the one given with
/// it (platform or caller). The file-name fallback is applied before, only when both are
/// missing ([`from_file_name`]); see the module's precedence.
pub fn choose(exif: Option<CaptureTime>, given: Option<CaptureTime>) -> Option<CaptureTime> {
    exif.or(given)
}

/// File-name prefixes whose date is the moment of capture (compared without case; `_`,
/// `-` or a space follows). Screen recordings and camera files are named the same way.
const PREFIXES: &[&str] = &[
    "screenshot",
    "screen_recording",
    "screen recording",
    "screenrecording",
    "screenrecorder",
    "screenrecord",
    "img",
    "vid",
    "pxl",
];

/// The capture time a well-known file name states, as local time in `zone` (the user's):
/// `Screenshot_20261009-143012_Douyin.png` is 14:30:12 on 9 October 2026 there. `None`
/// for any other name, an impossible date, a time the zone skips, a year before 2000 or a
/// time more than a day after `now`.
pub fn from_file_name<Tz: TimeZone>(
    name: &str,
    zone: &Tz,
    now: DateTime<Utc>,
) -> Option<CaptureTime> {
    let lower = name.to_lowercase();
    let rest = PREFIXES.iter().find_map(|p| {
        let r = lower.strip_prefix(p)?;
        let r = r.strip_prefix(['_', '-', ' '])?;
        Some(r)
    })?;
    let (date, time) = date_and_time(rest)?;
    let naive =
        NaiveDate::from_ymd_opt(date.0, date.1, date.2)?.and_hms_opt(time.0, time.1, time.2)?;
    let at = zone
        .from_local_datetime(&naive)
        .earliest()?
        .with_timezone(&Utc);
    let floor = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single()?;
    if at < floor || at > now + chrono::Duration::days(1) {
        return None;
    }
    Some(CaptureTime {
        at,
        source: TimeSource::FileName,
    })
}

type Ymd = (i32, u32, u32);
type Hms = (u32, u32, u32);

/// `20261009-143012`, `20261009_143012(123)`, `2026-10-09-14-30-12(-123…)`,
/// `2026-10-09 at 14.30.12`, `2026-10-09 14.30.12`, each followed by nothing or a
/// non-digit.
fn date_and_time(s: &str) -> Option<(Ymd, Hms)> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let part = b.get(from..from + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let ends_at = |i: usize| b.get(i).is_none_or(|c| !c.is_ascii_digit());
    // Compact: YYYYMMDD, one separator, HHMMSS.
    if let (Some(ymd), Some(sep)) = (digits(0, 8), b.get(8)) {
        if matches!(sep, b'-' | b'_' | b' ') {
            let hms = digits(9, 6)?;
            // Pixel names append the milliseconds: `PXL_20261009_143012123`.
            let millis = digits(15, 3).is_some() && ends_at(18);
            if !(ends_at(15) || millis) {
                return None;
            }
            return Some((
                ((ymd / 10000) as i32, ymd / 100 % 100, ymd % 100),
                (hms / 10000, hms / 100 % 100, hms % 100),
            ));
        }
    }
    // Separated: YYYY-MM-DD, a separator (" at " too), HH?MM?SS with `-`, `.` or `:`.
    let y = digits(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (m, d) = (digits(5, 2)?, digits(8, 2)?);
    let after = &s[10..];
    let t = after
        .strip_prefix(" at ")
        .or_else(|| after.strip_prefix(['-', '_', ' ']))?;
    let tb = t.as_bytes();
    let two = |i: usize| -> Option<u32> {
        let p = tb.get(i..i + 2)?;
        if !p.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(p).ok()?.parse().ok()
    };
    let sep_ok = |i: usize| matches!(tb.get(i), Some(b'-' | b'.' | b':'));
    if !(sep_ok(2) && sep_ok(5) && tb.get(2) == tb.get(5)) {
        return None;
    }
    let (hh, mm, ss) = (two(0)?, two(3)?, two(6)?);
    if tb.get(8).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(((y as i32, m, d), (hh, mm, ss)))
}

/// Where the capture time came from, in words for the user (zh, en): shown next to the
/// time in the evidence list and details. `None` for a source this build does not know.
pub fn source_words(source: &str) -> Option<(&'static str, &'static str)> {
    Some(match TimeSource::parse(source)? {
        TimeSource::ExifOffset => ("来自照片自带的拍摄信息", "from the photo's own data"),
        TimeSource::Exif => (
            "来自照片自带的拍摄信息（未注明时区，按北京时间）",
            "from the photo's own data (no time zone recorded; read as Beijing time)",
        ),
        TimeSource::MediaStore | TimeSource::PhotoLibrary => {
            ("来自相册记录", "from the phone's photo library")
        }
        TimeSource::Caller => ("添加时填写的时间", "as given when it was added"),
        TimeSource::FileName => (
            "来自文件名（可能不准）",
            "from the file name (may be inaccurate)",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn beijing() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap()
    }

    fn at(name: &str) -> Option<String> {
        from_file_name(name, &beijing(), now()).map(|c| {
            assert_eq!(c.source, TimeSource::FileName);
            c.at.to_rfc3339()
        })
    }

    #[test]
    fn well_known_names_give_local_time_in_the_users_zone() {
        let want = Some("2026-10-09T06:30:12+00:00".to_string());
        for name in [
            "Screenshot_20261009-143012_Douyin.png",
            "Screenshot_2026-10-09-14-30-12-123_com.ss.android.ugc.aweme.jpg",
            "screenshot_20261009_143012.PNG",
            "Screenshot 2026-10-09 at 14.30.12.png",
            "IMG_20261009_143012.jpg",
            "VID_20261009_143012.mp4",
            "PXL_20261009_143012123.jpg",
            "Screen_Recording_20261009-143012_Douyin.mp4",
            "Screenrecorder-2026-10-09-14-30-12-345.mp4",
        ] {
            assert_eq!(at(name), want, "{name}");
        }
        // Another zone: the same wall-clock time is another instant.
        let berlin = FixedOffset::east_opt(2 * 3600).unwrap();
        let t = from_file_name("Screenshot_20261009-143012_Douyin.png", &berlin, now());
        assert_eq!(t.unwrap().at.to_rfc3339(), "2026-10-09T12:30:12+00:00");
    }

    #[test]
    fn other_names_and_impossible_dates_give_nothing() {
        for name in [
            "IMG_1234.PNG",
            "mmexport1696834212345.jpg",
            "微信图片_20261009143012.jpg",
            "Screenshot.png",
            "photo_20261009-143012.png",
            "Screenshot_20261339-143012.png",
            "Screenshot_20261009-256012.png",
            "Screenshot_202610091-143012.png",
            "Screenshot_20261009-1430123.png",
            "Screenshot_19991009-143012.png",
            // More than a day after now: a wrong name, not a capture.
            "Screenshot_20271009-143012.png",
            "Screenshot 2026-10-09 at 14.30-12.png",
            "",
        ] {
            assert_eq!(at(name), None, "{name}");
        }
    }

    #[test]
    fn exif_wins_over_the_platform_and_the_platform_over_nothing() {
        let t = |h| Utc.with_ymd_and_hms(2026, 10, 9, h, 0, 0).unwrap();
        let exif = CaptureTime {
            at: t(1),
            source: TimeSource::ExifOffset,
        };
        let store: CaptureTime = PlatformTime {
            at: t(2),
            source: PlatformTimeSource::MediaStore,
        }
        .into();
        assert_eq!(store.source, TimeSource::MediaStore);
        assert_eq!(choose(Some(exif), Some(store)), Some(exif));
        assert_eq!(choose(None, Some(store)), Some(store));
        assert_eq!(choose(None, None), None);
    }

    #[test]
    fn every_source_has_words_in_both_languages() {
        for s in TimeSource::ALL {
            let (zh, en) = source_words(s.as_str()).unwrap();
            assert!(!zh.is_empty() && !en.is_empty());
            assert!(!zh.is_ascii(), "{zh}");
        }
        assert_eq!(source_words("bogus"), None);
        assert_eq!(
            source_words("file_name").unwrap().0,
            "来自文件名（可能不准）"
        );
    }
}
