import Foundation
import TuiluCore
import UserNotifications
import XCTest
@testable import TuiluiOSApp

/// Reminders through the core's effects: an update's effects performed in order against an
/// in-memory notification center, the triggers, the categories, then against the real core.
final class ReminderSyncTests: XCTestCase {
    private let now = ISO8601DateFormatter().date(from: "2026-09-30T09:00:00Z")!

    private func planned(_ token: String, at: Date) -> PlannedRequest {
        ReminderEffects.request(effect(token, at: at))
    }

    func testEffectsArePerformedInTheCoresOrderAndPostedOnesReportedDelivered() async {
        let center = FakeCenter()
        center.status = .allowed
        center.requests = [planned("old#f0", at: now + 60)]
        let planner = RecordingPlanner([update([
            .cancel(token: "old#f0"),
            .schedule(notification: effect("a#f1", at: now + 3600)),
            .postNow(notification: effect("due#f1", at: now - 60)),
        ])])
        let sync = ReminderSynchronizer(planner: planner, center: center)
        let (_, outcome) = await sync.send(.launched, inForeground: false, at: nil)
        XCTAssertEqual(center.requests.map(\.identifier), ["a#f1"])
        XCTAssertEqual(center.posted.map(\.identifier), ["due#f1"])
        XCTAssertEqual(outcome, ReminderSyncOutcome(added: 1, removed: 1, posted: 1, notice: nil))
        XCTAssertEqual(planner.events, [.launched, .notificationsDelivered(tokens: ["due#f1"])])
        // What the platform holds and allows goes to the core; iOS decides no budget.
        XCTAssertEqual(planner.platforms.first?.scheduled, ["old#f0"])
        XCTAssertEqual(planner.platforms.first?.pendingLimit, 64)
        XCTAssertEqual(planner.platforms.first?.os, .ios)
    }

    func testARequestTheSystemRefusesIsReportedToTheCore() async {
        let center = FakeCenter()
        center.status = .allowed
        center.refusing = ["a#f1"]
        let planner = RecordingPlanner([update([.schedule(notification: effect("a#f1", at: now + 60))])])
        _ = await ReminderSynchronizer(planner: planner, center: center).send(.launched, inForeground: false, at: nil)
        XCTAssertEqual(planner.events.last, .effectFailed(token: "a#f1", failure: .alarmRefused))
    }

    func testTheCoresPermissionRequestAsksTheSystemOnceAndReportsTheAnswer() async {
        let center = FakeCenter()
        let planner = RecordingPlanner([update([], permission: .notifications)])
        let sync = ReminderSynchronizer(planner: planner, center: center)
        _ = await sync.send(.launched, inForeground: true, at: nil)
        XCTAssertEqual(center.authorizationRequests, 1)
        XCTAssertEqual(planner.events.last, .notificationPermission(granted: true))
        XCTAssertEqual(planner.platforms.last?.notificationsAllowed, true)

        // Not asked when the core does not ask.
        let quiet = FakeCenter()
        _ = await ReminderSynchronizer(planner: RecordingPlanner([update([])]), center: quiet)
            .send(.launched, inForeground: false, at: nil)
        XCTAssertEqual(quiet.authorizationRequests, 0, "not at launch")
    }

    func testEveryTimingOfTheCoreIsAnInstantWhateverTheZone() throws {
        // "The window closes in 1 hour", planned for 22:59 in Beijing (14:59 UTC).
        let at = ISO8601DateFormatter().date(from: "2026-10-09T14:59:00Z")!
        let exact = try XCTUnwrap(SystemTrigger.make(.exact, fireAt: at, now: at - 3600) as? UNTimeIntervalNotificationTrigger)
        XCTAssertEqual(exact.timeInterval, 3600)
        XCTAssertFalse(exact.repeats)
        // A window (Android without exact alarms) has no iOS counterpart: at its end, never late.
        let window = try XCTUnwrap(
            SystemTrigger.make(.window(start: at - 3600), fireAt: at, now: at - 7200) as? UNTimeIntervalNotificationTrigger)
        XCTAssertEqual(window.timeInterval, 7200)
        // A moment already past still fires (at once), it does not fail to schedule.
        let late = try XCTUnwrap(SystemTrigger.make(.exact, fireAt: at, now: at + 10) as? UNTimeIntervalNotificationTrigger)
        XCTAssertEqual(late.timeInterval, 1)
    }

    func testButtonsAreTheCoresNamesAndUnlockWhereTheCoreSays() {
        let request = planned("a#f1", at: now)
        XCTAssertEqual(request.categoryIdentifier, "deadline")
        let categories = ReminderEffects.categories([CategorySetupRecord(
            category: .shortWindow, title: "即将关闭的窗口",
            actions: effect("a#f1", at: now).actions)])
        XCTAssertEqual(categories.first?.identifier, "shortWindow")
        XCTAssertEqual(categories.first?.actions.map(\.identifier), ["submitted", "snooze"])
        XCTAssertEqual(categories.first?.actions.map(\.needsUnlock), [true, false])
        XCTAssertEqual(ReminderEffects.action("snooze"), .snooze)
        XCTAssertNil(ReminderEffects.action("unknown"), "a stranger is not a button of the core")
    }

    func testCategoriesComeFromTheCoreAndFollowTheLanguage() async throws {
        let dir = try Fixtures.vault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let screens = try Fixtures.screens(dir)
        let center = FakeCenter()
        let sync = ReminderSynchronizer(planner: ScreensReminderPlanner(screens: screens), center: center)
        await sync.registerCategories()
        XCTAssertEqual(center.requests, [], "registering adds no request and asks no permission")
        XCTAssertEqual(center.authorizationRequests, 0)
        XCTAssertTrue(center.categories.contains { $0.actions.map(\.title).contains("稍后提醒") })

        screens.language = .en
        await sync.registerCategories()
        let titles = center.categories.flatMap { $0.actions.map(\.title) }
        XCTAssertFalse(titles.contains("稍后提醒"), "registered again in English: \(titles)")
    }

    func testAgainstTheCoreASecondLaunchChangesNothingAndUndoClearsTheWindow() async throws {
        let dir = try Fixtures.vault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let screens = try Fixtures.screens(dir)
        let center = FakeCenter()
        center.status = .allowed
        let sync = ReminderSynchronizer(planner: ScreensReminderPlanner(screens: screens), center: center)

        let empty = await sync.send(.launched, inForeground: false, at: nil).1
        XCTAssertEqual(empty.added, 0)

        let screen = try Fixtures.submittedCase(screens)
        let first = await sync.sync()
        XCTAssertGreaterThan(first.added, 0)
        XCTAssertLessThanOrEqual(center.requests.count, 60)
        XCTAssertTrue(center.requests.allSatisfy { $0.fireAt > Date.distantPast })

        let second = await sync.send(.launched, inForeground: false, at: nil).1
        XCTAssertEqual(second.added, 0)
        XCTAssertEqual(second.removed, 0)

        _ = try screens.undo(screen.id)
        let third = await sync.sync()
        XCTAssertGreaterThan(third.removed, 0, "the submission's reminders go with it")
    }

    func testNotificationActionsGoThroughTheCoreAtTheTimePressed() async throws {
        let dir = try Fixtures.vault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = ActionQueue(file: dir.appendingPathComponent("queue/actions.json"))
        let screens = try Fixtures.screens(dir)
        let screen = try Fixtures.submittedCase(screens)
        let center = FakeCenter()
        center.status = .allowed
        let sync = ReminderSynchronizer(planner: ScreensReminderPlanner(screens: screens), center: center)
        _ = await sync.sync()
        let request = try XCTUnwrap(center.requests.last)

        // Pressed while the vault could not be opened: written down, not dropped.
        try queue.append(QueuedAction(token: request.identifier, action: "done", at: now + 600))
        let kept = queue.drain()
        XCTAssertEqual(kept.map(\.token), [request.identifier])
        XCTAssertEqual(queue.drain(), [], "carried out once")

        let actions = NotificationActions(reminders: sync)
        for action in kept {
            let refused = await actions.perform(action)
            XCTAssertNil(refused)
        }
        let after = try screens.caseScreen(screen.id)
        XCTAssertEqual(after.steps.first { $0.id == "submit_exit" }?.status, .done)
        // Again: the core refuses, in its words.
        let again = await actions.perform(kept[0])
        XCTAssertNotNil(again)
    }
}
