import Foundation
import TuiluCore
import UserNotifications
import XCTest
@testable import TuiluiOSApp

/// The rolling window of notifications: pure logic first, then the synchronizer with an
/// in-memory notification center, then against the real core.
final class ReminderSyncTests: XCTestCase {
    private let now = ISO8601DateFormatter().date(from: "2026-09-30T09:00:00Z")!

    func testRemovesWhatTheCoreCancelsAndStrangersAndAddsNearestFirst() {
        let record = ReminderSyncRecord(
            schedule: [notification("late", fireAt: now + 86400 * 2), notification("soon", fireAt: now + 3600)],
            cancel: ["old#f0"], keep: ["kept#f1"], budget: 60)
        let plan = ReminderSyncLogic.plan(pending: ["kept#f1", "old#f0", "stray"], core: record)
        XCTAssertEqual(plan.remove, ["old#f0", "stray"])
        XCTAssertEqual(plan.add.map(\.identifier), ["soon#f1", "late#f1"])
    }

    func testTheWindowNeverHoldsMoreThanTheBudget() {
        let keep = (0..<58).map { "k\($0)#f" }
        let schedule = (0..<5).map { notification("n\($0)", fireAt: now + Double($0) * 3600) }
        let plan = ReminderSyncLogic.plan(
            pending: keep, core: ReminderSyncRecord(schedule: schedule, cancel: [], keep: keep, budget: 60))
        XCTAssertEqual(plan.add.map(\.identifier), ["n0#f1", "n1#f1"])
        XCTAssertEqual(plan.remove, [])
    }

    func testTheSystemLimitCapsAnOversizedBudget() {
        let schedule = (0..<80).map { notification("n\($0)", fireAt: now + Double($0) * 60) }
        let plan = ReminderSyncLogic.plan(
            pending: [], core: ReminderSyncRecord(schedule: schedule, cancel: [], keep: [], budget: 100))
        XCTAssertEqual(plan.add.count, ReminderSyncLogic.systemLimit)
    }

    func testADeadlineReminderIsAnInstantWhateverTheZone() {
        // "The window closes in 1 hour", planned for 22:59 in Beijing (14:59 UTC).
        let at = ISO8601DateFormatter().date(from: "2026-10-09T14:59:00Z")!
        let plan = ReminderSyncLogic.plan(
            pending: [], core: ReminderSyncRecord(schedule: [notification("d", fireAt: at)], cancel: [], keep: [], budget: 60))
        XCTAssertEqual(plan.add[0].trigger, .instant(at))
    }

    func testAnInstantBecomesATimeIntervalTriggerThatIgnoresTheZone() throws {
        let at = ISO8601DateFormatter().date(from: "2026-10-09T14:59:00Z")!
        let trigger = SystemTrigger.make(.instant(at), now: at - 3600)
        let interval = try XCTUnwrap(trigger as? UNTimeIntervalNotificationTrigger)
        XCTAssertEqual(interval.timeInterval, 3600)
        XCTAssertFalse(interval.repeats)
        // A moment already past still fires (at once), it does not fail to schedule.
        let late = try XCTUnwrap(SystemTrigger.make(.instant(at), now: at + 10) as? UNTimeIntervalNotificationTrigger)
        XCTAssertEqual(late.timeInterval, 1)
    }

    func testOnlyAWallClockReminderGetsAFloatingCalendarTrigger() throws {
        let fields = DateComponents(year: 2026, month: 10, day: 9, hour: 9, minute: 0)
        let trigger = try XCTUnwrap(SystemTrigger.make(.wallClock(fields), now: now) as? UNCalendarNotificationTrigger)
        XCTAssertEqual(trigger.dateComponents.hour, 9)
        XCTAssertNil(trigger.dateComponents.timeZone, "a morning-of reminder follows the local time")
    }

    func testOneCategoryPerSetOfActionsWithTheCoresLabels() {
        let record = ReminderSyncRecord(
            schedule: [
                notification("a", fireAt: now + 60),
                notification("b", fireAt: now + 120),
                notification("c", fireAt: now + 180, category: "waiting_over", actions: ["snooze"]),
            ],
            cancel: [], keep: [], budget: 60)
        let plan = ReminderSyncLogic.plan(pending: [], core: record)
        XCTAssertEqual(plan.categories.map(\.identifier), ["deadline.submitted.snooze", "waiting_over.snooze"])
        XCTAssertEqual(plan.categories[0].actions.map(\.title), ["已提交", "稍后提醒"])
        XCTAssertEqual(plan.add[0].userInfo[NotificationKeys.caseId], "case1")
        XCTAssertEqual(plan.add[0].userInfo[NotificationKeys.stepId], "submit_exit")
        XCTAssertEqual(plan.add[0].userInfo[NotificationKeys.reminderId], "a")
    }

    func testCategoriesAreRegisteredWithoutSchedulingAndFollowTheLanguage() async throws {
        let dir = try Fixtures.vault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let screens = try Fixtures.screens(dir)
        _ = try Fixtures.submittedCase(screens)
        let center = FakeCenter()
        let sync = ReminderSynchronizer(planner: ScreensReminderPlanner(screens: screens), center: center)
        try await sync.registerCategories()
        XCTAssertEqual(center.requests, [], "registering adds no request and asks no permission")
        XCTAssertEqual(center.authorizationRequests, 0)
        XCTAssertTrue(center.categories.contains { $0.actions.map(\.title).contains("稍后提醒") })

        screens.language = .en
        try await sync.registerCategories()
        let titles = center.categories.flatMap { $0.actions.map(\.title) }
        XCTAssertFalse(titles.contains("稍后提醒"), "re-registered in English: \(titles)")
    }

    func testAuthorizationIsAskedOnlyWhenThereIsSomethingToRemind() async throws {
        let center = FakeCenter()
        let nothing = ReminderSynchronizer(
            planner: FixedPlanner { scheduled in ReminderSyncRecord(schedule: [], cancel: [], keep: scheduled, budget: 60) },
            center: center)
        _ = try await nothing.sync()
        XCTAssertEqual(center.authorizationRequests, 0, "not at launch")

        let schedule = [notification("a", fireAt: now + 60)]
        let withDeadline = ReminderSynchronizer(
            planner: FixedPlanner { _ in ReminderSyncRecord(schedule: schedule, cancel: [], keep: [], budget: 60) },
            center: center)
        let outcome = try await withDeadline.sync()
        XCTAssertEqual(center.authorizationRequests, 1)
        XCTAssertEqual(outcome.added, 1)
        XCTAssertEqual(center.requests.map(\.identifier), ["a#f1"])
    }

    func testDeniedNotificationsScheduleNothingButStillRemoveStaleOnes() async throws {
        let center = FakeCenter()
        center.status = .denied
        center.requests = [PlannedRequest(
            identifier: "gone#f", title: "", body: "", categoryIdentifier: "", trigger: .instant(now), userInfo: [:])]
        let schedule = [notification("a", fireAt: now + 60)]
        let sync = ReminderSynchronizer(
            planner: FixedPlanner { _ in ReminderSyncRecord(schedule: schedule, cancel: ["gone#f"], keep: [], budget: 60) },
            center: center)
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
            planner: ScreensReminderPlanner(screens: screens), center: center)

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
            planner: ScreensReminderPlanner(screens: screens), center: center)
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

    func testAnActionBeforeTheFirstUnlockIsKeptAndCarriedOutAtItsTime() async throws {
        let dir = try Fixtures.vault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = ActionQueue(file: dir.appendingPathComponent("queue/actions.json"))
        let screens = try Fixtures.screens(dir)
        var screen = try screens.createCase("douyin.guild-exit", answers: Fixtures.guildAnswers)
        for step in Fixtures.stepsBeforeSubmit {
            screen = try screens.act(screen.id, step: step, action: .done)
        }
        screen = try screens.act(screen.id, step: "submit_exit", action: .submit)
        let center = FakeCenter()
        let sync = ReminderSynchronizer(planner: ScreensReminderPlanner(screens: screens), center: center)
        _ = try await sync.sync()
        let request = try XCTUnwrap(center.requests.last)
        let reminder = try XCTUnwrap(request.userInfo[NotificationKeys.reminderId])

        // Pressed while the vault could not be opened: written down, not dropped.
        let pressed = now + 600
        try queue.append(QueuedAction(reminderId: reminder, action: NotificationActions.done, at: pressed, title: request.title))
        let kept = queue.drain()
        XCTAssertEqual(kept.map(\.reminderId), [reminder])
        XCTAssertEqual(queue.drain(), [], "carried out once")

        let actions = NotificationActions(screens: screens, pending: { await center.pendingIdentifiers() })
        for action in kept { _ = try await actions.perform(action) }
        let after = try screens.caseScreen(screen.id)
        XCTAssertEqual(after.steps.first { $0.id == "submit_exit" }?.status, .done)
    }
}
