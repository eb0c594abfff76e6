import SwiftUI
import TuiluCore
import UIKit
import UserNotifications

/// Settings: language, quiet hours, the time reminders come, the holiday calendar years
/// the deadlines rest on, storage.
@MainActor
struct SettingsScreen: View {
    let store: AppStore
    @State private var draft: AppSettingsRecord?

    var body: some View {
        Form {
            if let view = store.settings, let values = draft {
                Section("语言") {
                    Picker("语言", selection: binding(values, \.language) { v, x in v.with(language: x) }) {
                        Text(verbatim: "简体中文").tag(Language.zh)
                        Text(verbatim: "English").tag(Language.en)
                    }
                }
                Section {
                    Toggle("免打扰时段", isOn: binding(values, \.quietHoursEnabled) { v, x in v.with(quietHoursEnabled: x) })
                    if values.quietHoursEnabled {
                        TimeField(title: "开始", text: binding(values, \.quietStart) { v, x in v.with(quietStart: x) })
                        TimeField(title: "结束", text: binding(values, \.quietEnd) { v, x in v.with(quietEnd: x) })
                    }
                    TimeField(title: "提醒时间", text: binding(values, \.preferredTime) { v, x in v.with(preferredTime: x) })
                } header: {
                    Text("提醒")
                } footer: {
                    Text(view.quietHoursText)
                }
                Section("节假日日历") {
                    ForEach(view.calendarYears, id: \.year) { year in
                        Text(year.text).foregroundStyle(year.estimated ? Color.orange : Color.primary)
                    }
                    ForEach(view.calendarWarnings, id: \.self) { Text($0).font(.footnote) }
                }
                Section("存储") {
                    LabeledContent("时区", value: view.timeZone)
                    LabeledContent("案件", value: String(view.caseCount))
                    LabeledContent("证据", value: String(view.evidenceCount))
                    LabeledContent("占用空间", value: view.vaultSizeText)
                }
                if !view.packProblems.isEmpty {
                    Section("规则包问题") { ForEach(view.packProblems, id: \.self) { Text($0) } }
                }
            }
        }
        .navigationTitle("设置")
        .onAppear {
            store.loadSettings()
            draft = store.settingsValues
        }
    }

    /// A field of the settings that saves through the core when changed.
    private func binding<T>(
        _ values: AppSettingsRecord, _ key: KeyPath<AppSettingsRecord, T>,
        _ update: @escaping (AppSettingsRecord, T) -> AppSettingsRecord
    ) -> Binding<T> {
        Binding(
            get: { values[keyPath: key] },
            set: { value in
                let next = update(values, value)
                draft = next
                store.save(next)
            })
    }
}

/// `HH:MM` as a wheel of hours and minutes.
@MainActor
struct TimeField: View {
    let title: LocalizedStringKey
    @Binding var text: String

    var body: some View {
        DatePicker(title, selection: Binding(
            get: { Self.date(text) },
            set: { text = Self.text($0) }), displayedComponents: .hourAndMinute)
    }

    static func date(_ text: String) -> Date {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        let c = DateComponents(hour: parts.first ?? 9, minute: parts.count > 1 ? parts[1] : 0)
        return Calendar.current.date(from: c) ?? Date()
    }

    static func text(_ date: Date) -> String {
        let c = Calendar.current.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }
}

extension AppSettingsRecord {
    func with(
        language: Language? = nil, quietHoursEnabled: Bool? = nil, quietStart: String? = nil,
        quietEnd: String? = nil, preferredTime: String? = nil
    ) -> AppSettingsRecord {
        AppSettingsRecord(
            language: language ?? self.language,
            quietHoursEnabled: quietHoursEnabled ?? self.quietHoursEnabled,
            quietStart: quietStart ?? self.quietStart,
            quietEnd: quietEnd ?? self.quietEnd,
            preferredTime: preferredTime ?? self.preferredTime)
    }
}

/// The reminders the phone holds now (the rolling window the core planned), and whether
/// notifications are allowed.
@MainActor
struct RemindersScreen: View {
    let store: AppStore
    @State private var pending: [UNNotificationRequest] = []
    @State private var status: UNAuthorizationStatus = .notDetermined

    var body: some View {
        List {
            if status == .denied {
                Section {
                    Text("通知已关闭，截止日期前不会提醒你。")
                    Button("打开系统设置") {
                        if let url = URL(string: UIApplication.openNotificationSettingsURLString) {
                            UIApplication.shared.open(url)
                        }
                    }
                }
            }
            Section {
                ForEach(pending, id: \.identifier) { request in
                    Button {
                        if let caseId = request.content.userInfo[NotificationKeys.caseId] as? String {
                            store.open(caseId: caseId, stepId: request.content.userInfo[NotificationKeys.stepId] as? String)
                        }
                    } label: {
                        VStack(alignment: .leading, spacing: 2) {
                            Text(request.content.title).font(.headline)
                            Text(request.content.body).font(.subheadline)
                            if let date = Self.fireDate(request) {
                                Text(date, format: .dateTime.month().day().hour().minute()).font(.footnote).foregroundStyle(.secondary)
                            }
                        }
                        .accessibilityElement(children: .combine)
                    }
                    .buttonStyle(.plain)
                }
            } header: {
                Text("已安排的提醒")
            } footer: {
                if let sync = store.lastSync {
                    Text("最多保留 \(sync.budget) 条，随案件变化自动更新。")
                }
            }
        }
        .navigationTitle("提醒")
        .task(id: store.lastSync) { await load() }
        .refreshable {
            await store.syncReminders()
            await load()
        }
    }

    private func load() async {
        let center = UNUserNotificationCenter.current()
        status = await center.notificationSettings().authorizationStatus
        pending = await center.pendingNotificationRequests()
            .sorted { (Self.fireDate($0) ?? .distantFuture) < (Self.fireDate($1) ?? .distantFuture) }
    }

    private static func fireDate(_ request: UNNotificationRequest) -> Date? {
        (request.trigger as? UNCalendarNotificationTrigger)?.nextTriggerDate()
    }
}
