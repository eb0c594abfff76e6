//! Reminders: what the phone schedules, and the events from a notification.

use super::error::vault_error;
use super::present::{local_text, tr};
use super::views::*;
use super::{
    effects, App, AppError, ChangeKind, Missing, ReminderSyncView, ViewContext, REMINDER_BUDGET,
};
use crate::reminders::{self as rm, store as rstore, Reminder, ReminderKind, ReminderSettings};
use crate::text::Lang;
use crate::vault::{StepAction, StepStatus};

impl App {
    /// What the phone must schedule and cancel now, given the tokens it has scheduled.
    pub fn reminder_sync(
        &self,
        ctx: &ViewContext,
        scheduled: &[String],
    ) -> Result<ReminderSyncView, AppError> {
        let settings = self.reminder_settings(ctx.zone.clone());
        let (plan, statuses) = self.reminder_plan(ctx, &settings)?;
        let status_of = |case: &str, step: &str| statuses.get(case, step);
        Ok(build_reminder_sync(ctx, &plan, scheduled, &status_of))
    }

    /// The reminders planned now over every case that is not archived, and the status of
    /// each step they are about (what a notification's buttons depend on). One owner for
    /// the reminder sync and the effects of every event.
    pub(super) fn reminder_plan(
        &self,
        ctx: &ViewContext,
        settings: &ReminderSettings,
    ) -> Result<(Vec<Reminder>, StepStatuses), AppError> {
        let vault = self.vault(ctx.now)?;
        let subjects =
            rm::subjects_for_vault(&vault).map_err(|e| vault_error(e, None, ctx.lang))?;
        let cal = vault.deadline_calc().calendar();
        let plan = vault
            .with_connection_mut(|conn| {
                let state = rstore::load_state(conn)?;
                Ok::<_, rm::ReminderError>(rm::plan_reminders(
                    &subjects, &state, ctx.now, settings, cal,
                ))
            })
            .map_err(|e| AppError::Storage {
                detail: e.to_string(),
            })?;
        Ok((plan, StepStatuses(subjects)))
    }

    /// Carries out a notification's action (its `NotificationAction::id`) from the
    /// notification itself, without opening the app: `submitted` hands the step in now,
    /// `done` marks it done, `snooze` brings the reminder back in an hour. Returns the
    /// new sync.
    pub fn notification_action(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        action_id: &str,
        scheduled: &[String],
    ) -> Result<ReminderSyncView, AppError> {
        let reminder_id = reminder_id
            .split_once('#')
            .map_or(reminder_id, |(id, _)| id);
        let step_action = match action_id {
            NOTIFY_SNOOZE => {
                return self.snooze_reminder(ctx, reminder_id, rm::SnoozeChoice::OneHour, scheduled)
            }
            NOTIFY_SUBMITTED => StepAction::Submit,
            NOTIFY_DONE => StepAction::Done,
            other => {
                return Err(AppError::NotFound {
                    what: Missing::Reminder,
                    id: format!("{reminder_id}/{other}"),
                })
            }
        };
        let (case, step) = self.with_reminder(ctx, reminder_id, |_, r, _, _| {
            Ok((r.case_id.clone(), r.step_id.clone()))
        })?;
        let (Some(case), Some(step)) = (case, step) else {
            // A catch-up stands for several steps: it has no step to act on.
            return Err(AppError::NotFound {
                what: Missing::Reminder,
                id: reminder_id.to_string(),
            });
        };
        self.step_action(ctx, &case, &step, step_action, None, None, None)?;
        self.reminder_sync(ctx, scheduled)
    }

    /// Snoozes a reminder; returns the new sync.
    pub fn snooze_reminder(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        choice: rm::SnoozeChoice,
        scheduled: &[String],
    ) -> Result<ReminderSyncView, AppError> {
        self.reminder_event(ctx, reminder_id, |conn, r, settings, cal| {
            let until = rm::snooze_until(choice, ctx.now, settings, cal);
            rstore::snooze(conn, r, until, ctx.now)
        })?;
        self.reminder_sync(ctx, scheduled)
    }

    /// Dismisses a reminder; returns the new sync.
    pub fn dismiss_reminder(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        scheduled: &[String],
    ) -> Result<ReminderSyncView, AppError> {
        self.reminder_event(ctx, reminder_id, |conn, r, _, _| {
            rstore::dismiss(conn, r, ctx.now)
        })?;
        self.reminder_sync(ctx, scheduled)
    }

    /// Records that the phone delivered these reminders (ids or tokens): a delivered
    /// catch-up retires what it covers.
    pub fn reminders_delivered(
        &self,
        ctx: &ViewContext,
        tokens: &[String],
    ) -> Result<(), AppError> {
        for token in tokens {
            let id = token.split_once('#').map_or(token.as_str(), |(id, _)| id);
            match self.reminder_event(ctx, id, |conn, r, _, _| {
                rstore::mark_delivered(conn, r, effects::delivery_time(r, ctx.now))
            }) {
                Ok(()) | Err(AppError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Finds the reminder `reminder_id` (planned now, or an occurrence of an open step)
    /// and runs `f` on the vault's connection with it.
    pub(super) fn with_reminder<T>(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        f: impl FnOnce(
            &rusqlite::Connection,
            &rm::Reminder,
            &ReminderSettings,
            &dyn rm::WorkingDays,
        ) -> Result<T, rm::ReminderError>,
    ) -> Result<T, AppError> {
        self.with_reminder_and_subjects(ctx, reminder_id, |conn, r, settings, cal, _| {
            f(conn, r, settings, cal)
        })
    }

    /// [`App::with_reminder`], also handing `f` the open steps the reminder was found among
    /// (a snooze needs them to find the planned time), so they are read from the vault once.
    pub(super) fn with_reminder_and_subjects<T>(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        f: impl FnOnce(
            &rusqlite::Connection,
            &rm::Reminder,
            &ReminderSettings,
            &dyn rm::WorkingDays,
            &[rm::ReminderSubject],
        ) -> Result<T, rm::ReminderError>,
    ) -> Result<T, AppError> {
        let settings = self.reminder_settings(ctx.zone.clone());
        let vault = self.vault(ctx.now)?;
        let subjects =
            rm::subjects_for_vault(&vault).map_err(|e| vault_error(e, None, ctx.lang))?;
        let cal = vault.deadline_calc().calendar();
        let storage = |e: rm::ReminderError| AppError::Storage {
            detail: e.to_string(),
        };
        vault.with_connection_mut(|conn| {
            let state = rstore::load_state(conn).map_err(storage)?;
            let r = rm::find_reminder(&subjects, &state, ctx.now, &settings, cal, reminder_id)
                .ok_or_else(|| AppError::NotFound {
                    what: Missing::Reminder,
                    id: reminder_id.to_string(),
                })?;
            f(conn, &r, &settings, cal, &subjects).map_err(storage)
        })
    }

    /// Changes a reminder's stored state with `f`, then tells observers.
    pub(super) fn reminder_event(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        f: impl FnOnce(
            &rusqlite::Connection,
            &rm::Reminder,
            &ReminderSettings,
            &dyn rm::WorkingDays,
        ) -> Result<(), rm::ReminderError>,
    ) -> Result<(), AppError> {
        let case = self.with_reminder(ctx, reminder_id, |conn, r, settings, cal| {
            f(conn, r, settings, cal)?;
            Ok(r.case_id.clone())
        })?;
        self.notify(ChangeKind::RemindersChanged, case.as_deref());
        Ok(())
    }
}

fn category(kind: ReminderKind) -> &'static str {
    match kind {
        ReminderKind::BeforeDeadline | ReminderKind::AtDeadline => "deadline",
        ReminderKind::WindowClosing3h | ReminderKind::WindowClosing1h => "short_window",
        ReminderKind::WaitingPeriodEnd => "waiting_over",
        ReminderKind::FollowUp
        | ReminderKind::FollowUpEscalate
        | ReminderKind::CatchUp
        | ReminderKind::RefillWindow => "follow_up",
    }
}

/// The action a notification offers on its step, by the step's status: a step in progress
/// can be marked handed in; a step handed in (waiting for an answer) or a window can be
/// marked done. A waiting period that ends needs no answer.
fn step_action_of(
    lang: Lang,
    kind: ReminderKind,
    status: Option<StepStatus>,
) -> Option<NotificationAction> {
    let window = matches!(
        kind,
        ReminderKind::WindowClosing3h | ReminderKind::WindowClosing1h
    );
    match (kind, status?) {
        (ReminderKind::WaitingPeriodEnd, _) => None,
        (_, StepStatus::InProgress) if !window => Some(NotificationAction {
            id: NOTIFY_SUBMITTED.into(),
            label: tr(lang, "已提交", "Submitted"),
        }),
        _ => Some(NotificationAction {
            id: NOTIFY_DONE.into(),
            label: tr(lang, "已有结果", "Answered"),
        }),
    }
}

/// Notification action ids ([`NotificationAction::id`]), carried out by
/// `App::notification_action`.
const NOTIFY_SUBMITTED: &str = "submitted";
const NOTIFY_DONE: &str = "done";
const NOTIFY_SNOOZE: &str = "snooze";

fn build_reminder_sync(
    ctx: &ViewContext,
    plan: &[Reminder],
    scheduled: &[String],
    status_of: &dyn Fn(&str, &str) -> Option<StepStatus>,
) -> ReminderSyncView {
    let lang = ctx.lang;
    let d = crate::reminders::diff(plan, scheduled);
    let schedule = d
        .add
        .iter()
        .map(|r| {
            let status = match (&r.case_id, &r.step_id) {
                (Some(c), Some(s)) => status_of(c, s),
                _ => None,
            };
            let mut actions: Vec<NotificationAction> =
                step_action_of(lang, r.kind, status).into_iter().collect();
            actions.push(NotificationAction {
                id: NOTIFY_SNOOZE.into(),
                label: tr(lang, "稍后提醒", "Remind me later"),
            });
            NotificationView {
                id: r.id.clone(),
                token: r.schedule_token(),
                fire_at: r.fire_at,
                fire_local: local_text(ctx, r.fire_at),
                title: r.title.get(lang).to_string(),
                body: r.body.get(lang).to_string(),
                category: category(r.kind).to_string(),
                actions,
                case_id: r.case_id.clone(),
                step_id: r.step_id.clone(),
            }
        })
        .collect();
    ReminderSyncView {
        schedule,
        cancel: d.cancel,
        keep: d.keep,
        budget: REMINDER_BUDGET as i64,
    }
}

/// The status of each step a reminder may be about: the planner's subjects, kept as they
/// are. Looked up only for the notifications an event (re)schedules, so a search costs
/// less than building an index for every launch, most of whose reminders are held.
pub(super) struct StepStatuses(Vec<rm::ReminderSubject>);

impl StepStatuses {
    pub(super) fn get(&self, case: &str, step: &str) -> Option<StepStatus> {
        self.0
            .iter()
            .find(|s| s.case_id == case && s.step_id == step)
            .map(|s| s.status)
    }
}
