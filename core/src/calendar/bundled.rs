//! Holiday data compiled into the binary (`core/data/holidays-cn/`, MIT, NateScarlet/holiday-cn).
//!
//! `build.rs` embeds every `core/data/holidays-cn/<year>.json`, deflated. To add a year:
//! copy the upstream file there and update `SOURCE.md` (see `docs/calendar.md`).

include!(concat!(env!("OUT_DIR"), "/bundled_holidays.rs"));

/// The first year with bundled data.
pub const FIRST_BUNDLED_YEAR: i32 = 2020;

/// The day table always reaches at least the end of this year, so that queries a couple of
/// years ahead stay on the fast path.
pub const MIN_TABLE_LAST_YEAR: i32 = 2028;
