import Foundation
import TuiluCore
import XCTest
@testable import TuiluiOSApp

/// The rolling window of notifications: pure logic first, then the synchronizer with an
/// in-memory notification center, then against the real core.
final class ReminderSyncTests: XCTestCase {
    private let now = ISO8601DateFormatter().date(from: "2026-09-30T09:00:00Z")!
    private var beijing: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = Fixtures.beijing
        return c
    }

    func testRemovesWhatTheCoreCancelsAndStrangersAndAddsNearestFirst() {
        let record = ReminderSyncRecord(
            schedule: [notification("late", fireAt: now + 86400 * 2), notification("soon", fireAt: now + 3600)],
            cancel: ["old#f0"], keep: ["kept#f1"], budget: 60)
        let plan = ReminderSyncLogic.plan(pending: ["kept#f1", "old#f0", "stray"], core: record, calendar: beijing)
        XCTAssertEqual(plan.remove, ["old#f0", "stray"])
        XCTAssertEqual(plan.add.map(\.identifier), ["soon#f1", "late#f1"])
    }

    func testTheWindowNeverHoldsMoreThanTheBudget() {
        let keep = (0..<58).map { "k\($0)#f" }
        let schedule = (0..<5).map { notification("n\($0)", fireAt: now + Double($0) * 3600) }
        let plan = ReminderSyncLogic.plan(
            pending: keep, core: ReminderSyncRecord(schedule: schedule, cancel: [], keep: keep, budget: 60),
            calendar: beijing)
        XCTAssertEqual(plan.add.map(\.identifier), ["n0#f1", "n1#f1"])
        XCTAssertEqual(plan.remove, [])
    }

    func testTheSystemLimitCapsAnOversizedBudget() {
        let schedule = (0..<80).map { notification("n\($0)", fireAt: now + Double($0) * 60) }
        let plan = ReminderSyncLogic.plan(
            pending: [], core: ReminderSyncRecord(schedule: schedule, cancel: [], keep: [], budget: 100),
            calendar: beijing)
        XCTAssertEqual(plan.add.count, ReminderSyncLogic.systemLimit)
    }

    func testCalendarTriggersKeepTheWallClockTime() {
        // 01:30 UTC is 09:30 in Beijing.
        let at = ISO8601DateFormatter().date(from: "2026-10-09T01:30:00Z")!
        let plan = ReminderSyncLogic.plan(
            pending: [], core: ReminderSyncRecord(schedule: [notification("d", fireAt: at)], cancel: [], keep: [], budget: 60),
            calendar: beijing)
        let c = plan.add[0].fireDate
        XCTAssertEqual([c.year, c.month, c.day, c.hour, c.minute], [2026, 10, 9, 9, 30])
        XCTAssertNil(c.timeZone, "a floating date follows the wall clock")
    }

    func testOneCategoryPerSetOfActionsWithTheCoresLabels() {
        let record = ReminderSyncRecord(
            schedule: [
                notification("a", fireAt: now + 60),
                notification("b", fireAt: now + 120),
                notification("c", fireAt: now + 180, category: "waiting_over", actions: ["snooze"]),
            ],
            cancel: [], keep: [], budget: 60)
        let plan = ReminderSyncLogic.plan(pending: [], core: record, calendar: beijing)
        XCTAssertEqual(plan.categories.map(\.identifier), ["deadline.submitted.snooze", "waiting_over.snooze"])
        XCTAssertEqual(plan.categories[0].actions.map(\.title), ["已提交", "稍后提醒"])
        XCTAssertEqual(plan.add[0].userInfo[NotificationKeys.caseId], "case1")
        XCTAssertEqual(plan.add[0].userInfo[NotificationKeys.stepId], "submit_exit")
        XCTAssertEqual(plan.add[0].userInfo[NotificationKeys.reminderId], "a")
    }

    func testAuthorizationIsAskedOnlyWhenThereIsSomethingToRemind() async throws {
        let center = FakeCenter()
        let nothing = ReminderSynchronizer(
            planner: FixedPlanner { scheduled in ReminderSyncRecord(schedule: [], cancel: [], keep: scheduled, budget: 60) },
            center: center, calendar: { self.beijing })
        _ = try await nothing.sync()
        XCTAssertEqual(center.authorizationRequests, 0, "not at launch")

        let schedule = [notification("a", fireAt: now + 60)]
        let withDeadline = ReminderSynchronizer(
            planner: FixedPlanner { _ in ReminderSyncRecord(schedule: schedule, cancel: [], keep: [], budget: 60) },
            center: center, calendar: { self.beijing })
        let outcome = try await withDeadline.sync()
        XCTAssertEqual(center.authorizationRequests, 1)
        XCTAssertEqual(outcome.added, 1)
        XCTAssertEqual(center.requests.map(\.identifier), ["a#f1"])
    }

    func testDeniedNotificationsScheduleNothingButStillRemoveStaleOnes() async throws {
        let center = FakeCenter()
        center.status = .denied
        center.requests = [PlannedRequest(
            identifier: "gone#f", title: "", body: "", categoryIdentifier: "", fireDate: DateComponents(), userInfo: [:])]
        let schedule = [notification("a", fireAt: now + 60)]
        let sync = ReminderSynchronizer(
            planner: FixedPlanner { _ in ReminderSyncRecord(schedule: schedule, cancel: ["gone#f"], keep: [], budget: 60) },
            center: center, calendar: { self.beijing })
        let outcome = try await sync.sync()
        XCTAssertEqual(outcome.authorization, .denied)
        XCTAssertEqual(center.requests, [])
        XCTAssertEqual(center.authorizationRequests, 0)
    }

    func testAgainstTheCoreASecondSyncChangesNothingAndUndoClearsTheWindow() async throws {
        let dir = try Fixtures.vault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let screens = try Fixtures.screens(dir)
        let center = FakeCenter()
        let sync = ReminderSynchronizer(
            planner: ScreensReminderPlanner(screens: screens), center: center, calendar: { self.beijing })

        let empty = try await sync.sync()
        XCTAssertEqual(empty.added, 0)
        XCTAssertEqual(center.authorizationRequests, 0)

        let screen = try Fixtures.submittedCase(screens)
        let first = try await sync.sync()
        XCTAssertGreaterThan(first.added, 0)
        XCTAssertLessThanOrEqual(center.requests.count, first.budget)
        XCTAssertEqual(center.authorizationRequests, 1, "asked when the first case got a deadline")
        XCTAssertTrue(center.requests.allSatisfy { $0.userInfo[NotificationKeys.caseId] == screen.id })
        XCTAssertTrue(center.categories.contains { $0.actions.map(\.title).contains("稍后提醒") })

        let second = try await sync.sync()
        XCTAssertEqual(second.added, 0)
        XCTAssertEqual(second.removed, 0)

        _ = try screens.undo(screen.id)
        let third = try await sync.sync()
        XCTAssertGreaterThan(third.removed, 0, "the submission's reminders go with it")
    }

    func testNotificationActionsGoThroughTheCore() async throws {
        let dir = try Fixtures.vault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let screens = try Fixtures.screens(dir)
        var screen = try screens.createCase("douyin.guild-exit", answers: Fixtures.guildAnswers)
        for step in Fixtures.stepsBeforeSubmit {
            screen = try screens.act(screen.id, step: step, action: .done)
        }
        screen = try screens.act(screen.id, step: "submit_exit", action: .submit)
        let center = FakeCenter()
        let actions = NotificationActions(screens: screens, pending: { await center.pendingIdentifiers() })
        let sync = ReminderSynchronizer(
            planner: ScreensReminderPlanner(screens: screens), center: center, calendar: { self.beijing })
        _ = try await sync.sync()

        // Snooze one of the submission's reminders, then answer it from another.
        let requests = center.requests
        let first = try XCTUnwrap(requests.first)
        let snoozed = try await actions.perform(NotificationActions.snooze, userInfo: first.userInfo)
        XCTAssertTrue(snoozed)
        let second = try XCTUnwrap(requests.last)
        let answered = try await actions.perform(NotificationActions.done, userInfo: second.userInfo)
        XCTAssertTrue(answered)
        let after = try screens.caseScreen(screen.id)
        XCTAssertEqual(after.steps.first { $0.id == "submit_exit" }?.status, .done)
        // An action the core does not know is an error, not a silent success.
        do {
            _ = try await actions.perform("unknown", userInfo: second.userInfo)
            XCTFail("an unknown action must fail")
        } catch {}
    }
}
