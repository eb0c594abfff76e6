//! A device clock that is obviously wrong: "now" before the day this version of Tuilu was
//! built. Every deadline, reminder and transition time is computed from the device clock,
//! so the home view says so in words instead of showing "已逾期 20720 天".

use chrono::{DateTime, NaiveDate, Utc};

use super::letters::date_text;
use crate::text::Lang;
use crate::vault::BEIJING;

/// The day this version was built (Beijing date, `YYYY-MM-DD`). A compile-time constant,
/// not the build machine's clock, so builds stay reproducible: the release updates it
/// (see `docs/bindings.md#the-device-clock`). A clock before this day is certainly wrong;
/// one after it may still be, but cannot be told from a right one.
pub const BUILD_DATE: &str = "2026-12-07";

/// [`BUILD_DATE`] as a date.
pub fn build_date() -> NaiveDate {
    NaiveDate::parse_from_str(BUILD_DATE, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

/// The words the home view shows when `now` (the device clock) is before [`BUILD_DATE`],
/// or `None` when it may be right.
pub fn clock_warning(lang: Lang, now: DateTime<Utc>) -> Option<String> {
    let built = build_date();
    let today = now.with_timezone(&BEIJING).date_naive();
    if today >= built {
        return None;
    }
    Some(match lang {
        Lang::Zh => format!(
            "手机的时间似乎不对：现在显示为 {}，早于这个版本的发布日期（{}）。请在系统设置中校准日期和时间，否则截止日期和提醒都会算错。",
            date_text(lang, today),
            date_text(lang, built)
        ),
        Lang::En => format!(
            "The device clock looks wrong: it says {}, before this version was built ({}). Set the correct date and time in the system settings, or deadlines and reminders will be wrong.",
            date_text(lang, today),
            date_text(lang, built)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_date_is_a_date() {
        assert_ne!(build_date(), NaiveDate::MIN);
    }
}
