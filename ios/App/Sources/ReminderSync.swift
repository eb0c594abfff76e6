import Foundation
import TuiluCore

// Reminders through the core's effects (issue 24, `TuiluApp.handle`). A platform event (the
// launch, a zone or clock change, a delivery, a notification's button, a background
// refresh) goes to the core with what the platform allows and holds; the update says what
// to cancel, schedule and post, in that order, each notification with its token, instant,
// timing, category, title, body and buttons. iOS decides nothing: not the budget, not what
// a button means, not the kind of trigger. No UserNotifications here, so the logic is
// tested with plain XCTest (Tests/ReminderSyncTests.swift).

/// The core's side: one event in, one update out.
protocol ReminderPlanning: Sendable {
    /// `at`: when the event happened, for one kept until the vault could be opened.
    func handle(_ event: EventRecord, platform: PlatformStateRecord, at: Date?) -> UpdateRecord
    /// The categories with the core's titles and buttons, to register at launch.
    func categories() -> [CategorySetupRecord]
}

struct ScreensReminderPlanner: ReminderPlanning {
    let screens: TuiluScreens

    func handle(_ event: EventRecord, platform: PlatformStateRecord, at: Date?) -> UpdateRecord {
        screens.handle(event, platform: platform, at: at)
    }

    func categories() -> [CategorySetupRecord] {
        screens.notificationCategories()
    }
}

/// A notification request, independent of UserNotifications.
struct PlannedRequest: Equatable, Sendable {
    /// The core's token: the request identifier, handed back as `scheduled` next time.
    var identifier: String
    var title: String
    var body: String
    var categoryIdentifier: String
    /// The instant it must be shown at; `timing` says how exactly (the core's decision).
    var fireAt: Date
    var timing: AlarmTiming
}

struct PlannedAction: Equatable, Sendable {
    var identifier: String
    var title: String
    /// The core says the button changes the case: iOS asks to unlock first.
    var needsUnlock: Bool
}

struct PlannedCategory: Equatable, Sendable {
    var identifier: String
    var actions: [PlannedAction]
}

/// The core's records as system identifiers and requests: names only, no decision.
enum ReminderEffects {
    /// iOS keeps at most 64 pending requests per app (the core plans within it).
    static let pendingLimit: Int32 = 64

    /// The system category of a core category: the enum's own name (`deadline`).
    static func categoryIdentifier(_ category: NotificationCategory) -> String {
        "\(category)"
    }

    /// The system action of a core button: the enum's own name (`submitted`).
    static func actionIdentifier(_ id: NotificationActionId) -> String {
        "\(id)"
    }

    /// The core's button of a system action identifier (nil for a stranger).
    static func action(_ identifier: String) -> NotificationActionId? {
        [NotificationActionId.submitted, .done, .snooze].first { actionIdentifier($0) == identifier }
    }

    static func request(_ n: NotificationEffectRecord) -> PlannedRequest {
        PlannedRequest(
            identifier: n.token, title: n.title, body: n.body,
            categoryIdentifier: categoryIdentifier(n.category), fireAt: n.fireAt, timing: n.timing)
    }

    static func categories(_ setups: [CategorySetupRecord]) -> [PlannedCategory] {
        setups.map { setup in
            PlannedCategory(
                identifier: categoryIdentifier(setup.category),
                actions: setup.actions.map {
                    PlannedAction(identifier: actionIdentifier($0.id), title: $0.label, needsUnlock: $0.needsUnlock)
                })
        }
    }
}

enum NotificationAuthorization: Sendable {
    case notDetermined, allowed, denied
}

/// The system's side (UNUserNotificationCenter in the app, a fake in tests).
protocol NotificationCenterProtocol: Sendable {
    func pendingIdentifiers() async -> [String]
    func deliveredIdentifiers() async -> [String]
    func authorization() async -> NotificationAuthorization
    func requestAuthorization() async -> Bool
    func register(_ categories: [PlannedCategory]) async
    func removePending(_ identifiers: [String]) async
    func add(_ request: PlannedRequest) async throws
    /// Shows it now (a reminder already due, such as a catch-up).
    func postNow(_ request: PlannedRequest) async
}

/// What performing an update did.
struct ReminderSyncOutcome: Equatable, Sendable {
    var added = 0
    var removed = 0
    var posted = 0
    /// Why reminders may not come as planned, in the core's words.
    var notice: String?
}

protocol ReminderSyncing: Sendable {
    /// Sends a platform event to the core and performs the effects of its update; returns
    /// the update (its route, screen and message are the caller's).
    @discardableResult
    func send(_ event: EventRecord, inForeground: Bool, at: Date?) async -> (UpdateRecord, ReminderSyncOutcome)
    /// Registers the core's categories (titles and buttons in the current language): at
    /// launch, before any notification can arrive (Apple asks for it), and whenever an
    /// update carries them (a language change).
    func registerCategories() async
}

extension ReminderSyncing {
    /// Re-plans the window, trusting what is pending. The app's own writes (a step action,
    /// undo…) still go through the view calls, and the core has no event for "the data
    /// changed": a delivery report with no new delivery is the core's re-plan that keeps
    /// what is scheduled.
    @discardableResult
    func sync() async -> ReminderSyncOutcome {
        await send(.notificationsDelivered(tokens: []), inForeground: false, at: nil).1
    }
}

/// Performs one update at a time.
actor ReminderSynchronizer: ReminderSyncing {
    private let planner: ReminderPlanning
    private let center: NotificationCenterProtocol

    init(planner: ReminderPlanning, center: NotificationCenterProtocol) {
        self.planner = planner
        self.center = center
    }

    func registerCategories() async {
        await center.register(ReminderEffects.categories(planner.categories()))
    }

    func send(_ event: EventRecord, inForeground: Bool = false, at: Date? = nil) async -> (UpdateRecord, ReminderSyncOutcome) {
        let update = planner.handle(event, platform: await platform(inForeground), at: at)
        var outcome = await perform(update)
        // The core asks for the permission when there is something to remind of (a case
        // created); the system shows its dialog only once.
        if update.permissionRequest == .notifications, await center.authorization() == .notDetermined {
            let granted = await center.requestAuthorization()
            let next = planner.handle(.notificationPermission(granted: granted), platform: await platform(false), at: nil)
            let more = await perform(next)
            outcome.added += more.added
            outcome.removed += more.removed
            outcome.posted += more.posted
            outcome.notice = more.notice
        }
        return (update, outcome)
    }

    private func platform(_ inForeground: Bool) async -> PlatformStateRecord {
        PlatformStateRecord(
            os: .ios, notificationsAllowed: await center.authorization() == .allowed,
            exactAlarmsAllowed: true, pendingLimit: ReminderEffects.pendingLimit,
            scheduled: await center.pendingIdentifiers(), inForeground: inForeground)
    }

    /// The effects in the core's order; then what happened is reported back: the
    /// notifications posted now as delivered, a request the system refused as failed.
    private func perform(_ update: UpdateRecord) async -> ReminderSyncOutcome {
        var outcome = ReminderSyncOutcome(notice: update.reminderNotice)
        var reports: [EventRecord] = []
        var current = update
        for round in 0..<4 {
            if let setups = current.categories {
                await center.register(ReminderEffects.categories(setups))
            }
            var posted: [String] = []
            for effect in current.effects {
                switch effect {
                case let .cancel(token):
                    await center.removePending([token])
                    outcome.removed += 1
                case let .schedule(notification):
                    do {
                        try await center.add(ReminderEffects.request(notification))
                        outcome.added += 1
                    } catch {
                        reports.append(.effectFailed(token: notification.token, failure: .alarmRefused))
                    }
                case let .postNow(notification):
                    await center.postNow(ReminderEffects.request(notification))
                    posted.append(notification.token)
                    outcome.posted += 1
                }
            }
            if !posted.isEmpty { reports.insert(.notificationsDelivered(tokens: posted), at: 0) }
            guard !reports.isEmpty, round < 3 else { break }
            current = planner.handle(reports.removeFirst(), platform: await platform(false), at: nil)
            if current.reminderNotice != nil { outcome.notice = current.reminderNotice }
        }
        return outcome
    }
}
