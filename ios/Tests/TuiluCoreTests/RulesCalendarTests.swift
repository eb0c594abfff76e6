// Mirrors android/core/src/test/kotlin/app/tuilu/core/RulesCalendarTest.kt: the rule engine
// and the calendar through the async facade. Run with `swift test` on a Mac after
// `scripts/bindings.sh xcframework` (see docs/bindings.md).
import Foundation
import XCTest

@testable import TuiluCore

final class RulesCalendarTests: XCTestCase {
    private var tuilu: Tuilu!
    private var dir: URL!

    private let xingtu = "douyin.xingtu-task-cancel"
    private let xingtuBase: [Fact] = [.choice("task_type", "xingtu"), .bool("video_uploaded", true)]

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("tuilu-swift-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        tuilu = try Tuilu(vaultPath: vaultPath)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private var vaultPath: String {
        dir.appendingPathComponent("vault").path
    }

    /// The repository root, from this file's path: ios/Tests/TuiluCoreTests/<file>.
    private static let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The Xingtu pack in its compiled JSON form, the form the library reads (a reviewed
    /// golden file that the CLI tests check against `tuilu rules compile`).
    private func xingtuPack() throws -> String {
        try String(
            contentsOf: Self.repo.appendingPathComponent("tests/golden/packs/douyin.xingtu-task-cancel.json"),
            encoding: .utf8)
    }

    /// Two mistakes: a dependency on a missing step, an unknown fact in a formula.
    private func brokenXingtuPack() throws -> String {
        try xingtuPack()
            .replacingOccurrences(
                of: "\"depends_on\": [\n        \"record_task_state\"", with: "\"depends_on\": [\n        \"nope\"")
            .replacingOccurrences(of: "task_amount * 0.5", with: "task_amont * 0.5")
    }

    private static func instant(_ rfc3339: String) -> Date {
        ISO8601DateFormatter().date(from: rfc3339)!
    }

    /// Runs `body`, expecting `ApiError.InvalidInput`; returns its detail.
    private func invalidInput(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> String {
        do {
            try await body()
            XCTFail("expected InvalidInput", file: file, line: line)
        } catch let error as ApiError {
            guard case let .InvalidInput(detail) = error else {
                XCTFail("\(error)", file: file, line: line)
                return ""
            }
            return detail
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
        return ""
    }

    // MARK: scenarios

    func testListsTheSevenBundledScenarios() async throws {
        let ids = Set(try await tuilu.scenarios().map(\.id))
        XCTAssertEqual(ids, [
            "douyin.fan-group-exit", "douyin.guild-exit", "douyin.recharge-refund",
            "douyin.xingtu-task-cancel", "kuaishou.fan-group-exit", "kuaishou.live-exit",
            "wechat-channels.fan-group-exit",
        ])
        let info = try await tuilu.scenario(id: xingtu)
        let taskType = try XCTUnwrap(info.facts.first { $0.id == "task_type" })
        XCTAssertEqual(taskType.kind, .enum)
        XCTAssertEqual(taskType.choices.map(\.value), ["xingtu", "quanmin"])
        XCTAssertEqual(info.facts.first { $0.id == "task_accepted" }?.defaultValue, .bool(value: true))
    }

    func testUnknownScenarioIsNotFound() async throws {
        do {
            _ = try await tuilu.plan(scenarioId: "no.such-scenario")
            XCTFail("expected NotFound")
        } catch ApiError.NotFound {}
    }

    // MARK: plans

    func testXingtuClientCancelsAfterUploadPaysHalf() async throws {
        let plan = try await tuilu.plan(
            scenarioId: xingtu, facts: xingtuBase + [.choice("cancelled_by", "client"), .money("task_amount", "3000")])
        XCTAssertEqual(plan.scenarioId, xingtu)
        XCTAssertEqual(plan.amount("client_compensation")?.value, 1500.0)
        XCTAssertEqual(plan.amount("creator_receives")?.value, 1500.0)
        XCTAssertEqual(plan.steps.map(\.number), Array(1...Int32(plan.steps.count)))
        XCTAssertTrue(plan.facts.contains(.money("task_amount", "3000.00")))
        XCTAssertTrue(plan.facts.contains(.bool("task_accepted", true)))
        XCTAssertTrue(plan.steps.allSatisfy { !($0.source?.quote.isEmpty ?? true) })
    }

    func testXingtuCreatorCancelsGetsNothing() async throws {
        let plan = try await tuilu.plan(
            scenarioId: xingtu, facts: xingtuBase + [.choice("cancelled_by", "creator"), .money("task_amount", "3000")])
        XCTAssertEqual(plan.amount("creator_receives")?.value, 0.0)
    }

    func testTypedAndTypedByAPersonAgree() async throws {
        let typed = try await tuilu.plan(
            scenarioId: xingtu, facts: xingtuBase + [.choice("cancelled_by", "client"), .money("task_amount", "3000")])
        let raw = try await tuilu.plan(scenarioId: xingtu, facts: [
            .answer("task_type", "xingtu"), .answer("video_uploaded", "是"),
            .answer("cancelled_by", "client"), .answer("task_amount", "¥3,000"),
        ])
        XCTAssertEqual(typed, raw)
    }

    func testKuaishouIncomeTax() async throws {
        let plan = try await tuilu.plan(scenarioId: "kuaishou.live-exit", facts: [.money("balance", "8888.88")])
        XCTAssertEqual(plan.amount("estimated_income_tax")?.value, 1777.78)
    }

    func testMissingFactsBecomeOpenQuestions() async throws {
        let plan = try await tuilu.plan(scenarioId: xingtu, facts: [.choice("task_type", "xingtu")])
        XCTAssertTrue(plan.missingFacts.contains("cancelled_by"))
        let q = try XCTUnwrap(plan.questions.first { $0.id == "cancelled_by" })
        XCTAssertEqual(q.kind, .enum)
        XCTAssertEqual(q.choices.map(\.value), ["client", "creator"])
        XCTAssertFalse(q.prompt.text(for: Locale(identifier: "zh-Hans")).isEmpty)
        XCTAssertFalse(q.neededBy.isEmpty)
        let pay = try XCTUnwrap(plan.amount("creator_receives"))
        XCTAssertNil(pay.value)
        XCTAssertTrue(pay.openFacts.contains("cancelled_by"))
    }

    func testUnknownFactIsInvalidInputNamingIt() async throws {
        let tuilu = self.tuilu!
        let xingtu = self.xingtu
        let detail = await invalidInput { _ = try await tuilu.plan(scenarioId: xingtu, facts: [.bool("no_such_fact", true)]) }
        XCTAssertTrue(detail.contains("no_such_fact"), detail)
    }

    func testWrongTypeIsInvalidInputNamingTheFactNotTheValue() async throws {
        let tuilu = self.tuilu!
        let xingtu = self.xingtu
        let bad: [Fact] = [
            .text("video_uploaded", "张三的秘密"), .answer("video_uploaded", "张三的秘密"),
            .money("task_amount", "张三的秘密"), .choice("cancelled_by", "张三的秘密"), .money("task_amount", "-1"),
        ]
        for fact in bad {
            let detail = await invalidInput { _ = try await tuilu.plan(scenarioId: xingtu, facts: [fact]) }
            XCTAssertTrue(detail.contains(fact.id), detail)
            XCTAssertFalse(detail.contains("张三"), detail)
        }
    }

    // MARK: packs

    func testCheckPackListsEveryIssueWithPaths() async throws {
        let ok = try await tuilu.checkPack(try xingtuPack())
        XCTAssertTrue(ok.valid)
        XCTAssertEqual(ok.scenario?.id, xingtu)
        let broken = try await Tuilu.checkPack(try brokenXingtuPack())
        XCTAssertFalse(broken.valid)
        XCTAssertNil(broken.scenario)
        XCTAssertEqual(broken.pack, xingtu)
        XCTAssertGreaterThanOrEqual(broken.issues.count, 2)
        XCTAssertTrue(broken.issues.allSatisfy { !$0.path.isEmpty && !$0.message.isEmpty })
        XCTAssertTrue(broken.issues.contains { $0.path.contains("depends_on") })
        let syntax = try await Tuilu.checkPack("{\n  \"id\": \"x\",\n  \"platform\": 张三\n}")
        XCTAssertEqual(syntax.issues.first?.line, 3)
    }

    func testTomlPacksAreRefusedWithTheWayToCompileThem() async throws {
        let toml = try String(
            contentsOf: Self.repo.appendingPathComponent("core/rules/douyin.xingtu-task-cancel.toml"),
            encoding: .utf8)
        let check = try await Tuilu.checkPack(toml)
        XCTAssertFalse(check.valid)
        XCTAssertTrue(check.issues.first?.message.contains("tuilu rules compile") ?? false)
    }

    func testAddPackReplacesOrRejects() async throws {
        let tuilu = self.tuilu!
        let broken = try brokenXingtuPack()
        let detail = await invalidInput { _ = try await tuilu.addPack(broken) }
        XCTAssertTrue(detail.contains("problem"), detail)
        let updated = try xingtuPack().replacingOccurrences(of: "\"version\": \"1.1.0\"", with: "\"version\": \"1.1.1\"")
        let info = try await tuilu.addPack(updated)
        XCTAssertEqual(info.version, "1.1.1")
        let count = try await tuilu.scenarios().count
        XCTAssertEqual(count, 7)
    }

    // MARK: calendar

    func testWorkingDays() async throws {
        let a = try await tuilu.addWorkingDays(3, to: "2026-09-18")
        XCTAssertEqual(a.date, "2026-09-22")
        let b = try await tuilu.addWorkingDays(3, to: "2026-09-30")
        XCTAssertEqual(b.date, "2026-10-10")
        XCTAssertFalse(b.estimated)
        let count = try await tuilu.workingDaysBetween("2026-09-30", and: "2026-10-10")
        XCTAssertEqual(count.count, 3)
        let holiday = try await tuilu.isWorkingDay("2026-10-01")
        XCTAssertFalse(holiday.working)
        XCTAssertEqual(holiday.kind, .holiday)
        XCTAssertEqual(holiday.holidayName, "国庆节")
        XCTAssertEqual(holiday.kind.label().zh, "法定节假日")
    }

    func testMalformedDateIsInvalidInput() async throws {
        let tuilu = self.tuilu!
        let detail = await invalidInput { _ = try await tuilu.isWorkingDay("2026-02-30") }
        XCTAssertFalse(detail.isEmpty)
    }

    func test2027IsAnEstimate() async throws {
        let day = try await tuilu.isWorkingDay("2027-05-03")
        XCTAssertTrue(day.estimated)
        XCTAssertEqual(day.estimateReason?.year, 2027)
        XCTAssertEqual(day.estimateReason?.kind, .noDaysListed)
    }

    func testStepDeadlineOverNationalDay() async throws {
        let start = Self.instant("2026-09-30T09:00:00Z")
        let deadline = try await tuilu.stepDeadline(
            DurationRecord(unit: .workingDays, min: 1, max: 3, startsOn: LocalizedText(zh: "提交", en: "submitted")),
            clockStart: start)
        XCTAssertEqual(deadline.clockStart, start)
        XCTAssertEqual(deadline.earliestDate, "2026-10-08")
        XCTAssertEqual(deadline.latestDate, "2026-10-10")
        XCTAssertEqual(deadline.deadlineUtc, Self.instant("2026-10-10T15:59:59Z"))
        XCTAssertEqual(deadline.deadlineBeijing, "2026-10-10T23:59:59+08:00")
    }

    func testPlanWithDeadlines() async throws {
        let start = Self.instant("2026-09-30T09:00:00Z")
        let scheduled = try await tuilu.planWithDeadlines(scenarioId: "douyin.guild-exit", facts: [], clockStart: start)
        let submit = try XCTUnwrap(scheduled.deadlines.first { $0.stepId == "submit_exit" && $0.routeId == nil })
        XCTAssertEqual(submit.deadline.latestDate, "2026-10-10")
        XCTAssertEqual(submit.deadline.deadlineUtc, Self.instant("2026-10-10T15:59:59Z"))
    }

    func testCalendarImportRejectsMalformedJsonAndKeepsEarlierData() async throws {
        let tuilu = self.tuilu!
        let status = try await tuilu.calendarStatus()
        XCTAssertEqual(status.years.map(\.year), Array(2020...2027))
        let good = Data("""
            {"year": 2027, "papers": [], "days": [{"name": "test", "date": "2027-05-03", "isOffDay": true}]}
            """.utf8)
        let year = try await tuilu.importHolidayYear(good)
        XCTAssertEqual(year.year, 2027)
        XCTAssertEqual(year.source, .imported)
        XCTAssertTrue(year.replacesBundled)
        for bad in ["{not json", "{\"year\": 2027}", "{\"year\": 2027, \"days\": []}"] {
            _ = await invalidInput { _ = try await tuilu.importHolidayYear(Data(bad.utf8)) }
        }
        let after = try await tuilu.isWorkingDay("2027-05-03")
        XCTAssertFalse(after.working)
        let reopened = try await Tuilu.open(vaultPath: vaultPath)
        let again = try await reopened.isWorkingDay("2027-05-03")
        XCTAssertFalse(again.working)
    }

    func testLabelsAreBilingual() {
        XCTAssertEqual(Channel.app.label().zh, "手机App")
        XCTAssertEqual(DayKind.makeUpWorkday.label().text(for: Locale(identifier: "en")), "make-up working day")
    }

    // MARK: concurrency

    func testEightConcurrentCallersPlanAtOnce() async throws {
        let tuilu = self.tuilu!
        let xingtu = self.xingtu
        let base = xingtuBase
        let results = try await withThrowingTaskGroup(of: (Int, Double?, Double?).self) { group in
            for i in 1...8 {
                group.addTask {
                    let plan = try await tuilu.plan(
                        scenarioId: xingtu,
                        facts: base + [.choice("cancelled_by", "client"), .money("task_amount", "\(i * 1000)")])
                    let tax = try await tuilu.plan(scenarioId: "kuaishou.live-exit", facts: [.money("balance", "\(i).00")])
                    return (i, plan.amount("creator_receives")?.value, tax.amount("estimated_income_tax")?.value)
                }
            }
            var all: [(Int, Double?, Double?)] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(results.count, 8)
        for (i, pay, tax) in results {
            XCTAssertEqual(pay, Double(i) * 500)
            XCTAssertEqual(tax ?? -1, Double(i) * 0.2, accuracy: 1e-9)
        }
    }
}
