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

    /// The evidence of a case, or of one of its steps.
    public func evidenceList(_ caseId: String, step: String? = nil) throws -> EvidenceListRecord {
        try app.evidenceList(ctx: context(), caseId: caseId, stepId: step)
    }

    /// Changes answers of a case and re-plans it, keeping progress.
    public func setFacts(_ caseId: String, set: [String: String], unset: [String] = []) throws -> CaseScreenRecord {
        try app.setCaseFacts(ctx: context(), caseId: caseId, set: answers(set), unset: unset)
    }

    /// The case's letters, numbered; the ones not available say why.
    public func letters(_ caseId: String) throws -> LettersViewRecord {
        try app.letters(ctx: context(), caseId: caseId)
    }

    /// One letter (id or number); an incomplete one lists its questions instead of a body.
    public func letter(_ caseId: String, _ letter: String) throws -> LetterViewRecord {
        try app.letter(ctx: context(), caseId: caseId, letter: letter)
    }

    /// The letter as a printable A4 HTML page, for `UIPrintInteractionController`.
    public func letterHtml(_ caseId: String, _ letter: String) throws -> String {
        try app.letterHtml(ctx: context(), caseId: caseId, letter: letter)
    }

    /// Records the letter as sent (`at`, default now): kept as evidence of its step.
    public func markLetterSent(_ caseId: String, _ letter: String, at: Date? = nil) throws -> LetterViewRecord {
        try app.markLetterSent(ctx: context(), caseId: caseId, letter: letter, at: at)
    }

    /// Marks the rule of a step as possibly outdated (`note`), or clears the mark (nil).
    public func flag(_ caseId: String, rule: String, note: String?) throws -> CaseScreenRecord {
        try app.flagRule(ctx: context(), caseId: caseId, ruleId: rule, note: note)
    }

    /// Snoozes a reminder; returns what to schedule and cancel now.
    public func snooze(_ reminderId: String, _ choice: SnoozeChoice, scheduled: [String]) throws -> ReminderSyncRecord {
        try app.snoozeReminder(ctx: context(), reminderId: reminderId, choice: choice, scheduled: scheduled)
    }

    public func dismiss(_ reminderId: String, scheduled: [String]) throws -> ReminderSyncRecord {
        try app.dismissReminder(ctx: context(), reminderId: reminderId, scheduled: scheduled)
    }

    /// Records notifications the system delivered (their tokens).
    /// Carries out a notification's action (`NotificationActionRecord.id`) through the
    /// core, which decides what it means.
    public func notificationAction(_ reminderId: String, action: String, scheduled: [String]) throws -> ReminderSyncRecord {
        try app.notificationAction(ctx: context(), reminderId: reminderId, actionId: action, scheduled: scheduled)
    }

    public func delivered(_ tokens: [String]) throws {
        try app.remindersDelivered(ctx: context(), tokens: tokens)
    }

    /// The settings as stored (for the settings form).
    public func settingsValues() -> AppSettingsRecord { app.settings() }

    public func saveSettings(_ settings: AppSettingsRecord) throws {
        try app.saveSettings(settings: settings)
        language = settings.language
    }

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

extension AppError {
    /// The words to show, in the language of the call that failed.
    public var userMessage: String {
        switch self {
        case let .NotFound(_, _, message), let .DependencyNotDone(_, _, message),
             let .BlockedBy(_, message), let .InvalidFact(_, message),
             let .InvalidTransition(_, message), let .NothingToUndo(_, message),
             let .VaultFromNewerVersion(message), let .Refused(_, message), let .Busy(message),
             let .Storage(message), let .Internal(message):
            return message
        }
    }
}
