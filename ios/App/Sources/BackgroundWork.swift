import Foundation
import TuiluCore
import UIKit

// Vault writes that a suspension must not cut.
//
// The vault is SQLite in WAL mode in the App Group container. iOS kills a suspended app
// that holds a file lock in a shared container (exception 0xdead10cc), and SQLite holds
// one for the length of each transaction. So every write runs as a background task
// (`UIApplication.beginBackgroundTask`): the app keeps running until the write has
// committed. If the time runs out first, the expiration handler cancels the write through
// the core's `CancelToken`; the core stops between chunks, rolls back, removes its
// temporary file and releases the database, and only then is the background task ended.
// The Share Extension does the same with `ProcessInfo.performExpiringActivity`.
// See docs/ios.md, "Background execution".

/// One `beginBackgroundTask` … `endBackgroundTask` span.
@MainActor
final class BackgroundActivity {
    private var id = UIBackgroundTaskIdentifier.invalid

    /// `onExpiry` runs on the main thread shortly before the time runs out; the task is
    /// ended right after it returns.
    init(_ name: String, onExpiry: @escaping @MainActor @Sendable () -> Void = {}) {
        id = UIApplication.shared.beginBackgroundTask(withName: name) { [weak self] in
            MainActor.assumeIsolated {
                onExpiry()
                self?.end()
            }
        }
    }

    func end() {
        guard id != .invalid else { return }
        UIApplication.shared.endBackgroundTask(id)
        id = .invalid
    }
}

enum VaultWrite {
    /// How long the expiration handler waits for the core to roll back. The core checks its
    /// cancel flag between chunks, so this is milliseconds in practice.
    static let rollbackWait: DispatchTimeInterval = .seconds(2)

    /// A short synchronous call of the core on the main actor (a step action, undo, a
    /// setting): one transaction of milliseconds. The expiration handler runs on the main
    /// thread too, so it cannot interrupt the call; the task only covers it.
    @MainActor
    static func sync<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let activity = BackgroundActivity(name)
        defer { activity.end() }
        return try body()
    }

    /// Long or background work of the core (an import, a restore, a notification action):
    /// runs as a background task; on expiry the work is cancelled (the facade's long calls
    /// cancel their `CancelToken` with the task) and the handler waits until it has ended.
    /// Cancelling the calling task cancels the work the same way.
    static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let ended = DispatchSemaphore(value: 0)
        let work = Task.detached { () async throws -> T in
            defer { ended.signal() }
            return try await body()
        }
        let activity = await BackgroundActivity(name) {
            work.cancel()
            _ = ended.wait(timeout: .now() + rollbackWait)
        }
        let result = await withTaskCancellationHandler {
            await work.result
        } onCancel: {
            work.cancel()
        }
        await activity.end()
        return try result.get()
    }
}
