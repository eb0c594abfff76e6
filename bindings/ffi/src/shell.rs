//! The shells' one way in across the FFI: `handle(ctx, platform, event) -> UpdateRecord`
//! (see `tuilu_core::app::shell`). The event, the platform's state and the update are
//! records and enums; the update carries the screen to draw and the effects to perform.
//! `handle` never throws: a refusal is a message in the update, and a panic becomes one.

use tuilu_core::app::{self as core_app};
use tuilu_core::reminders as rm;

use super::{
    answers, AnswerRecord, CaseScreenRecord, ChangeRecord, ErrorKind, EvidenceListRecord,
    HomeViewRecord, QuestionnaireRecord, ScenarioPickerRecord, SettingsViewRecord, SnoozeChoice,
    StepAction, ToFfi, TuiluApp, ViewContextRecord,
};
use super::{LetterViewRecord, LettersViewRecord};
use crate::uniffi_support::Timestamp;

mirror_enum!(
    /// What a reminder is about.
    ReminderKind <=> rm::ReminderKind {
        BeforeDeadline, WindowClosing3h, WindowClosing1h, AtDeadline, WaitingPeriodEnd,
        FollowUp, FollowUpEscalate, CatchUp, RefillWindow
    }
);
mirror_enum!(
    /// The Android channel / iOS category of a notification.
    NotificationCategory <=> core_app::NotificationCategory {
        Deadline, ShortWindow, WaitingOver, FollowUp, CatchUp
    }
);
mirror_enum!(
    /// A notification button.
    NotificationActionId <=> core_app::NotificationActionId { Submitted, Done, Snooze }
);
mirror_enum!(
    /// Why the shell could not perform an effect.
    EffectFailure <=> core_app::EffectFailure { AlarmRefused, PermissionMissing }
);
mirror_enum!(
    /// What the shell asks the platform for.
    PermissionRequest <=> core_app::PermissionRequest { Notifications }
);
mirror_enum!(
    /// An entry of a case screen's menu.
    CaseMenuAction <=> core_app::CaseMenuAction { History, Upgrade, Archive, Unarchive, Delete }
);
via_from!(
    rm::ReminderKind => ReminderKind,
    core_app::NotificationCategory => NotificationCategory,
    core_app::NotificationActionId => NotificationActionId,
    core_app::PermissionRequest => PermissionRequest,
    core_app::CaseMenuAction => CaseMenuAction
);

/// The phone's operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Os {
    /// Android with its API level (`Build.VERSION.SDK_INT`).
    Android {
        sdk: i32,
    },
    Ios,
}

/// What the platform allows and holds, read by the shell before each event.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlatformStateRecord {
    pub os: Os,
    pub notifications_allowed: bool,
    /// `AlarmManager.canScheduleExactAlarms()` (ignored before Android 12 and on iOS).
    pub exact_alarms_allowed: bool,
    /// Android: 500; iOS: 64 (a negative value counts as 0).
    pub pending_limit: i32,
    /// The tokens held: iOS's pending request ids; Android the last `reminders_held`.
    pub scheduled: Vec<String>,
    /// A screen shows (false in a receiver, a background task, an extension).
    pub in_foreground: bool,
}

impl From<PlatformStateRecord> for core_app::PlatformState {
    fn from(p: PlatformStateRecord) -> core_app::PlatformState {
        core_app::PlatformState {
            os: match p.os {
                Os::Android { sdk } => core_app::Os::Android {
                    sdk: u32::try_from(sdk).unwrap_or(0),
                },
                Os::Ios => core_app::Os::Ios,
            },
            notifications_allowed: p.notifications_allowed,
            exact_alarms_allowed: p.exact_alarms_allowed,
            pending_limit: u32::try_from(p.pending_limit).unwrap_or(0),
            scheduled: p.scheduled,
            in_foreground: p.in_foreground,
        }
    }
}

/// Where the user is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum RouteRecord {
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

impl From<RouteRecord> for core_app::Route {
    fn from(r: RouteRecord) -> core_app::Route {
        use core_app::Route as R;
        match r {
            RouteRecord::Home { show_archived } => R::Home { show_archived },
            RouteRecord::NewCase => R::NewCase,
            RouteRecord::Questionnaire { scenario } => R::Questionnaire { scenario },
            RouteRecord::Case { case_id } => R::Case { case_id },
            RouteRecord::Evidence { case_id, step_id } => R::Evidence { case_id, step_id },
            RouteRecord::Letters { case_id } => R::Letters { case_id },
            RouteRecord::Letter { case_id, letter_id } => R::Letter { case_id, letter_id },
            RouteRecord::History { case_id } => R::History { case_id },
            RouteRecord::Upgrade { case_id } => R::Upgrade { case_id },
            RouteRecord::Settings => R::Settings,
        }
    }
}

impl ToFfi for core_app::Route {
    type Out = RouteRecord;
    fn to_ffi(self) -> RouteRecord {
        use core_app::Route as R;
        match self {
            R::Home { show_archived } => RouteRecord::Home { show_archived },
            R::NewCase => RouteRecord::NewCase,
            R::Questionnaire { scenario } => RouteRecord::Questionnaire { scenario },
            R::Case { case_id } => RouteRecord::Case { case_id },
            R::Evidence { case_id, step_id } => RouteRecord::Evidence { case_id, step_id },
            R::Letters { case_id } => RouteRecord::Letters { case_id },
            R::Letter { case_id, letter_id } => RouteRecord::Letter { case_id, letter_id },
            R::History { case_id } => RouteRecord::History { case_id },
            R::Upgrade { case_id } => RouteRecord::Upgrade { case_id },
            R::Settings => RouteRecord::Settings,
        }
    }
}

/// Something the user or the platform did (see `tuilu_core::app::Event`).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum EventRecord {
    Launched,
    Booted,
    AppUpdated,
    AlarmsLost,
    TimeSet,
    /// The context of the call carries the new zone.
    ZoneChanged,
    /// The context of the call carries the language.
    LocaleChanged,
    NotificationPermission {
        granted: bool,
    },
    ExactAlarmPermission {
        granted: bool,
    },
    BackgroundRefresh,
    NotificationsDelivered {
        tokens: Vec<String>,
    },
    NotificationAction {
        token: String,
        action: NotificationActionId,
    },
    NotificationOpened {
        token: String,
    },
    EffectFailed {
        token: String,
        failure: EffectFailure,
    },
    VaultReplaced,
    Open {
        route: RouteRecord,
    },
    Back,
    Refresh,
    /// The end of the home list was reached or its "显示更多" tapped: home shows a page
    /// more.
    ShowMoreCases,
    /// `going_on_from`: the user tapped 下一题 on this question (an open one says so).
    AnswersChanged {
        scenario: String,
        answers: Vec<AnswerRecord>,
        going_on_from: Option<String>,
    },
    /// Open questions answered on the checklist: the case is re-planned.
    CaseAnswered {
        case_id: String,
        answers: Vec<AnswerRecord>,
    },
    CreateCase {
        scenario: String,
        answers: Vec<AnswerRecord>,
    },
    StepAction {
        case_id: String,
        step_id: String,
        action: StepAction,
        at: Option<Timestamp>,
        note: Option<String>,
        route: Option<String>,
    },
    Undo {
        case_id: String,
        step_id: Option<String>,
    },
    SetArchived {
        case_id: String,
        archived: bool,
    },
    DeleteCase {
        case_id: String,
        confirmed: bool,
    },
    DeleteEvidence {
        item_id: String,
        confirmed: bool,
    },
    MoveEvidence {
        item_id: String,
        to_step: String,
    },
    UpgradeCase {
        case_id: String,
    },
    EvidenceAdded {
        case_id: String,
    },
    SettingsChanged,
    SnoozeReminder {
        token: String,
        choice: SnoozeChoice,
    },
    DismissReminder {
        token: String,
    },
}

impl From<EventRecord> for core_app::Event {
    fn from(e: EventRecord) -> core_app::Event {
        use core_app::Event as E;
        match e {
            EventRecord::Launched => E::Launched,
            EventRecord::Booted => E::Booted,
            EventRecord::AppUpdated => E::AppUpdated,
            EventRecord::AlarmsLost => E::AlarmsLost,
            EventRecord::TimeSet => E::TimeSet,
            EventRecord::ZoneChanged => E::ZoneChanged,
            EventRecord::LocaleChanged => E::LocaleChanged,
            EventRecord::NotificationPermission { granted } => {
                E::NotificationPermission { granted }
            }
            EventRecord::ExactAlarmPermission { granted } => E::ExactAlarmPermission { granted },
            EventRecord::BackgroundRefresh => E::BackgroundRefresh,
            EventRecord::NotificationsDelivered { tokens } => E::NotificationsDelivered { tokens },
            EventRecord::NotificationAction { token, action } => E::NotificationAction {
                token,
                action: action.into(),
            },
            EventRecord::NotificationOpened { token } => E::NotificationOpened { token },
            EventRecord::EffectFailed { token, failure } => E::EffectFailed {
                token,
                failure: failure.into(),
            },
            EventRecord::VaultReplaced => E::VaultReplaced,
            EventRecord::Open { route } => E::Open {
                route: route.into(),
            },
            EventRecord::Back => E::Back,
            EventRecord::Refresh => E::Refresh,
            EventRecord::ShowMoreCases => E::ShowMoreCases,
            EventRecord::AnswersChanged {
                scenario,
                answers: a,
                going_on_from,
            } => E::AnswersChanged {
                scenario,
                answers: answers(a),
                going_on_from,
            },
            EventRecord::CaseAnswered {
                case_id,
                answers: a,
            } => E::CaseAnswered {
                case_id,
                answers: answers(a),
            },
            EventRecord::CreateCase {
                scenario,
                answers: a,
            } => E::CreateCase {
                scenario,
                answers: answers(a),
            },
            EventRecord::StepAction {
                case_id,
                step_id,
                action,
                at,
                note,
                route,
            } => E::StepAction {
                case_id,
                step_id,
                action: action.into(),
                at,
                note,
                route,
            },
            EventRecord::Undo { case_id, step_id } => E::Undo { case_id, step_id },
            EventRecord::SetArchived { case_id, archived } => E::SetArchived { case_id, archived },
            EventRecord::DeleteCase { case_id, confirmed } => E::DeleteCase { case_id, confirmed },
            EventRecord::DeleteEvidence { item_id, confirmed } => {
                E::DeleteEvidence { item_id, confirmed }
            }
            EventRecord::MoveEvidence { item_id, to_step } => E::MoveEvidence { item_id, to_step },
            EventRecord::UpgradeCase { case_id } => E::UpgradeCase { case_id },
            EventRecord::EvidenceAdded { case_id } => E::EvidenceAdded { case_id },
            EventRecord::SettingsChanged => E::SettingsChanged,
            EventRecord::SnoozeReminder { token, choice } => E::SnoozeReminder {
                token,
                choice: choice.into(),
            },
            EventRecord::DismissReminder { token } => E::DismissReminder { token },
        }
    }
}

impl ToFfi for core_app::Event {
    type Out = EventRecord;
    fn to_ffi(self) -> EventRecord {
        use core_app::Event as E;
        let answers_back = |a: Vec<core_app::Answer>| {
            a.into_iter()
                .map(|a| AnswerRecord {
                    fact: a.fact,
                    value: a.value,
                })
                .collect()
        };
        match self {
            E::Launched => EventRecord::Launched,
            E::Booted => EventRecord::Booted,
            E::AppUpdated => EventRecord::AppUpdated,
            E::AlarmsLost => EventRecord::AlarmsLost,
            E::TimeSet => EventRecord::TimeSet,
            E::ZoneChanged => EventRecord::ZoneChanged,
            E::LocaleChanged => EventRecord::LocaleChanged,
            E::NotificationPermission { granted } => {
                EventRecord::NotificationPermission { granted }
            }
            E::ExactAlarmPermission { granted } => EventRecord::ExactAlarmPermission { granted },
            E::BackgroundRefresh => EventRecord::BackgroundRefresh,
            E::NotificationsDelivered { tokens } => EventRecord::NotificationsDelivered { tokens },
            E::NotificationAction { token, action } => EventRecord::NotificationAction {
                token,
                action: action.into(),
            },
            E::NotificationOpened { token } => EventRecord::NotificationOpened { token },
            E::EffectFailed { token, failure } => EventRecord::EffectFailed {
                token,
                failure: failure.into(),
            },
            E::VaultReplaced => EventRecord::VaultReplaced,
            E::Open { route } => EventRecord::Open {
                route: route.to_ffi(),
            },
            E::Back => EventRecord::Back,
            E::Refresh => EventRecord::Refresh,
            E::ShowMoreCases => EventRecord::ShowMoreCases,
            E::AnswersChanged {
                scenario,
                answers,
                going_on_from,
            } => EventRecord::AnswersChanged {
                scenario,
                answers: answers_back(answers),
                going_on_from,
            },
            E::CaseAnswered { case_id, answers } => EventRecord::CaseAnswered {
                case_id,
                answers: answers_back(answers),
            },
            E::CreateCase { scenario, answers } => EventRecord::CreateCase {
                scenario,
                answers: answers_back(answers),
            },
            E::StepAction {
                case_id,
                step_id,
                action,
                at,
                note,
                route,
            } => EventRecord::StepAction {
                case_id,
                step_id,
                action: action.into(),
                at,
                note,
                route,
            },
            E::Undo { case_id, step_id } => EventRecord::Undo { case_id, step_id },
            E::SetArchived { case_id, archived } => EventRecord::SetArchived { case_id, archived },
            E::DeleteCase { case_id, confirmed } => EventRecord::DeleteCase { case_id, confirmed },
            E::DeleteEvidence { item_id, confirmed } => {
                EventRecord::DeleteEvidence { item_id, confirmed }
            }
            E::MoveEvidence { item_id, to_step } => EventRecord::MoveEvidence { item_id, to_step },
            E::UpgradeCase { case_id } => EventRecord::UpgradeCase { case_id },
            E::EvidenceAdded { case_id } => EventRecord::EvidenceAdded { case_id },
            E::SettingsChanged => EventRecord::SettingsChanged,
            E::SnoozeReminder { token, choice } => EventRecord::SnoozeReminder {
                token,
                choice: choice.into(),
            },
            E::DismissReminder { token } => EventRecord::DismissReminder { token },
        }
    }
}

/// How an alarm is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AlarmTiming {
    /// At `fire_at` exactly (Android `setExactAndAllowWhileIdle`; iOS a trigger at that
    /// instant, whatever the zone then).
    Exact,
    /// From `start` to `fire_at` (Android `setWindow(start, fire_at - start)`).
    Window { start: Timestamp },
}

impl ToFfi for core_app::AlarmTiming {
    type Out = AlarmTiming;
    fn to_ffi(self) -> AlarmTiming {
        match self {
            core_app::AlarmTiming::Exact => AlarmTiming::Exact,
            core_app::AlarmTiming::Window { start } => AlarmTiming::Window { start },
        }
    }
}

view_record!(
    /// A notification button; `needs_unlock`: iOS `.authenticationRequired`.
    NotificationButtonRecord <= core_app::NotificationButton {
        id: NotificationActionId, label: String, needs_unlock: bool,
    }
);
view_record!(
    /// A category (iOS) or channel (Android) with its title and buttons, registered at
    /// launch and after a language change.
    CategorySetupRecord <= core_app::CategorySetup {
        category: NotificationCategory, title: String, actions: Vec<NotificationButtonRecord>,
    }
);
view_record!(
    /// A notification to schedule or post under `token`.
    NotificationEffectRecord <= core_app::NotificationEffect {
        token: String, kind: ReminderKind, category: NotificationCategory, fire_at: Timestamp,
        fire_local: String, timing: AlarmTiming, title: String, body: String,
        actions: Vec<NotificationButtonRecord>,
    }
);

/// Something the shell must do, in order.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum EffectRecord {
    Schedule {
        notification: NotificationEffectRecord,
    },
    PostNow {
        notification: NotificationEffectRecord,
    },
    Cancel {
        token: String,
    },
}

impl ToFfi for core_app::Effect {
    type Out = EffectRecord;
    fn to_ffi(self) -> EffectRecord {
        match self {
            core_app::Effect::Schedule(n) => EffectRecord::Schedule {
                notification: n.to_ffi(),
            },
            core_app::Effect::PostNow(n) => EffectRecord::PostNow {
                notification: n.to_ffi(),
            },
            core_app::Effect::Cancel { token } => EffectRecord::Cancel { token },
        }
    }
}

view_record!(
    /// A question before a destructive event; send `Update.confirm_event` on yes.
    ConfirmViewRecord <= core_app::ConfirmView {
        title: String, text: String, confirm_label: String, cancel_label: String,
    }
);
view_record!(
    /// A snackbar or banner.
    MessageRecord <= core_app::Message {
        text: String, is_error: bool, error_kind: Option<ErrorKind>,
    }
);
view_record!(
    /// One line of a case's history.
    HistoryEntryRecord <= core_app::HistoryEntry {
        seq: i64, at: Timestamp, when_text: String, text: String, note: Option<String>,
        undone: bool, undo_label: Option<String>, undo_step: Option<String>,
    }
);
view_record!(
    /// A case's journal in words, newest first.
    HistoryViewRecord <= core_app::HistoryView {
        case_id: String, title: String, entries: Vec<HistoryEntryRecord>,
    }
);
view_record!(
    /// What updating a case to the newest rules would change.
    UpgradeViewRecord <= core_app::UpgradeView {
        case_id: String, title: String, versions_text: String, available: bool,
        summary: String, changes: Vec<String>, apply_label: String,
    }
);
view_record!(
    /// An entry of a case screen's menu.
    CaseMenuItemRecord <= core_app::CaseMenuItem {
        action: CaseMenuAction, label: String, destructive: bool,
    }
);
view_record!(
    /// A day chip of the time picker with its bounds.
    TimeChoiceRecord <= core_app::TimeChoice {
        label: String, earliest: Timestamp, latest: Timestamp, default_at: Timestamp,
        is_now: bool,
    }
);
view_record!(
    /// The time picker of an action: its chips and bounds.
    WhenViewRecord <= core_app::WhenView {
        choices: Vec<TimeChoiceRecord>, earliest: Timestamp, latest: Timestamp,
        bound_text: Option<String>,
    }
);

/// The view of the current route.
// UniFFI lowers records by value (no boxes across the FFI); the enum lives only for the
// conversion of one update.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum ScreenRecord {
    Home {
        view: HomeViewRecord,
    },
    NewCase {
        view: ScenarioPickerRecord,
    },
    Questionnaire {
        view: QuestionnaireRecord,
    },
    Case {
        view: CaseScreenRecord,
    },
    Evidence {
        view: EvidenceListRecord,
    },
    Letters {
        view: LettersViewRecord,
    },
    Letter {
        view: LetterViewRecord,
    },
    History {
        view: HistoryViewRecord,
    },
    Upgrade {
        view: UpgradeViewRecord,
    },
    Settings {
        view: SettingsViewRecord,
    },
    /// The route's view could not be made: say why, offer retry when it may pass.
    Failed {
        message: String,
        can_retry: bool,
    },
}

impl ToFfi for core_app::Screen {
    type Out = ScreenRecord;
    fn to_ffi(self) -> ScreenRecord {
        use core_app::Screen as S;
        match self {
            S::Home(v) => ScreenRecord::Home { view: v.to_ffi() },
            S::NewCase(v) => ScreenRecord::NewCase { view: v.to_ffi() },
            S::Questionnaire(v) => ScreenRecord::Questionnaire { view: v.to_ffi() },
            S::Case(v) => ScreenRecord::Case {
                view: (*v).to_ffi(),
            },
            S::Evidence(v) => ScreenRecord::Evidence { view: v.to_ffi() },
            S::Letters(v) => ScreenRecord::Letters { view: v.to_ffi() },
            S::Letter(v) => ScreenRecord::Letter {
                view: (*v).to_ffi(),
            },
            S::History(v) => ScreenRecord::History { view: v.to_ffi() },
            S::Upgrade(v) => ScreenRecord::Upgrade { view: v.to_ffi() },
            S::Settings(v) => ScreenRecord::Settings { view: v.to_ffi() },
            S::Failed { message, can_retry } => ScreenRecord::Failed { message, can_retry },
        }
    }
}

/// Everything that follows from one event.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct UpdateRecord {
    pub route: RouteRecord,
    /// The whole back stack, home first and `route` last (SwiftUI's path is `stack[1...]`).
    pub stack: Vec<RouteRecord>,
    pub can_go_back: bool,
    pub screen: Option<ScreenRecord>,
    pub effects: Vec<EffectRecord>,
    /// Android keeps this as its record of scheduled tokens (`None`: unchanged).
    pub reminders_held: Option<Vec<String>>,
    pub reminder_notice: Option<String>,
    pub categories: Option<Vec<CategorySetupRecord>>,
    pub permission_request: Option<PermissionRequest>,
    pub confirm: Option<ConfirmViewRecord>,
    pub confirm_event: Option<EventRecord>,
    pub message: Option<MessageRecord>,
    pub changes: Vec<ChangeRecord>,
}

impl ToFfi for core_app::Update {
    type Out = UpdateRecord;
    fn to_ffi(self) -> UpdateRecord {
        UpdateRecord {
            route: self.route.to_ffi(),
            stack: self.stack.to_ffi(),
            can_go_back: self.can_go_back,
            screen: self.screen.to_ffi(),
            effects: self.effects.to_ffi(),
            reminders_held: self.reminders_held,
            reminder_notice: self.reminder_notice,
            categories: self.categories.to_ffi(),
            permission_request: self.permission_request.map(Into::into),
            confirm: self.confirm.to_ffi(),
            confirm_event: self.confirm_event.map(|e| (*e).to_ffi()),
            message: self.message.to_ffi(),
            changes: self.changes.to_ffi(),
        }
    }
}

#[uniffi::export]
impl TuiluApp {
    /// Handles one event and returns what follows from it: the route and its screen, the
    /// effects to perform in order, and any message. Never throws.
    pub fn handle(
        &self,
        ctx: ViewContextRecord,
        platform: PlatformStateRecord,
        event: EventRecord,
    ) -> UpdateRecord {
        let cx = super::ctx(&ctx);
        let lang = cx.lang;
        let platform: core_app::PlatformState = platform.into();
        let event: core_app::Event = event.into();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.app.handle(&cx, &platform, event).to_ffi()
        }))
        .unwrap_or_else(|_| {
            let text = match lang {
                tuilu_core::Lang::Zh => "内部错误，请重试".to_string(),
                tuilu_core::Lang::En => "Internal error; please try again".to_string(),
            };
            UpdateRecord {
                route: RouteRecord::Home {
                    show_archived: false,
                },
                stack: vec![RouteRecord::Home {
                    show_archived: false,
                }],
                can_go_back: false,
                screen: Some(ScreenRecord::Failed {
                    message: text.clone(),
                    can_retry: true,
                }),
                effects: Vec::new(),
                reminders_held: None,
                reminder_notice: None,
                categories: None,
                permission_request: None,
                confirm: None,
                confirm_event: None,
                message: Some(MessageRecord {
                    text,
                    is_error: true,
                    error_kind: Some(ErrorKind::Internal),
                }),
                changes: Vec::new(),
            }
        })
    }

    /// The notification categories (iOS) / channels (Android) with their titles and
    /// buttons, for registration at launch before any event.
    pub fn notification_categories(&self, ctx: ViewContextRecord) -> Vec<CategorySetupRecord> {
        core_app::effects::categories(ctx.language.into()).to_ffi()
    }
}
