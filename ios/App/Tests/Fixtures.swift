import Foundation
import TuiluCore
@testable import TuiluiOSApp

/// A fresh vault and the screens' facade at a fixed time in Beijing.
enum Fixtures {
    static let beijing = TimeZone(identifier: "Asia/Shanghai")!
    /// The answers of the guild-exit case the Kotlin ScreensTest uses.
    static let guildAnswers = [
        "has_unsettled_earnings": "否",
        "has_violation_record": "否",
        "contract_ended": "是",
    ]
    static let stepsBeforeSubmit = ["check_account_status", "backup_data", "read_contract_and_negotiate"]

    static func vault() throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("tuilu-app-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func screens(_ dir: URL, now: String = "2026-09-30T09:00:00Z") throws -> TuiluScreens {
        let instant = ISO8601DateFormatter().date(from: now)!
        return try TuiluScreens(vaultDirectory: dir, language: .zh, zone: beijing, now: { instant })
    }

    /// A guild-exit case with its exit request submitted (a deadline runs).
    static func submittedCase(_ screens: TuiluScreens) throws -> CaseScreenRecord {
        var screen = try screens.createCase("douyin.guild-exit", answers: guildAnswers)
        for step in stepsBeforeSubmit {
            screen = try screens.act(screen.id, step: step, action: .done)
        }
        return try screens.act(screen.id, step: "submit_exit", action: .submit)
    }
}

/// The notification center in memory.
final class FakeCenter: NotificationCenterProtocol, @unchecked Sendable {
    var status: NotificationAuthorization = .notDetermined
    var grants = true
    var authorizationRequests = 0
    var requests: [PlannedRequest] = []
    var posted: [PlannedRequest] = []
    var categories: [PlannedCategory] = []
    var delivered: [String] = []
    /// Requests the system refuses to add.
    var refusing: Set<String> = []

    func pendingIdentifiers() async -> [String] { requests.map(\.identifier) }
    func deliveredIdentifiers() async -> [String] { delivered }
    func authorization() async -> NotificationAuthorization { status }

    func requestAuthorization() async -> Bool {
        authorizationRequests += 1
        status = grants ? .allowed : .denied
        return grants
    }

    /// As UNUserNotificationCenter: a category registered again replaces the old one.
    func register(_ categories: [PlannedCategory]) async {
        for c in categories {
            self.categories.removeAll { $0.identifier == c.identifier }
            self.categories.append(c)
        }
    }

    func removePending(_ identifiers: [String]) async {
        requests.removeAll { identifiers.contains($0.identifier) }
    }

    func add(_ request: PlannedRequest) async throws {
        if refusing.contains(request.identifier) { throw CocoaError(.featureUnsupported) }
        requests.removeAll { $0.identifier == request.identifier }
        requests.append(request)
    }

    func postNow(_ request: PlannedRequest) async {
        posted.append(request)
    }
}

/// A core given by the test: hands out `updates` in turn and records what it was sent.
final class RecordingPlanner: ReminderPlanning, @unchecked Sendable {
    var updates: [UpdateRecord]
    var events: [EventRecord] = []
    var platforms: [PlatformStateRecord] = []

    init(_ updates: [UpdateRecord]) { self.updates = updates }

    func handle(_ event: EventRecord, platform: PlatformStateRecord, at: Date?) -> UpdateRecord {
        events.append(event)
        platforms.append(platform)
        return updates.isEmpty ? update([]) : updates.removeFirst()
    }

    func categories() -> [CategorySetupRecord] { [] }
}

/// The store's reminders: straight to the core with a phone that allows notifications,
/// counting what it is asked.
final class CountingSync: ReminderSyncing, @unchecked Sendable {
    let screens: TuiluScreens
    var count = 0
    var registrations = 0
    var events: [EventRecord] = []

    init(screens: TuiluScreens) { self.screens = screens }

    func send(_ event: EventRecord, inForeground: Bool, at: Date?) async -> (UpdateRecord, ReminderSyncOutcome) {
        count += 1
        events.append(event)
        let platform = PlatformStateRecord(
            os: .ios, notificationsAllowed: true, exactAlarmsAllowed: true, pendingLimit: 64,
            scheduled: [], inForeground: inForeground)
        return (screens.handle(event, platform: platform, at: at), ReminderSyncOutcome())
    }

    func registerCategories() async {
        registrations += 1
    }
}

/// An update carrying only these effects (and what the test adds).
func update(
    _ effects: [EffectRecord], permission: PermissionRequest? = nil, message: MessageRecord? = nil
) -> UpdateRecord {
    UpdateRecord(
        route: .home(showArchived: false), stack: [.home(showArchived: false)], canGoBack: false,
        screen: nil, effects: effects,
        remindersHeld: nil, reminderNotice: nil, categories: nil, permissionRequest: permission,
        confirm: nil, confirmEvent: nil, message: message, changes: [])
}

/// A deadline notification of the core at `at`.
func effect(_ token: String, at: Date, timing: AlarmTiming = .exact) -> NotificationEffectRecord {
    NotificationEffectRecord(
        token: token, kind: .atDeadline, category: .deadline, fireAt: at, fireLocal: "",
        timing: timing, title: "标题 \(token)", body: "正文",
        actions: [
            NotificationButtonRecord(id: .submitted, label: "已提交", needsUnlock: true),
            NotificationButtonRecord(id: .snooze, label: "稍后提醒", needsUnlock: false),
        ])
}
