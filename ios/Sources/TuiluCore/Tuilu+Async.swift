// The Swift face of the Tuilu core, over the generated bindings: async/await, an
// AsyncThrowingStream for progress, and task cancellation wired to the core's CancelToken
// (cancelling a Swift task alone does not stop the Rust work, uniffi-rs #2771).
import Foundation

/// Progress of a long operation; bytes for file work. `done == total` at the end.
public struct TuiluProgress: Sendable, Equatable {
    public let done: UInt64
    public let total: UInt64

    public init(done: UInt64, total: UInt64) {
        self.done = done
        self.total = total
    }

    /// 0.0 to 1.0; 1.0 for empty work.
    public var fraction: Double {
        total == 0 ? 1 : min(1, Double(done) / Double(total))
    }
}

/// Events of `Tuilu.hashFileEvents(atPath:)`.
public enum HashEvent: Sendable, Equatable {
    case running(TuiluProgress)
    case finished(sha256: String)
}

/// The entry point for the app: one per process, thread-safe, opened on the vault directory
/// (created when missing). Quick calls (plans, calendar) run off the caller's thread;
/// long ones on the core's workers. Dates are `IsoDate` strings (`YYYY-MM-DD`, China
/// calendar dates), instants `Date`s. Errors are `ApiError` (see
/// `ApiError.userMessage(locale:)` for text to show).
public final class Tuilu: Sendable {
    let core: TuiluCore
    /// Where vault calls read `now` when none is given (the core never reads the clock;
    /// tests pass a fixed time).
    public let clock: @Sendable () -> Date

    /// Loads the bundled rule packs and the calendar with the vault's imported holiday
    /// years (a few milliseconds of disk work: prefer `open(vaultPath:)` from async code).
    /// The vault database is opened by the first call that needs it (see `openVault`).
    /// Throws `ApiError.InvalidInput` (empty path, or a file) or `ApiError.Io`.
    public init(vaultPath: String, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        core = try TuiluCore(vaultDir: vaultPath)
        self.clock = clock
    }

    /// Opens the core off the caller's thread.
    public static func open(vaultPath: String, clock: @escaping @Sendable () -> Date = { Date() }) async throws -> Tuilu {
        try await Task.detached(priority: .userInitiated) {
            try Tuilu(vaultPath: vaultPath, clock: clock)
        }.value
    }

    /// The core library's version, e.g. `0.1.0`.
    public static var version: String {
        coreVersion()
    }

    /// Validates a rule pack in its compiled JSON form (`tuilu rules compile`) like a
    /// bundled one. An invalid pack is a result with every issue (pack, path, message,
    /// line, column), not an error. TOML text is one issue naming the compile command.
    public static func checkPack(_ packJson: String) async throws -> PackCheckRecord {
        try await Task.detached(priority: .userInitiated) {
            try ffiCheckPack(packJson)
        }.value
    }

    /// Runs a quick blocking call of the core off the caller's thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (TuiluCore) throws -> T) async throws -> T {
        let core = self.core
        return try await Task.detached(priority: .userInitiated) {
            try body(core)
        }.value
    }

    // MARK: scenarios and plans

    /// Every scenario: the bundled ones in a stable order, then those added.
    public func scenarios() async throws -> [ScenarioInfo] {
        try await run { try $0.scenarios() }
    }

    /// One scenario. Throws `ApiError.NotFound`.
    public func scenario(id: String) async throws -> ScenarioInfo {
        try await run { try $0.scenario(id: id) }
    }

    /// Same as `Tuilu.checkPack(_:)`.
    public func checkPack(_ packJson: String) async throws -> PackCheckRecord {
        try await Self.checkPack(packJson)
    }

    /// Validates a pack and adds it, replacing the scenario with the same id, for this
    /// object's life. Throws `ApiError.InvalidInput` (use `checkPack` for every issue).
    public func addPack(_ packJson: String) async throws -> ScenarioInfo {
        try await run { try $0.addPack(packJson: packJson) }
    }

    /// `addPack` for a pack file. Throws NotFound, Io, InvalidInput.
    public func addPackFile(atPath path: String) async throws -> ScenarioInfo {
        try await run { try $0.addPackFile(path: path) }
    }

    /// The plan of a scenario for the answers given (build them with `Fact.bool`,
    /// `Fact.money`, `Fact.choice`, `Fact.answer`...). Unanswered facts are listed in
    /// `missingFacts` and `questions`. Throws `ApiError.NotFound` (scenario) or
    /// `ApiError.InvalidInput` (a fact unknown, of the wrong type, out of bounds or given
    /// twice; the detail names it).
    public func plan(scenarioId: String, facts: [Fact] = []) async throws -> PlanRecord {
        try await run { try $0.plan(scenarioId: scenarioId, facts: facts) }
    }

    /// `plan` plus each step's deadline when its clock starts at `clockStart`.
    public func planWithDeadlines(scenarioId: String, facts: [Fact], clockStart: Date) async throws -> ScheduledPlanRecord {
        try await run { try $0.planWithDeadlines(scenarioId: scenarioId, facts: facts, clockStart: clockStart) }
    }

    // MARK: calendar

    public func isWorkingDay(_ date: IsoDate) async throws -> DayInfoRecord {
        try await run { try $0.isWorkingDay(date: date) }
    }

    /// The `n`-th working day after `date` (`date` itself never counts).
    public func addWorkingDays(_ n: Int32, to date: IsoDate) async throws -> DateResultRecord {
        try await run { try $0.addWorkingDays(date: date, n: n) }
    }

    /// Working days after `from` up to and including `to`.
    public func workingDaysBetween(_ from: IsoDate, and to: IsoDate) async throws -> WorkingDayCountRecord {
        try await run { try $0.workingDaysBetween(from: from, to: to) }
    }

    public func addNaturalDays(_ n: Int32, to date: IsoDate) async throws -> DateResultRecord {
        try await run { try $0.addNaturalDays(date: date, n: n) }
    }

    /// When `duration` ends if its clock starts at `clockStart`.
    public func stepDeadline(_ duration: DurationRecord, clockStart: Date) async throws -> DeadlineRecord {
        try await run { try $0.stepDeadline(duration: duration, clockStart: clockStart) }
    }

    public func calendarStatus() async throws -> CalendarStatusRecord {
        try await run { try $0.calendarStatus() }
    }

    /// Imports a holiday year file (holiday-cn JSON) into the vault; it replaces earlier data
    /// for its year. A rejected file changes nothing. Throws InvalidInput, Io.
    public func importHolidayYear(_ json: Data) async throws -> YearStatusRecord {
        try await run { try $0.importHolidayYear(json: json) }
    }

    // MARK: long operations

    /// SHA-256 of the file at `path`, as 64 lowercase hex digits. `onProgress` is called on a
    /// core worker thread, about a hundred times at most. Cancelling the task stops the work
    /// and throws `ApiError.Cancelled`.
    public func hashFile(
        atPath path: String,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> String {
        let token = CancelToken()
        let listener = onProgress.map(ProgressRelay.init)
        do {
            return try await withTaskCancellationHandler {
                try await core.hashFile(path: path, listener: listener, cancel: token)
            } onCancel: {
                token.cancel()
            }
        } catch {
            token.cancel()
            await token.join()
            throw error
        }
    }

    /// The same as `hashFile(atPath:onProgress:)` as a stream: `.running` events, then one
    /// `.finished`. Errors end the stream. Ending the iteration early stops the work.
    public func hashFileEvents(atPath path: String) -> AsyncThrowingStream<HashEvent, Error> {
        AsyncThrowingStream { continuation in
            let token = CancelToken()
            let relay = ProgressRelay { continuation.yield(.running($0)) }
            let core = self.core
            let task = Task {
                do {
                    let digest = try await core.hashFile(path: path, listener: relay, cancel: token)
                    continuation.yield(.finished(sha256: digest))
                    continuation.finish()
                } catch {
                    token.cancel()
                    await token.join()
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in
                token.cancel()
                task.cancel()
            }
        }
    }
}

/// Text to show for an error: Simplified Chinese unless the locale is English. `detail` is
/// English for logs and is never shown.
extension ApiError {
    public func userMessage(locale: Locale = .current) -> String {
        let en = locale.identifier.hasPrefix("en")
        switch self {
        case .InvalidInput:
            return en ? "The input is not valid. Please check it and try again." : "输入无效，请检查后重试。"
        case let .NotFound(detail):
            return Self.reasonText(detail, Self.notFoundReasons, en: en)
                ?? (en ? "What was asked for was not found." : "找不到要找的内容。")
        case let .Conflict(detail):
            return Self.reasonText(detail, Self.conflictReasons, en: en)
                ?? (en ? "This cannot be done in the current state." : "当前状态下无法完成此操作。")
        case .Storage:
            return en ? "Local data error. Back up and restart the app." : "本地数据出错，请备份后重启应用。"
        case .Io:
            return en ? "Could not read or write a file. Check storage space and permissions." : "读写文件失败，请检查存储空间和权限。"
        case .Cancelled:
            return en ? "Cancelled." : "已取消。"
        case .Internal:
            return en ? "Internal error. Please report it." : "程序内部错误，请反馈给我们。"
        }
    }

    /// What happened, by the stable reason a `NotFound` or `Conflict` detail starts with
    /// (listed in docs/bindings.md, "Error mapping"; the same table is in the Kotlin facade).
    private static let notFoundReasons: [(String, zh: String, en: String)] = [
        ("no such step", "这个案件中没有该步骤。", "This case has no such step."),
        ("no such case", "找不到这个案件，它可能已被删除。", "The case was not found; it may have been deleted."),
        ("no such reminder", "找不到这条提醒，它可能已经结束。", "The reminder was not found; it may have ended."),
        ("no such evidence item", "找不到这条证据。", "The evidence item was not found."),
        ("no scenario", "找不到这个场景。", "The scenario was not found."),
        ("file not found", "找不到该文件。", "The file was not found."),
        ("file or directory not found", "找不到该文件。", "The file was not found."),
    ]

    private static let conflictReasons: [(String, zh: String, en: String)] = [
        ("dependency not done", "请先完成这一步所依赖的前置步骤。", "Finish the steps this one depends on first."),
        ("blockers not cleared", "还有未解决的阻碍，解决后才能提交。", "Some blockers are not cleared yet; resolve them before submitting."),
        ("not allowed", "这一步当前的状态不允许这样操作。", "The step's current status does not allow this."),
        ("nothing to undo", "这一步没有可以撤销的操作。", "There is nothing to undo for this step."),
        ("dependent started", "依赖这一步的后续步骤已经开始，请先撤销后续步骤。", "A later step that depends on this one has started; undo it first."),
        ("step dropped", "这一步已不在当前计划中。", "This step is no longer in the plan."),
        ("case archived", "案件已归档，请先取消归档。", "The case is archived; restore it first."),
        ("upgrade needed", "规则已更新，请先更新这个案件。", "The rules were updated; update the case first."),
        ("pack downgrade", "当前规则比案件使用的旧，请升级应用。", "The rules are older than the case's; update the app."),
        ("vault too new", "数据由更新版本的退路创建，请先升级应用。", "The data was written by a newer version of the app; update it first."),
        ("vault busy", "数据正被占用，请稍后再试。", "The data is in use; try again in a moment."),
        ("output exists", "目标文件已存在，请换一个名称。", "The file already exists; choose another name."),
        ("item deleted", "这条证据已删除。", "This evidence item was deleted."),
    ]

    private static func reasonText(_ detail: String, _ reasons: [(String, zh: String, en: String)], en: Bool) -> String? {
        guard let r = reasons.first(where: { detail.hasPrefix($0.0) }) else { return nil }
        return en ? r.en : r.zh
    }

    /// The core's English detail, safe to log (it never carries personal data).
    public var detail: String {
        switch self {
        case let .InvalidInput(detail), let .NotFound(detail), let .Conflict(detail),
             let .Storage(detail), let .Io(detail), let .Internal(detail):
            return detail
        case .Cancelled:
            return "cancelled"
        }
    }

    /// True when the vault was written by a newer version of the app: nothing was changed;
    /// ask the user to update.
    public var isVaultTooNew: Bool {
        if case let .Conflict(detail) = self { return detail.hasPrefix("vault too new") }
        return false
    }
}

/// Forwards the core's progress calls to a closure.
final class ProgressRelay: ProgressListener, @unchecked Sendable {
    private let body: @Sendable (TuiluProgress) -> Void

    init(_ body: @escaping @Sendable (TuiluProgress) -> Void) {
        self.body = body
    }

    func onProgress(done: UInt64, total: UInt64) {
        body(TuiluProgress(done: done, total: total))
    }
}

/// The generated free function, reached from file scope: inside `Tuilu` the method of the
/// same base name would shadow it.
private func ffiCheckPack(_ packJson: String) throws -> PackCheckRecord {
    try checkPack(packJson: packJson)
}

// MARK: facts and texts

extension Fact {
    public static func bool(_ id: String, _ value: Bool) -> Fact { Fact(id: id, value: .bool(value: value)) }
    public static func integer(_ id: String, _ value: Int64) -> Fact { Fact(id: id, value: .integer(value: value)) }
    /// Yuan as decimal text, at most two decimals: `.money("task_amount", "3000")`.
    public static func money(_ id: String, _ yuan: String) -> Fact { Fact(id: id, value: .money(yuan: yuan)) }
    public static func date(_ id: String, _ date: IsoDate) -> Fact { Fact(id: id, value: .date(date: date)) }
    public static func datetime(_ id: String, _ at: Date) -> Fact { Fact(id: id, value: .datetime(at: at)) }
    /// An enum fact: one of its choices' `value`.
    public static func choice(_ id: String, _ value: String) -> Fact { Fact(id: id, value: .choice(value: value)) }
    public static func text(_ id: String, _ value: String) -> Fact { Fact(id: id, value: .text(value: value)) }
    /// Text typed by a person, parsed for the fact's type (是/否, ¥1,280.50, ...).
    public static func answer(_ id: String, _ typed: String) -> Fact { Fact(id: id, value: .raw(text: typed)) }
}

extension LocalizedText {
    /// The text in the locale's language (Chinese unless English), falling back to the other.
    public func text(for locale: Locale = .current) -> String {
        let english = locale.identifier.hasPrefix("en")
        if english, !en.isEmpty { return en }
        if !english, !zh.isEmpty { return zh }
        return zh.isEmpty ? en : zh
    }
}

extension PlanRecord {
    public func amount(_ id: String) -> AmountRecord? { amounts.first { $0.id == id } }
    public func step(_ id: String) -> PlanStepRecord? { steps.first { $0.id == id } }
}
