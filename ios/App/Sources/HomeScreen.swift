import SwiftUI
import TuiluCore

/// Open cases, most urgent first (the core's order), with the next action and deadline.
@MainActor
struct HomeScreen: View {
    let store: AppStore

    var body: some View {
        List {
            if let home = store.home {
                ForEach(home.calendarWarnings, id: \.self) { warning in
                    Label(warning, systemImage: "calendar.badge.exclamationmark")
                        .font(.footnote)
                }
                if let empty = home.emptyText {
                    Text(empty).foregroundStyle(.secondary)
                }
                Section {
                    ForEach(home.cases, id: \.id) { card in
                        NavigationLink(value: Route.checklist(caseId: card.id)) {
                            CaseCardRow(card: card)
                        }
                    }
                    // The core words a page of cards at a time: the next page when this
                    // row appears (the user scrolled to the end) or is tapped.
                    if let more = home.moreCases {
                        Button {
                            store.showMoreCases(more)
                        } label: {
                            VStack(alignment: .leading, spacing: 2) {
                                Text(more.label)
                                Text(more.text).font(.footnote).foregroundStyle(.secondary)
                            }
                        }
                        .onAppear { store.showMoreCases(more) }
                    }
                }
                Section {
                    NavigationLink(value: Route.newCase) {
                        Label(home.startLabel, systemImage: "plus.circle")
                    }
                }
            }
        }
        .navigationTitle("退路")
        .toolbar {
            ToolbarItem(placement: .topBarTrailing) {
                Menu {
                    Button { store.showingReminders = true } label: { Label("提醒", systemImage: "bell") }
                    NavigationLink(value: Route.settings) { Label("设置", systemImage: "gearshape") }
                } label: {
                    Image(systemName: "ellipsis.circle").accessibilityLabel(Text("更多"))
                }
            }
        }
        .refreshable { await store.refreshAll() }
    }
}

struct CaseCardRow: View {
    let card: CaseCardRecord

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(card.title).font(.headline)
                Spacer()
                Text(card.progressText).font(.subheadline).foregroundStyle(.secondary)
            }
            if let next = card.nextAction {
                Text(next).font(.subheadline)
            }
            if let deadline = card.nextDeadline {
                DeadlineLabel(deadline: deadline, step: card.nextDeadlineStep)
            }
        }
        .accessibilityElement(children: .combine)
    }
}

/// A running timed rule in its sense: the core's label ("对方答复期限", "冷静期结束"...) and
/// wording; overdue in red.
struct DeadlineLabel: View {
    let deadline: DeadlineViewRecord
    var step: String? = nil

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Label {
                Text(deadline.headline)
            } icon: {
                Image(systemName: deadline.overdue ? "exclamationmark.triangle.fill" : "clock")
            }
            .font(.subheadline.weight(.semibold))
            .foregroundStyle(deadline.overdue ? Color.red : Color.primary)
            if let step { Text(step).font(.footnote).foregroundStyle(.secondary) }
            Text(deadline.text).font(.footnote).foregroundStyle(.secondary)
            if let reason = deadline.estimateReason {
                Text(reason).font(.footnote).foregroundStyle(.orange)
            }
        }
    }
}
