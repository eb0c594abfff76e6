//! "When did you do it?": the choices a time picker offers for a step action, each with its
//! bounds as instants, computed once here so both phones bound the picker the same way
//! (and the same way the vault checks the time).

use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::Serialize;

use crate::reminders::local_to_utc;
use crate::text::Lang;
use crate::vault::{CaseView, StepView};

use super::present::tr;
use super::ViewContext;

/// One day chip of the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeChoice {
    /// "现在", "今天早些时候", "昨天", "前天".
    pub label: String,
    /// The first and last instant the picker accepts under this chip.
    pub earliest: DateTime<Utc>,
    pub latest: DateTime<Utc>,
    /// Where the picker starts under this chip.
    pub default_at: DateTime<Utc>,
    /// "Now" needs no picker: the time is taken when the action is sent.
    pub is_now: bool,
}

/// The choices and bounds of the picker for one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhenView {
    pub choices: Vec<TimeChoice>,
    /// No time before this is accepted (the steps it depends on were settled then).
    pub earliest: DateTime<Utc>,
    /// No time after this is accepted (now).
    pub latest: DateTime<Utc>,
    /// Why earlier days are missing, when they are ("第 2 步在昨天 18:00 才完成").
    pub bound_text: Option<String>,
}

/// The earliest time the vault accepts for an action on `step`: when the steps it depends
/// on were settled (the latest of them), or 2000-01-01.
pub(super) fn not_before<'a>(
    case: &'a CaseView,
    step: &StepView,
) -> (DateTime<Utc>, Option<&'a StepView>) {
    let floor = crate::vault::earliest_accepted_time();
    let mut out = (floor, None);
    for d in &step.depends_on {
        if let Some(dep) = case.step(d).filter(|s| s.in_plan) {
            if let Some(done) = dep.done_at {
                if done > out.0 {
                    out = (done, Some(dep));
                }
            }
        }
    }
    out
}

/// The picker for an action on `step` at `ctx.now`: now, earlier today, yesterday and the
/// day before, each cut to what the vault accepts; a day with nothing left is not offered.
pub(super) fn when_view(ctx: &ViewContext, case: &CaseView, step: &StepView) -> WhenView {
    let lang = ctx.lang;
    let now = ctx.now;
    let (floor, bound_step) = not_before(case, step);
    let latest = now;
    let today = now.with_timezone(&ctx.zone.offset_at(now)).date_naive();
    let midnight = NaiveTime::MIN;
    let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("valid time");
    let day_start = |days_back: i64| {
        let d = today - Duration::days(days_back);
        local_to_utc(&ctx.zone, d.and_time(midnight))
    };
    let mut choices = vec![TimeChoice {
        label: tr(lang, "现在", "Now"),
        earliest: now,
        latest: now,
        default_at: now,
        is_now: true,
    }];
    let labels = [
        tr(lang, "今天早些时候", "Earlier today"),
        tr(lang, "昨天", "Yesterday"),
        tr(lang, "前天", "The day before"),
    ];
    for (back, label) in labels.into_iter().enumerate() {
        let back = back as i64;
        let start = day_start(back).max(floor);
        let end = if back == 0 {
            latest
        } else {
            day_start(back - 1) - Duration::seconds(1)
        };
        if start > end {
            continue;
        }
        let wanted = if back == 0 {
            now - Duration::hours(1)
        } else {
            let d = today - Duration::days(back);
            local_to_utc(&ctx.zone, d.and_time(noon))
        };
        choices.push(TimeChoice {
            label,
            earliest: start,
            latest: end,
            default_at: wanted.clamp(start, end),
            is_now: false,
        });
    }
    let bound_text = bound_step.filter(|_| floor > day_start(2)).map(|dep| {
        let when = super::present::local_text(ctx, floor);
        match lang {
            Lang::Zh => format!(
                "第 {} 步「{}」在 {when} 才完成，不能早于这个时间",
                dep.number,
                dep.title.get(lang)
            ),
            Lang::En => format!(
                "Step {} “{}” was only settled at {when}: the time cannot be earlier",
                dep.number,
                dep.title.get(lang)
            ),
        }
    });
    WhenView {
        choices,
        earliest: floor,
        latest,
        bound_text,
    }
}
