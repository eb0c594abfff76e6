import Foundation
import Network
import Observation
import TuiluCore

/// A screen above home in the navigation stack: the core's `RouteRecord`, as a value
/// SwiftUI can keep in a path. The core decides the stack; this only converts.
enum Route: Hashable {
    case newCase
    case checklist(caseId: String)
    case evidence(caseId: String, stepId: String?)
    case letters(caseId: String)
    case letter(caseId: String, letterId: String)
    case settings
    case history(caseId: String)
    case upgrade(caseId: String)

    /// `nil` for home (the stack's root) and the questionnaire (shown inside `newCase`).
    init?(record: RouteRecord) {
        switch record {
        case .home, .questionnaire: return nil
        case .newCase: self = .newCase
        case let .`case`(caseId): self = .checklist(caseId: caseId)
        case let .evidence(caseId, stepId): self = .evidence(caseId: caseId, stepId: stepId)
        case let .letters(caseId): self = .letters(caseId: caseId)
        case let .letter(caseId, letterId): self = .letter(caseId: caseId, letterId: letterId)
        case .settings: self = .settings
        case let .history(caseId): self = .history(caseId: caseId)
        case let .upgrade(caseId): self = .upgrade(caseId: caseId)
        }
    }

    var record: RouteRecord {
        switch self {
        case .newCase: return .newCase
        case let .checklist(caseId): return .`case`(caseId: caseId)
        case let .evidence(caseId, stepId): return .evidence(caseId: caseId, stepId: stepId)
        case let .letters(caseId): return .letters(caseId: caseId)
        case let .letter(caseId, letterId): return .letter(caseId: caseId, letterId: letterId)
        case .settings: return .settings
        case let .history(caseId): return .history(caseId: caseId)
        case let .upgrade(caseId): return .upgrade(caseId: caseId)
        }
    }
}

/// A long operation on screen: progress and a cancel button.
struct LongWork: Equatable {
    var title: String
    var fraction: Double
}

/// A backup picked for restore (copied out of the Files provider), and how far it got:
/// `checked` once the core opened it, `replaceAsk` the core's words when this phone has cases.
struct RestorePick: Equatable {
    var url: URL
    var name: String
    var passphrase = ""
    var checked: BackupRecord?
    var replaceAsk: String?
}

/// The state of one scene: the view models the core computed, refreshed when the core
/// says something changed (`changes()`, an AsyncStream), never by polling. Every event
/// goes to the core, which returns the updated view or an error whose text is shown as is.
@MainActor
@Observable
final class AppStore {
    /// The core's back stack above home, as its last update gave it.
    private(set) var stack: [Route] = []
    /// The `NavigationStack`'s path. The core decides it: a push (a `NavigationLink`) sends
    /// `open`, a pop (back button, swipe) sends `back` per level, and the update's stack
    /// replaces what SwiftUI assumed.
    var path: [Route] {
        get { stack }
        set { navigate(to: newValue) }
    }
    /// Whether the reminders the phone holds are listed (a sheet: the platform's list).
    var showingReminders = false
    @ObservationIgnored private var navigation: Task<Void, Never>?
    var home: HomeViewRecord?
    /// How many cases the home list shows once the user asked for more (nil: the first
    /// page).
    @ObservationIgnored private var homeShown: Int32?
    var picker: ScenarioPickerRecord?
    var questionnaire: QuestionnaireRecord?
    var answers: [String: String] = [:]
    var cases: [String: CaseScreenRecord] = [:]
    var evidence: [Route: EvidenceListRecord] = [:]
    var settings: SettingsViewRecord?
    var letterLists: [String: LettersViewRecord] = [:]
    var letters: [Route: LetterViewRecord] = [:]
    var settingsValues: AppSettingsRecord?
    var exported: [String: URL] = [:]
    /// The step a tapped notification asked for.
    var focusedStep: String?
    /// The last refusal, in the user's language.
    var error: String?
    /// The last thing worth telling that is not an error (a file attached to one more step).
    var notice: String?
    var work: LongWork?
    var lastSync: ReminderSyncOutcome?
    var backup: BackupSectionRecord?
    /// The core's account of the last backup made, checked or restored here.
    var backupDone: BackupRecord?
    /// A new backup file waiting for the user to place it (`fileExporter`).
    var backupToExport: URL?
    var restorePick: RestorePick?
    /// The rule-update section of Settings, and the outcome of the check made here.
    var ruleUpdates: RuleUpdatesViewRecord?
    var ruleUpdateResult: RuleUpdateResultRecord?
    var checkingRules = false

    let screens: TuiluScreens
    private let reminders: ReminderSyncing?
    @ObservationIgnored private var listening: Task<Void, Never>?
    @ObservationIgnored private var workTask: Task<Void, Never>?

    init(screens: TuiluScreens, reminders: ReminderSyncing?) {
        self.screens = screens
        self.reminders = reminders
    }

    convenience init(core: Core) {
        self.init(screens: core.screens, reminders: core.reminders)
    }

    /// Loads the first views and follows the core's changes until `stop()`.
    func start() {
        guard listening == nil else { return }
        let changes = screens.changes()
        listening = Task { [weak self] in
            for await change in changes {
                self?.apply(change)
            }
        }
        refreshAll()
        syncReminders()
        checkRuleUpdatesIfDue()
    }

    /// When the app opens: checks for rule updates if the core says a check is due (none in
    /// 24 hours), on Wi-Fi (a network that is not expensive) unless mobile data is allowed.
    func checkRuleUpdatesIfDue() {
        guard let view = attempt({ try screens.ruleUpdates() }), view.checkDue else { return }
        let allowMobileData = view.allowMobileData
        let monitor = NWPathMonitor()
        monitor.pathUpdateHandler = { [weak self] path in
            monitor.cancel()
            guard path.status == .satisfied, allowMobileData || !path.isExpensive else { return }
            Task { @MainActor in self?.checkRuleUpdates() }
        }
        monitor.start(queue: DispatchQueue.global(qos: .utility))
    }

    func stop() {
        listening?.cancel()
        listening = nil
    }

    /// Runs a call of the core; a refusal becomes `error`.
    @discardableResult
    private func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch {
            self.error = message(for: error)
            return nil
        }
    }

    /// A call that writes the vault, as a background task (see BackgroundWork.swift).
    @discardableResult
    private func write<T>(_ name: String, _ body: () throws -> T) -> T? {
        VaultWrite.sync(name) { attempt(body) }
    }

    // MARK: refresh

    func apply(_ change: ChangeRecord) {
        switch change.kind {
        case .caseCreated, .caseChanged, .caseDeleted, .evidenceChanged:
            refreshHome()
            if let id = change.caseId { refreshCase(id) }
        case .remindersChanged:
            if let id = change.caseId { refreshCase(id) }
        case .settingsChanged:
            refreshAll()
            // Quiet hours, the reminder time or the language changed: the core sets every
            // reminder again, and the categories' titles (its words) are registered again.
            send(.settingsChanged)
            registerCategories()
            return
        case .rulesChanged, .calendarChanged:
            refreshAll()
        }
        syncReminders()
    }

    func registerCategories() {
        guard let reminders else { return }
        Task { await reminders.registerCategories() }
    }

    /// A platform event to the core; its effects are performed, as a background task.
    func send(_ event: EventRecord) {
        guard let reminders else { return }
        Task {
            let outcome = try? await VaultWrite.run("reminders") {
                await reminders.send(event, inForeground: false, at: nil).1
            }
            if let outcome { lastSync = outcome }
        }
    }

    /// A screen's event (the case menu, evidence move and delete, history, update to new
    /// rules): its effects performed, as a background task; the update comes back for its
    /// screen and its question before a delete. A deleted or archived case leaves the screen.
    @discardableResult
    func event(_ event: EventRecord) async -> UpdateRecord? {
        guard let reminders else { return nil }
        guard let result = try? await VaultWrite.run("event", {
            await reminders.send(event, inForeground: true, at: nil)
        }) else { return nil }
        let (update, outcome) = result
        lastSync = outcome
        if let message = update.message {
            if message.isError { error = message.text } else { notice = message.text }
        }
        // Where to be is the core's answer (a deleted or archived case leaves its screens).
        stack = update.stack.compactMap(Route.init(record:))
        return update
    }

    /// SwiftUI changed the path: tell the core, in order, and show the stack it answers.
    private func navigate(to newPath: [Route]) {
        let old = stack
        stack = newPath
        var events: [EventRecord] = []
        if newPath.count < old.count, Array(old.prefix(newPath.count)) == newPath {
            events = Array(repeating: .back, count: old.count - newPath.count)
        } else if let last = newPath.last, newPath != old {
            events = [.open(route: last.record)]
        }
        navigate(events)
    }

    /// Opens a screen by the core's route (a deep link, a notification).
    func go(_ route: RouteRecord) {
        navigate([.open(route: route)])
    }

    /// Sends navigation events to the core after the ones already on their way, in order.
    private func navigate(_ events: [EventRecord]) {
        guard !events.isEmpty else { return }
        let previous = navigation
        navigation = Task { [weak self] in
            await previous?.value
            for e in events { _ = await self?.event(e) }
        }
    }

    /// Everything on screen again (launch, foreground, a new day, another time zone).
    func refreshAll() {
        screens.followSystemZone()
        refreshHome()
        for id in cases.keys { refreshCase(id) }
        for route in evidence.keys { refreshEvidence(route) }
        if settings != nil { loadSettings() }
        if picker != nil { picker = attempt { try screens.scenarioPicker() } }
    }

    func refreshHome() {
        home = attempt {
            if let shown = homeShown { return try screens.home(showing: shown) }
            return try screens.home()
        }
    }

    /// The next page of the home list, as the core's "more" row names it; kept for every
    /// refresh after, so the list does not shrink while the user is in it.
    func showMoreCases(_ more: MoreCasesRecord) {
        let shown = more.nextShown
        guard shown != homeShown else { return }
        homeShown = shown
        refreshHome()
    }

    func refreshCase(_ id: String) {
        do {
            cases[id] = try screens.caseScreen(id)
        } catch AppError.NotFound {
            // The case is gone (deleted elsewhere): the core leads home and says so.
            cases[id] = nil
            go(.home(showArchived: false))
        } catch {
            self.error = message(for: error)
        }
        for route in evidence.keys {
            if case let .evidence(caseId, _) = route, caseId == id { refreshEvidence(route) }
        }
    }

    func refreshEvidence(_ route: Route) {
        guard case let .evidence(caseId, stepId) = route else { return }
        evidence[route] = attempt { try screens.evidenceList(caseId, step: stepId) }
    }

    /// The core re-plans the window after a change made here or elsewhere.
    func syncReminders() {
        guard let reminders else { return }
        Task {
            if let outcome = try? await VaultWrite.run("reminders", { await reminders.sync() }) {
                lastSync = outcome
            }
        }
    }

    // MARK: new case

    func openPicker() {
        picker = attempt { try screens.scenarioPicker() }
    }

    func begin(_ scenario: String) {
        answers = [:]
        questionnaire = attempt { try screens.questionnaire(scenario, answers: [:]) }
    }

    /// An answer as typed or chosen; the core says whether it is valid.
    func answer(_ question: String, _ value: String) {
        guard let scenario = questionnaire?.scenario else { return }
        answers[question] = value
        questionnaire = attempt { try screens.questionnaire(scenario, answers: answers) }
    }

    /// 下一题 on `question`: the core answers with the questionnaire, where a question that
    /// still needs an answer says so. True when the user may go on.
    func goOn(from question: String) async -> Bool {
        guard let scenario = questionnaire?.scenario else { return false }
        let answers = self.answers.map { AnswerRecord(fact: $0.key, value: $0.value) }
        let update = await event(.answersChanged(scenario: scenario, answers: answers, goingOnFrom: question))
        guard case let .questionnaire(view)? = update?.screen else { return false }
        questionnaire = view
        return view.questions.first { $0.id == question }?.error == nil
    }

    /// Creates the case through the core's event: the update carries the case's screen,
    /// the reminders to set and, for a first case, the core's request to ask for the
    /// notification permission (the reminder synchronizer asks the system).
    func create() {
        guard let scenario = questionnaire?.scenario, let reminders else { return }
        let answers = self.answers.map { AnswerRecord(fact: $0.key, value: $0.value) }
        Task {
            guard let result = try? await VaultWrite.run("create case", {
                await reminders.send(.createCase(scenario: scenario, answers: answers), inForeground: true, at: nil)
            }) else { return }
            let (update, outcome) = result
            lastSync = outcome
            if let message = update.message, message.isError {
                error = message.text
                return
            }
            guard case let .`case`(screen)? = update.screen else { return }
            cases[screen.id] = screen
            questionnaire = nil
            self.answers = [:]
            // The core replaced the picker with the new case.
            stack = update.stack.compactMap(Route.init(record:))
        }
    }

    // MARK: checklist

    func open(caseId: String, stepId: String? = nil) {
        refreshCase(caseId)
        focusedStep = stepId
        go(.`case`(caseId: caseId))
    }

    func act(_ caseId: String, step: String, action: StepAction, at: Date? = nil, route: String? = nil) {
        if let screen = write("step action", { try screens.act(caseId, step: step, action: action, at: at, route: route) }) {
            cases[caseId] = screen
        }
    }

    /// An open question answered on the checklist: the core re-plans the case with it.
    func answerOnCase(_ caseId: String, _ question: String, _ value: String) {
        Task {
            let update = await event(.caseAnswered(caseId: caseId, answers: [AnswerRecord(fact: question, value: value)]))
            if case let .`case`(screen)? = update?.screen { cases[caseId] = screen } else { refreshCase(caseId) }
        }
    }

    func undo(_ caseId: String) {
        if let screen = write("undo", { try screens.undo(caseId) }) { cases[caseId] = screen }
    }

    func flag(_ caseId: String, step: String, note: String?) {
        if let screen = write("flag rule", { try screens.flagRule(caseId, rule: step, note: note) }) { cases[caseId] = screen }
    }

    // MARK: letters

    func loadLetters(_ caseId: String) {
        letterLists[caseId] = attempt { try screens.letters(caseId) }
    }

    func loadLetter(_ caseId: String, _ letterId: String) {
        letters[.letter(caseId: caseId, letterId: letterId)] = attempt { try screens.letter(caseId, letterId) }
    }

    /// Answers the questions a letter still needs; the letter comes back filled.
    func answerForLetter(_ caseId: String, _ letterId: String, _ answers: [String: String]) {
        if let screen = write("set facts", { try screens.setFacts(caseId, set: answers.filter { !$0.value.isEmpty }) }) {
            cases[caseId] = screen
        }
        loadLetter(caseId, letterId)
    }

    /// Records the letter as sent now; the core keeps it as evidence of its step.
    func markLetterSent(_ caseId: String, _ letterId: String) {
        if let view = write("letter sent", { try screens.markLetterSent(caseId, letterId) }) {
            letters[.letter(caseId: caseId, letterId: letterId)] = view
            notice = view.sent.last?.text
        }
        loadLetters(caseId)
    }

    func letterHtml(_ caseId: String, _ letterId: String) -> String? {
        attempt { try screens.letterHtml(caseId, letterId) }
    }

    // MARK: evidence

    func loadEvidence(_ caseId: String, stepId: String?) {
        refreshEvidence(.evidence(caseId: caseId, stepId: stepId))
    }

    /// Adds files (Files, Photos, camera) through the core, with progress; cancel stops
    /// the core's work and leaves nothing behind. The core says what happened (`notice`).
    /// `captured[i]`: the photo library's creation date of `urls[i]`, when known.
    func importFiles(
        _ urls: [URL], caseId: String, stepId: String?, scoped: Bool = false,
        captured: [CaptureTimeRecord?] = []
    ) {
        let title = String(localized: "正在导入证据…")
        run(title) { [weak self, screens] in
            for (index, url) in urls.enumerated() {
                let access = scoped && url.startAccessingSecurityScopedResource()
                defer { if access { url.stopAccessingSecurityScopedResource() } }
                let count = Double(urls.count)
                let progress = self?.showProgress { (Double(index) + $0) / count }
                let added = try await VaultWrite.run("import evidence") {
                    try await screens.addEvidence(
                        caseId, step: stepId, fileAt: url,
                        captured: index < captured.count ? captured[index] : nil, onProgress: progress)
                }
                self?.notice = added.notice
                self?.evidence[.evidence(caseId: caseId, stepId: stepId)] = added.list
            }
            self?.refreshCase(caseId)
        }
    }

    /// What the bundle will carry and leave out (the core's preview), shown before exporting.
    func bundlePreview(_ caseId: String, includePrivate: Bool) -> BundlePreviewRecord? {
        attempt { try screens.bundlePreview(caseId, includePrivate: includePrivate) }
    }

    /// Private facts and notes go in only when `includePrivate` (the screen's switch).
    func exportBundle(_ caseId: String, includePrivate: Bool = false) {
        let url = Storage.temporaryFile(named: "tuilu-evidence-\(caseId.prefix(8)).zip")
        run(String(localized: "正在导出证据包…")) { [weak self, screens] in
            let progress = self?.showProgress()
            let done = try await VaultWrite.run("export bundle") {
                try await screens.exportBundle(caseId, to: url, includePrivate: includePrivate, onProgress: progress)
            }
            self?.notice = done.notice
            self?.exported[caseId] = url
        }
    }

    /// Checks the evidence; each row then shows its verify state, the list a summary.
    func verify(_ caseId: String, stepId: String?) {
        run(String(localized: "正在校验证据…")) { [weak self, screens] in
            let progress = self?.showProgress()
            let list = try await VaultWrite.run("verify evidence") {
                try await screens.verifyEvidence(caseId, step: stepId, onProgress: progress)
            }
            self?.evidence[.evidence(caseId: caseId, stepId: stepId)] = list
        }
    }

    private func run(_ title: String, _ body: @escaping @MainActor () async throws -> Void) {
        workTask?.cancel()
        work = LongWork(title: title, fraction: 0)
        workTask = Task { [weak self] in
            do {
                try await body()
            } catch is CancellationError {
            } catch AppError.Cancelled {
            } catch {
                self?.error = message(for: error)
            }
            self?.work = nil
        }
    }

    func cancelWork() {
        workTask?.cancel()
    }

    /// A progress handler for the core's workers that moves the sheet's bar (`map`: the
    /// fraction of this call to the fraction of the whole work).
    func showProgress(_ map: @escaping @Sendable (Double) -> Double = { $0 }) -> @Sendable (TuiluProgress) -> Void {
        { [weak self] progress in
            let fraction = map(progress.fraction)
            Task { @MainActor in self?.work?.fraction = fraction }
        }
    }

    // MARK: settings

    func loadSettings() {
        settings = attempt { try screens.settingsView() }
        settingsValues = screens.settings()
        backup = attempt { try screens.backupSection() }
        ruleUpdates = attempt { try screens.ruleUpdates() }
    }

    /// "检查规则更新": the facade fetches, the core checks, installs or refuses, and words it.
    func checkRuleUpdates() {
        guard !checkingRules else { return }
        checkingRules = true
        Task { [weak self] in
            guard let self else { return }
            do {
                let screens = self.screens
                self.ruleUpdateResult = try await VaultWrite.run("rule updates") { try await screens.checkRuleUpdates() }
            } catch {
                self.error = message(for: error)
            }
            self.ruleUpdates = self.attempt { try self.screens.ruleUpdates() }
            self.checkingRules = false
        }
    }

    // MARK: backup

    /// A fresh recovery code with the core's words: the default secret of a new backup.
    func newRecoveryCode() -> RecoveryCodeRecord? {
        try? screens.newRecoveryCode()
    }

    /// The core's hint for a passphrase being typed (cheap; called on every keystroke).
    func passphraseHint(_ passphrase: String) -> PassphraseHintRecord? {
        try? screens.passphraseHint(passphrase)
    }

    /// The core writes the encrypted file into a temporary folder; `fileExporter` then lets
    /// the user place it (iOS hands the exporter a finished document).
    func createBackup(passphrase: String) {
        guard let section = backup else { return }
        let url = Storage.temporaryFile(named: section.suggestedFileName)
        backupDone = nil
        run(String(localized: "正在备份…")) { [weak self, screens] in
            do {
                let progress = self?.showProgress()
                let done = try await VaultWrite.run("backup") {
                    try await screens.createBackup(to: url, passphrase: passphrase, onProgress: progress)
                }
                self?.backupDone = done
                self?.backupToExport = url
                self?.backup = try? screens.backupSection()
            } catch {
                try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
                throw error
            }
        }
    }

    /// The exporter finished (or was dismissed): the temporary copy goes.
    func backupExported(_ result: Result<URL, Error>) {
        if let url = backupToExport { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        backupToExport = nil
        if case let .failure(error) = result {
            // The file never reached a place the user chose: the core forgets this backup,
            // so the section keeps saying one is due.
            backup = VaultWrite.sync("backup not kept") { try? screens.backupNotKept() } ?? backup
            if (error as? CocoaError)?.code != .userCancelled { self.error = message(for: error) }
        }
    }

    /// The file chosen in `fileImporter`, copied out of its provider (the core takes paths).
    func pickBackup(_ picked: URL) {
        let access = picked.startAccessingSecurityScopedResource()
        defer { if access { picked.stopAccessingSecurityScopedResource() } }
        let copy = Storage.temporaryFile(named: picked.lastPathComponent)
        if attempt({ try FileManager.default.copyItem(at: picked, to: copy) }) != nil {
            backupDone = nil
            restorePick = RestorePick(url: copy, name: picked.lastPathComponent)
        }
    }

    /// The core opens the backup and says what it holds; nothing changes yet.
    func checkBackup(passphrase: String) {
        guard let pick = restorePick else { return }
        run(String(localized: "正在检查备份…")) { [weak self, screens] in
            let checked = try await screens.inspectBackup(at: pick.url, passphrase: passphrase)
            self?.restorePick?.passphrase = passphrase
            self?.restorePick?.checked = checked
            self?.restorePick?.replaceAsk = nil
        }
    }

    /// Restores the checked backup; when the core refuses because this phone has cases, its
    /// words are kept and replacing becomes an explicit second choice (`replace`).
    func restoreBackup(replace: Bool) {
        guard let pick = restorePick, pick.checked != nil else { return }
        run(String(localized: "正在恢复…")) { [weak self, screens] in
            do {
                let progress = self?.showProgress()
                let done = try await VaultWrite.run("restore") {
                    try await screens.restoreBackup(from: pick.url, passphrase: pick.passphrase, replace: replace, onProgress: progress)
                }
                try? FileManager.default.removeItem(at: pick.url.deletingLastPathComponent())
                self?.restorePick = nil
                self?.backupDone = done
                self?.refreshAll()
                self?.loadSettings()
                // Another vault: the core sets every reminder again.
                self?.send(.vaultReplaced)
            } catch let AppError.Backup(kind, userMessage) where kind == .vaultHasCases {
                self?.restorePick?.replaceAsk = userMessage
            }
        }
    }

    func closeRestore() {
        if let pick = restorePick { try? FileManager.default.removeItem(at: pick.url.deletingLastPathComponent()) }
        restorePick = nil
    }

    func save(_ values: AppSettingsRecord) {
        write("settings") { try screens.saveSettings(values) }
        loadSettings()
    }
}
