import Foundation

/// The screens' side of the core for SwiftUI: every call returns a view model computed in
/// Rust with its text already in `language`; events return the updated view or throw an
/// `AppError` whose `userMessage` is the text to show. `changes()` is an `AsyncStream` of
/// what changed, so a store refreshes without polling.
public final class TuiluScreens: @unchecked Sendable {
    private let app: TuiluApp
    public var language: Language
    public var zone: TimeZone
    private let now: @Sendable () -> Date

    public init(
        vaultDirectory: URL,
        language: Language = TuiluScreens.languageOfDevice(),
        zone: TimeZone = .current,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.app = try TuiluApp(vaultDir: vaultDirectory.path)
        self.language = language
        self.zone = zone
        self.now = now
    }

    /// zh for a Chinese device, else en.
    public static func languageOfDevice() -> Language {
        Locale.preferredLanguages.first?.hasPrefix("zh") == true ? .zh : .en
    }

    public func context() -> ViewContextRecord {
        ViewContextRecord(language: language, zone: FoundationTimeZoneRules(zone), now: now())
    }

    private func answers(_ map: [String: String]) -> [AnswerRecord] {
        map.map { AnswerRecord(fact: $0.key, value: $0.value) }
    }

    public func home() throws -> HomeViewRecord { try app.home(ctx: context()) }

    public func scenarioPicker() throws -> ScenarioPickerRecord {
        try app.scenarioPicker(ctx: context())
    }

    public func questionnaire(_ scenario: String, answers: [String: String]) throws -> QuestionnaireRecord {
        try app.questionnaire(ctx: context(), scenario: scenario, answers: self.answers(answers))
    }

    public func caseScreen(_ caseId: String) throws -> CaseScreenRecord {
        try app.caseScreen(ctx: context(), caseId: caseId)
    }

    public func createCase(_ scenario: String, answers: [String: String]) throws -> CaseScreenRecord {
        try app.createCase(ctx: context(), scenario: scenario, answers: self.answers(answers))
    }

    public func act(
        _ caseId: String, step: String, action: StepAction,
        at: Date? = nil, note: String? = nil, route: String? = nil
    ) throws -> CaseScreenRecord {
        try app.stepAction(
            ctx: context(), caseId: caseId, stepId: step, action: action,
            at: at, note: note, route: route)
    }

    public func undo(_ caseId: String) throws -> CaseScreenRecord {
        try app.undoLast(ctx: context(), caseId: caseId)
    }

    public func reminderSync(scheduled: [String]) throws -> ReminderSyncRecord {
        try app.reminderSync(ctx: context(), scheduled: scheduled)
    }

    public func settings() throws -> SettingsViewRecord { try app.settingsView(ctx: context()) }

    /// What changed, as it happens; the observer is removed when the stream ends.
    public func changes() -> AsyncStream<ChangeRecord> {
        AsyncStream { continuation in
            let observer = StreamObserver(continuation)
            let handle = app.addObserver(observer: observer)
            continuation.onTermination = { [app] _ in
                _ = app.removeObserver(handle: handle)
            }
        }
    }
}

private final class StreamObserver: ChangeObserver, @unchecked Sendable {
    private let continuation: AsyncStream<ChangeRecord>.Continuation

    init(_ continuation: AsyncStream<ChangeRecord>.Continuation) {
        self.continuation = continuation
    }

    func changed(change: ChangeRecord) {
        continuation.yield(change)
    }
}
