import Foundation
import TuiluCore
import UserNotifications

/// `NotificationCenterProtocol` over UNUserNotificationCenter, with calendar triggers so a
/// reminder keeps its wall-clock time.
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
                UNNotificationAction(identifier: $0.identifier, title: $0.title, options: [])
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
        let trigger = UNCalendarNotificationTrigger(dateMatching: request.fireDate, repeats: false)
        try await center.add(UNNotificationRequest(
            identifier: request.identifier, content: content, trigger: trigger))
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
struct NotificationActions {
    static let submitted = "submitted"
    static let done = "done"
    static let snooze = "snooze"

    let screens: TuiluScreens
    let pending: () async -> [String]

    /// Applies the action through the core (which decides what it means); returns true
    /// when it changed something.
    func perform(_ action: String, userInfo: [AnyHashable: Any]) async throws -> Bool {
        guard let reminder = userInfo[NotificationKeys.reminderId] as? String else { return false }
        let scheduled = await pending()
        _ = try screens.notificationAction(reminder, action: action, scheduled: scheduled)
        return true
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
final class NotificationDelegate: NSObject, UNUserNotificationCenterDelegate {
    func userNotificationCenter(
        _ center: UNUserNotificationCenter,
        willPresent notification: UNNotification
    ) async -> UNNotificationPresentationOptions {
        if let core = try? Core.shared() {
            try? core.screens.delivered([notification.request.identifier])
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
        guard let core = try? Core.shared() else { return }
        let system = SystemNotificationCenter()
        let actions = NotificationActions(screens: core.screens, pending: { await system.pendingIdentifiers() })
        do {
            _ = try await actions.perform(response.actionIdentifier, userInfo: info)
        } catch {
            await system.post(title: response.notification.request.content.title, body: message(for: error))
        }
        _ = try? await core.reminders.sync()
    }
}
