import SwiftUI
import TuiluCore

/// The checklist of a case: the core's step rows with the actions allowed now (swipe, or
/// tap for the full list), why a step is locked, each running clock in its sense, undo.
@MainActor
struct ChecklistScreen: View {
    let store: AppStore
    let caseId: String
    @State private var menuFor: StepRowRecord?
    @State private var timeFor: PendingAction?
    @State private var detailFor: StepRowRecord?
    /// Settled steps the user unfolded (view-local: the core folds them).
    @State private var unfolded: Set<String> = []

    var body: some View {
        ScrollViewReader { proxy in
            List {
                if let screen = store.cases[caseId] {
                    CaseHeader(screen: screen)
                    Section("步骤") {
                        ForEach(Array(screen.steps.enumerated()), id: \.element.id) { n, row in
                            if row.collapsed, !unfolded.contains(row.id) {
                                FoldedStepRow(row: row)
                                    .id(row.id)
                                    .contentShape(Rectangle())
                                    .onTapGesture { unfolded.insert(row.id) }
                                    .accessibilityAddTraits(.isButton)
                                    .accessibilityHint(Text("展开"))
                            } else {
                                stepRow(row, focused: store.focusedStep == row.id || n == Int(screen.focusStep ?? -1))
                            }
                            // The questions that gate later steps, just below the step in play.
                            if n == Int(screen.focusStep ?? -1), !screen.questionCards.isEmpty {
                                OpenQuestionsSection(store: store, caseId: caseId, cards: screen.questionCards)
                                    .id("questions")
                            }
                        }
                        if screen.focusStep == nil, !screen.questionCards.isEmpty {
                            OpenQuestionsSection(store: store, caseId: caseId, cards: screen.questionCards)
                        }
                    }
                    if !screen.droppedSteps.isEmpty {
                        Section("不再需要的步骤") {
                            ForEach(screen.droppedSteps, id: \.id) { StepRowView(row: $0, focused: false) }
                        }
                    }
                }
            }
            .onChange(of: store.focusedStep, initial: true) { _, step in
                if let step { withAnimation { proxy.scrollTo(step, anchor: .center) } }
            }
            // Opens at the step in play (the core's focus); the questions follow it.
            .onChange(of: store.cases[caseId]?.id, initial: true) { _, _ in
                guard store.focusedStep == nil, let screen = store.cases[caseId],
                      let focus = screen.focusStep, Int(focus) < screen.steps.count else { return }
                proxy.scrollTo(screen.steps[Int(focus)].id, anchor: .top)
            }
        }
        .navigationTitle(store.cases[caseId]?.title ?? "")
        .toolbar {
            ToolbarItem(placement: .topBarTrailing) {
                NavigationLink(value: Route.evidence(caseId: caseId, stepId: nil)) {
                    Image(systemName: "paperclip").accessibilityLabel(Text("本案证据"))
                }
            }
            ToolbarItem(placement: .topBarTrailing) {
                NavigationLink(value: Route.letters(caseId: caseId)) {
                    Image(systemName: "doc.text").accessibilityLabel(Text("文书草稿"))
                }
            }
            ToolbarItem(placement: .topBarTrailing) {
                CaseMenuButton(store: store, caseId: caseId, items: store.cases[caseId]?.menu ?? [])
            }
            ToolbarItem(placement: .bottomBar) {
                if let undo = store.cases[caseId]?.undo {
                    Button(undo.label) { store.undo(caseId) }
                }
            }
        }
        .onAppear { store.refreshCase(caseId) }
        .confirmationDialog(menuFor?.title ?? "", isPresented: Binding(get: { menuFor != nil }, set: { if !$0 { menuFor = nil } }), titleVisibility: .visible, presenting: menuFor) { row in
            ForEach(row.actions, id: \.label) { action in
                Button(action.label) { perform(action, on: row) }
            }
            Button("说明与出处") { detailFor = row }
            Button("取消", role: .cancel) {}
        } message: { row in
            if let reason = row.lockedReason { Text(reason) }
        }
        .sheet(item: $timeFor) { pending in
            StepActionSheet(pending: pending) { at, route in
                store.act(caseId, step: pending.row.id, action: pending.action.action, at: at, route: route)
            }
        }
        .sheet(item: Binding(get: { detailFor.map { StepRef(row: $0) } }, set: { detailFor = $0?.row })) { ref in
            StepDetailSheet(store: store, caseId: caseId, row: store.cases[caseId]?.steps.first { $0.id == ref.row.id } ?? ref.row)
        }
    }

    /// A step unfolded: its actions by swipe or tap, its evidence where the core shows it.
    @ViewBuilder
    private func stepRow(_ row: StepRowRecord, focused: Bool) -> some View {
        StepRowView(row: row, focused: focused, onFold: row.collapsed ? { unfolded.remove(row.id) } : nil)
            .id(row.id)
            .contentShape(Rectangle())
            .onTapGesture { menuFor = row }
            .swipeActions(edge: .trailing) {
                ForEach(row.actions.prefix(3), id: \.label) { action in
                    Button(action.label) { perform(action, on: row) }
                }
            }
            .swipeActions(edge: .leading) {
                if row.showsEvidence {
                    Button {
                        store.path.append(.evidence(caseId: caseId, stepId: row.id))
                    } label: {
                        Label("证据", systemImage: "paperclip")
                    }
                    .tint(.indigo)
                }
            }
            .accessibilityAction(named: Text("操作")) { menuFor = row }
    }

    /// Actions that ask for a time (a submission starts a clock) or for a route first (the
    /// core says so per action: `chooseRoute`) open a sheet; the rest apply at once.
    private func perform(_ action: ActionViewRecord, on row: StepRowRecord) {
        if action.asksTime || action.chooseRoute {
            timeFor = PendingAction(row: row, action: action)
        } else {
            store.act(caseId, step: row.id, action: action.action)
        }
    }
}

struct PendingAction: Identifiable {
    let row: StepRowRecord
    let action: ActionViewRecord
    var id: String { row.id + "/" + action.label }
}

struct StepRef: Identifiable {
    let row: StepRowRecord
    var id: String { row.id }
}

/// A settled step on one line: number, title and the core's "✓ 已完成 · 10月9日 14:00".
struct FoldedStepRow: View {
    let row: StepRowRecord

    var body: some View {
        HStack(alignment: .firstTextBaseline) {
            Text(verbatim: "\(row.number). \(row.title)").font(.body)
            Spacer()
            if let line = row.collapsedText { Text(line).font(.caption).foregroundStyle(.secondary) }
        }
        .accessibilityElement(children: .combine)
    }
}

/// The questions the plan waits on, answered in place with the questionnaire's controls,
/// each with the core's words on what the answer decides.
@MainActor
struct OpenQuestionsSection: View {
    let store: AppStore
    let caseId: String
    let cards: [OpenQuestionCardRecord]

    var body: some View {
        ForEach(cards, id: \.question.id) { card in
            VStack(alignment: .leading, spacing: 6) {
                Text(card.question.text).font(.headline)
                Text(card.reason).font(.footnote).foregroundStyle(.orange)
                if let help = card.question.help { Text(help).font(.footnote).foregroundStyle(.secondary) }
                AnswerControl(question: card.question) { store.answerOnCase(caseId, card.question.id, $0) }
                    .buttonStyle(.bordered)
            }
        }
    }
}

struct CaseHeader: View {
    let screen: CaseScreenRecord

    var body: some View {
        Section {
            Text(screen.nextText).font(.headline)
            Text(screen.progressText).font(.subheadline).foregroundStyle(.secondary)
            if let newer = screen.newerPack { Label(newer, systemImage: "arrow.triangle.2.circlepath") }
            ForEach(screen.blockers, id: \.id) { blocker in
                VStack(alignment: .leading) {
                    Text(blocker.title).foregroundStyle(.red)
                    Text(blocker.remedy).font(.footnote)
                }
            }
            ForEach(screen.warnings, id: \.self) { Label($0, systemImage: "exclamationmark.triangle") }
            ForEach(screen.amounts, id: \.id) { AmountRow(amount: $0) }
        }
    }
}

/// One step as the core words it.
struct StepRowView: View {
    let row: StepRowRecord
    let focused: Bool
    /// A settled step the user unfolded folds back.
    var onFold: (() -> Void)?

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack(alignment: .firstTextBaseline) {
                Text(verbatim: "\(row.number). \(row.title)").font(.headline)
                Spacer()
                Text(row.statusLabel).font(.caption).padding(4)
                    .background(.quaternary, in: RoundedRectangle(cornerRadius: 4))
                if let onFold { Button("收起", action: onFold).buttonStyle(.borderless).font(.caption) }
            }
            Text(row.channelLabel).font(.caption).foregroundStyle(.secondary)
            if let at = row.statusAt { Text(at).font(.caption).foregroundStyle(.secondary) }
            if let deadline = row.deadline {
                DeadlineLabel(deadline: deadline)
            } else if let timing = row.timing {
                Text(timing).font(.footnote).foregroundStyle(.secondary)
            }
            if let locked = row.lockedReason {
                Label(locked, systemImage: "lock").font(.footnote).foregroundStyle(.secondary)
            }
            if let pending = row.pending { Text(pending).font(.footnote).foregroundStyle(.orange) }
            if let flag = row.flag { Text(flag.text).font(.footnote).foregroundStyle(.orange) }
            if row.evidenceCount > 0 {
                Label {
                    Text("\(row.evidenceCount) 件证据")
                } icon: {
                    Image(systemName: "paperclip")
                }
                .font(.footnote)
            }
        }
        .padding(.vertical, 2)
        .listRowBackground(focused ? Color.accentColor.opacity(0.12) : nil)
        .accessibilityElement(children: .combine)
    }
}

/// When a submission or completion happened, and the route taken when the step has several.
/// The day chips and their bounds are the core's (`ActionViewRecord.when`: now, earlier
/// today, yesterday, the day before, each cut to when the steps before were settled); under a
/// chip other than "now" the time of day is picked with `DatePicker(.hourAndMinute)` bounded
/// by the chip's earliest and latest instants, starting where the core says.
@MainActor
struct StepActionSheet: View {
    let pending: PendingAction
    let apply: (Date?, String?) -> Void
    @State private var chosen = 0
    @State private var at = Date()
    @State private var route: String?
    @Environment(\.dismiss) private var dismiss

    private var choices: [TimeChoiceRecord] { pending.action.when?.choices ?? [] }
    private var choice: TimeChoiceRecord? { choices.indices.contains(chosen) ? choices[chosen] : nil }

    var body: some View {
        NavigationStack {
            Form {
                if let question = pending.action.timeQuestion, !choices.isEmpty {
                    Section(question) {
                        // A list rather than a segmented control: "今天早些时候" at a large
                        // text size does not fit a segment.
                        Picker(question, selection: $chosen) {
                            ForEach(choices.indices, id: \.self) { i in Text(choices[i].label).tag(i) }
                        }
                        .pickerStyle(.inline)
                        .labelsHidden()
                        if let choice, !choice.isNow {
                            DatePicker(question, selection: $at, in: choice.earliest...choice.latest,
                                       displayedComponents: .hourAndMinute)
                                .datePickerStyle(.wheel)
                                .labelsHidden()
                        }
                        if let bound = pending.action.when?.boundText {
                            Text(bound).font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                }
                if pending.action.chooseRoute {
                    Picker("途径", selection: $route) {
                        ForEach(pending.row.routes, id: \.id) { r in
                            VStack(alignment: .leading) {
                                Text(r.title)
                                Text(r.instructions).font(.footnote).foregroundStyle(.secondary)
                            }
                            .tag(Optional(r.id))
                        }
                    }
                    .pickerStyle(.inline)
                }
            }
            .navigationTitle(pending.action.label)
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("取消") { dismiss() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("确定") {
                        // "Now" sends no time: the core takes it when it acts.
                        let when: Date? = (pending.action.asksTime && choice?.isNow == false) ? at : nil
                        apply(when, route)
                        dismiss()
                    }
                    .disabled(!allowed)
                }
            }
            .onChange(of: chosen, initial: true) { _, _ in at = choice?.defaultAt ?? Date() }
            .onAppear { route = pending.row.routes.first(where: \.selected)?.id }
        }
        .presentationDetents([.medium, .large])
    }

    /// A time outside the chosen chip's bounds cannot be confirmed.
    private var allowed: Bool {
        guard pending.action.asksTime, let choice else { return true }
        return choice.isNow || (choice.earliest...choice.latest).contains(at)
    }
}

/// What to do and why: instructions, tips, warnings, evidence to keep, the rule's source,
/// and the user's flag when they think it is outdated.
@MainActor
struct StepDetailSheet: View {
    let store: AppStore
    let caseId: String
    let row: StepRowRecord
    @State private var note = ""
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        NavigationStack {
            List {
                Section { Text(row.instructions) }
                if let escalation = row.escalation { Section("逾期怎么办") { Text(escalation) } }
                if !row.tips.isEmpty { Section("提示") { ForEach(row.tips, id: \.self) { Text($0) } } }
                if !row.warnings.isEmpty { Section("注意") { ForEach(row.warnings, id: \.self) { Text($0) } } }
                if !row.evidenceHints.isEmpty {
                    Section("建议保留的证据") { ForEach(row.evidenceHints, id: \.self) { Text($0) } }
                }
                if let source = row.source {
                    Section("出处") {
                        Text(source.quote).italic()
                        Text(source.summary).font(.footnote).foregroundStyle(.secondary)
                        if let note = source.note { Text(note).font(.footnote) }
                    }
                }
                Section("规则可能过时？") {
                    if let flag = row.flag {
                        Text(flag.text)
                        Button("取消标记", role: .destructive) { store.flag(caseId, step: row.id, note: nil) }
                    } else {
                        TextField("哪里不对（可选）", text: $note, axis: .vertical)
                        Button("标记为可能过时") { store.flag(caseId, step: row.id, note: note) }
                    }
                }
            }
            .navigationTitle(row.title)
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .confirmationAction) { Button("完成") { dismiss() } }
            }
        }
    }
}
