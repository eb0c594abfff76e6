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

/// The entry point for the app: one per process, thread-safe. Errors are `ApiError`
/// (see `ApiError.userMessage(locale:)` for text to show).
public final class Tuilu: Sendable {
    private let core: TuiluCore

    public init() {
        core = TuiluCore()
    }

    /// The core library's version, e.g. `0.1.0`.
    public static var version: String {
        coreVersion()
    }

    /// Parses a rule pack (TOML text) into its outline, off the caller's thread.
    /// Throws `ApiError.InvalidInput`.
    public func parsePack(_ tomlText: String) async throws -> PackSummary {
        try await Task.detached(priority: .userInitiated) {
            try ffiParsePack(tomlText)
        }.value
    }

    /// SHA-256 of the file at `path`, as 64 lowercase hex digits. `onProgress` is called on a
    /// core worker thread, about a hundred times at most. Cancelling the task stops the work
    /// and throws `ApiError.Cancelled`.
    public func hashFile(
        atPath path: String,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> String {
        let token = CancelToken()
        let listener = onProgress.map(ProgressRelay.init)
        return try await withTaskCancellationHandler {
            try await core.hashFile(path: path, listener: listener, cancel: token)
        } onCancel: {
            token.cancel()
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
        case .NotFound:
            return en ? "The file or record was not found." : "找不到该文件或记录。"
        case .Conflict:
            return en ? "This conflicts with the current state. Refresh and try again." : "与当前状态冲突，请刷新后重试。"
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
}

/// Forwards the core's progress calls to a closure.
private final class ProgressRelay: ProgressListener, @unchecked Sendable {
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
private func ffiParsePack(_ tomlText: String) throws -> PackSummary {
    try parsePack(tomlText: tomlText)
}
