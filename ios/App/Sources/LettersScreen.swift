import SwiftUI
import TuiluCore
import UIKit

/// The letters of a case, numbered, each with its step and state, or why it is not
/// available (worded by the core).
@MainActor
struct LettersScreen: View {
    let store: AppStore
    let caseId: String

    var body: some View {
        List {
            if let list = store.letterLists[caseId] {
                if let empty = list.emptyText {
                    Text(empty).foregroundStyle(.secondary)
                }
                ForEach(list.letters, id: \.id) { card in
                    if card.available {
                        NavigationLink(value: Route.letter(caseId: caseId, letterId: card.id)) {
                            LetterCardRow(card: card)
                        }
                    } else {
                        LetterCardRow(card: card)
                    }
                }
            }
        }
        .navigationTitle(store.letterLists[caseId]?.title ?? "")
        .onAppear { store.loadLetters(caseId) }
    }
}

private struct LetterCardRow: View {
    let card: LetterCardRecord

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text("\(card.number). \(card.title)").font(.headline)
            Text(card.detail).font(.footnote)
            Text(card.statusText).font(.subheadline).foregroundStyle(card.available ? Color.accentColor : Color.secondary)
            if let reason = card.reason {
                Text(reason).font(.footnote).foregroundStyle(.secondary)
            }
        }
    }
}

/// One letter: its questions first (answered in place), then the letter as it will be
/// printed, with copy, share (`ShareLink`), print (`UIPrintInteractionController`) and
/// "mark as sent".
@MainActor
struct LetterScreen: View {
    let store: AppStore
    let caseId: String
    let letterId: String
    @State private var answers: [String: String] = [:]

    private var route: Route { .letter(caseId: caseId, letterId: letterId) }

    var body: some View {
        List {
            if let notice = store.notice {
                Text(notice).font(.footnote).foregroundStyle(.secondary)
            }
            if let letter = store.letters[route] {
                if let note = letter.translationNote {
                    Text(note).font(.footnote)
                }
                if let reason = letter.reason {
                    Text(reason).foregroundStyle(.secondary)
                }
                if !letter.complete && letter.reason == nil {
                    Section(letter.missingText ?? "") {
                        ForEach(letter.missing, id: \.id) { question in
                            VStack(alignment: .leading) {
                                Text(question.text)
                                if question.options.isEmpty {
                                    TextField(question.kindLabel, text: Binding(
                                        get: { answers[question.id] ?? "" },
                                        set: { answers[question.id] = $0 }))
                                } else {
                                    Picker(question.kindLabel, selection: Binding(
                                        get: { answers[question.id] ?? "" },
                                        set: { answers[question.id] = $0 })) {
                                        ForEach(question.options, id: \.value) { option in
                                            Text(option.label).tag(option.value)
                                        }
                                    }
                                }
                            }
                        }
                        Button("保存回答") { store.answerForLetter(caseId, letterId, answers) }
                    }
                }
                if letter.complete {
                    Section {
                        LetterPage(letter: letter)
                    }
                    if let guidance = letter.guidance {
                        Section("写法提示") { Text(guidance).font(.footnote) }
                    }
                    Section {
                        ForEach(letter.sent, id: \.evidenceId) { copy in
                            Label(copy.text, systemImage: "envelope")
                        }
                        Text(letter.sourceText)
                            .font(.caption).foregroundStyle(.secondary)
                    }
                    Section {
                        Button { UIPasteboard.general.string = letter.plainText } label: { Label("复制", systemImage: "doc.on.doc") }
                        ShareLink(item: letter.plainText) { Label("分享", systemImage: "square.and.arrow.up") }
                        Button { print(letter) } label: { Label("打印", systemImage: "printer") }
                        Button { store.markLetterSent(caseId, letterId) } label: { Label("标记为已发送", systemImage: "paperplane") }
                    }
                }
            }
        }
        .navigationTitle(store.letters[route]?.title ?? "")
        .onAppear { store.loadLetter(caseId, letterId) }
    }

    /// The system print sheet with the core's A4 page.
    private func print(_ letter: LetterViewRecord) {
        guard let html = store.letterHtml(caseId, letterId) else { return }
        let info = UIPrintInfo(dictionary: nil)
        info.outputType = .general
        info.jobName = letter.title
        let controller = UIPrintInteractionController.shared
        controller.printInfo = info
        controller.printFormatter = UIMarkupTextPrintFormatter(markupText: html)
        controller.present(animated: true)
    }
}

/// The letter as the core lays it out: each line printed as given, styled by its role.
private struct LetterPage: View {
    let letter: LetterViewRecord

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(letter.title).font(.headline).frame(maxWidth: .infinity, alignment: .center)
            ForEach(Array(letter.page.enumerated()), id: \.offset) { item in
                line(item.element)
            }
        }
        .textSelection(.enabled)
    }

    @ViewBuilder
    private func line(_ line: LetterPageLineRecord) -> some View {
        switch line.role {
        case .recipient, .body, .item:
            Text(line.text)
        case .heading:
            Text(line.text).font(.subheadline.bold())
        case .signature:
            Text(line.text).frame(maxWidth: .infinity, alignment: .trailing)
        }
    }
}
