//! What a shell must do after an event: notifications to schedule, post or cancel, computed
//! here from the reminder plan and the platform's state, so that Android and iOS decide
//! nothing differently (the budget, exact or inexact, which notifications survived).
//!
//! The model follows redbadger/crux: an event goes in, an [`Update`](super::Update) comes
//! out carrying the [`Effect`]s in the order the shell performs them. The shell reports
//! what happened as further events (a delivery, a refused alarm). See
//! `docs/architecture.md`, "Events and effects".

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::reminders::{Reminder, ReminderKind};
use crate::text::Lang;
use crate::vault::StepStatus;

use super::present::{local_text, tr};
use super::ViewContext;

/// The phone's operating system, as the shell reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "os", rename_all = "snake_case")]
pub enum Os {
    /// Android, with its API level (`Build.VERSION.SDK_INT`).
    Android {
        sdk: u32,
    },
    Ios,
}

/// Android API level from which exact alarms need the user's permission (Android 12).
pub const ANDROID_EXACT_ALARM_PERMISSION_SDK: u32 = 31;
/// Pending notification requests iOS keeps per app.
pub const IOS_PENDING_LIMIT: u32 = 64;
/// Alarms Android lets one app hold (documented for Android 12 and later).
pub const ANDROID_PENDING_LIMIT: u32 = 500;
/// Slots left free under the platform's limit (for the system and a catch-up posted now).
pub const RESERVED_SLOTS: u32 = 4;
/// How early an inexact alarm may fire: its window opens this long before the reminder's
/// time and closes at it, so it is never late by design. A delivery reported inside the
/// window counts as the reminder's delivery.
pub const INEXACT_WINDOW_MINUTES: i64 = 60;

/// What the platform allows and holds, read by the shell before each event (reading is
/// all the shell does; every decision from it is made here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlatformState {
    pub os: Os,
    /// The app may post notifications (Android 13+: POST_NOTIFICATIONS; iOS: authorized).
    pub notifications_allowed: bool,
    /// `AlarmManager.canScheduleExactAlarms()` on Android 12+; ignored before Android 12
    /// (exact alarms need no permission there) and on iOS (triggers are exact).
    pub exact_alarms_allowed: bool,
    /// The most pending notifications the platform keeps for the app.
    pub pending_limit: u32,
    /// The tokens the shell holds scheduled: iOS lists its pending requests; Android keeps
    /// the `reminders_held` of the last update.
    pub scheduled: Vec<String>,
    /// A screen is showing (false in a receiver, a background task or an extension): the
    /// update then carries no screen, and the route does not change.
    pub in_foreground: bool,
}

impl PlatformState {
    /// How many reminders the phone should hold pending: the same rule on both platforms.
    pub fn budget(&self) -> usize {
        let room = self.pending_limit.saturating_sub(RESERVED_SLOTS) as usize;
        room.min(super::REMINDER_BUDGET)
    }

    /// Whether alarms can be exact: always on iOS and before Android 12, otherwise with the
    /// user's permission.
    pub fn exact_alarms(&self) -> bool {
        match self.os {
            Os::Ios => true,
            Os::Android { sdk } => {
                sdk < ANDROID_EXACT_ALARM_PERMISSION_SDK || self.exact_alarms_allowed
            }
        }
    }
}

/// How the alarm of a notification is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "timing", rename_all = "snake_case")]
pub enum AlarmTiming {
    /// At `fire_at` exactly (Android `setExactAndAllowWhileIdle`; iOS a trigger at that
    /// instant, whatever zone the phone is in then).
    Exact,
    /// Anywhere from `start` to `fire_at` (Android `setWindow`): never late, at most
    /// [`INEXACT_WINDOW_MINUTES`] early.
    Window { start: DateTime<Utc> },
}

/// Which channel (Android) or category (iOS) a notification belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationCategory {
    Deadline,
    ShortWindow,
    WaitingOver,
    FollowUp,
    CatchUp,
}

impl NotificationCategory {
    pub const ALL: [NotificationCategory; 5] = [
        NotificationCategory::Deadline,
        NotificationCategory::ShortWindow,
        NotificationCategory::WaitingOver,
        NotificationCategory::FollowUp,
        NotificationCategory::CatchUp,
    ];

    pub fn of(kind: ReminderKind) -> NotificationCategory {
        match kind {
            ReminderKind::BeforeDeadline | ReminderKind::AtDeadline => {
                NotificationCategory::Deadline
            }
            ReminderKind::WindowClosing3h | ReminderKind::WindowClosing1h => {
                NotificationCategory::ShortWindow
            }
            ReminderKind::WaitingPeriodEnd => NotificationCategory::WaitingOver,
            ReminderKind::FollowUp | ReminderKind::FollowUpEscalate => {
                NotificationCategory::FollowUp
            }
            ReminderKind::CatchUp | ReminderKind::RefillWindow => NotificationCategory::CatchUp,
        }
    }

    /// The channel's or category's name in settings.
    pub fn title(self, lang: Lang) -> String {
        match self {
            NotificationCategory::Deadline => tr(lang, "截止提醒", "Deadlines"),
            NotificationCategory::ShortWindow => tr(lang, "即将关闭的窗口", "Windows closing"),
            NotificationCategory::WaitingOver => tr(lang, "等待期结束", "Waiting periods over"),
            NotificationCategory::FollowUp => tr(lang, "跟进提醒", "Follow-ups"),
            NotificationCategory::CatchUp => tr(lang, "错过的提醒", "Missed reminders"),
        }
    }
}

/// An action button on a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationActionId {
    /// "已提交": the step was handed in now (its clock starts).
    Submitted,
    /// "已有结果": the answer came; the step is done.
    Done,
    /// "稍后提醒": back in an hour (never before the reminder's own time).
    Snooze,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationButton {
    pub id: NotificationActionId,
    pub label: String,
    /// The action changes the case: on a locked phone it asks to unlock first (iOS
    /// `.authenticationRequired`).
    pub needs_unlock: bool,
}

/// A notification's buttons registered at launch for one category (iOS registers
/// categories with their actions; Android creates one channel per category).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategorySetup {
    pub category: NotificationCategory,
    pub title: String,
    pub actions: Vec<NotificationButton>,
}

/// One notification to schedule or post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationEffect {
    /// What it is scheduled under (changes whenever the notification must be replaced).
    pub token: String,
    pub kind: ReminderKind,
    pub category: NotificationCategory,
    /// When it must be shown: an instant (deadlines are instants; no reminder is a
    /// floating wall-clock time, so a flight across zones never delays one).
    pub fire_at: DateTime<Utc>,
    /// The same instant in the user's zone, for a log or a settings list.
    pub fire_local: String,
    pub timing: AlarmTiming,
    pub title: String,
    pub body: String,
    pub actions: Vec<NotificationButton>,
}

/// Something the shell must do, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Set an alarm (Android) or add a pending request (iOS) under `token`, replacing one
    /// with the same token.
    Schedule(NotificationEffect),
    /// Show it now (a reminder already due, such as a catch-up); then report it delivered.
    PostNow(NotificationEffect),
    /// Remove the alarm or pending request under `token` (no error when there is none).
    Cancel { token: String },
}

impl Effect {
    pub fn token(&self) -> &str {
        match self {
            Effect::Schedule(n) | Effect::PostNow(n) => &n.token,
            Effect::Cancel { token } => token,
        }
    }
}

/// Why the shell could not perform an effect (reported as an event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectFailure {
    /// The platform refused the alarm (Android: the app's alarm limit, a SecurityException).
    AlarmRefused,
    /// A permission the effect needs is gone.
    PermissionMissing,
}

/// The reminders' part of an update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ReminderEffects {
    pub effects: Vec<Effect>,
    /// What the phone holds once the effects are done (Android keeps this as its record).
    pub held: Vec<String>,
    /// Why reminders may not come as planned, in words.
    pub notice: Option<String>,
}

/// Why the phone's reminders may not be trusted as they stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Resync {
    /// What the shell reports as scheduled is still there.
    TrustScheduled,
    /// Nothing the shell scheduled survived (boot, force stop, app update) or everything
    /// must be replaced (zone, clock, language, permission changes).
    ReplaceAll,
}

/// The effects that bring the phone from `platform.scheduled` to `plan` (already cut to
/// the budget, nearest first). Cancels come first, so a replaced notification is never
/// cancelled after its replacement was set; no token appears in two effects.
pub(super) fn reminder_effects(
    ctx: &ViewContext,
    platform: &PlatformState,
    plan: &[Reminder],
    status_of: &dyn Fn(&str, &str) -> Option<StepStatus>,
    resync: Resync,
    refused: &[String],
) -> ReminderEffects {
    // The phone's tokens in its order, each once; the set answers "is it held?" for a
    // plan and a phone of 500 reminders each without comparing every pair.
    let mut scheduled: Vec<&str> = Vec::with_capacity(platform.scheduled.len());
    let mut held_now: HashSet<&str> = HashSet::with_capacity(platform.scheduled.len());
    for t in &platform.scheduled {
        let t = t.trim();
        if !t.is_empty() && held_now.insert(t) {
            scheduled.push(t);
        }
    }
    if !platform.notifications_allowed {
        return ReminderEffects {
            effects: scheduled
                .iter()
                .map(|t| Effect::Cancel {
                    token: t.to_string(),
                })
                .collect(),
            held: Vec::new(),
            notice: Some(tr(
                ctx.lang,
                "通知已关闭：退路无法提醒你截止时间。请在系统设置中允许通知。",
                "Notifications are off: Tuilu cannot remind you of deadlines. Allow them in the system settings.",
            )),
        };
    }
    let planned: Vec<String> = plan.iter().map(Reminder::schedule_token).collect();
    let in_plan: HashSet<&str> = planned.iter().map(String::as_str).collect();
    let mut effects: Vec<Effect> = scheduled
        .iter()
        .filter(|t| !in_plan.contains(*t))
        .map(|t| Effect::Cancel {
            token: t.to_string(),
        })
        .collect();
    let mut held = Vec::new();
    let exact = platform.exact_alarms();
    for (r, token) in plan.iter().zip(planned) {
        if refused.contains(&token) {
            continue;
        }
        let holds = held_now.contains(token.as_str());
        if resync == Resync::TrustScheduled && holds {
            held.push(token);
            continue;
        }
        let due = r.fire_at <= ctx.now;
        let n = notification(ctx, r, token.clone(), exact, status_of);
        if due {
            effects.push(Effect::PostNow(n));
        } else {
            effects.push(Effect::Schedule(n));
            held.push(token);
        }
    }
    let notice = if !refused.is_empty() {
        Some(match ctx.lang {
            Lang::Zh => format!(
                "有{}条提醒未能设置：系统拒绝了闹钟。请打开退路，提醒会重新设置。",
                refused.len()
            ),
            Lang::En => format!(
                "{} reminder{} could not be set: the system refused the alarm. Open Tuilu to set them again.",
                refused.len(),
                if refused.len() == 1 { "" } else { "s" }
            ),
        })
    } else if !exact {
        Some(tr(
            ctx.lang,
            "提醒可能不准时：未允许精确闹钟。提醒最多提前一小时到达，不会晚到。",
            "Reminders may not be on time: exact alarms are not allowed. A reminder may come up to an hour early, never late.",
        ))
    } else {
        None
    };
    ReminderEffects {
        effects,
        held,
        notice,
    }
}

fn notification(
    ctx: &ViewContext,
    r: &Reminder,
    token: String,
    exact: bool,
    status_of: &dyn Fn(&str, &str) -> Option<StepStatus>,
) -> NotificationEffect {
    let status = match (&r.case_id, &r.step_id) {
        (Some(c), Some(s)) => status_of(c, s),
        _ => None,
    };
    let timing = if exact || r.fire_at <= ctx.now {
        AlarmTiming::Exact
    } else {
        let early = r.fire_at - Duration::minutes(INEXACT_WINDOW_MINUTES);
        AlarmTiming::Window {
            start: early.max(ctx.now),
        }
    };
    NotificationEffect {
        token,
        kind: r.kind,
        category: NotificationCategory::of(r.kind),
        fire_at: r.fire_at,
        fire_local: local_text(ctx, r.fire_at),
        timing,
        title: r.title.get(ctx.lang).to_string(),
        body: r.body.get(ctx.lang).to_string(),
        actions: buttons(ctx.lang, r.kind, status),
    }
}

/// The buttons of a notification, by the step's status: a step in progress can be marked
/// handed in; a step handed in (waiting for an answer) or a closing window can be marked
/// done. A waiting period that ends needs no answer; a catch-up stands for several steps.
pub(super) fn buttons(
    lang: Lang,
    kind: ReminderKind,
    status: Option<StepStatus>,
) -> Vec<NotificationButton> {
    let window = matches!(
        kind,
        ReminderKind::WindowClosing3h | ReminderKind::WindowClosing1h
    );
    if kind == ReminderKind::RefillWindow {
        // Opening the app is the only answer.
        return Vec::new();
    }
    let step = match (kind, status) {
        (ReminderKind::WaitingPeriodEnd | ReminderKind::CatchUp, _) | (_, None) => None,
        (_, Some(StepStatus::InProgress)) if !window => Some(NotificationButton {
            id: NotificationActionId::Submitted,
            label: tr(lang, "已提交", "Submitted"),
            needs_unlock: true,
        }),
        _ => Some(NotificationButton {
            id: NotificationActionId::Done,
            label: tr(lang, "已有结果", "Answered"),
            needs_unlock: true,
        }),
    };
    step.into_iter()
        .chain(std::iter::once(NotificationButton {
            id: NotificationActionId::Snooze,
            label: tr(lang, "稍后提醒", "Remind me later"),
            needs_unlock: false,
        }))
        .collect()
}

/// Every category with its title and the buttons it may show, for registration at launch
/// (and again when the language changes).
pub fn categories(lang: Lang) -> Vec<CategorySetup> {
    NotificationCategory::ALL
        .iter()
        .map(|&category| {
            let actions = match category {
                NotificationCategory::WaitingOver | NotificationCategory::CatchUp => {
                    buttons(lang, ReminderKind::CatchUp, None)
                }
                NotificationCategory::ShortWindow => buttons(
                    lang,
                    ReminderKind::WindowClosing1h,
                    Some(StepStatus::InProgress),
                ),
                _ => {
                    let mut b =
                        buttons(lang, ReminderKind::AtDeadline, Some(StepStatus::InProgress));
                    b.insert(
                        1,
                        buttons(lang, ReminderKind::AtDeadline, Some(StepStatus::Submitted))
                            .remove(0),
                    );
                    b
                }
            };
            CategorySetup {
                category,
                title: category.title(lang),
                actions,
            }
        })
        .collect()
}

/// The id of the notification that asks the user to open the app when the window is full.
pub const REFILL_ID: &str = "refill-window";

/// When the plan holds more reminders than the budget, the last slot goes to a request to
/// open the app, a minute after the last reminder held: the phone cannot hold the rest, and
/// a phone that is never opened would otherwise fall silent without a word.
pub(super) fn with_refill(mut plan: Vec<Reminder>, budget: usize) -> Vec<Reminder> {
    if plan.len() <= budget || budget < 2 {
        plan.truncate(budget);
        return plan;
    }
    plan.truncate(budget - 1);
    let Some(last) = plan.last() else {
        return plan;
    };
    let fire_at = last.fire_at + Duration::minutes(1);
    let title = crate::text::Text::new(
        "打开退路，继续接收提醒",
        "Open Tuilu to keep reminders coming",
    );
    let body = crate::text::Text::new(
        format!(
            "手机最多保留{}条待发提醒，之后的提醒要在你打开退路后才能设置。",
            budget - 1
        ),
        format!(
            "The phone keeps at most {} pending reminders; the next ones are set when you open Tuilu.",
            budget - 1
        ),
    );
    plan.push(Reminder {
        id: REFILL_ID.to_string(),
        kind: ReminderKind::RefillWindow,
        case_id: None,
        step_id: None,
        fire_at,
        local_time: fire_at.to_rfc3339(),
        title,
        body,
        deadline: None,
        revision: String::new(),
        fingerprint: fire_at.timestamp().to_string(),
        snoozed: false,
        covers: Vec::new(),
    });
    plan
}

/// The reminder a token stands for (`id#fingerprint` or a bare id).
pub(super) fn reminder_id(token: &str) -> &str {
    token.split_once('#').map_or(token, |(id, _)| id)
}

/// The time a delivery reported at `at` is recorded under. An inexact alarm fires inside
/// its window, up to [`INEXACT_WINDOW_MINUTES`] before the reminder's time: such a delivery
/// is the reminder's own, so it is recorded at the reminder's time (the planner counts a
/// reminder delivered when the delivery is not before its time).
pub(super) fn delivery_time(r: &Reminder, at: DateTime<Utc>) -> DateTime<Utc> {
    let window_opens = r.fire_at - Duration::minutes(INEXACT_WINDOW_MINUTES);
    if at < r.fire_at && at >= window_opens {
        r.fire_at
    } else {
        at
    }
}
