import Foundation
import TuiluCore
import XCTest
@testable import TuiluiOSApp

/// The scene's store: views come from the core, events go to it, and changes made
/// elsewhere (a notification action, another scene) arrive through `changes()`.
@MainActor
final class AppStoreTests: XCTestCase {
    private var dir: URL!
    private var screens: TuiluScreens!
    private var sync: CountingSync!
    private var store: AppStore!

    override func setUp() async throws {
        dir = try Fixtures.vault()
        screens = try Fixtures.screens(dir)
        sync = CountingSync(screens: screens)
        store = AppStore(screens: screens, reminders: sync)
        store.start()
    }

    override func tearDown() async throws {
        store.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    /// Waits for the store to see a change the core announced (test-side only).
    private func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<200 where !condition() {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertTrue(condition())
    }

    func testHomeStartsEmptyWithTheCoresWords() {
        XCTAssertEqual(store.home?.cases.count, 0)
        XCTAssertEqual(store.home?.startLabel, "开始一个退出流程")
    }

    func testNewCaseFromPickerThroughQuestionsToChecklist() async throws {
        store.openPicker()
        let scenario = try XCTUnwrap(store.picker?.groups.flatMap(\.scenarios).first { $0.id == "douyin.guild-exit" })
        store.begin(scenario.id)
        XCTAssertEqual(store.questionnaire?.scenario, "douyin.guild-exit")
        store.answer("has_dispute", "也许")
        XCTAssertNotNil(store.questionnaire?.questions.first { $0.id == "has_dispute" }?.error)
        store.answers["has_dispute"] = nil
        for (fact, value) in Fixtures.guildAnswers { store.answer(fact, value) }
        // Through the core's event: the update carries the case's screen.
        store.create()
        try await eventually { !store.cases.isEmpty }
        let id = try XCTUnwrap(store.cases.keys.first)
        XCTAssertEqual(store.path, [.checklist(caseId: id)])
        XCTAssertNil(store.questionnaire)
        XCTAssertTrue(sync.events.contains { if case .createCase = $0 { return true } else { return false } })
    }

    func testARefusalShowsTheCoresMessage() throws {
        let screen = try screens.createCase("douyin.guild-exit", answers: Fixtures.guildAnswers)
        store.act(screen.id, step: "submit_exit", action: .submit)
        XCTAssertTrue(store.error?.hasPrefix("请先完成第 1 步「") == true, store.error ?? "")
    }

    func testChangesMadeElsewhereRefreshTheStoreAndResyncReminders() async throws {
        let screen = try screens.createCase("douyin.guild-exit", answers: Fixtures.guildAnswers)
        try await eventually { store.home?.cases.count == 1 }
        store.open(caseId: screen.id)
        let before = sync.count
        // As a notification action would: straight to the core, not through the store.
        _ = try screens.act(screen.id, step: "check_account_status", action: .done)
        try await eventually {
            store.cases[screen.id]?.steps.first { $0.id == "check_account_status" }?.status == .done
        }
        try await eventually { sync.count > before }
    }

    func testUndoRevertsTheLastAction() async throws {
        let screen = try screens.createCase("douyin.guild-exit", answers: Fixtures.guildAnswers)
        store.open(caseId: screen.id)
        store.act(screen.id, step: "check_account_status", action: .done)
        XCTAssertNotNil(store.cases[screen.id]?.undo)
        store.undo(screen.id)
        XCTAssertEqual(store.cases[screen.id]?.steps.first { $0.id == "check_account_status" }?.status, .todo)
    }

    func testTheSubmitActionAsksForATime() throws {
        var screen = try screens.createCase("douyin.guild-exit", answers: Fixtures.guildAnswers)
        for step in Fixtures.stepsBeforeSubmit {
            screen = try screens.act(screen.id, step: step, action: .done)
        }
        let submit = try XCTUnwrap(screen.steps.first { $0.id == "submit_exit" })
        XCTAssertTrue(submit.actions.contains { $0.action == .submit && $0.asksTime })
        let at = ISO8601DateFormatter().date(from: "2026-09-30T08:00:00Z")!
        store.act(screen.id, step: "submit_exit", action: .submit, at: at)
        XCTAssertNotNil(store.cases[screen.id]?.steps.first { $0.id == "submit_exit" }?.deadline)
    }

    func testSettingsSaveThroughTheCoreAndSwitchLanguage() async throws {
        store.loadSettings()
        let values = try XCTUnwrap(store.settingsValues)
        store.save(values.with(language: .en))
        XCTAssertEqual(store.settings?.languageLabel, "English")
        // The change arrives through `changes()`; every view is then in English, and the
        // notification categories are registered again with the core's English titles.
        try await eventually { store.home?.startLabel != "开始一个退出流程" }
        try await eventually { sync.registrations > 0 }
    }
}
