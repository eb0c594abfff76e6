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
    var categories: [PlannedCategory] = []
    var delivered: [String] = []

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
        requests.removeAll { $0.identifier == request.identifier }
        requests.append(request)
    }
}

/// A core plan given by the test.
struct FixedPlanner: ReminderPlanning {
    let record: @Sendable ([String]) -> ReminderSyncRecord

    func plan(scheduled: [String]) throws -> ReminderSyncRecord { record(scheduled) }
}

/// Counts syncs (the store asks for one after every change).
final class CountingSync: ReminderSyncing, @unchecked Sendable {
    var count = 0

    var registrations = 0

    func sync() async throws -> ReminderSyncOutcome {
        count += 1
        return ReminderSyncOutcome(added: 0, removed: 0, pending: 0, budget: 60, authorization: .allowed)
    }

    func registerCategories() async throws {
        registrations += 1
    }
}

func notification(
    _ id: String, fireAt: Date, category: String = "deadline",
    actions: [String] = ["submitted", "snooze"], caseId: String? = "case1", stepId: String? = "submit_exit"
) -> NotificationViewRecord {
    NotificationViewRecord(
        id: id, token: "\(id)#f1", fireAt: fireAt, fireLocal: "", title: "标题 \(id)", body: "正文",
        category: category,
        actions: actions.map { NotificationActionRecord(id: $0, label: $0 == "snooze" ? "稍后提醒" : "已提交") },
        caseId: caseId, stepId: stepId)
}
