import Foundation
import os
import TuiluCore
import UserNotifications

/// The system trigger of a planned request. An instant becomes a time-interval trigger,
/// which counts elapsed time and so fires at that moment whatever zone the phone is in; a
/// floating calendar trigger (fields without a zone) is built only for `.wallClock`, which
/// only the core can ask for. `scripts/ios_project_check.py` fails on any other
/// `UNCalendarNotificationTrigger`.
enum SystemTrigger {
    static func make(_ trigger: PlannedTrigger, now: Date) -> UNNotificationTrigger {
        switch trigger {
        case let .instant(date):
            // At least a second: a moment already past fires at once rather than failing.
            return UNTimeIntervalNotificationTrigger(timeInterval: max(1, date.timeIntervalSince(now)), repeats: false)
        case let .wallClock(fields):
            return UNCalendarNotificationTrigger(dateMatching: fields, repeats: false)
        }
    }

    /// When a pending request fires (for the reminders screen), whatever its trigger.
    static func nextDate(_ trigger: UNNotificationTrigger?) -> Date? {
        if let interval = trigger as? UNTimeIntervalNotificationTrigger { return interval.nextTriggerDate() }
        return (trigger as? UNCalendarNotificationTrigger)?.nextTriggerDate()
    }
}

/// `NotificationCenterProtocol` over UNUserNotificationCenter.
struct SystemNotificationCenter: NotificationCenterProtocol {
    private var center: UNUserNotificationCenter { .current() }

    func pendingIdentifiers() async -> [String] {
        await center.pendingNotificationRequests().map(\.identifier)
    }

    func deliveredIdentifiers() async -> [String] {
        await center.deliveredNotifications().map(\.request.identifier)
    }

    func authorization() async -> NotificationAuthorization {
        switch await center.notificationSettings().authorizationStatus {
        case .notDetermined: return .notDetermined
        case .denied: return .denied
        default: return .allowed
        }
    }

    func requestAuthorization() async -> Bool {
        (try? await center.requestAuthorization(options: [.alert, .sound, .badge])) ?? false
    }

    func register(_ categories: [PlannedCategory]) async {
        var all = await center.notificationCategories()
        for category in categories {
            let actions = category.actions.map {
                // No `.foreground`: the action runs in the background through the core.
                // `.authenticationRequired`: every action of the core changes the vault, so
                // whoever holds the locked phone cannot mark a step submitted; unlocking
                // also makes the vault readable.
                UNNotificationAction(identifier: $0.identifier, title: $0.title, options: [.authenticationRequired])
            }
            all = all.filter { $0.identifier != category.identifier }
            all.insert(UNNotificationCategory(
                identifier: category.identifier, actions: actions, intentIdentifiers: [], options: []))
        }
        center.setNotificationCategories(all)
    }

    func removePending(_ identifiers: [String]) async {
        guard !identifiers.isEmpty else { return }
        center.removePendingNotificationRequests(withIdentifiers: identifiers)
    }

    func add(_ request: PlannedRequest) async throws {
        let content = UNMutableNotificationContent()
        content.title = request.title
        content.body = request.body
        content.categoryIdentifier = request.categoryIdentifier
        content.userInfo = request.userInfo
        content.sound = .default
        try await center.add(UNNotificationRequest(
            identifier: request.identifier, content: content,
            trigger: SystemTrigger.make(request.trigger, now: Date())))
    }

    /// Tells the user now (a background action the core refused).
    func post(title: String, body: String) async {
        let content = UNMutableNotificationContent()
        content.title = title
        content.body = body
        try? await center.add(UNNotificationRequest(
            identifier: UUID().uuidString, content: content, trigger: nil))
    }
}

/// The actions of the core's notifications (`NotificationActionRecord.id`), carried out
/// through the core. Runs in the background when the app is not running: the vault is
/// readable after the first unlock (see Storage).
struct NotificationActions: Sendable {
    static let submitted = "submitted"
    static let done = "done"
    static let snooze = "snooze"

    let screens: TuiluScreens
    let pending: @Sendable () async -> [String]

    /// Applies the action through the core (which decides what it means) now; returns true
    /// when it changed something.
    func perform(_ action: String, userInfo: [AnyHashable: Any]) async throws -> Bool {
        guard let reminder = userInfo[NotificationKeys.reminderId] as? String else { return false }
        let scheduled = await pending()
        _ = try screens.notificationAction(reminder, action: action, scheduled: scheduled)
        return true
    }

    /// Applies an action at the time the user pressed it (one kept in `ActionQueue`).
    func perform(_ queued: QueuedAction) async throws -> Bool {
        let scheduled = await pending()
        _ = try screens.notificationAction(queued.reminderId, action: queued.action, scheduled: scheduled, at: queued.at)
        return true
    }
}

/// A notification action the vault could not take yet.
struct QueuedAction: Codable, Equatable, Sendable {
    var reminderId: String
    var action: String
    /// When the user pressed it: the core records the step at this time.
    var at: Date
    /// The notification's title, to tell the user if the core refuses it later.
    var title: String
}

/// Notification actions that arrived while the vault could not be opened (after a restart,
/// before the first unlock its files are encrypted: see Storage). They are kept, not
/// dropped, in a small file of the app's own container that is readable before the first
/// unlock (no file protection: it holds a reminder id, an action id and a time), and
/// carried out when protected data becomes available or at the next launch.
struct ActionQueue: Sendable {
    let file: URL

    static let app = ActionQueue(file: URL.applicationSupportDirectory.appending(path: "PendingNotificationActions.json"))
    private static let lock = OSAllocatedUnfairLock()

    func append(_ action: QueuedAction) throws {
        try Self.lock.withLock {
            var all = read()
            all.append(action)
            try write(all)
        }
    }

    /// Takes every queued action out of the file.
    func drain() -> [QueuedAction] {
        Self.lock.withLock {
            let all = read()
            if !all.isEmpty { try? FileManager.default.removeItem(at: file) }
            return all
        }
    }

    private func read() -> [QueuedAction] {
        guard let data = try? Data(contentsOf: file) else { return [] }
        return (try? JSONDecoder().decode([QueuedAction].self, from: data)) ?? []
    }

    private func write(_ all: [QueuedAction]) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode(all).write(to: file, options: [.atomic, .noFileProtection])
    }
}

/// Where a tapped notification leads; the active scene's store takes it.
@MainActor
final class DeepLinks {
    static let shared = DeepLinks()
    var handler: ((_ caseId: String, _ stepId: String?) -> Void)?
    private var waiting: (String, String?)?

    func open(caseId: String, stepId: String?) {
        if let handler { handler(caseId, stepId) } else { waiting = (caseId, stepId) }
    }

    func attach(_ handler: @escaping (_ caseId: String, _ stepId: String?) -> Void) {
        self.handler = handler
        if let link = waiting {
            waiting = nil
            handler(link.0, link.1)
        }
    }
}

/// The notification center's delegate, set at launch (also a background launch for an
/// action), so actions reach the core even when the app was not running.
final class NotificationDelegate: NSObject, UNUserNotificationCenterDelegate, Sendable {
    func userNotificationCenter(
        _ center: UNUserNotificationCenter,
        willPresent notification: UNNotification
    ) async -> UNNotificationPresentationOptions {
        let token = notification.request.identifier
        if let core = try? Core.shared() {
            _ = try? await VaultWrite.run("delivered") { try core.screens.delivered([token]) }
        }
        return [.banner, .list, .sound]
    }

    func userNotificationCenter(
        _ center: UNUserNotificationCenter,
        didReceive response: UNNotificationResponse
    ) async {
        let info = response.notification.request.content.userInfo
        if response.actionIdentifier == UNNotificationDefaultActionIdentifier {
            if let caseId = info[NotificationKeys.caseId] as? String {
                let stepId = info[NotificationKeys.stepId] as? String
                await MainActor.run { DeepLinks.shared.open(caseId: caseId, stepId: stepId) }
            }
            return
        }
        guard let reminder = info[NotificationKeys.reminderId] as? String else { return }
        let queued = QueuedAction(
            reminderId: reminder, action: response.actionIdentifier, at: Date(),
            title: response.notification.request.content.title)
        guard let core = try? Core.shared() else {
            // The vault cannot be opened yet (before the first unlock): keep the action.
            try? ActionQueue.app.append(queued)
            return
        }
        await Self.carryOut([queued], core: core)
    }

    /// Carries out actions through the core, each as a background task, then re-syncs.
    /// A refusal (the step was already submitted) is posted with the core's message.
    static func carryOut(_ queued: [QueuedAction], core: Core) async {
        guard !queued.isEmpty else { return }
        let system = SystemNotificationCenter()
        let actions = NotificationActions(screens: core.screens, pending: { await system.pendingIdentifiers() })
        for action in queued {
            do {
                _ = try await VaultWrite.run("notification action") { try await actions.perform(action) }
            } catch {
                await system.post(title: action.title, body: message(for: error))
            }
        }
        _ = try? await core.reminders.sync()
    }

    /// The actions kept before the first unlock, once the vault can be opened.
    static func carryOutQueued() async {
        guard let core = try? Core.shared() else { return }
        await carryOut(ActionQueue.app.drain(), core: core)
    }
}
