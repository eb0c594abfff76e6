import BackgroundTasks
import Foundation
import TuiluCore

/// The background refresh of reminders (`BGAppRefreshTask`): iOS keeps at most 64 pending
/// requests, and the core plans a rolling window of its budget, so the window must be
/// refilled even when the user does not open the app. Each run reports the notifications
/// delivered since the last one to the core, re-plans the window, and asks for the next run.
///
/// The identifier is declared in `BGTaskSchedulerPermittedIdentifiers` and the `fetch`
/// background mode in `UIBackgroundModes` (ios/project.yml); SwiftUI registers the handler
/// (`.backgroundTask(.appRefresh(_:))` in TuiluIOSApp) and cancels its task when the time
/// runs out, which cancels the work as `VaultWrite` describes.
enum ReminderRefresh {
    static let identifier = "app.tuilu.ios.reminders"
    /// The earliest next run. iOS picks the real time from how the app is used.
    static let interval: TimeInterval = 6 * 3600

    /// Asks for the next run (on leaving the foreground and at the start of each run).
    static func schedule(now: Date = Date()) {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = now.addingTimeInterval(interval)
        try? BGTaskScheduler.shared.submit(request)
    }

    /// One run: the next is asked for first, then deliveries are reported and the core
    /// re-plans the window (`BackgroundRefresh`). Cancelled when iOS ends the run.
    static func run() async {
        schedule()
        await AppDelegate.catchUp()
        await AppDelegate.send(.backgroundRefresh)
    }
}
