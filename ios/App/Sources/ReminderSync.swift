import Foundation
import TuiluCore

// The notification sync: what to add and remove, given what the system holds pending and
// what the core plans. The decisions are the core's (`reminderSync(scheduled:)`: which
// reminders, when, in which words); this file turns them into requests and keeps the
// rolling window within the budget. No UserNotifications here, so the logic is tested
// with plain XCTest (Tests/ReminderSyncTests.swift).

/// The core's side: what to schedule and cancel, given the pending tokens.
protocol ReminderPlanning: Sendable {
    func plan(scheduled: [String]) throws -> ReminderSyncRecord
}

struct ScreensReminderPlanner: ReminderPlanning {
    let screens: TuiluScreens

    func plan(scheduled: [String]) throws -> ReminderSyncRecord {
        try screens.reminderSync(scheduled: scheduled)
    }
}

/// Keys of a request's `userInfo`.
enum NotificationKeys {
    static let reminderId = "reminderId"
    static let caseId = "caseId"
    static let stepId = "stepId"
}

/// When a request fires.
///
/// A deadline reminder is an instant: "the window closes in 1 hour" must come an hour
/// before the window closes, whatever zone the phone has flown to by then. Only a reminder
/// the core marks as wall-clock ("the morning of") may follow the local time. The core's
/// notification record does not say which kind a reminder is yet (the effects model,
/// issue 24, adds it); until it does, every reminder is an instant. iOS never decides the
/// kind itself.
enum PlannedTrigger: Equatable, Sendable {
    /// Fires at this moment, in any zone (a time-interval trigger).
    case instant(Date)
    /// Fires at these wall-clock fields in the zone the phone is in when the time comes
    /// (a floating calendar trigger): only for a reminder the core says is wall-clock.
    case wallClock(DateComponents)
}

/// A notification request, independent of UserNotifications.
struct PlannedRequest: Equatable, Sendable {
    /// The core's token: the request identifier, handed back as `scheduled` next time.
    var identifier: String
    var title: String
    var body: String
    var categoryIdentifier: String
    var trigger: PlannedTrigger
    var userInfo: [String: String]
}

struct PlannedAction: Equatable, Sendable {
    var identifier: String
    var title: String
}

struct PlannedCategory: Equatable, Sendable {
    var identifier: String
    var actions: [PlannedAction]
}

/// What one sync does.
struct ReminderSyncPlan: Equatable, Sendable {
    var remove: [String]
    var add: [PlannedRequest]
    var categories: [PlannedCategory]
}

enum ReminderSyncLogic {
    /// iOS keeps at most 64 pending requests per app.
    static let systemLimit = 64

    /// The rolling window: remove what the core cancels and anything pending it did not
    /// keep; add the core's new reminders, nearest first, only as many as fit the budget.
    static func plan(pending: [String], core: ReminderSyncRecord) -> ReminderSyncPlan {
        let keep = Set(core.keep)
        var remove = core.cancel
        for id in pending where !keep.contains(id) && !remove.contains(id) {
            remove.append(id)
        }
        let window = min(Int(core.budget), systemLimit)
        let room = max(0, window - keep.count)
        let nearest = core.schedule.sorted { $0.fireAt < $1.fireAt }.prefix(room)
        let add = nearest.map { n -> PlannedRequest in
            var info = [NotificationKeys.reminderId: n.id]
            info[NotificationKeys.caseId] = n.caseId
            info[NotificationKeys.stepId] = n.stepId
            return PlannedRequest(
                identifier: n.token, title: n.title, body: n.body,
                categoryIdentifier: categoryIdentifier(n),
                trigger: trigger(n),
                userInfo: info)
        }
        return ReminderSyncPlan(remove: remove, add: add, categories: categories(Array(nearest)))
    }

    /// The trigger of a reminder: an instant, its `fireAt`. The core's record carries no
    /// kind of timing yet, so no reminder is wall-clock (see `PlannedTrigger`).
    static func trigger(_ n: NotificationViewRecord) -> PlannedTrigger {
        .instant(n.fireAt)
    }

    /// The system categories of these reminders, each once, titled with the core's labels.
    static func categories(_ reminders: [NotificationViewRecord]) -> [PlannedCategory] {
        var categories: [PlannedCategory] = []
        for n in reminders {
            let category = categoryIdentifier(n)
            if !categories.contains(where: { $0.identifier == category }) {
                categories.append(PlannedCategory(
                    identifier: category,
                    actions: n.actions.map { PlannedAction(identifier: $0.id, title: $0.label) }))
            }
        }
        return categories
    }

    /// The core's category (`deadline`, `follow_up`, `waiting_over`, `short_window`) with
    /// the ids of its actions: one system category per set of actions.
    static func categoryIdentifier(_ n: NotificationViewRecord) -> String {
        ([n.category] + n.actions.map(\.id)).joined(separator: ".")
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
}

/// What a sync did.
struct ReminderSyncOutcome: Equatable, Sendable {
    var added: Int
    var removed: Int
    var pending: Int
    /// The core's budget for pending notifications.
    var budget: Int
    var authorization: NotificationAuthorization
}

protocol ReminderSyncing: Sendable {
    /// Brings the pending requests in line with the core's plan.
    func sync() async throws -> ReminderSyncOutcome
    /// Registers the categories of every reminder the core plans, with the core's titles in
    /// the current language: at launch (Apple asks for it before any notification can
    /// arrive) and again when the language changes.
    func registerCategories() async throws
}

/// Runs one sync at a time.
actor ReminderSynchronizer: ReminderSyncing {
    private let planner: ReminderPlanning
    private let center: NotificationCenterProtocol

    init(planner: ReminderPlanning, center: NotificationCenterProtocol) {
        self.planner = planner
        self.center = center
    }

    func registerCategories() async throws {
        // With nothing scheduled the core lists every reminder it plans; nothing is added.
        let record = try planner.plan(scheduled: [])
        await center.register(ReminderSyncLogic.categories(record.schedule))
    }

    func sync() async throws -> ReminderSyncOutcome {
        let pending = await center.pendingIdentifiers()
        let record = try planner.plan(scheduled: pending)
        let plan = ReminderSyncLogic.plan(pending: pending, core: record)
        var authorization = await center.authorization()
        // Asked only once there is something to remind of: the first deadline, not launch.
        if !plan.add.isEmpty && authorization == .notDetermined {
            authorization = await center.requestAuthorization() ? .allowed : .denied
        }
        await center.removePending(plan.remove)
        guard authorization == .allowed else {
            return ReminderSyncOutcome(
                added: 0, removed: plan.remove.count,
                pending: pending.count - plan.remove.count, budget: Int(record.budget),
                authorization: authorization)
        }
        await center.register(plan.categories)
        var added = 0
        for request in plan.add {
            try await center.add(request)
            added += 1
        }
        return ReminderSyncOutcome(
            added: added, removed: plan.remove.count,
            pending: pending.count - plan.remove.count + added, budget: Int(record.budget),
            authorization: authorization)
    }
}
