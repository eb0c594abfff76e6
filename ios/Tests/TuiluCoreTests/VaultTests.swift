// Mirrors android/core/src/test/kotlin/app/tuilu/core/{CasesTest,EvidenceTest,RemindersTest}.kt.
// Run with `swift test` on a Mac after `scripts/bindings.sh xcframework` (see docs/bindings.md).
import CryptoKit
import Foundation
import XCTest

@testable import TuiluCore

final class VaultTests: XCTestCase {
    private var dir: URL!
    private var tuilu: Tuilu!

    private static let scenario = "douyin.guild-exit"
    private static let prerequisites = ["check_account_status", "backup_data", "read_contract_and_negotiate"]
    private static let created = t("2026-09-29T08:00:00Z")
    /// The eve of National Day: 1–3 working days from here end on 2026-10-10.
    private static let submitted = t("2026-09-30T09:00:00Z")
    private static let during = t("2026-10-01T06:00:00Z")

    private static func t(_ s: String) -> Date {
        ISO8601DateFormatter().date(from: s)!
    }

    private static let facts: [Fact] = [
        .bool("has_unsettled_earnings", false),
        .bool("has_violation_record", false),
        .bool("contract_ended", true),
    ]

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tuilu-swift-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        tuilu = try Tuilu(vaultPath: vaultPath, clock: { VaultTests.created })
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private var vaultPath: String {
        dir.appendingPathComponent("vault").path
    }

    private func write(_ name: String, _ data: Data) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    private func submittedCase(at: Date = submitted) async throws -> CaseRecord {
        let c = try await tuilu.createCase(scenarioId: Self.scenario, facts: Self.facts)
        for s in Self.prerequisites {
            _ = try await tuilu.transition(caseId: c.id, stepId: s, .done)
        }
        _ = try await tuilu.transition(caseId: c.id, stepId: "submit_exit", .submit, now: at)
        return try await tuilu.caseRecord(id: c.id, now: at == Self.submitted ? Self.during : at)
    }

    private func storedFiles() -> [String] {
        ["sha256", "tmp"].flatMap { sub -> [String] in
            let root = dir.appendingPathComponent("vault/evidence/\(sub)")
            guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
                return []
            }
            return e.compactMap { item -> String? in
                guard let url = item as? URL,
                      (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
                else { return nil }
                return url.path
            }
        }
    }

    // MARK: cases

    func testTransitionsDependencyErrorAndUndo() async throws {
        let c = try await tuilu.createCase(scenarioId: Self.scenario, facts: Self.facts)
        XCTAssertEqual(c.facts.map(\.id), ["contract_ended", "has_unsettled_earnings", "has_violation_record"])
        do {
            _ = try await tuilu.transition(caseId: c.id, stepId: "submit_exit", .submit)
            XCTFail("expected Conflict")
        } catch let ApiError.Conflict(detail) {
            XCTAssertTrue(detail.contains("check_account_status") && detail.contains("to do"), detail)
        }
        for s in Self.prerequisites {
            _ = try await tuilu.transition(caseId: c.id, stepId: s, .done)
        }
        let submitted = try await tuilu.transition(caseId: c.id, stepId: "submit_exit", .submit, now: Self.submitted)
        XCTAssertEqual(submitted.toStatus, .submitted)
        let undo = try await tuilu.transition(caseId: c.id, stepId: "submit_exit", .undo, now: Self.during)
        XCTAssertEqual(undo.toStatus, .todo)
        XCTAssertEqual(undo.undoes, submitted.seq)
        let journal = try await tuilu.journal(caseId: c.id)
        XCTAssertEqual(journal.first?.kind, "case_created")
        XCTAssertEqual(journal.last?.kind, "undo")
    }

    func testDeadlineOverNationalDay() async throws {
        let c = try await submittedCase()
        let d = try XCTUnwrap(c.step("submit_exit")?.deadline)
        XCTAssertEqual(d.latestDate, "2026-10-10")
        XCTAssertEqual(d.earliestDate, "2026-10-08")
        XCTAssertEqual(d.deadlineUtc, Self.t("2026-10-10T15:59:59Z"))
        XCTAssertEqual(d.deadlineBeijing, "2026-10-10T23:59:59+08:00")
        let late = try await tuilu.caseRecord(id: c.id, now: Self.t("2026-10-11T00:00:00Z"))
        XCTAssertEqual(late.overdueSteps, ["submit_exit"])
    }

    func testFactsChangeDropsAStep() async throws {
        let c = try await tuilu.createCase(scenarioId: Self.scenario, facts: Self.facts + [.bool("guild_obstructs", true)])
        _ = try await tuilu.transition(caseId: c.id, stepId: "record_communications", .done)
        _ = try await tuilu.transition(caseId: c.id, stepId: "report_obstruction", .start)
        let report = try await tuilu.setFacts(caseId: c.id, set: [.bool("guild_obstructs", false)])
        XCTAssertEqual(report.dropped.map(\.id), ["report_obstruction"])
        XCTAssertEqual(report.dropped.first?.status, .inProgress)
        let view = try await tuilu.caseRecord(id: c.id)
        XCTAssertNil(view.steps.first { $0.id == "report_obstruction" })
        XCTAssertEqual(view.step("report_obstruction")?.inPlan, false)
    }

    func testErrors() async throws {
        let c = try await tuilu.createCase(scenarioId: Self.scenario, facts: Self.facts)
        do {
            _ = try await tuilu.caseRecord(id: "zzzzzzzz")
            XCTFail("expected NotFound")
        } catch ApiError.NotFound {}
        do {
            _ = try await tuilu.transition(caseId: c.id, stepId: "backup_data", .undo)
            XCTFail("expected Conflict")
        } catch ApiError.Conflict {}
    }

    func testEightConcurrentCallersLoseNothing() async throws {
        var ids: [String] = []
        for _ in 0..<8 {
            ids.append(try await tuilu.createCase(scenarioId: Self.scenario, facts: Self.facts).id)
        }
        let tuilu = self.tuilu!
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids {
                group.addTask {
                    for s in Self.prerequisites {
                        _ = try await tuilu.transition(caseId: id, stepId: s, .start)
                        _ = try await tuilu.transition(caseId: id, stepId: s, .done)
                    }
                    _ = try await tuilu.transition(caseId: id, stepId: "submit_exit", .submit, now: Self.submitted)
                }
            }
            try await group.waitForAll()
        }
        for id in ids {
            let c = try await tuilu.caseRecord(id: id, now: Self.during)
            XCTAssertEqual(c.step("submit_exit")?.status, .submitted)
            let journal = try await tuilu.journal(caseId: id)
            XCTAssertEqual(journal.count, 8)
        }
    }

    // MARK: evidence

    func testEvidenceAddVerifyTamperExportAndBundle() async throws {
        let c = try await tuilu.createCase(scenarioId: Self.scenario, facts: Self.facts)
        let path = try write("聊天记录.png", Data("not really a png".utf8))
        let a = try await tuilu.addEvidence(.item(caseId: c.id), atPath: path)
        XCTAssertEqual(a.item.originalName, "聊天记录.png")
        let b = try await tuilu.addEvidence(.item(caseId: c.id, stepId: "backup_data"), name: "b.txt", data: Data("备份".utf8))
        let items = try await tuilu.evidence(caseId: c.id)
        XCTAssertEqual(items.map(\.id), [a.item.id, b.item.id])
        let intact = try await tuilu.verifyEvidence(caseId: c.id)
        XCTAssertTrue(intact.intact)

        let bundlePath = dir.appendingPathComponent("bundle.zip").path
        let export = try await tuilu.exportEvidence(caseId: c.id, toPath: bundlePath)
        XCTAssertEqual(export.items, 2)
        let bundle = try await tuilu.verifyBundle(atPath: bundlePath)
        XCTAssertTrue(bundle.intact)

        let sha = b.item.sha256
        let stored = dir.appendingPathComponent("vault/evidence/sha256/\(sha.prefix(2))/\(sha)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: stored.path)
        try Data("篡改".utf8).write(to: stored)
        let report = try await tuilu.verifyEvidence(caseId: c.id)
        XCTAssertFalse(report.intact)
        XCTAssertEqual(report.issues.first?.kind, "changed_file")
        XCTAssertEqual(report.issues.first?.item?.id, b.item.id)
        XCTAssertEqual(report.issues.first?.item?.stepId, "backup_data")
    }

    func testCancellingALargeAddLeavesNothing() async throws {
        let c = try await tuilu.createCase(scenarioId: Self.scenario, facts: Self.facts)
        let path = try write("big.bin", Data(repeating: 7, count: 64 * 1024 * 1024))
        let task = Task { [tuilu] in
            try await tuilu!.addEvidence(.item(caseId: c.id), atPath: path) { p in
                if p.done > 0 { Thread.sleep(forTimeInterval: 0.005) }
            }
        }
        try await Task.sleep(nanoseconds: 50_000_000)
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected Cancelled")
        } catch ApiError.Cancelled {}
        let items = try await tuilu.evidence(caseId: c.id)
        XCTAssertEqual(items, [])
        XCTAssertEqual(storedFiles(), [])
    }

    func testAddProgressEventsEndAtTotal() async throws {
        let c = try await tuilu.createCase(scenarioId: Self.scenario, facts: Self.facts)
        let size = 5 * 1024 * 1024 + 3
        let path = try write("progress.bin", Data(repeating: 1, count: size))
        var progress: [TuiluProgress] = []
        var result: AddedEvidenceRecord?
        for try await event in tuilu.addEvidenceEvents(.item(caseId: c.id), atPath: path) {
            switch event {
            case let .running(p): progress.append(p)
            case let .finished(r): result = r
            }
        }
        XCTAssertNotNil(result)
        XCTAssertEqual(progress.last, TuiluProgress(done: UInt64(size), total: UInt64(size)))
        XCTAssertTrue(zip(progress, progress.dropFirst()).allSatisfy { $0.done < $1.done })
    }

    // MARK: reminders

    func testRemindersPlanSnoozeDismissDiffAndCalendar() async throws {
        let berlin = Tuilu.reminderSettings(zone: TimeZone(identifier: "Europe/Berlin")!)
        let c = try await submittedCase()
        let plan = try await tuilu.planReminders(settings: berlin, now: Self.during)
        XCTAssertEqual(plan.map(\.kind), [.beforeDeadline, .atDeadline, .followUp, .followUpEscalate])
        let before = plan[0]
        XCTAssertEqual(before.fireAt, Self.t("2026-10-09T07:30:00Z"))
        XCTAssertEqual(before.localTime, "2026-10-09T09:30:00+02:00")
        XCTAssertEqual(before.caseId, c.id)

        let fired = before.fireAt.addingTimeInterval(60)
        let snoozed = try await tuilu.snoozeReminder(id: before.id, .oneHour, settings: berlin, now: fired)
        XCTAssertEqual(snoozed.until, fired.addingTimeInterval(3600))
        let again = try await tuilu.planReminders(settings: berlin, now: fired)
        XCTAssertEqual(again.first { $0.id == before.id }?.fireAt, snoozed.until)

        try await tuilu.dismissReminder(id: plan[1].id, settings: berlin, now: Self.during)
        let afterDismiss = try await tuilu.planReminders(settings: berlin, now: Self.during)
        XCTAssertFalse(afterDismiss.contains { $0.id == plan[1].id })

        let tokens = afterDismiss.map(\.scheduleToken)
        let diff = try await tuilu.reminderDiff(scheduled: tokens + ["stale#0"], settings: berlin, now: Self.during)
        XCTAssertEqual(diff.add, [])
        XCTAssertEqual(diff.cancel, ["stale#0"])

        let ics = try await tuilu.exportCalendar(settings: berlin, language: .en, now: Self.during)
        XCTAssertTrue(ics.hasPrefix("BEGIN:VCALENDAR"))
        XCTAssertTrue(ics.contains("BEGIN:VEVENT"))
        XCTAssertTrue(ics.contains("UID:"))
        XCTAssertTrue(ics.contains("DTEND:20261010T155959Z"))
    }

    func testFoundationRulesForBerlinGapsAndFolds() {
        let rules = FoundationTimeZoneRules(TimeZone(identifier: "Europe/Berlin")!)
        XCTAssertEqual(rules.id(), "Europe/Berlin")
        XCTAssertEqual(rules.offsetSecondsAt(utc: Self.t("2026-10-25T00:59:59Z")), 7200)
        XCTAssertEqual(rules.offsetSecondsAt(utc: Self.t("2026-10-25T01:00:00Z")), 3600)
        XCTAssertEqual(rules.offsetsSecondsForLocal(local: "2026-03-29T02:30:00"), [])
        XCTAssertEqual(rules.offsetsSecondsForLocal(local: "2026-10-25T02:30:00"), [7200, 3600])
        XCTAssertEqual(rules.offsetsSecondsForLocal(local: "2026-10-26T09:30:00"), [3600])
        XCTAssertEqual(defaultReminderSettings(zone: nil).zone.id(), "Asia/Shanghai")
    }

    func testDstWeekInBerlinKeeps0930Local() async throws {
        // Submitted Wed 2026-10-21; the deadline is Mon 10-26, the day after clocks go back.
        let berlin = Tuilu.reminderSettings(zone: TimeZone(identifier: "Europe/Berlin")!)
        let at = Self.t("2026-10-21T09:00:00Z")
        _ = try await submittedCase(at: at)
        let plan = try await tuilu.planReminders(settings: berlin, now: at)
        XCTAssertEqual(plan.map(\.kind), [.beforeDeadline, .atDeadline, .followUp, .followUpEscalate])
        XCTAssertEqual(plan.map(\.localTime), [
            "2026-10-23T09:30:00+02:00",
            "2026-10-26T09:30:00+01:00",
            "2026-10-27T09:30:00+01:00",
            "2026-10-30T09:30:00+01:00",
        ])
        XCTAssertEqual(plan[0].fireAt, Self.t("2026-10-23T07:30:00Z"))
        XCTAssertEqual(plan[1].fireAt, Self.t("2026-10-26T08:30:00Z"))
        // The "before deadline" reminder fired on Friday 10-23; snoozed on Saturday evening.
        let snoozed = try await tuilu.snoozeReminder(id: plan[0].id, .tomorrowMorning, settings: berlin, now: Self.t("2026-10-24T18:00:00Z"))
        XCTAssertEqual(snoozed.localTime, "2026-10-25T09:30:00+01:00")
    }

    func testADeliveredCatchUpDoesNotComeBack() async throws {
        let berlin = Tuilu.reminderSettings(zone: TimeZone(identifier: "Europe/Berlin")!)
        _ = try await submittedCase()
        let missedAt = Self.t("2026-10-09T12:00:00Z")
        let catchUp = try await tuilu.planReminders(settings: berlin, now: missedAt).first { $0.kind == .catchUp }!
        XCTAssertEqual(catchUp.covers.map(\.kind), [.beforeDeadline])
        let shown = catchUp.fireAt.addingTimeInterval(5)
        try await tuilu.markRemindersDelivered([catchUp.scheduleToken], settings: berlin, at: shown)
        let later = try await tuilu.planReminders(settings: berlin, now: shown.addingTimeInterval(3600))
        XCTAssertFalse(later.contains { $0.kind == .catchUp })
    }

    func testAnEarlySnoozeKeepsThePlannedTime() async throws {
        let berlin = Tuilu.reminderSettings(zone: TimeZone(identifier: "Europe/Berlin")!)
        _ = try await submittedCase()
        let during = Self.t("2026-10-01T06:00:00Z")
        let before = try await tuilu.planReminders(settings: berlin, now: during)[0]
        XCTAssertEqual(before.kind, .beforeDeadline)
        let snoozed = try await tuilu.snoozeReminder(id: before.id, .oneHour, settings: berlin, now: during)
        XCTAssertEqual(snoozed.until, before.fireAt)
        let later = try await tuilu.planReminders(settings: berlin, now: during.addingTimeInterval(3 * 3600))
        XCTAssertEqual(later.first { $0.id == before.id }?.fireAt, before.fireAt)
    }
}
