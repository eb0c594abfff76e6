import Foundation

/// The screens' side of the core for SwiftUI: every call returns a view model computed in
/// Rust with its text already in `language`; events return the updated view or throw an
/// `AppError` whose `userMessage` is the text to show. `changes()` is an `AsyncStream` of
/// what changed, so a store refreshes without polling.
public final class TuiluScreens: @unchecked Sendable {
    // Internal, not private: the extensions in the other Tuilu+*.swift files call it.
    let app: TuiluApp
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

    /// The one way in: an event (a tap, a notification's button, a launch, a zone change…)
    /// with what the platform allows and holds returns the route, its screen (in the
    /// foreground) and the effects to perform, in order. Never throws: a refusal is
    /// `UpdateRecord.message`.
    public func handle(_ event: EventRecord, platform: PlatformStateRecord) -> UpdateRecord {
        app.handle(ctx: context(), platform: platform, event: event)
    }

    /// Notification categories with their titles and buttons, registered at launch.
    public func notificationCategories() -> [CategorySetupRecord] {
        app.notificationCategories(ctx: context())
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

    public func settingsView() throws -> SettingsViewRecord { try app.settingsView(ctx: context()) }

    /// The evidence of a case, or of one of its steps.
    public func evidenceList(_ caseId: String, step: String? = nil) throws -> EvidenceListRecord {
        try app.evidenceList(ctx: context(), caseId: caseId, stepId: step)
    }

    /// Deletes one evidence item: its file, name, note and tags go; the custody log keeps
    /// the deletion.
    public func deleteEvidence(_ itemId: String) throws -> DeletedRecord {
        try app.deleteEvidence(ctx: context(), itemId: itemId)
    }

    /// Deletes a case for good with its journal and all its evidence; the notice says how
    /// much went.
    public func deleteCase(_ caseId: String) throws -> DeletedRecord {
        try app.deleteCase(ctx: context(), caseId: caseId)
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
    public func flagRule(_ caseId: String, rule: String, note: String?) throws -> CaseScreenRecord {
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

    /// Imports a holiday-year file (holiday-cn JSON); the settings view lists the years.
    public func importHolidayYear(_ json: Data) throws -> SettingsViewRecord {
        try app.importHolidayYear(ctx: context(), json: json)
    }

    /// Writes the running deadlines (of `caseId`, or every open case) as an `.ics` file.
    public func exportCalendar(to url: URL, caseId: String? = nil) throws -> FileWrittenRecord {
        try app.exportCalendar(ctx: context(), caseId: caseId, outPath: url.path)
    }

    /// "上次备份：…", or nil when this vault was never backed up.
    public func backupSection() throws -> BackupSectionRecord { try app.backupSection(ctx: context()) }
    /// The new backup never reached the chosen place: the section goes back to the one before.
    public func backupNotKept() throws -> BackupSectionRecord { try app.backupNotKept(ctx: context()) }
    /// A fresh 30-digit recovery code for the next backup (the default): show it once, then
    /// pass `code` to `createBackup`.
    public func newRecoveryCode() throws -> RecoveryCodeRecord {
        try app.newRecoveryCode(ctx: context())
    }
    /// The hint under the passphrase field; cheap enough to call on every keystroke.
    public func passphraseHint(_ passphrase: String) throws -> PassphraseHintRecord {
        try app.passphraseHint(ctx: context(), passphrase: passphrase)
    }

    /// Adds a compiled rule pack (JSON), kept in the vault; returns its scenario id.
    public func addPack(_ json: String) throws -> String { try app.addPack(packJson: json) }

    // MARK: long work: progress, and cancelled with the calling task

    public func addEvidence(
        _ caseId: String, step: String?, fileAt url: URL, note: String? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> EvidenceAddedRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.addEvidenceFile(ctx: ctx, caseId: caseId, stepId: step, path: url.path, note: note, listener: l, cancel: t)
        }
    }

    /// Bytes the share sheet or the camera handed over, under the file name `name`.
    public func addEvidence(
        _ caseId: String, step: String?, name: String, data: Data, note: String? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> EvidenceAddedRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.addEvidenceBytes(ctx: ctx, caseId: caseId, stepId: step, name: name, bytes: data, note: note, listener: l, cancel: t)
        }
    }

    /// Checks the case's evidence; the list comes back with each row's verify state.
    public func verifyEvidence(
        _ caseId: String, step: String? = nil, onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> EvidenceListRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.verifyEvidence(ctx: ctx, caseId: caseId, stepId: step, listener: l, cancel: t)
        }
    }

    /// What the dispute bundle will carry and leave out; show it before `exportBundle` with
    /// the same `includePrivate` (by default private facts and notes stay out).
    public func bundlePreview(_ caseId: String, includePrivate: Bool = false) throws -> BundlePreviewRecord {
        try app.bundlePreview(ctx: context(), caseId: caseId, includePrivate: includePrivate)
    }

    /// Private facts and notes go in only when `includePrivate` (see `bundlePreview`).
    public func exportBundle(
        _ caseId: String, to url: URL, includePrivate: Bool = false,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> FileWrittenRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.exportBundle(
                ctx: ctx, caseId: caseId, outPath: url.path, includePrivate: includePrivate,
                listener: l, cancel: t)
        }
    }

    public func verifyBundle(at url: URL, onProgress: (@Sendable (TuiluProgress) -> Void)? = nil) async throws -> BundleCheckRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.verifyBundle(ctx: ctx, path: url.path, listener: l, cancel: t)
        }
    }

    /// `passphrase`: a recovery code from `newRecoveryCode()` or a chosen passphrase.
    /// `workFactor` (scrypt log2 N, 10–19) is for tests only; nil: 2^18.
    public func createBackup(
        to url: URL, passphrase: String, workFactor: Int32? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> BackupRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.createBackup(ctx: ctx, outPath: url.path, passphrase: passphrase, scryptWorkFactor: workFactor, listener: l, cancel: t)
        }
    }

    public func inspectBackup(at url: URL, passphrase: String) async throws -> BackupRecord {
        let ctx = context()
        return try await long(nil) { [app] l, t in
            try await app.inspectBackup(ctx: ctx, path: url.path, passphrase: passphrase, listener: l, cancel: t)
        }
    }

    /// A vault with cases is replaced only when `replace`. Run nothing else meanwhile.
    public func restoreBackup(
        from url: URL, passphrase: String, replace: Bool = false,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> BackupRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.restoreBackup(ctx: ctx, path: url.path, passphrase: passphrase, replace: replace, listener: l, cancel: t)
        }
    }

    /// Runs `body` with a listener and a fresh token cancelled with the calling task; a
    /// cancelled call returns only once the native work has ended and cleaned up.
    private func long<T>(
        _ onProgress: (@Sendable (TuiluProgress) -> Void)?,
        _ body: @escaping (ProgressListener?, CancelToken) async throws -> T
    ) async throws -> T {
        let token = CancelToken()
        let listener = onProgress.map { ProgressRelay($0) }
        do {
            return try await withTaskCancellationHandler {
                try await body(listener, token)
            } onCancel: {
                token.cancel()
            }
        } catch {
            token.cancel()
            await token.join()
            throw error
        }
    }

    /// The settings as stored (for the settings form).
    public func settings() -> AppSettingsRecord { app.settings() }

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
             let .Cancelled(message), let .FileProblem(_, message), let .Backup(_, message),
             let .Storage(message), let .Internal(message):
            return message
        }
    }
}

/// Progress of a long operation; bytes for file work. `done == total` at the end.
public struct TuiluProgress: Sendable, Equatable {
    public let done: UInt64
    public let total: UInt64

    /// 0.0 to 1.0; 1.0 for empty work.
    public var fraction: Double { total == 0 ? 1 : min(1, Double(done) / Double(total)) }
}

final class ProgressRelay: ProgressListener, @unchecked Sendable {
    private let body: @Sendable (TuiluProgress) -> Void

    init(_ body: @escaping @Sendable (TuiluProgress) -> Void) {
        self.body = body
    }

    func onProgress(done: UInt64, total: UInt64) {
        body(TuiluProgress(done: done, total: total))
    }
}
