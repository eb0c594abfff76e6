//! One way in for the shells: an [`Event`] goes in, an [`Update`] comes out with the screen
//! to show, where it sits in the navigation, and the [`Effect`]s to perform, in order.
//! Platform signals (boot, zone change, a permission granted, a notification's button) are
//! events like a tap; what the shell must redo follows from the update alone.
//!
//! Modelled on redbadger/crux (`examples/notes`, `examples/weather`): the core owns the
//! state machine and the effects, tested here in milliseconds; the shells draw views and
//! perform effects. See `docs/architecture.md`, "Events and effects".

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::reminders::{self as rm, store as rstore, SnoozeChoice};
use crate::text::Lang;
use crate::vault::StepAction;

use super::case_admin::{ConfirmView, HistoryView, UpgradeView};
use super::effects::{
    self, categories, reminder_id, CategorySetup, Effect, EffectFailure, NotificationActionId,
    PlatformState, Resync,
};
use super::present::tr;
use super::{
    Answer, App, AppError, CaseScreen, Change, ChangeKind, EvidenceListView, HomeView, LetterView,
    LettersView, Missing, QuestionnaireView, ScenarioPickerView, SettingsView, ViewContext,
};

/// Where the user is. Both apps map a route to a screen and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum Route {
    Home {
        show_archived: bool,
    },
    NewCase,
    Questionnaire {
        scenario: String,
    },
    Case {
        case_id: String,
    },
    Evidence {
        case_id: String,
        step_id: Option<String>,
    },
    Letters {
        case_id: String,
    },
    Letter {
        case_id: String,
        letter_id: String,
    },
    History {
        case_id: String,
    },
    Upgrade {
        case_id: String,
    },
    Settings,
}

impl Route {
    /// Home without the archived cases: the root of every stack.
    pub fn home() -> Route {
        Route::Home {
            show_archived: false,
        }
    }

    fn case_id(&self) -> Option<&str> {
        match self {
            Route::Case { case_id }
            | Route::Evidence { case_id, .. }
            | Route::Letters { case_id }
            | Route::Letter { case_id, .. }
            | Route::History { case_id }
            | Route::Upgrade { case_id } => Some(case_id),
            _ => None,
        }
    }
}

/// The view of the current route.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "screen", content = "view", rename_all = "snake_case")]
pub enum Screen {
    Home(HomeView),
    NewCase(ScenarioPickerView),
    Questionnaire(QuestionnaireView),
    Case(Box<CaseScreen>),
    Evidence(EvidenceListView),
    Letters(LettersView),
    Letter(Box<LetterView>),
    History(HistoryView),
    Upgrade(UpgradeView),
    Settings(SettingsView),
    /// The route's view could not be made: the message says why; `can_retry` offers
    /// "重试" (a passing failure, such as a busy vault), else only back.
    Failed {
        message: String,
        can_retry: bool,
    },
}

/// Something the user or the platform did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    // -- platform signals ---------------------------------------------------------------
    /// The app (or a receiver's process) started; what the shell holds is trusted.
    Launched,
    /// The phone booted: no alarm survived.
    Booted,
    /// The app was updated: no alarm survived.
    AppUpdated,
    /// The app started and found its alarms gone (a force stop): none survived.
    AlarmsLost,
    /// The clock was set.
    TimeSet,
    /// The time zone changed; the context of this call carries the new zone.
    ZoneChanged,
    /// The phone's language changed; the context carries the language to use.
    LocaleChanged,
    NotificationPermission {
        granted: bool,
    },
    ExactAlarmPermission {
        granted: bool,
    },
    /// A background refresh (iOS `BGAppRefreshTask`): refill the rolling window.
    BackgroundRefresh,
    /// These notifications were shown (reported by the receiver or the delegate).
    NotificationsDelivered {
        tokens: Vec<String>,
    },
    /// A notification's button was tapped (without opening the app).
    NotificationAction {
        token: String,
        action: NotificationActionId,
    },
    /// A notification was tapped: open what it is about.
    NotificationOpened {
        token: String,
    },
    /// The shell could not perform the effect under `token`.
    EffectFailed {
        token: String,
        failure: EffectFailure,
    },
    /// The vault was replaced (a backup restored): everything is re-planned.
    VaultReplaced,

    // -- navigation ---------------------------------------------------------------------
    Open {
        route: Route,
    },
    Back,
    /// Show the current route again (after a failure, or a change from another process).
    Refresh,
    /// The end of the home list was reached (or its "显示更多" tapped): the home screen
    /// shows [`super::HOME_PAGE`] more cases, and keeps showing them until the app stops.
    ShowMoreCases,

    // -- the user's events ----------------------------------------------------------------
    /// The questionnaire's answers changed (the view shows the next question).
    /// `going_on_from`: the user tapped 下一题 on this question; if it needs an answer
    /// and has none, the view says so on it (no question shows an error before the user
    /// answered it or tried to go on).
    AnswersChanged {
        scenario: String,
        answers: Vec<Answer>,
        going_on_from: Option<String>,
    },
    /// Open questions answered on the checklist (`CaseScreen::question_cards`): the case
    /// is re-planned with them, its progress kept.
    CaseAnswered {
        case_id: String,
        answers: Vec<Answer>,
    },
    CreateCase {
        scenario: String,
        answers: Vec<Answer>,
    },
    StepAction {
        case_id: String,
        step_id: String,
        action: StepAction,
        at: Option<DateTime<Utc>>,
        note: Option<String>,
        route: Option<String>,
    },
    /// Undo the latest change of a step (`step_id`), or of the case.
    Undo {
        case_id: String,
        step_id: Option<String>,
    },
    SetArchived {
        case_id: String,
        archived: bool,
    },
    /// Delete a case; without `confirmed` the update asks first.
    DeleteCase {
        case_id: String,
        confirmed: bool,
    },
    /// Delete an evidence item; without `confirmed` the update asks first.
    DeleteEvidence {
        item_id: String,
        confirmed: bool,
    },
    MoveEvidence {
        item_id: String,
        to_step: String,
    },
    /// Apply the newer rule pack previewed on the upgrade screen.
    UpgradeCase {
        case_id: String,
    },
    /// Evidence was added (by an operation with progress, or the share extension).
    EvidenceAdded {
        case_id: String,
    },
    /// The settings were saved (quiet hours, preferred time, language).
    SettingsChanged,
    SnoozeReminder {
        token: String,
        choice: SnoozeChoice,
    },
    DismissReminder {
        token: String,
    },
}

/// What a shell asks the platform for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionRequest {
    /// POST_NOTIFICATIONS on Android 13+; `requestAuthorization` on iOS.
    Notifications,
}

/// A message for a snackbar or a banner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub text: String,
    /// An error (drawn as one) rather than a confirmation.
    pub is_error: bool,
    /// The refusal's kind, for a shell that offers a follow-up (see `AppError::kind`).
    pub error_kind: Option<super::ErrorKind>,
}

/// Everything that follows from one event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Update {
    pub route: Route,
    /// The whole back stack, root (home) first and `route` last: a shell whose navigation
    /// keeps a path (SwiftUI's `NavigationStack`) shows `stack[1..]` as that path, and
    /// sends `Back` when the user pops it.
    pub stack: Vec<Route>,
    /// The back button goes somewhere in the app (else it leaves the app).
    pub can_go_back: bool,
    /// The route's view (none in the background).
    pub screen: Option<Screen>,
    /// What the shell performs, in this order.
    pub effects: Vec<Effect>,
    /// The notifications the phone holds once the effects are done, when the event
    /// re-planned them (Android keeps this as its record; `None`: unchanged).
    pub reminders_held: Option<Vec<String>>,
    /// Why reminders may not come as planned, in words (notifications off, inexact).
    pub reminder_notice: Option<String>,
    /// The categories to register (at launch and after a language change).
    pub categories: Option<Vec<CategorySetup>>,
    /// Ask the platform for this.
    pub permission_request: Option<PermissionRequest>,
    /// Ask the user before going on (a delete), then send `confirm_event`.
    pub confirm: Option<ConfirmView>,
    pub confirm_event: Option<Box<Event>>,
    pub message: Option<Message>,
    /// What changed, for a shell that keeps other screens (widgets, a second window).
    pub changes: Vec<Change>,
}

/// What handling an event decided, before the screen is drawn.
#[derive(Default)]
struct Outcome {
    resync: Option<Resync>,
    refused: Vec<String>,
    message: Option<Message>,
    changes: Vec<Change>,
    categories: bool,
    permission_request: Option<PermissionRequest>,
    confirm: Option<(ConfirmView, Event)>,
    /// The screen, when the event made it (the questionnaire with the answers given).
    screen: Option<Screen>,
}

impl Outcome {
    fn resync(kind: Resync) -> Outcome {
        Outcome {
            resync: Some(kind),
            ..Outcome::default()
        }
    }

    fn changed(mut self, kind: ChangeKind, case_id: Option<&str>) -> Outcome {
        self.changes.push(Change {
            kind,
            case_id: case_id.map(str::to_string),
        });
        self
    }

    /// Asks the user to confirm `view` before `event` is applied.
    fn confirm(view: ConfirmView, event: Event) -> Outcome {
        Outcome {
            confirm: Some((view, event)),
            ..Outcome::default()
        }
    }

    fn say(mut self, text: String) -> Outcome {
        self.message = Some(Message {
            text,
            is_error: false,
            error_kind: None,
        });
        self
    }
}

/// A case changed: reminders follow it.
fn case_changed(case_id: &str) -> Outcome {
    Outcome::resync(Resync::TrustScheduled).changed(ChangeKind::CaseChanged, Some(case_id))
}

/// A reminder the platform refused (the alarm, or the permission is missing) is held back
/// from the next plan.
fn effect_failed(token: &str, failure: EffectFailure) -> Outcome {
    let mut o = Outcome::resync(Resync::TrustScheduled);
    if failure == EffectFailure::AlarmRefused || failure == EffectFailure::PermissionMissing {
        o.refused.push(token.to_string());
    }
    o
}

fn change(kind: ChangeKind, case_id: &str) -> Change {
    Change {
        kind,
        case_id: Some(case_id.to_string()),
    }
}

fn error_message(e: &AppError, lang: Lang) -> Message {
    Message {
        text: e.message(lang),
        is_error: true,
        error_kind: Some(e.kind()),
    }
}

/// The in-memory navigation of one app: the back stack, current route last.
#[derive(Debug)]
pub(super) struct Navigation {
    stack: Vec<Route>,
    /// How many open cases the home screen shows (grows by a page per
    /// `Event::ShowMoreCases`).
    home_shown: usize,
}

impl Default for Navigation {
    fn default() -> Navigation {
        Navigation {
            stack: vec![Route::home()],
            home_shown: super::HOME_PAGE,
        }
    }
}

impl Navigation {
    fn current(&self) -> Route {
        self.stack.last().cloned().unwrap_or_else(Route::home)
    }

    fn open(&mut self, route: Route) {
        match route {
            Route::Home { .. } => self.stack = vec![route],
            r => {
                // Opening a route already on the stack goes back to it.
                if let Some(i) = self.stack.iter().position(|x| *x == r) {
                    self.stack.truncate(i + 1);
                } else {
                    self.stack.push(r);
                }
            }
        }
    }

    fn back(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    /// Replaces the current route (a created case replaces the questionnaire and the
    /// scenario picker, so back goes home).
    fn replace_flow_with(&mut self, route: Route) {
        self.stack
            .retain(|r| !matches!(r, Route::NewCase | Route::Questionnaire { .. }));
        self.open(route);
    }

    /// Leaves every route of a case that is gone.
    fn forget_case(&mut self, case_id: &str) {
        self.stack.retain(|r| r.case_id() != Some(case_id));
        if self.stack.is_empty() {
            self.stack.push(Route::home());
        }
    }
}

impl App {
    /// Handles one event: applies it, re-plans reminders when it can change them, and
    /// returns the screen to show with the effects to perform. Never fails: a refusal is
    /// a message in the update, and a screen that cannot be made is `Screen::Failed`.
    pub fn handle(&self, ctx: &ViewContext, platform: &PlatformState, event: Event) -> Update {
        let foreground = platform.in_foreground;
        let outcome = match self.apply(ctx, platform, &event) {
            Ok(o) => o,
            Err(e) => Outcome {
                message: Some(error_message(&e, ctx.lang)),
                ..Outcome::default()
            },
        };
        let mut effects = Vec::new();
        let mut held = None;
        let mut notice = None;
        if let Some(resync) = outcome.resync {
            match self.plan_effects(ctx, platform, resync, &outcome.refused) {
                Ok(r) => {
                    effects = r.effects;
                    held = Some(r.held);
                    notice = r.notice;
                }
                Err(e) => {
                    notice = Some(e.message(ctx.lang));
                }
            }
        }
        let (route, can_go_back) = {
            let nav = self.navigation.lock().unwrap_or_else(|e| e.into_inner());
            (nav.current(), nav.stack.len() > 1)
        };
        let (route, can_go_back, screen, message) = if let Some(screen) = outcome.screen {
            (
                route,
                can_go_back,
                foreground.then_some(screen),
                outcome.message,
            )
        } else if foreground {
            self.screen_for(ctx, route, can_go_back, outcome.message)
        } else {
            (route, can_go_back, None, outcome.message)
        };
        let (confirm, confirm_event) = match outcome.confirm {
            Some((v, e)) => (Some(v), Some(Box::new(e))),
            None => (None, None),
        };
        // Read after the screen was made: a route to a case that is gone left the stack.
        let stack = {
            let nav = self.navigation.lock().unwrap_or_else(|e| e.into_inner());
            nav.stack.clone()
        };
        Update {
            route,
            stack,
            can_go_back,
            screen,
            effects,
            reminders_held: held,
            reminder_notice: notice,
            categories: outcome.categories.then(|| categories(ctx.lang)),
            permission_request: outcome.permission_request,
            confirm,
            confirm_event,
            message,
            changes: outcome.changes,
        }
    }

    fn navigate(&self, f: impl FnOnce(&mut Navigation)) {
        let mut nav = self.navigation.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut nav);
    }

    /// Applies the event; the navigation changes only for a shell in the foreground.
    fn apply(
        &self,
        ctx: &ViewContext,
        platform: &PlatformState,
        event: &Event,
    ) -> Result<Outcome, AppError> {
        let fg = platform.in_foreground;
        Ok(match event {
            // The platform: what the shell must redo with its scheduled reminders.
            Event::Launched => Outcome {
                categories: true,
                ..Outcome::resync(Resync::TrustScheduled)
            },
            Event::Booted | Event::AppUpdated | Event::AlarmsLost | Event::TimeSet => {
                Outcome::resync(Resync::ReplaceAll)
            }
            Event::ZoneChanged => Outcome::resync(Resync::ReplaceAll),
            Event::LocaleChanged => Outcome {
                categories: true,
                ..Outcome::resync(Resync::ReplaceAll)
            },
            Event::NotificationPermission { .. } | Event::ExactAlarmPermission { .. } => {
                Outcome::resync(Resync::ReplaceAll)
            }
            Event::BackgroundRefresh => Outcome::resync(Resync::TrustScheduled),
            Event::EffectFailed { token, failure } => effect_failed(token, *failure),
            Event::VaultReplaced => {
                self.navigate(|n| *n = Navigation::default());
                Outcome::resync(Resync::ReplaceAll).changed(ChangeKind::RemindersChanged, None)
            }
            Event::SettingsChanged => {
                Outcome::resync(Resync::ReplaceAll).changed(ChangeKind::SettingsChanged, None)
            }
            // Notifications and reminders.
            Event::NotificationsDelivered { tokens } => {
                self.reminders_delivered(ctx, tokens)?;
                Outcome::resync(Resync::TrustScheduled)
            }
            Event::NotificationAction { token, action } => {
                self.notification_button(ctx, token, *action)?
            }
            Event::NotificationOpened { token } => self.notification_opened(ctx, token),
            Event::SnoozeReminder { token, choice } => {
                let until = self.snooze(ctx, reminder_id(token), *choice)?;
                Outcome::resync(Resync::TrustScheduled)
                    .changed(ChangeKind::RemindersChanged, None)
                    .say(snoozed_text(ctx, until))
            }
            Event::DismissReminder { token } => self.dismiss(ctx, token)?,
            // Moving between screens.
            Event::Open { route } => {
                self.navigate_if(fg, |n| n.open(route.clone()));
                Outcome::default()
            }
            Event::Back => {
                self.navigate_if(fg, Navigation::back);
                Outcome::default()
            }
            Event::Refresh => Outcome::default(),
            Event::ShowMoreCases => {
                let mut nav = self.navigation.lock().unwrap_or_else(|e| e.into_inner());
                nav.home_shown = nav.home_shown.saturating_add(super::HOME_PAGE);
                Outcome::default()
            }
            Event::AnswersChanged {
                scenario,
                answers,
                going_on_from,
            } => self.answers_changed(ctx, fg, scenario, answers, going_on_from.as_deref())?,
            // A case and its steps.
            Event::CaseAnswered { case_id, answers } => {
                self.set_case_facts(ctx, case_id, answers, &[])?;
                case_changed(case_id)
            }
            Event::CreateCase { scenario, answers } => {
                self.create_case_event(ctx, platform, scenario, answers)?
            }
            Event::StepAction {
                case_id,
                step_id,
                action,
                at,
                note,
                route,
            } => {
                self.step_action(
                    ctx,
                    case_id,
                    step_id,
                    *action,
                    *at,
                    note.clone(),
                    route.clone(),
                )?;
                case_changed(case_id)
            }
            Event::Undo { case_id, step_id } => {
                match step_id {
                    Some(s) => {
                        self.step_action(ctx, case_id, s, StepAction::Undo, None, None, None)?;
                    }
                    None => {
                        self.undo_last(ctx, case_id)?;
                    }
                }
                case_changed(case_id)
            }
            Event::SetArchived { case_id, archived } => {
                let text = self.set_archived(ctx, case_id, *archived)?;
                if *archived {
                    self.navigate_if(fg, |n| n.open(Route::home()));
                }
                case_changed(case_id).say(text)
            }
            Event::DeleteCase { case_id, confirmed } => {
                self.delete_case_event(ctx, case_id, *confirmed)?
            }
            Event::UpgradeCase { case_id } => {
                let text = self.upgrade_case(ctx, case_id)?;
                let r = Route::Case {
                    case_id: case_id.clone(),
                };
                self.navigate_if(fg, |n| {
                    n.back();
                    n.open(r);
                });
                case_changed(case_id).say(text)
            }
            // Evidence.
            Event::DeleteEvidence { item_id, confirmed } => {
                self.delete_evidence_event(ctx, item_id, *confirmed)?
            }
            Event::MoveEvidence { item_id, to_step } => {
                let (case_id, text) = self.move_evidence(ctx, item_id, to_step)?;
                Outcome::default()
                    .changed(ChangeKind::EvidenceChanged, Some(&case_id))
                    .say(text)
            }
            Event::EvidenceAdded { case_id } => Outcome {
                changes: vec![
                    change(ChangeKind::EvidenceChanged, case_id),
                    change(ChangeKind::CaseChanged, case_id),
                ],
                ..Outcome::default()
            },
        })
    }

    /// Changes the navigation only for a shell in the foreground (`fg`).
    fn navigate_if(&self, fg: bool, f: impl FnOnce(&mut Navigation)) {
        if fg {
            self.navigate(f);
        }
    }

    /// A tap on a notification: acknowledged, and the app opens on the case, or home for
    /// a catch-up or a reminder of a step no longer open. The navigation follows whatever
    /// the shell reports (it may open in the background).
    fn notification_opened(&self, ctx: &ViewContext, token: &str) -> Outcome {
        let id = reminder_id(token);
        let case = self
            .with_reminder(ctx, id, |conn, r, _, _| {
                rstore::mark_acknowledged(conn, r, ctx.now)?;
                Ok(r.case_id.clone())
            })
            .ok()
            .flatten();
        self.navigate(|n| match &case {
            Some(c) => {
                n.open(Route::home());
                n.open(Route::Case { case_id: c.clone() });
            }
            None => n.open(Route::home()),
        });
        Outcome::resync(Resync::TrustScheduled)
    }

    /// Dismisses a reminder for good, and says so.
    fn dismiss(&self, ctx: &ViewContext, token: &str) -> Result<Outcome, AppError> {
        self.reminder_event(ctx, reminder_id(token), |conn, r, _, _| {
            rstore::dismiss(conn, r, ctx.now)
        })?;
        Ok(Outcome::resync(Resync::TrustScheduled)
            .changed(ChangeKind::RemindersChanged, None)
            .say(tr(
                ctx.lang,
                "这条提醒不会再出现",
                "This reminder will not come again",
            )))
    }

    /// The questionnaire with the answers given so far, opened at its route.
    fn answers_changed(
        &self,
        ctx: &ViewContext,
        fg: bool,
        scenario: &str,
        answers: &[Answer],
        going_on_from: Option<&str>,
    ) -> Result<Outcome, AppError> {
        let r = Route::Questionnaire {
            scenario: scenario.to_string(),
        };
        self.navigate_if(fg, |n| n.open(r));
        Ok(Outcome {
            screen: Some(Screen::Questionnaire(self.questionnaire_going_on(
                ctx,
                scenario,
                answers,
                going_on_from,
            )?)),
            ..Outcome::default()
        })
    }

    /// A new case: its checklist replaces the new-case flow, and the first case asks for
    /// the notification permission when the platform has not given it.
    fn create_case_event(
        &self,
        ctx: &ViewContext,
        platform: &PlatformState,
        scenario: &str,
        answers: &[Answer],
    ) -> Result<Outcome, AppError> {
        let screen = self.create_case(ctx, scenario, answers)?;
        let r = Route::Case {
            case_id: screen.id.clone(),
        };
        self.navigate_if(platform.in_foreground, |n| n.replace_flow_with(r));
        let mut o = Outcome::resync(Resync::TrustScheduled)
            .changed(ChangeKind::CaseCreated, Some(&screen.id));
        if !platform.notifications_allowed {
            o.permission_request = Some(PermissionRequest::Notifications);
        }
        Ok(o)
    }

    /// Deleting a case asks first; once confirmed, the case leaves the navigation.
    fn delete_case_event(
        &self,
        ctx: &ViewContext,
        case_id: &str,
        confirmed: bool,
    ) -> Result<Outcome, AppError> {
        if !confirmed {
            let view = self.confirm_delete_case(ctx, case_id)?;
            return Ok(Outcome::confirm(
                view,
                Event::DeleteCase {
                    case_id: case_id.to_string(),
                    confirmed: true,
                },
            ));
        }
        let gone = self.delete_case(ctx, case_id)?;
        let id = gone.case_id.clone();
        self.navigate(|n| n.forget_case(&id));
        Ok(Outcome::resync(Resync::TrustScheduled)
            .changed(ChangeKind::CaseDeleted, Some(&gone.case_id))
            .say(gone.notice))
    }

    /// Deleting an evidence item asks first.
    fn delete_evidence_event(
        &self,
        ctx: &ViewContext,
        item_id: &str,
        confirmed: bool,
    ) -> Result<Outcome, AppError> {
        if !confirmed {
            let (_, view) = self.confirm_delete_evidence(ctx, item_id)?;
            return Ok(Outcome::confirm(
                view,
                Event::DeleteEvidence {
                    item_id: item_id.to_string(),
                    confirmed: true,
                },
            ));
        }
        let case_id = self.evidence_item(ctx, item_id)?.1.case_id;
        let gone = self.delete_evidence(ctx, item_id)?;
        Ok(Outcome::default()
            .changed(ChangeKind::EvidenceChanged, Some(&case_id))
            .say(gone.notice))
    }

    /// A notification's button does what the same tap in the app does.
    fn notification_button(
        &self,
        ctx: &ViewContext,
        token: &str,
        action: NotificationActionId,
    ) -> Result<Outcome, AppError> {
        let id = reminder_id(token);
        let step_action = match action {
            NotificationActionId::Snooze => {
                let until = self.snooze(ctx, id, SnoozeChoice::OneHour)?;
                return Ok(Outcome::resync(Resync::TrustScheduled)
                    .changed(ChangeKind::RemindersChanged, None)
                    .say(snoozed_text(ctx, until)));
            }
            NotificationActionId::Submitted => StepAction::Submit,
            NotificationActionId::Done => StepAction::Done,
        };
        let (case, step) = self.with_reminder(ctx, id, |conn, r, _, _| {
            rstore::mark_acknowledged(conn, r, ctx.now)?;
            Ok((r.case_id.clone(), r.step_id.clone()))
        })?;
        let (Some(case), Some(step)) = (case, step) else {
            // A catch-up stands for several steps: it has no step to act on.
            return Err(AppError::NotFound {
                what: Missing::Reminder,
                id: id.to_string(),
            });
        };
        self.step_action(ctx, &case, &step, step_action, None, None, None)?;
        Ok(Outcome::resync(Resync::TrustScheduled).changed(ChangeKind::CaseChanged, Some(&case)))
    }

    /// Snoozes a reminder; returns when it comes back (never before its own time).
    fn snooze(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        choice: SnoozeChoice,
    ) -> Result<DateTime<Utc>, AppError> {
        let until = self.with_reminder_and_subjects(
            ctx,
            reminder_id,
            |conn, r, settings, cal, subjects| {
                let until = rm::snooze_target(subjects, settings, cal, r, choice, ctx.now);
                rstore::snooze(conn, r, until, ctx.now)?;
                Ok(until)
            },
        )?;
        self.notify(ChangeKind::RemindersChanged, None);
        Ok(until)
    }

    /// The plan cut to the platform's budget, as effects.
    fn plan_effects(
        &self,
        ctx: &ViewContext,
        platform: &PlatformState,
        resync: Resync,
        refused: &[String],
    ) -> Result<effects::ReminderEffects, AppError> {
        let mut settings = self.reminder_settings(ctx.zone.clone());
        // One more than the budget: whether the plan had to be cut.
        settings.limit = platform.budget() + 1;
        let (plan, statuses) = self.reminder_plan(ctx, &settings)?;
        let plan = effects::with_refill(plan, platform.budget());
        let status_of = |case: &str, step: &str| statuses.get(case, step);
        Ok(effects::reminder_effects(
            ctx, platform, &plan, &status_of, resync, refused,
        ))
    }

    /// The screen of `route`. A route to a case that is gone leads home, saying so.
    fn screen_for(
        &self,
        ctx: &ViewContext,
        route: Route,
        can_go_back: bool,
        message: Option<Message>,
    ) -> (Route, bool, Option<Screen>, Option<Message>) {
        match self.render(ctx, &route) {
            Ok(s) => (route, can_go_back, Some(s), message),
            Err(AppError::NotFound {
                what: Missing::Case,
                ..
            }) => {
                if let Some(id) = route.case_id() {
                    let id = id.to_string();
                    self.navigate(|n| n.forget_case(&id));
                }
                let home = Route::home();
                let screen = self.render(ctx, &home).ok();
                let gone = Message {
                    text: tr(
                        ctx.lang,
                        "这个案件已不存在（可能已在别处删除）",
                        "This case no longer exists (it may have been deleted elsewhere)",
                    ),
                    is_error: true,
                    error_kind: Some(super::ErrorKind::NotFound),
                };
                (home, false, screen, Some(message.unwrap_or(gone)))
            }
            Err(e) => {
                let can_retry = matches!(e, AppError::Busy | AppError::Storage { .. });
                (
                    route,
                    can_go_back,
                    Some(Screen::Failed {
                        message: e.message(ctx.lang),
                        can_retry,
                    }),
                    message,
                )
            }
        }
    }

    fn render(&self, ctx: &ViewContext, route: &Route) -> Result<Screen, AppError> {
        Ok(match route {
            Route::Home { show_archived } => {
                let shown = {
                    let nav = self.navigation.lock().unwrap_or_else(|e| e.into_inner());
                    nav.home_shown
                };
                Screen::Home(self.home_view(ctx, *show_archived, Some(shown))?)
            }
            Route::NewCase => Screen::NewCase(self.scenario_picker(ctx)?),
            Route::Questionnaire { scenario } => {
                Screen::Questionnaire(self.questionnaire(ctx, scenario, &[])?)
            }
            Route::Case { case_id } => Screen::Case(Box::new(self.case_screen(ctx, case_id)?)),
            Route::Evidence { case_id, step_id } => {
                Screen::Evidence(self.evidence_list(ctx, case_id, step_id.as_deref())?)
            }
            Route::Letters { case_id } => Screen::Letters(self.letters(ctx, case_id)?),
            Route::Letter { case_id, letter_id } => {
                Screen::Letter(Box::new(self.letter(ctx, case_id, letter_id)?))
            }
            Route::History { case_id } => Screen::History(self.history(ctx, case_id)?),
            Route::Upgrade { case_id } => Screen::Upgrade(self.upgrade_preview(ctx, case_id)?),
            Route::Settings => Screen::Settings(self.settings_view(ctx)?),
        })
    }
}

fn snoozed_text(ctx: &ViewContext, until: DateTime<Utc>) -> String {
    let when = super::present::local_text(ctx, until);
    match ctx.lang {
        Lang::Zh => format!("将在 {when} 再次提醒"),
        Lang::En => format!("You will be reminded again at {when}"),
    }
}
