import Foundation
import TuiluCore

/// The process's one connection to the core: the screens' facade (view models, events,
/// changes, and long work with progress and cancellation) on the vault in the App Group
/// container. Scenes share it; each scene has its own `AppStore`.
final class Core: @unchecked Sendable {
    let screens: TuiluScreens
    let reminders: ReminderSynchronizer

    init(directory: URL) throws {
        screens = try TuiluScreens(vaultDirectory: directory)
        // The core's words follow the language chosen in settings (Chinese until changed).
        screens.language = screens.settings().language
        reminders = ReminderSynchronizer(
            planner: ScreensReminderPlanner(screens: screens),
            center: SystemNotificationCenter())
    }

    private static var instance: Core?
    private static let lock = NSLock()

    /// Opened on first use (app launch, a notification action in the background). A
    /// failure is not kept: before the first unlock the vault cannot be read yet.
    static func shared() throws -> Core {
        lock.lock()
        defer { lock.unlock() }
        if let instance { return instance }
        let core = try Core(directory: try Storage.vaultDirectory())
        instance = core
        return core
    }
}
