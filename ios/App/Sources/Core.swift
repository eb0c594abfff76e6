import Foundation
import os
import TuiluCore

/// The process's one connection to the core: the screens' facade (view models, events,
/// changes, and long work with progress and cancellation) on the vault in the App Group
/// container. Scenes share it; each scene has its own `AppStore`.
final class Core: Sendable {
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

    private static let instance = OSAllocatedUnfairLock<Core?>(initialState: nil)

    /// Opened on first use (app launch, a notification action in the background). A
    /// failure is not kept: before the first unlock the vault cannot be read yet.
    static func shared() throws -> Core {
        try instance.withLock { cached in
            if let cached { return cached }
            let core = try Core(directory: try Storage.vaultDirectory())
            cached = core
            return core
        }
    }
}
