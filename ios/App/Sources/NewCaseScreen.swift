import SwiftUI
import TuiluCore

/// A new case: the scenario picker grouped by platform, then the questionnaire one
/// question at a time (assumptions shown and changeable), a preview of the plan, create.
@MainActor
struct NewCaseScreen: View {
    let store: AppStore

    var body: some View {
        Group {
            if let questionnaire = store.questionnaire {
                QuestionnaireFlow(store: store, questionnaire: questionnaire)
            } else {
                ScenarioPicker(store: store)
            }
        }
        .onAppear { if store.picker == nil { store.openPicker() } }
    }
}

@MainActor
struct ScenarioPicker: View {
    let store: AppStore

    var body: some View {
        List {
            ForEach(store.picker?.groups ?? [], id: \.platform) { group in
                Section(group.label) {
                    ForEach(group.scenarios, id: \.id) { scenario in
                        Button {
                            store.begin(scenario.id)
                        } label: {
                            VStack(alignment: .leading, spacing: 4) {
                                Text(scenario.title).font(.headline)
                                Text(scenario.summary).font(.subheadline).foregroundStyle(.secondary)
                                Text(scenario.lastReviewedText).font(.footnote).foregroundStyle(.secondary)
                            }
                            .accessibilityElement(children: .combine)
                        }
                        .buttonStyle(.plain)
                    }
                }
            }
        }
        .navigationTitle("选择情况")
    }
}

@MainActor
struct QuestionnaireFlow: View {
    let store: AppStore
    let questionnaire: QuestionnaireRecord
    @State private var index = 0
    @State private var previewing = false

    var body: some View {
        VStack(spacing: 0) {
            ProgressView(value: Double(index + 1), total: Double(max(questionnaire.questions.count, 1)))
                .padding(.horizontal)
                .accessibilityLabel(Text("第 \(index + 1) 题，共 \(questionnaire.questions.count) 题"))
            if previewing || questionnaire.questions.isEmpty {
                PreviewPane(questionnaire: questionnaire)
            } else {
                QuestionPane(store: store, question: questionnaire.questions[min(index, questionnaire.questions.count - 1)])
            }
            HStack {
                Button("上一步") {
                    if previewing { previewing = false } else if index > 0 { index -= 1 } else { store.questionnaire = nil }
                }
                Spacer()
                if previewing || questionnaire.questions.isEmpty {
                    Button("创建") { store.create() }
                        .buttonStyle(.borderedProminent)
                        .disabled(!questionnaire.complete)
                } else if index + 1 < questionnaire.questions.count {
                    Button("下一题") {
                        let from = questionnaire.questions[min(index, questionnaire.questions.count - 1)].id
                        Task { if await store.goOn(from: from) { index += 1 } }
                    }
                    .buttonStyle(.borderedProminent)
                } else {
                    Button("预览") { previewing = true }.buttonStyle(.borderedProminent)
                }
            }
            .padding()
        }
        .navigationTitle(questionnaire.title)
        .navigationBarTitleDisplayMode(.inline)
    }
}

/// One question: the text, why it is asked, the assumption the pack makes if left alone,
/// and why the last answer was refused (all in the core's words).
@MainActor
struct QuestionPane: View {
    let store: AppStore
    let question: QuestionViewRecord

    var body: some View {
        Form {
            Section {
                Text(question.text).font(.title3)
                if let help = question.help {
                    Text(help).font(.footnote).foregroundStyle(.secondary)
                }
            } footer: {
                Text(question.kindLabel)
            }
            Section {
                AnswerControl(question: question) { store.answer(question.id, $0) }
            }
            if let answer = question.answerText {
                Section {
                    Text(answer)
                    if let assumed = question.assumedText { Text(assumed).foregroundStyle(Color.orange) }
                }
            }
            if let error = question.error {
                Section { Text(error).foregroundStyle(.red) }
            }
        }
    }
}

/// The control that answers a question, by its kind: the questionnaire's and the
/// checklist's open questions (`CaseScreenRecord.questionCards`). `answer` gets the value
/// as the core reads it.
@MainActor
struct AnswerControl: View {
    let question: QuestionViewRecord
    let answer: (String) -> Void
    @State private var typed = ""
    @State private var date = Date()

    var body: some View {
        Group {
            switch question.kind {
            case .yesNo, .choice:
                ForEach(question.options, id: \.value) { option in
                    Button {
                        answer(option.value)
                    } label: {
                        HStack {
                            Text(option.label)
                            Spacer()
                            if option.selected { Image(systemName: "checkmark") }
                        }
                    }
                    .accessibilityAddTraits(option.selected ? .isSelected : [])
                }
            case .date:
                DatePicker("日期", selection: $date, displayedComponents: .date)
                Button("使用此日期") { answer(QuestionPane.day(date)) }
            case .dateTime:
                DatePicker("时间", selection: $date)
                Button("使用此时间") { answer(QuestionPane.instant(date)) }
            case .money, .integer, .text:
                TextField(question.kindLabel, text: $typed)
                    .keyboardType(question.kind == .text ? .default : .decimalPad)
                    .onSubmit { answer(typed) }
                Button("确定") { answer(typed) }
            }
        }
        .onChange(of: question.id, initial: true) { _, _ in typed = question.answerValue ?? "" }
    }
}

extension QuestionPane {
    /// The chosen calendar day as the core reads it (YYYY-MM-DD).
    static func day(_ date: Date) -> String {
        let c = Calendar.current.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// An instant with its offset (RFC 3339), unambiguous in any zone.
    static func instant(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}

/// What the plan looks like with these answers.
struct PreviewPane: View {
    let questionnaire: QuestionnaireRecord

    var body: some View {
        let preview = questionnaire.preview
        List {
            Section { Text(preview.summary).font(.headline) }
            let assumed = questionnaire.questions.filter(\.assumed)
            if !assumed.isEmpty {
                Section("按默认计算") {
                    ForEach(assumed, id: \.id) { q in
                        VStack(alignment: .leading) {
                            Text(q.text)
                            Text(q.assumedText ?? q.answerText ?? "").font(.footnote).foregroundStyle(.orange)
                        }
                    }
                }
            }
            if !preview.blockers.isEmpty {
                Section("阻碍") { ForEach(preview.blockers, id: \.self) { Text($0).foregroundStyle(.red) } }
            }
            Section("步骤") {
                ForEach(preview.steps, id: \.number) { step in
                    VStack(alignment: .leading) {
                        Text(verbatim: "\(step.number). \(step.title)")
                        if let timing = step.timing { Text(timing).font(.footnote).foregroundStyle(.secondary) }
                    }
                    .foregroundStyle(step.undetermined ? Color.secondary : Color.primary)
                }
            }
            if !preview.amounts.isEmpty {
                Section("金额") { ForEach(preview.amounts, id: \.id) { AmountRow(amount: $0) } }
            }
            if !preview.warnings.isEmpty {
                Section("注意") { ForEach(preview.warnings, id: \.self) { Text($0) } }
            }
        }
    }
}

struct AmountRow: View {
    let amount: AmountViewRecord

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            HStack {
                Text(amount.label)
                Spacer()
                Text(amount.valueText ?? amount.pendingText ?? "").bold()
            }
            Text(amount.explanation).font(.footnote).foregroundStyle(.secondary)
        }
        .accessibilityElement(children: .combine)
    }
}
