import SwiftUI
import TuiluCore

// The case's menu (history, update to new rules, archive, delete) and the evidence row's
// move and delete: each is an event of the core (`TuiluScreens.handle`), which answers with
// the screen, the words and, before a delete, the question to ask. The SwiftUI code draws
// what comes back and decides nothing.

extension AppStore {
    /// The history screen's view, from the core.
    func history(_ caseId: String) async -> HistoryViewRecord? {
        if case let .history(view)? = await event(.open(route: .history(caseId: caseId)))?.screen { return view }
        return nil
    }

    /// What updating to the newest rules would change, from the core (nothing written).
    func upgradePreview(_ caseId: String) async -> UpgradeViewRecord? {
        if case let .upgrade(view)? = await event(.open(route: .upgrade(caseId: caseId)))?.screen { return view }
        return nil
    }
}

/// The checklist's "…" menu, as the core lists it.
struct CaseMenuButton: View {
    let store: AppStore
    let caseId: String
    let items: [CaseMenuItemRecord]
    @State private var asking: UpdateRecord?

    var body: some View {
        Menu {
            ForEach(items, id: \.label) { item in
                Button(item.label, role: item.destructive ? .destructive : nil) { pick(item.action) }
            }
        } label: {
            Image(systemName: "ellipsis.circle").accessibilityLabel(Text("更多操作"))
        }
        .confirmDialog(asking, store: store) { asking = nil }
    }

    private func pick(_ action: CaseMenuAction) {
        switch action {
        case .history: store.path.append(.history(caseId: caseId))
        case .upgrade: store.path.append(.upgrade(caseId: caseId))
        case .archive: Task { await store.event(.setArchived(caseId: caseId, archived: true)) }
        case .unarchive: Task { await store.event(.setArchived(caseId: caseId, archived: false)) }
        case .delete: Task { asking = await store.event(.deleteCase(caseId: caseId, confirmed: false)) }
        }
    }
}

extension View {
    /// The core's question before a destructive event; yes sends the event it names.
    func confirmDialog(_ update: UpdateRecord?, store: AppStore, done: @escaping () -> Void) -> some View {
        alert(
            update?.confirm?.title ?? "",
            isPresented: Binding(get: { update?.confirm != nil }, set: { if !$0 { done() } })
        ) {
            if let confirm = update?.confirm, let event = update?.confirmEvent {
                Button(confirm.confirmLabel, role: .destructive) {
                    Task { await store.event(event) }
                    done()
                }
                Button(confirm.cancelLabel, role: .cancel) { done() }
            }
        } message: {
            Text(update?.confirm?.text ?? "")
        }
    }
}

/// An evidence row's move and delete, with the core's labels and question.
struct EvidenceRowActions: View {
    let store: AppStore
    let list: EvidenceListRecord
    let item: EvidenceRowRecord
    @State private var asking: UpdateRecord?
    @State private var moving = false

    var body: some View {
        HStack {
            if !list.moveTargets.isEmpty {
                Button(list.moveLabel) { moving = true }
            }
            Button(list.deleteLabel, role: .destructive) {
                Task { asking = await store.event(.deleteEvidence(itemId: item.id, confirmed: false)) }
            }
        }
        .buttonStyle(.borderless)
        .confirmationDialog(list.moveLabel, isPresented: $moving) {
            ForEach(list.moveTargets, id: \.stepId) { target in
                Button(target.label) { Task { await store.event(.moveEvidence(itemId: item.id, toStep: target.stepId)) } }
            }
        }
        .confirmDialog(asking, store: store) { asking = nil }
    }
}

/// The case's journal in words, newest first, with undo where the core offers it.
struct HistoryScreen: View {
    let store: AppStore
    let caseId: String
    @State private var view: HistoryViewRecord?

    var body: some View {
        List(view?.entries ?? [], id: \.seq) { entry in
            VStack(alignment: .leading, spacing: 4) {
                Text(entry.whenText).font(.caption).foregroundStyle(.secondary)
                Text(entry.text).strikethrough(entry.undone)
                if let note = entry.note { Text(note).font(.footnote) }
                if let label = entry.undoLabel, let step = entry.undoStep {
                    Button(label) {
                        Task {
                            await store.event(.undo(caseId: caseId, stepId: step))
                            view = await store.history(caseId)
                        }
                    }
                }
            }
        }
        .navigationTitle(view?.title ?? "")
        .task { view = await store.history(caseId) }
    }
}

/// What updating to the newest rules changes, before it applies.
struct UpgradeScreen: View {
    let store: AppStore
    let caseId: String
    @State private var view: UpgradeViewRecord?

    var body: some View {
        List {
            if let view {
                Section(view.versionsText) {
                    Text(view.summary)
                    ForEach(view.changes, id: \.self) { Text($0) }
                }
                if view.available {
                    Button(view.applyLabel) {
                        Task {
                            // The core leads back to the case, re-planned.
                            await store.event(.upgradeCase(caseId: caseId))
                        }
                    }
                }
            }
        }
        .navigationTitle(view?.title ?? "")
        .task { view = await store.upgradePreview(caseId) }
    }
}
