import Combine
import SwiftUI
import TuiluCore
import UIKit
import UserNotifications

@main
struct TuiluIOSApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate

    var body: some Scene {
        WindowGroup {
            SceneRoot()
        }
        // Registers the refresh task's handler; iOS cancels the task when its time is up.
        .backgroundTask(.appRefresh(ReminderRefresh.identifier)) {
            await ReminderRefresh.run()
        }
    }
}

/// Sets the notification delegate at every launch, a background one for a notification
/// action included, registers the notification categories, carries out actions kept before
/// the first unlock, and re-syncs reminders when the clock or the time zone changes.
final class AppDelegate: NSObject, UIApplicationDelegate {
    private let notifications = NotificationDelegate()

    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        UNUserNotificationCenter.current().delegate = notifications
        Task { await Self.launch() }
        return true
    }

    /// A new day, a clock set, or another time zone: every reminder is set again.
    func applicationSignificantTimeChange(_ application: UIApplication) {
        Task { await Self.send(.timeSet) }
    }

    /// The first unlock after a restart: the vault can be opened now.
    func applicationProtectedDataDidBecomeAvailable(_ application: UIApplication) {
        Task { await Self.launch() }
    }

    /// At launch: the categories first (Apple: register them before any notification can
    /// arrive, with the core's titles), then the actions kept before the first unlock, then
    /// the deliveries and the launch event (the core re-plans the window).
    static func launch() async {
        guard let core = try? Core.shared() else { return }
        await core.reminders.registerCategories()
        await NotificationDelegate.carryOutQueued()
        await catchUp()
        await send(.launched)
    }

    /// Tells the core what was delivered (it then re-plans the window, trusting what is
    /// pending).
    static func catchUp() async {
        guard let core = try? Core.shared() else { return }
        core.screens.followSystemZone()
        let delivered = await SystemNotificationCenter().deliveredIdentifiers()
        _ = try? await VaultWrite.run("delivered") {
            await core.reminders.send(.notificationsDelivered(tokens: delivered), inForeground: false, at: nil).1
        }
    }

    /// A platform event to the core, its effects performed, as a background task.
    static func send(_ event: EventRecord) async {
        guard let core = try? Core.shared(), !Task.isCancelled else { return }
        core.screens.followSystemZone()
        _ = try? await VaultWrite.run("reminders") {
            await core.reminders.send(event, inForeground: false, at: nil).1
        }
    }
}

/// One scene: its own store over the shared core.
@MainActor
struct SceneRoot: View {
    @State private var store: AppStore?
    @State private var failure: String?
    @Environment(\.scenePhase) private var scenePhase

    var body: some View {
        Group {
            if let store {
                RootView(store: store)
            } else if let failure {
                ContentUnavailableView("无法打开数据", systemImage: "lock", description: Text(failure))
            } else {
                ProgressView()
            }
        }
        .task { await openCore() }
        .onChange(of: scenePhase) { _, phase in
            if phase == .background { ReminderRefresh.schedule() }
            guard phase == .active, let store else { return }
            store.refreshAll()
            // What was delivered while the app was away goes to the core, which re-plans.
            Task {
                await AppDelegate.catchUp()
                store.syncReminders()
            }
        }
        .onReceive(NotificationCenter.default.publisher(for: UIApplication.significantTimeChangeNotification)) { _ in
            store?.refreshAll()
            store?.syncReminders()
        }
        .onReceive(NotificationCenter.default.publisher(for: .NSSystemTimeZoneDidChange)) { _ in
            store?.refreshAll()
            Task { await AppDelegate.send(.zoneChanged) }
        }
    }

    private func openCore() async {
        guard store == nil else { return }
        do {
            let store = AppStore(core: try Core.shared())
            store.start()
            DeepLinks.shared.attach { caseId, stepId in store.open(caseId: caseId, stepId: stepId) }
            self.store = store
        } catch {
            failure = message(for: error)
        }
    }
}

@MainActor
struct RootView: View {
    @Bindable var store: AppStore

    var body: some View {
        NavigationStack(path: $store.path) {
            HomeScreen(store: store)
                .navigationDestination(for: Route.self) { route in
                    switch route {
                    case .newCase: NewCaseScreen(store: store)
                    case let .checklist(caseId): ChecklistScreen(store: store, caseId: caseId)
                    case let .evidence(caseId, stepId): EvidenceScreen(store: store, caseId: caseId, stepId: stepId)
                    case let .letters(caseId): LettersScreen(store: store, caseId: caseId)
                    case let .letter(caseId, letterId): LetterScreen(store: store, caseId: caseId, letterId: letterId)
                    case .settings: SettingsScreen(store: store)
                    case let .history(caseId): HistoryScreen(store: store, caseId: caseId)
                    case let .upgrade(caseId): UpgradeScreen(store: store, caseId: caseId)
                    }
                }
        }
        .alert("无法完成", isPresented: Binding(get: { store.error != nil }, set: { if !$0 { store.error = nil } })) {
            Button("好") { store.error = nil }
        } message: {
            Text(store.error ?? "")
        }
        .sheet(isPresented: $store.showingReminders) {
            // The notifications the phone holds: the platform's list, not a core route.
            NavigationStack { RemindersScreen(store: store) }
        }
        .sheet(isPresented: Binding(get: { store.work != nil }, set: { _ in })) {
            WorkSheet(store: store)
                .presentationDetents([.height(180)])
                .interactiveDismissDisabled()
        }
    }
}

/// Progress of a long operation, with cancel.
@MainActor
struct WorkSheet: View {
    let store: AppStore

    var body: some View {
        VStack(spacing: 16) {
            Text(store.work?.title ?? "").font(.headline)
            ProgressView(value: store.work?.fraction ?? 0)
                .accessibilityValue(Text(verbatim: "\(Int((store.work?.fraction ?? 0) * 100))%"))
            Button("取消", role: .cancel) { store.cancelWork() }
        }
        .padding()
    }
}
