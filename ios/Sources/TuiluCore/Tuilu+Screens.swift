import Foundation
import os

/// The screens' side of the core for SwiftUI: every call returns a view model computed in
/// Rust with its text already in `language`; events return the updated view or throw an
/// `AppError` whose `userMessage` is the text to show. `changes()` is an `AsyncStream` of
/// what changed, so a store refreshes without polling.
///
/// Sendable as the compiler checks it: the core object is Sendable, and the language and
/// zone that change while the app runs are one value behind a lock, read once per call
/// (`context()`), so a call never mixes the old language with the new zone.
public final class TuiluScreens: Sendable {
    // Internal, not private: the extensions in the other Tuilu+*.swift files call it.
    let app: TuiluApp
    private let state: OSAllocatedUnfairLock<Settings>
    private let now: @Sendable () -> Date

    /// What a call is computed in; changed by the app (settings saved, time zone changed).
    private struct Settings: Sendable {
        var language: Language
        var zone: TimeZone
    }

    public init(
        vaultDirectory: URL,
        language: Language = TuiluScreens.languageOfDevice(),
        zone: TimeZone = .current,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.app = try TuiluApp(vaultDir: vaultDirectory.path)
        self.state = OSAllocatedUnfairLock(initialState: Settings(language: language, zone: zone))
        self.now = now
    }

    /// The language of the core's words.
    public var language: Language {
        get { state.withLock { $0.language } }
        set { state.withLock { $0.language = newValue } }
    }

    /// The zone times are shown and planned in. Foundation caches the system zone: call
    /// `followSystemZone()` when `NSSystemTimeZoneDidChange` arrives rather than setting
    /// `TimeZone.current`, which may still be the old zone.
    public var zone: TimeZone {
        get { state.withLock { $0.zone } }
        set { state.withLock { $0.zone = newValue } }
    }

    /// Drops Foundation's cached system zone and uses the phone's zone now.
    public func followSystemZone() {
        NSTimeZone.resetSystemTimeZone()
        zone = TimeZone.current
    }

    /// zh for a Chinese device, else en.
    public static func languageOfDevice() -> Language {
        Locale.preferredLanguages.first?.hasPrefix("zh") == true ? .zh : .en
    }

    /// One snapshot of the language and the zone, at `at` (default: now).
    public func context(at: Date? = nil) -> ViewContextRecord {
        let settings = state.withLock { $0 }
        return ViewContextRecord(language: settings.language, zone: FoundationTimeZoneRules(settings.zone), now: at ?? now())
    }

    private func answers(_ map: [String: String]) -> [AnswerRecord] {
        map.map { AnswerRecord(fact: $0.key, value: $0.value) }
    }

    public func home() throws -> HomeViewRecord { try app.home(ctx: context()) }
    /// Home showing the first `shown` open cases (at least one), for a list the app keeps
    /// itself: ask for more when `moreCases` is set and its row appears. Apps driven by
    /// `handle` send `.showMoreCases` instead.
    public func home(showing shown: Int32) throws -> HomeViewRecord {
        try app.homeShowing(ctx: context(), shown: shown)
    }

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
    /// `at`: when the event happened, for one the shell could only pass on later (a
    /// notification's button pressed before the first unlock); default now.
    public func handle(_ event: EventRecord, platform: PlatformStateRecord, at: Date? = nil) -> UpdateRecord {
        app.handle(ctx: context(at: at), platform: platform, event: event)
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

    /// Carries out a notification's action (`NotificationActionRecord.id`) through the
    /// core, which decides what it means. `at`: when the user pressed it, for an action
    /// kept until the vault could be opened (before the first unlock); default now.
    public func notificationAction(
        _ reminderId: String, action: String, scheduled: [String], at: Date? = nil
    ) throws -> ReminderSyncRecord {
        try app.notificationAction(ctx: context(at: at), reminderId: reminderId, actionId: action, scheduled: scheduled)
    }

    /// Records notifications the system delivered (their tokens).
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

    // Every add takes `captured`: the capture time the photo library knows
    // (`PHAsset.creationDate`, source `.photoLibrary`). The core keeps an EXIF date in the
    // bytes over it and, without either, reads a screenshot's file name; the evidence
    // list says which.

    public func addEvidence(
        _ caseId: String, step: String?, fileAt url: URL, note: String? = nil,
        captured: CaptureTimeRecord? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> EvidenceAddedRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.addEvidenceFile(ctx: ctx, caseId: caseId, stepId: step, path: url.path, note: note, captured: captured, listener: l, cancel: t)
        }
    }

    /// Bytes the share sheet or the camera handed over, under the file name `name`.
    public func addEvidence(
        _ caseId: String, step: String?, name: String, data: Data, note: String? = nil,
        captured: CaptureTimeRecord? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> EvidenceAddedRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.addEvidenceBytes(ctx: ctx, caseId: caseId, stepId: step, name: name, bytes: data, note: note, captured: captured, listener: l, cancel: t)
        }
    }

    // MARK: evidence by stream (issue 31): no copy to a temporary file, nothing whole in memory

    /// The file behind `fd`, an open descriptor the library takes over and closes (e.g.
    /// `dup(handle.fileDescriptor)` of a security-scoped file), under the display name
    /// `name` (any string). Read once, hashed while copied into the vault.
    public func addEvidence(
        _ caseId: String, step: String?, fileDescriptor fd: Int32, name: String,
        sizeHint: UInt64? = nil, note: String? = nil, captured: CaptureTimeRecord? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> EvidenceAddedRecord {
        let ctx = context()
        return try await long(onProgress) { [app] l, t in
            try await app.addEvidenceFd(ctx: ctx, caseId: caseId, stepId: step, fd: fd, name: name, sizeHint: sizeHint, note: note, captured: captured, listener: l, cancel: t)
        }
    }

    /// What `stream` gives until its end (opened here if needed, read on a worker thread),
    /// under the display name `name`. A stream error fails the add with `FileProblem`
    /// (`unreadable`) and leaves nothing behind.
    public func addEvidence(
        _ caseId: String, step: String?, stream: InputStream, name: String,
        sizeHint: UInt64? = nil, note: String? = nil, captured: CaptureTimeRecord? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> EvidenceAddedRecord {
        let ctx = context()
        let source = InputStreamSource(stream)
        return try await long(onProgress) { [app] l, t in
            try await app.addEvidenceStream(ctx: ctx, caseId: caseId, stepId: step, source: source, name: name, sizeHint: sizeHint, note: note, captured: captured, listener: l, cancel: t)
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

private final class StreamObserver: ChangeObserver {
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

// MARK: errors (issue 31): `localizedDescription` is the words to show

extension AppError: LocalizedError {
    /// `userMessage`, so `error.localizedDescription` shows the core's words.
    public var errorDescription: String? { userMessage }
}

/// Progress of a long operation; bytes for file work. `done == total` at the end.
public struct TuiluProgress: Sendable, Equatable {
    public let done: UInt64
    public let total: UInt64

    /// 0.0 to 1.0; 1.0 for empty work.
    public var fraction: Double { total == 0 ? 1 : min(1, Double(done) / Double(total)) }
}

final class ProgressRelay: ProgressListener {
    private let body: @Sendable (TuiluProgress) -> Void

    init(_ body: @escaping @Sendable (TuiluProgress) -> Void) {
        self.body = body
    }

    func onProgress(done: UInt64, total: UInt64) {
        body(TuiluProgress(done: done, total: total))
    }
}

/// A Foundation `InputStream` as the core's `EvidenceSource` (read on a worker thread).
final class InputStreamSource: EvidenceSource, @unchecked Sendable {
    private let stream: InputStream

    init(_ stream: InputStream) {
        self.stream = stream
        if stream.streamStatus == .notOpen { stream.open() }
    }

    deinit { stream.close() }

    func read(max: UInt32) throws -> Data {
        var buffer = [UInt8](repeating: 0, count: Int(min(max, 1 << 20)))
        let n = stream.read(&buffer, maxLength: buffer.count)
        if n < 0 {
            throw EvidenceSourceError.Failed(detail: stream.streamError?.localizedDescription ?? "read failed")
        }
        return Data(buffer[0..<n])
    }
}
