//! Reminders: what the phone schedules, and the events from a notification.

use super::error::vault_error;
use super::{effects, present, App, AppError, ChangeKind, Missing, ReminderSyncView, ViewContext};
use crate::reminders::{self as rm, store as rstore, ReminderSettings};
use crate::vault::StepAction;

impl App {
    /// What the phone must schedule and cancel now, given the tokens it has scheduled.
    pub fn reminder_sync(
        &self,
        ctx: &ViewContext,
        scheduled: &[String],
    ) -> Result<ReminderSyncView, AppError> {
        let settings = self.reminder_settings(ctx.zone.clone());
        let vault = self.vault(ctx.now)?;
        let subjects =
            rm::subjects_for_vault(&vault).map_err(|e| vault_error(e, None, ctx.lang))?;
        let cal = vault.deadline_calc().calendar();
        let plan = vault
            .with_connection_mut(|conn| {
                let state = rstore::load_state(conn)?;
                Ok::<_, rm::ReminderError>(rm::plan_reminders(
                    &subjects, &state, ctx.now, &settings, cal,
                ))
            })
            .map_err(|e| AppError::Storage {
                detail: e.to_string(),
            })?;
        let status_of = |case: &str, step: &str| {
            subjects
                .iter()
                .find(|s| s.case_id == case && s.step_id == step)
                .map(|s| s.status)
        };
        Ok(present::reminder_sync(ctx, &plan, scheduled, &status_of))
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
            present::NOTIFY_SNOOZE => {
                return self.snooze_reminder(ctx, reminder_id, rm::SnoozeChoice::OneHour, scheduled)
            }
            present::NOTIFY_SUBMITTED => StepAction::Submit,
            present::NOTIFY_DONE => StepAction::Done,
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
