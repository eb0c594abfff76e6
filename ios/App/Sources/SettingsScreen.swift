import SwiftUI
import TuiluCore
import UIKit
import UniformTypeIdentifiers
import UserNotifications

/// Settings: the encrypted backup (first: the core says when the last one was made and
/// whether one is due), language, quiet hours, the time reminders come, the holiday
/// calendar years the deadlines rest on, storage.
@MainActor
struct SettingsScreen: View {
    let store: AppStore
    @State private var draft: AppSettingsRecord?
    @State private var choosingPassphrase = false
    @State private var importing = false

    var body: some View {
        Form {
            if let section = store.backup {
                BackupSection(store: store, section: section, onCreate: { choosingPassphrase = true }, onRestore: { importing = true })
            }
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
                if let rules = store.ruleUpdates {
                    RuleUpdatesSection(store: store, view: rules)
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
        .sheet(isPresented: $choosingPassphrase) {
            if let section = store.backup {
                PassphraseSheet(store: store, section: section) { passphrase in
                    choosingPassphrase = false
                    store.createBackup(passphrase: passphrase)
                }
            }
        }
        .fileExporter(
            isPresented: Binding(get: { store.backupToExport != nil }, set: { if !$0 { store.backupToExport = nil } }),
            document: store.backupToExport.map { BackupFile(url: $0) },
            contentType: .data,
            defaultFilename: store.backup?.suggestedFileName
        ) { result in
            store.backupExported(result)
        }
        // Any type: providers label a `.tuilu-backup` file as they like.
        .fileImporter(isPresented: $importing, allowedContentTypes: [.data, .item]) { result in
            switch result {
            case let .success(url): store.pickBackup(url)
            case let .failure(error): store.error = message(for: error)
            }
        }
        .sheet(isPresented: Binding(get: { store.restorePick != nil }, set: { if !$0 { store.closeRestore() } })) {
            if let section = store.backup {
                RestoreSheet(store: store, section: section)
            }
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

/// The backup section: the core's last-backup line and nudge, what a backup holds, the
/// explanation, the two actions, and progress with cancel while the core works.
@MainActor
struct BackupSection: View {
    let store: AppStore
    let section: BackupSectionRecord
    let onCreate: () -> Void
    let onRestore: () -> Void

    var body: some View {
        Section {
            Text(section.lastBackupText).font(.headline)
            if section.due {
                Label(section.dueText, systemImage: "exclamationmark.triangle")
                    .foregroundStyle(.orange)
            }
            Text(section.contentsText)
            if let done = store.backupDone {
                VStack(alignment: .leading, spacing: 2) {
                    Text(done.headline).font(.subheadline.weight(.semibold)).foregroundStyle(.tint)
                    Text(done.contentsText).font(.footnote)
                    if !done.sizeText.isEmpty { Text(done.sizeText).font(.footnote) }
                }
            }
            if let work = store.work {
                VStack(alignment: .leading) {
                    ProgressView(work.title, value: work.fraction)
                    Button("取消", role: .cancel) { store.cancelWork() }
                }
            } else {
                Button(section.createLabel, action: onCreate)
                Button(section.restoreLabel, action: onRestore)
            }
        } header: {
            Text("加密备份")
        } footer: {
            Text(section.explanation)
        }
    }
}

/// Choosing the passphrase of a new backup: the core's meter, label and advice follow every
/// keystroke; create is enabled when the core accepts it and both fields match. The sheet
/// opens on a recovery code the core generated (the default); a chosen passphrase is the
/// alternative.
@MainActor
struct PassphraseSheet: View {
    let store: AppStore
    let section: BackupSectionRecord
    let onCreate: (String) -> Void
    @State private var first = ""
    @State private var second = ""
    @State private var hint: PassphraseHintRecord?
    /// The default: a recovery code the core generated (as Signal does for its backups);
    /// `nil` once the user chose their own passphrase.
    @State private var code: RecoveryCodeRecord?
    @State private var ownPassphrase = false
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        NavigationStack {
            if let code, !ownPassphrase {
                recoveryCodeForm(code)
            } else {
                passphraseForm
            }
        }
        .onAppear { if code == nil { code = store.newRecoveryCode() } }
    }

    /// The code in large monospaced digits, the core's instruction, and the two choices.
    private func recoveryCodeForm(_ code: RecoveryCodeRecord) -> some View {
        Form {
            Section {
                Text(code.code)
                    .font(.system(.title2, design: .monospaced).weight(.semibold))
                    .textSelection(.enabled)
                    .accessibilityLabel(code.code)
                Text(code.instruction).font(.footnote)
            } footer: {
                Text(section.explanation)
            }
            Section {
                Button(code.confirmLabel) { onCreate(code.code) }
                Button(code.ownPassphraseLabel) { ownPassphrase = true }
            }
        }
        .navigationTitle(section.createLabel)
        .toolbar {
            ToolbarItem(placement: .cancellationAction) { Button("取消") { dismiss() } }
        }
    }

    private var passphraseForm: some View {
        Form {
            Section {
                SecureField("备份口令", text: $first)
                if let hint {
                    ProgressView(value: Double(hint.meter), total: 3)
                        .tint(hint.accepted ? Color.green : Color.red)
                    Text(hint.label).font(.subheadline.weight(.semibold))
                        .foregroundStyle(hint.accepted ? Color.green : Color.red)
                    if !hint.advice.isEmpty { Text(hint.advice).font(.footnote) }
                }
                SecureField("再输入一次口令", text: $second)
                if !second.isEmpty && first != second {
                    Text("两次输入的口令不一致").font(.footnote).foregroundStyle(.red)
                }
            } footer: {
                Text(section.explanation)
            }
        }
        .navigationTitle(section.createLabel)
        .toolbar {
            ToolbarItem(placement: .cancellationAction) { Button("取消") { dismiss() } }
            ToolbarItem(placement: .confirmationAction) {
                Button(section.createLabel) { onCreate(first) }
                    .disabled(!(hint?.accepted ?? false) || first != second)
            }
        }
        .onAppear { hint = store.passphraseHint(first) }
        .onChange(of: first) { _, value in hint = store.passphraseHint(value) }
    }
}

/// Restoring a picked backup: the passphrase, the core's inspection, then restore; when the
/// core refuses because this phone has cases, its words and an explicit "replace".
@MainActor
struct RestoreSheet: View {
    let store: AppStore
    let section: BackupSectionRecord
    @State private var passphrase = ""

    var body: some View {
        NavigationStack {
            Form {
                if let pick = store.restorePick {
                    Section {
                        Text(pick.name).font(.headline)
                        if let checked = pick.checked {
                            Text(checked.headline).foregroundStyle(.tint)
                            Text(checked.createdText).font(.footnote)
                            Text(checked.contentsText)
                            if !checked.sizeText.isEmpty { Text(checked.sizeText).font(.footnote) }
                        } else {
                            SecureField("备份口令", text: $passphrase)
                        }
                        if let ask = pick.replaceAsk { Text(ask).foregroundStyle(.red) }
                        if let error = store.error { Text(error).font(.footnote).foregroundStyle(.red) }
                    }
                    if let work = store.work {
                        Section {
                            ProgressView(work.title, value: work.fraction)
                            Button("取消", role: .cancel) { store.cancelWork() }
                        }
                    } else {
                        Section {
                            if pick.checked == nil {
                                Button("检查备份") { store.error = nil; store.checkBackup(passphrase: passphrase) }
                                    .disabled(passphrase.isEmpty)
                            } else if pick.replaceAsk != nil {
                                Button("替换本机数据", role: .destructive) { store.restoreBackup(replace: true) }
                            } else {
                                Button(section.restoreLabel) { store.restoreBackup(replace: false) }
                            }
                        }
                    }
                }
            }
            .navigationTitle(section.restoreLabel)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("取消") { store.closeRestore() } }
            }
        }
    }
}

/// The finished backup handed to `fileExporter`, read from its temporary file.
struct BackupFile: FileDocument {
    static var readableContentTypes: [UTType] { [.data] }
    let url: URL

    init(url: URL) { self.url = url }

    init(configuration: ReadConfiguration) throws {
        throw CocoaError(.fileReadUnsupportedScheme)
    }

    func fileWrapper(configuration: WriteConfiguration) throws -> FileWrapper {
        try FileWrapper(url: url)
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
                    VStack(alignment: .leading, spacing: 2) {
                        Text(request.content.title).font(.headline)
                        Text(request.content.body).font(.subheadline)
                        if let date = Self.fireDate(request) {
                            Text(date, format: .dateTime.month().day().hour().minute()).font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                    .accessibilityElement(children: .combine)
                }
            } header: {
                Text("已安排的提醒")
            } footer: {
                // Why reminders may not come as planned, in the core's words.
                if let notice = store.lastSync?.notice {
                    Text(notice)
                } else {
                    Text("随案件变化自动更新。")
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
        SystemTrigger.nextDate(request.trigger)
    }
}

/// Rule updates: each pack's installed version and where it came from, the last check and
/// its result, the notes of the last update, and "检查规则更新". Every word is the core's.
struct RuleUpdatesSection: View {
    let store: AppStore
    let view: RuleUpdatesViewRecord

    var body: some View {
        Section {
            ForEach(view.packs, id: \.scenarioId) { Text($0.text).font(.callout) }
            Text(view.lastCheckText)
                .font(.footnote)
                .foregroundStyle(view.lastCheckOk ? Color.secondary : Color.red)
            if !view.lastUpdateText.isEmpty { Text(view.lastUpdateText).font(.footnote) }
            ForEach(view.lastUpdateNotes, id: \.self) { Text($0).font(.footnote) }
            if let result = store.ruleUpdateResult {
                Text(result.message)
                    .foregroundStyle(result.outcome == "refused" || result.outcome == "failed" ? Color.red : Color.primary)
                ForEach(result.changes, id: \.self) { Text($0).font(.footnote) }
            }
            Button(view.checkLabel) { store.checkRuleUpdates() }
                .disabled(store.checkingRules)
        } header: {
            Text(view.title)
        }
    }
}
