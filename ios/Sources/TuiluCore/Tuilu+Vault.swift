// The vault-backed part of the Swift facade: cases and steps, evidence (long operations with
// progress and task cancellation wired to the core's CancelToken), reminders and iCalendar
// export. Every call takes `now`; nil reads `Tuilu.clock`.
import Foundation

/// Events of a long operation's stream (`addEvidenceEvents`, `exportEvidenceEvents`...).
public enum OperationEvent<Result: Sendable>: Sendable {
    case running(TuiluProgress)
    case finished(Result)
}

extension NewEvidenceRecord {
    /// A new evidence item for `caseId`; the rest is optional.
    public static func item(
        caseId: String,
        stepId: String? = nil,
        note: String = "",
        tags: [String] = [],
        capturedAt: Date? = nil,
        source: EvidenceSource = .import
    ) -> NewEvidenceRecord {
        NewEvidenceRecord(caseId: caseId, source: source, stepId: stepId, note: note, tags: tags, capturedAt: capturedAt)
    }
}

extension CaseRecord {
    /// A step of the case, in the plan or dropped.
    public func step(_ id: String) -> StepRecord? {
        steps.first { $0.id == id } ?? droppedSteps.first { $0.id == id }
    }
}

extension Tuilu {
    /// The core's reminder settings in `zone`: quiet hours 22:00–08:00, reminders at 09:30,
    /// at most 60 (iOS keeps 64 pending notifications). Offsets and daylight saving come
    /// from Foundation's rules for `zone` (`FoundationTimeZoneRules`), not the native library.
    public static func reminderSettings(zone: TimeZone = .current) -> ReminderSettingsRecord {
        defaultReminderSettings(zone: FoundationTimeZoneRules(zone))
    }

    // MARK: vault

    /// Opens the vault database now and returns its schema version. A vault written by a
    /// newer app throws `ApiError.Conflict` with `isVaultTooNew` set; nothing is changed.
    public func openVault(now: Date? = nil) async throws -> Int32 {
        let now = now ?? clock()
        return try await run { try $0.openVault(now: now) }
    }

    // MARK: cases

    /// Plans a scenario with `facts` and stores it as a new case.
    public func createCase(scenarioId: String, facts: [Fact] = [], now: Date? = nil) async throws -> CaseRecord {
        let now = now ?? clock()
        return try await run { try $0.createCase(scenarioId: scenarioId, facts: facts, now: now) }
    }

    /// A case (its id or an unambiguous prefix) with steps, deadlines and overdue flags.
    public func caseRecord(id: String, now: Date? = nil) async throws -> CaseRecord {
        let now = now ?? clock()
        return try await run { try $0.getCase(caseId: id, now: now) }
    }

    /// Every case, most recently updated first.
    public func cases(includeArchived: Bool = false, now: Date? = nil) async throws -> [CaseSummaryRecord] {
        let now = now ?? clock()
        return try await run { try $0.listCases(includeArchived: includeArchived, now: now) }
    }

    /// Flags a rule (step, precondition, notice or formula id) as possibly outdated or wrong.
    public func flagRule(scenarioId: String, ruleId: String, note: String, now: Date? = nil) async throws -> RuleFlagRecord {
        let now = now ?? clock()
        return try await run { try $0.flagRule(scenarioId: scenarioId, ruleId: ruleId, note: note, now: now) }
    }

    /// Removes the user's flag; false when there was none.
    public func unflagRule(scenarioId: String, ruleId: String, now: Date? = nil) async throws -> Bool {
        let now = now ?? clock()
        return try await run { try $0.unflagRule(scenarioId: scenarioId, ruleId: ruleId, now: now) }
    }

    /// The user's flags, newest first.
    public func ruleFlags(scenarioId: String? = nil, now: Date? = nil) async throws -> [RuleFlagRecord] {
        let now = now ?? clock()
        return try await run { try $0.ruleFlags(scenarioId: scenarioId, now: now) }
    }

    /// The case's journal, oldest first.
    public func journal(caseId: String, now: Date? = nil) async throws -> [CaseEventRecord] {
        let now = now ?? clock()
        return try await run { try $0.caseJournal(caseId: caseId, now: now) }
    }

    /// Applies `action` to a step. Throws `ApiError.Conflict` when the state machine, a
    /// dependency or a blocker refuses it (the detail names the steps and statuses).
    public func transition(
        caseId: String,
        stepId: String,
        _ action: StepAction,
        at: Date? = nil,
        note: String? = nil,
        route: String? = nil,
        now: Date? = nil
    ) async throws -> TransitionRecord {
        let now = now ?? clock()
        let options = TransitionOptionsRecord(at: at, note: note, route: route)
        return try await run {
            try $0.transitionStep(caseId: caseId, stepId: stepId, action: action, options: options, now: now)
        }
    }

    /// Changes facts and re-plans, keeping progress; dropped steps are reported.
    public func setFacts(caseId: String, set: [Fact] = [], unset: [String] = [], now: Date? = nil) async throws -> ReplanReportRecord {
        let now = now ?? clock()
        return try await run { try $0.setCaseFacts(caseId: caseId, set: set, unset: unset, now: now) }
    }

    /// Re-plans the case with the current rule pack.
    public func upgradeCase(caseId: String, now: Date? = nil) async throws -> ReplanReportRecord {
        let now = now ?? clock()
        return try await run { try $0.upgradeCase(caseId: caseId, now: now) }
    }

    /// Archives (or restores) a case; false when it already was in that state.
    public func archiveCase(caseId: String, archived: Bool = true, now: Date? = nil) async throws -> Bool {
        let now = now ?? clock()
        return try await run { try $0.setCaseArchived(caseId: caseId, archived: archived, now: now) }
    }

    /// Deletes a case and its journal for good.
    public func deleteCase(caseId: String, now: Date? = nil) async throws -> String {
        let now = now ?? clock()
        return try await run { try $0.deleteCase(caseId: caseId, now: now) }
    }

    // MARK: evidence

    /// Runs a long operation with a fresh token that task cancellation cancels. A failed or
    /// cancelled call returns only once the core's work has ended and cleaned up
    /// (`CancelToken.join()`): a cancelled add leaves no temporary file behind.
    private func cancellable<T>(
        _ onProgress: (@Sendable (TuiluProgress) -> Void)?,
        _ body: (TuiluCore, ProgressListener?, CancelToken) async throws -> T
    ) async throws -> T {
        let token = CancelToken()
        let listener = onProgress.map(ProgressRelay.init)
        do {
            return try await withTaskCancellationHandler {
                try await body(core, listener, token)
            } onCancel: {
                token.cancel()
            }
        } catch {
            token.cancel()
            await token.join()
            throw error
        }
    }

    /// A stream of progress events, then the result. Ending the iteration cancels the work.
    private func events<T: Sendable>(
        _ body: @escaping @Sendable (TuiluCore, ProgressListener, CancelToken) async throws -> T
    ) -> AsyncThrowingStream<OperationEvent<T>, Error> {
        AsyncThrowingStream { continuation in
            let token = CancelToken()
            let relay = ProgressRelay { continuation.yield(.running($0)) }
            let core = self.core
            let task = Task {
                do {
                    let result = try await body(core, relay, token)
                    continuation.yield(.finished(result))
                    continuation.finish()
                } catch {
                    token.cancel()
                    await token.join()
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in
                token.cancel()
                task.cancel()
            }
        }
    }

    /// Adds the file at `path` to a case. Cancelling the task stops it and leaves no file
    /// and no row.
    public func addEvidence(
        _ item: NewEvidenceRecord,
        atPath path: String,
        now: Date? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> AddedEvidenceRecord {
        let now = now ?? clock()
        return try await cancellable(onProgress) { core, listener, token in
            try await core.addEvidenceFile(item: item, path: path, now: now, listener: listener, cancel: token)
        }
    }

    /// `addEvidence(_:atPath:)` as a stream.
    public func addEvidenceEvents(_ item: NewEvidenceRecord, atPath path: String, now: Date? = nil)
        -> AsyncThrowingStream<OperationEvent<AddedEvidenceRecord>, Error>
    {
        let now = now ?? clock()
        return events { core, listener, token in
            try await core.addEvidenceFile(item: item, path: path, now: now, listener: listener, cancel: token)
        }
    }

    /// Adds bytes (share sheet, camera) under the file name `name`.
    public func addEvidence(
        _ item: NewEvidenceRecord,
        name: String,
        data: Data,
        now: Date? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> AddedEvidenceRecord {
        let now = now ?? clock()
        return try await cancellable(onProgress) { core, listener, token in
            try await core.addEvidenceBytes(item: item, name: name, bytes: data, now: now, listener: listener, cancel: token)
        }
    }

    /// The case's live evidence, oldest first.
    public func evidence(caseId: String, now: Date? = nil) async throws -> [EvidenceItemRecord] {
        let now = now ?? clock()
        return try await run { try $0.listEvidence(caseId: caseId, now: now) }
    }

    /// One item, live or deleted.
    public func evidenceItem(id: String, now: Date? = nil) async throws -> EvidenceItemRecord {
        let now = now ?? clock()
        return try await run { try $0.evidenceItem(itemId: id, now: now) }
    }

    /// Ties an item to the step it proves, or unties it (`stepId` nil).
    public func linkEvidence(id: String, stepId: String?, now: Date? = nil) async throws -> EvidenceItemRecord {
        let now = now ?? clock()
        return try await run { try $0.linkEvidence(itemId: id, stepId: stepId, now: now) }
    }

    /// Changes the note and/or replaces the tags (nil leaves them).
    public func annotateEvidence(id: String, note: String? = nil, tags: [String]? = nil, now: Date? = nil) async throws -> EvidenceItemRecord {
        let now = now ?? clock()
        return try await run { try $0.annotateEvidence(itemId: id, note: note, tags: tags, now: now) }
    }

    /// Deletes an item (a tombstone stays in the custody log).
    public func deleteEvidence(id: String, now: Date? = nil) async throws -> DeletedEvidenceRecord {
        let now = now ?? clock()
        return try await run { try $0.deleteEvidence(itemId: id, now: now) }
    }

    /// Re-hashes the live files of a case (or of the vault) and checks the custody log.
    /// Problems are issues of the report, naming item and step.
    public func verifyEvidence(
        caseId: String? = nil,
        now: Date? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> VerifyReportRecord {
        let now = now ?? clock()
        return try await cancellable(onProgress) { core, listener, token in
            try await core.verifyEvidence(caseId: caseId, now: now, listener: listener, cancel: token)
        }
    }

    /// Writes the case's evidence bundle (zip) to `path`, which must not exist.
    public func exportEvidence(
        caseId: String,
        toPath path: String,
        now: Date? = nil,
        onProgress: (@Sendable (TuiluProgress) -> Void)? = nil
    ) async throws -> ExportReportRecord {
        let now = now ?? clock()
        return try await cancellable(onProgress) { core, listener, token in
            try await core.exportEvidence(caseId: caseId, outPath: path, now: now, listener: listener, cancel: token)
        }
    }

    /// `exportEvidence(caseId:toPath:)` as a stream.
    public func exportEvidenceEvents(caseId: String, toPath path: String, now: Date? = nil)
        -> AsyncThrowingStream<OperationEvent<ExportReportRecord>, Error>
    {
        let now = now ?? clock()
        return events { core, listener, token in
            try await core.exportEvidence(caseId: caseId, outPath: path, now: now, listener: listener, cancel: token)
        }
    }

    /// Checks a bundle (no vault needed). Problems are issues of the report.
    public func verifyBundle(atPath path: String, onProgress: (@Sendable (TuiluProgress) -> Void)? = nil) async throws -> BundleReportRecord {
        try await cancellable(onProgress) { core, listener, token in
            try await core.verifyBundle(path: path, listener: listener, cancel: token)
        }
    }

    // MARK: reminders

    /// The notifications to schedule, nearest first, at most `settings.limit`. Re-plan at
    /// each launch; schedule each under its `scheduleToken`.
    public func planReminders(settings: ReminderSettingsRecord, now: Date? = nil) async throws -> [ReminderRecord] {
        let now = now ?? clock()
        return try await run { try $0.planReminders(settings: settings, now: now) }
    }

    /// Snoozes a reminder. A snooze never moves a reminder earlier than its planned time:
    /// snoozing one that is not due yet keeps it there (`until` says so). Snoozing a
    /// catch-up brings back what it covers at `until`.
    public func snoozeReminder(id: String, _ choice: SnoozeChoice, settings: ReminderSettingsRecord, now: Date? = nil) async throws -> SnoozedRecord {
        let now = now ?? clock()
        return try await run { try $0.snoozeReminder(reminderId: id, choice: choice, settings: settings, now: now) }
    }

    public func dismissReminder(id: String, settings: ReminderSettingsRecord, now: Date? = nil) async throws {
        let now = now ?? clock()
        try await run { try $0.dismissReminder(reminderId: id, settings: settings, now: now) }
    }

    public func acknowledgeReminder(id: String, settings: ReminderSettingsRecord, now: Date? = nil) async throws {
        let now = now ?? clock()
        try await run { try $0.acknowledgeReminder(reminderId: id, settings: settings, now: now) }
    }

    /// Records deliveries read back from the system (ids or schedule tokens). A delivered
    /// catch-up retires every reminder it covers: pass the settings the plan was made with.
    public func markRemindersDelivered(_ ids: [String], settings: ReminderSettingsRecord, at deliveredAt: Date? = nil) async throws {
        let at = deliveredAt ?? clock()
        try await run { try $0.markRemindersDelivered(reminderIds: ids, settings: settings, deliveredAt: at) }
    }

    /// What to add, cancel and keep given the scheduled tokens.
    public func reminderDiff(scheduled: [String], settings: ReminderSettingsRecord, now: Date? = nil) async throws -> ReminderDiffRecord {
        let now = now ?? clock()
        return try await run { try $0.reminderDiff(scheduled: scheduled, settings: settings, now: now) }
    }

    /// An iCalendar (.ics) text with the running deadlines of a case (or all open cases).
    public func exportCalendar(
        caseId: String? = nil,
        settings: ReminderSettingsRecord,
        language: Language = .zh,
        now: Date? = nil
    ) async throws -> String {
        let now = now ?? clock()
        return try await run { try $0.exportCalendar(caseId: caseId, settings: settings, language: language, now: now) }
    }
}
