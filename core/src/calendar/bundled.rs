//! Holiday data compiled into the binary (`core/data/holidays-cn/`, MIT, NateScarlet/holiday-cn).
//!
//! To add a year: copy the upstream file into `core/data/holidays-cn/`, add a line here and
//! update `SOURCE.md` (see `docs/calendar.md`).

/// `(year, JSON text)` of every bundled year file, in ascending order.
pub const BUNDLED_FILES: &[(i32, &str)] = &[
    (2020, include_str!("../../data/holidays-cn/2020.json")),
    (2021, include_str!("../../data/holidays-cn/2021.json")),
    (2022, include_str!("../../data/holidays-cn/2022.json")),
    (2023, include_str!("../../data/holidays-cn/2023.json")),
    (2024, include_str!("../../data/holidays-cn/2024.json")),
    (2025, include_str!("../../data/holidays-cn/2025.json")),
    (2026, include_str!("../../data/holidays-cn/2026.json")),
    (2027, include_str!("../../data/holidays-cn/2027.json")),
];

/// The first year with bundled data.
pub const FIRST_BUNDLED_YEAR: i32 = 2020;

/// The day table always reaches at least the end of this year, so that queries a couple of
/// years ahead stay on the fast path.
pub const MIN_TABLE_LAST_YEAR: i32 = 2028;
