import Foundation
import os
import TuiluCore
import UserNotifications

/// The system trigger of a notification. Every reminder is an instant (the core: "deadlines
/// are instants; no reminder is a floating wall-clock time"), so it becomes a time-interval
/// trigger, which counts elapsed time and fires at that moment whatever zone the phone is
/// in by then. The core's `timing` is obeyed: `.exact` fires at `fireAt`; `.window` (an
/// Android alarm without the exact permission) has no iOS counterpart and fires at `fireAt`
/// too, never late. A floating `UNCalendarNotificationTrigger` would be built only for a
/// wall-clock kind of the core, which has none; `scripts/ios_project_check.py` fails on
/// any other.
enum SystemTrigger {
    static func make(_ timing: AlarmTiming, fireAt: Date, now: Date) -> UNNotificationTrigger {
        switch timing {
        case .exact, .window:
            // At least a second: a moment already past fires at once rather than failing.
            return UNTimeIntervalNotificationTrigger(timeInterval: max(1, fireAt.timeIntervalSince(now)), repeats: false)
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

    /// The core's categories replace ours of the same identifier (titles in a new language).
    func register(_ categories: [PlannedCategory]) async {
        var all = await center.notificationCategories()
        for category in categories {
            let actions = category.actions.map {
                // No `.foreground`: the action runs in the background through the core.
                // `.authenticationRequired` where the core says the button changes the case,
                // so whoever holds the locked phone cannot mark a step submitted.
                UNNotificationAction(
                    identifier: $0.identifier, title: $0.title,
                    options: $0.needsUnlock ? [.authenticationRequired] : [])
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
        try await center.add(UNNotificationRequest(
            identifier: request.identifier, content: Self.content(request),
            trigger: SystemTrigger.make(request.timing, fireAt: request.fireAt, now: Date())))
    }

    func postNow(_ request: PlannedRequest) async {
        try? await center.add(UNNotificationRequest(
            identifier: request.identifier, content: Self.content(request), trigger: nil))
    }

    static func content(_ request: PlannedRequest) -> UNMutableNotificationContent {
        let content = UNMutableNotificationContent()
        content.title = request.title
        content.body = request.body
        content.categoryIdentifier = request.categoryIdentifier
        content.sound = .default
        return content
    }

    /// Tells the user now (a background action the core refused, in its words).
    func post(title: String, body: String) async {
        let content = UNMutableNotificationContent()
        content.title = title
        content.body = body
        try? await center.add(UNNotificationRequest(
            identifier: UUID().uuidString, content: content, trigger: nil))
    }
}

/// A notification action the vault could not take yet.
struct QueuedAction: Codable, Equatable, Sendable {
    /// The notification's token (its request identifier).
    var token: String
    /// The system action identifier (the core's button id).
    var action: String
    /// When the user pressed it: the core records the step at this time.
    var at: Date
}

/// Notification actions that arrived while the vault could not be opened (after a restart,
/// before the first unlock its files are encrypted: see Storage). They are kept, not
/// dropped, in a small file of the app's own container that is readable before the first
/// unlock (no file protection: it holds a token, an action id and a time), and carried out
/// when protected data becomes available or at the next launch.
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

/// A notification's button, carried out by the core (`NotificationAction` event: the core
/// decides what the button means) at the time it was pressed; a refusal comes back as the
/// update's message, in the core's words.
struct NotificationActions: Sendable {
    let reminders: ReminderSyncing

    /// The core's message when it refused, nil when the action was carried out.
    func perform(_ queued: QueuedAction) async -> String? {
        guard let action = ReminderEffects.action(queued.action) else { return nil }
        let (update, _) = await reminders.send(
            .notificationAction(token: queued.token, action: action), inForeground: false, at: queued.at)
        guard let message = update.message, message.isError else { return nil }
        return message.text
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
            _ = try? await VaultWrite.run("delivered") {
                await core.reminders.send(.notificationsDelivered(tokens: [token]), inForeground: false, at: nil).1
            }
        }
        return [.banner, .list, .sound]
    }

    func userNotificationCenter(
        _ center: UNUserNotificationCenter,
        didReceive response: UNNotificationResponse
    ) async {
        let token = response.notification.request.identifier
        if response.actionIdentifier == UNNotificationDefaultActionIdentifier {
            // The core says where the notification leads (its case, or home).
            guard let core = try? Core.shared() else { return }
            let route = try? await VaultWrite.run("notification opened") {
                await core.reminders.send(.notificationOpened(token: token), inForeground: false, at: nil).0.route
            }
            if case let .`case`(caseId)? = route {
                await MainActor.run { DeepLinks.shared.open(caseId: caseId, stepId: nil) }
            }
            return
        }
        let queued = QueuedAction(token: token, action: response.actionIdentifier, at: Date())
        guard let core = try? Core.shared() else {
            // The vault cannot be opened yet (before the first unlock): keep the action.
            try? ActionQueue.app.append(queued)
            return
        }
        await Self.carryOut([queued], core: core)
    }

    /// Carries out actions through the core, each as a background task. A refusal (the
    /// step was already submitted) is posted with the core's message.
    static func carryOut(_ queued: [QueuedAction], core: Core) async {
        let actions = NotificationActions(reminders: core.reminders)
        for action in queued {
            let refused = try? await VaultWrite.run("notification action") { await actions.perform(action) }
            if let refused = refused ?? nil {
                // The core's words; no title: the queue keeps nothing of the notification's text.
                await SystemNotificationCenter().post(title: "", body: refused)
            }
        }
    }

    /// The actions kept before the first unlock, once the vault can be opened.
    static func carryOutQueued() async {
        guard let core = try? Core.shared() else { return }
        await carryOut(ActionQueue.app.drain(), core: core)
    }
}
