package app.tuilu.core

import app.tuilu.core.uniffi.AddedEvidenceRecord
import app.tuilu.core.uniffi.BackupCreatedRecord
import app.tuilu.core.uniffi.BackupInspectRecord
import app.tuilu.core.uniffi.BackupRestoredRecord
import app.tuilu.core.uniffi.LastBackupRecord
import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.RuleFlagRecord
import app.tuilu.core.uniffi.BundleReportRecord
import app.tuilu.core.uniffi.CalendarStatusRecord
import app.tuilu.core.uniffi.CancelToken
import app.tuilu.core.uniffi.CaseEventRecord
import app.tuilu.core.uniffi.CaseRecord
import app.tuilu.core.uniffi.CaseSummaryRecord
import app.tuilu.core.uniffi.DeletedEvidenceRecord
import app.tuilu.core.uniffi.EvidenceItemRecord
import app.tuilu.core.uniffi.EvidenceSource
import app.tuilu.core.uniffi.ExportReportRecord
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.NewEvidenceRecord
import app.tuilu.core.uniffi.ReminderDiffRecord
import app.tuilu.core.uniffi.ReminderRecord
import app.tuilu.core.uniffi.ReminderSettingsRecord
import app.tuilu.core.uniffi.ReplanReportRecord
import app.tuilu.core.uniffi.SnoozeChoice
import app.tuilu.core.uniffi.SnoozedRecord
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.TransitionOptionsRecord
import app.tuilu.core.uniffi.TransitionRecord
import app.tuilu.core.uniffi.VerifyReportRecord
import app.tuilu.core.uniffi.defaultReminderSettings
import app.tuilu.core.uniffi.DateResultRecord
import app.tuilu.core.uniffi.DayInfoRecord
import app.tuilu.core.uniffi.DeadlineRecord
import app.tuilu.core.uniffi.DurationRecord
import app.tuilu.core.uniffi.Fact
import app.tuilu.core.uniffi.PackCheckRecord
import app.tuilu.core.uniffi.PlanRecord
import app.tuilu.core.uniffi.ProgressListener
import app.tuilu.core.uniffi.ScenarioInfo
import app.tuilu.core.uniffi.ScheduledPlanRecord
import app.tuilu.core.uniffi.TuiluCore
import app.tuilu.core.uniffi.WorkingDayCountRecord
import app.tuilu.core.uniffi.YearStatusRecord
import app.tuilu.core.uniffi.checkPack as ffiCheckPack
import app.tuilu.core.uniffi.coreVersion
import java.time.Clock
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * The Kotlin face of the Tuilu core: suspend functions, a [Flow] for progress, and an
 * [AutoCloseable] owner of the native object. Use one per app; it is thread-safe.
 *
 * Opened on the vault directory [vaultDir] (created when missing): the bundled rule packs
 * and the China calendar with the holiday years imported into the vault are loaded once.
 * Construction is quick (a few milliseconds) but touches the disk: prefer [open] from a
 * coroutine.
 *
 * Quick calls (plans, calendar) run on [ioDispatcher]; long ones (hashing, later
 * import/export/verify) run on the core's own worker threads and are awaited without
 * blocking a thread. Cancelling the calling coroutine stops the native work: the facade
 * cancels the operation's [CancelToken] (cancellation of the native future alone does not
 * cross the FFI, uniffi-rs #2771) and waits for it to end ([CancelToken.join]), so a
 * cancelled call completes only after its cleanup.
 *
 * Dates are [LocalDate]s (China calendar dates), instants [Instant]s. Errors are
 * [ApiException] subclasses (InvalidInput, NotFound, Conflict, Storage, Io, Cancelled,
 * Internal); see [userMessage] for text to show.
 *
 * The vault (cases, evidence, reminders) is the SQLite database in [vaultDir], opened by the
 * first call that needs it ([openVault] opens it at once). The core never reads the clock:
 * every vault call takes `now`, which defaults to [clock] (tests pass a fixed instant or a
 * fixed clock).
 *
 * This file must stay free of Android types: it is compiled and tested on the JVM.
 */
class Tuilu(
    vaultDir: String,
    private val ioDispatcher: CoroutineDispatcher = Dispatchers.IO,
    /** The clock vault calls read `now` from when none is given. */
    val clock: Clock = Clock.systemUTC(),
) : AutoCloseable {
    private val core = TuiluCore(vaultDir)

    private fun now(): Instant = clock.instant()

    companion object {
        /** The core library's version, e.g. `0.1.0`. */
        val version: String
            get() = coreVersion()

        /** Opens the core on [vaultDir] off the caller's thread. */
        suspend fun open(
            vaultDir: String,
            ioDispatcher: CoroutineDispatcher = Dispatchers.IO,
            clock: Clock = Clock.systemUTC(),
        ): Tuilu = withContext(ioDispatcher) { Tuilu(vaultDir, ioDispatcher, clock) }

        /**
         * The core's reminder settings in [zone]: quiet hours 22:00–08:00, reminders at
         * 09:30, at most 60 (iOS keeps 64 pending notifications). Change them with `copy`
         * (the zone with [withZone]). Offsets and daylight saving come from java.time's rules
         * for [zone] ([JavaTimeZoneRules]), not from the native library.
         */
        fun reminderSettings(zone: ZoneId = ZoneId.systemDefault()): ReminderSettingsRecord =
            defaultReminderSettings(JavaTimeZoneRules(zone))

        /**
         * Validates a rule pack in its compiled JSON form (`tuilu rules compile`) like a
         * bundled one. An invalid pack is a result with every issue (pack, path, message,
         * line, column), not an exception. TOML text is one issue naming the compile command.
         */
        suspend fun checkPack(packJson: String, ioDispatcher: CoroutineDispatcher = Dispatchers.IO): PackCheckRecord =
            withContext(ioDispatcher) { ffiCheckPack(packJson) }
    }

    private suspend fun <T> io(block: TuiluCore.() -> T): T = withContext(ioDispatcher) { core.block() }

    // -- scenarios and plans -----------------------------------------------------------

    /** Every scenario: the bundled ones in a stable order, then those added. */
    suspend fun scenarios(): List<ScenarioInfo> = io { scenarios() }

    /** One scenario. Throws [ApiException.NotFound]. */
    suspend fun scenario(id: String): ScenarioInfo = io { scenario(id) }

    /** See [Tuilu.Companion.checkPack]. */
    suspend fun checkPack(packJson: String): PackCheckRecord = checkPack(packJson, ioDispatcher)

    /**
     * Validates a pack and adds it, replacing the scenario with the same id, for this
     * object's life. Throws [ApiException.InvalidInput] (use [checkPack] for every issue).
     */
    suspend fun addPack(packJson: String): ScenarioInfo = io { addPack(packJson) }

    /** [addPack] for a pack file. Throws NotFound, Io, InvalidInput. */
    suspend fun addPackFile(path: String): ScenarioInfo = io { addPackFile(path) }

    /**
     * The plan of [scenarioId] for [facts] (build them with [fact], [money], [choice],
     * [answer]...). Unanswered facts are listed in `missingFacts` and `questions`.
     * Throws [ApiException.NotFound] (scenario) or [ApiException.InvalidInput] (a fact
     * unknown, of the wrong type, out of bounds or given twice; the detail names it).
     */
    suspend fun plan(scenarioId: String, facts: List<Fact> = emptyList()): PlanRecord =
        io { plan(scenarioId, facts) }

    /** [plan] plus each step's deadline when its clock starts at [clockStart]. */
    suspend fun planWithDeadlines(scenarioId: String, facts: List<Fact>, clockStart: Instant): ScheduledPlanRecord =
        io { planWithDeadlines(scenarioId, facts, clockStart) }

    // -- calendar ----------------------------------------------------------------------

    suspend fun isWorkingDay(date: LocalDate): DayInfoRecord = io { isWorkingDay(date) }

    /** The [n]-th working day after [date] ([date] itself never counts). */
    suspend fun addWorkingDays(date: LocalDate, n: Int): DateResultRecord = io { addWorkingDays(date, n) }

    /** Working days after [from] up to and including [to]. */
    suspend fun workingDaysBetween(from: LocalDate, to: LocalDate): WorkingDayCountRecord =
        io { workingDaysBetween(from, to) }

    suspend fun addNaturalDays(date: LocalDate, n: Int): DateResultRecord = io { addNaturalDays(date, n) }

    /** When [duration] ends if its clock starts at [clockStart]. */
    suspend fun stepDeadline(duration: DurationRecord, clockStart: Instant): DeadlineRecord =
        io { stepDeadline(duration, clockStart) }

    suspend fun calendarStatus(): CalendarStatusRecord = io { calendarStatus() }

    /**
     * Imports a holiday year file (holiday-cn JSON) into the vault; it replaces earlier data
     * for its year. A rejected file changes nothing. Throws InvalidInput, Io.
     */
    suspend fun importHolidayYear(json: ByteArray): YearStatusRecord = io { importHolidayYear(json) }

    // -- long operations ---------------------------------------------------------------

    /**
     * SHA-256 of the file at [path], as 64 lowercase hex digits. [onProgress] is called on a
     * native worker thread, about a hundred times at most; keep it quick.
     */
    suspend fun hashFile(
        path: String,
        onProgress: ((Progress) -> Unit)? = null,
    ): String = cancellable { token ->
        core.hashFile(path, onProgress?.let(::Listener), token)
    }

    /**
     * The same as [hashFile], as a cold [Flow]: [HashEvent.Running] events, then one
     * [HashEvent.Finished]. Errors end the flow with the [ApiException]. Cancelling the
     * collector stops the native work. Progress events may be conflated under back-pressure;
     * the final event never is.
     */
    fun hashFileFlow(path: String): Flow<HashEvent> = callbackFlow {
        val token = CancelToken()
        val listener = Listener { trySend(HashEvent.Running(it)) }
        launch {
            try {
                val digest = core.hashFile(path, listener, token)
                send(HashEvent.Finished(digest))
                close()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Throwable) {
                close(e)
            } finally {
                stopAndJoin(token)
                token.close()
            }
        }
        awaitClose()
    }

    // -- vault ---------------------------------------------------------------------------

    /**
     * Opens the vault database now (creating or migrating it) and returns its schema
     * version. Call it at launch: a vault written by a newer app throws
     * [ApiException.Conflict] with [isVaultTooNew] set, and nothing is changed.
     */
    suspend fun openVault(now: Instant = now()): Int = io { openVault(now) }

    // -- cases -----------------------------------------------------------------------------

    /** Plans [scenarioId] with [facts] and stores it as a new case. */
    suspend fun createCase(scenarioId: String, facts: List<Fact> = emptyList(), now: Instant = now()): CaseRecord =
        io { createCase(scenarioId, facts, now) }

    /**
     * A case ([caseId]: its id, or an unambiguous prefix of at least 4 characters) with its
     * steps, deadlines and overdue flags at [now]. Throws NotFound.
     */
    suspend fun case(caseId: String, now: Instant = now()): CaseRecord = io { getCase(caseId, now) }

    /** Every case, most recently updated first; archived ones too with [includeArchived]. */
    suspend fun cases(includeArchived: Boolean = false, now: Instant = now()): List<CaseSummaryRecord> =
        io { listCases(includeArchived, now) }

    // -- rules the user flags as outdated ---------------------------------------------

    /** Flags a rule (step, precondition, notice, formula id) as possibly outdated or wrong. */
    suspend fun flagRule(scenarioId: String, ruleId: String, note: String, now: Instant = now()): RuleFlagRecord =
        io { flagRule(scenarioId, ruleId, note, now) }

    /** Removes the user's flag; false when there was none. */
    suspend fun unflagRule(scenarioId: String, ruleId: String, now: Instant = now()): Boolean =
        io { unflagRule(scenarioId, ruleId, now) }

    /** The user's flags, newest first. */
    suspend fun ruleFlags(scenarioId: String? = null, now: Instant = now()): List<RuleFlagRecord> =
        io { ruleFlags(scenarioId, now) }

    /** The case's journal, oldest first. */
    suspend fun journal(caseId: String, now: Instant = now()): List<CaseEventRecord> = io { caseJournal(caseId, now) }

    /**
     * Applies [action] to a step. [at]: when it happened (default [now]); [note] goes to the
     * journal; [route]: the alternative taken, for a submit. Throws NotFound (case, step),
     * Conflict (not allowed from the step's status, a dependency not done, blockers, nothing
     * to undo; the detail names the steps and statuses), InvalidInput (route, time).
     */
    suspend fun transition(
        caseId: String,
        stepId: String,
        action: StepAction,
        at: Instant? = null,
        note: String? = null,
        route: String? = null,
        now: Instant = now(),
    ): TransitionRecord = io { transitionStep(caseId, stepId, action, TransitionOptionsRecord(at, note, route), now) }

    /**
     * Changes the case's facts ([set] added or replaced, [unset] forgotten) and re-plans,
     * keeping each step's progress; steps that leave the plan are reported in `dropped`.
     */
    suspend fun setFacts(
        caseId: String,
        set: List<Fact> = emptyList(),
        unset: List<String> = emptyList(),
        now: Instant = now(),
    ): ReplanReportRecord = io { setCaseFacts(caseId, set, unset, now) }

    /** Re-plans the case with the current rule pack. */
    suspend fun upgradeCase(caseId: String, now: Instant = now()): ReplanReportRecord = io { upgradeCase(caseId, now) }

    /** Archives (or restores) a case; false when it already was in that state. */
    suspend fun archiveCase(caseId: String, archived: Boolean = true, now: Instant = now()): Boolean =
        io { setCaseArchived(caseId, archived, now) }

    /** Deletes a case and its journal for good; returns its id. */
    suspend fun deleteCase(caseId: String, now: Instant = now()): String = io { deleteCase(caseId, now) }

    // -- evidence --------------------------------------------------------------------------

    /**
     * Adds the file at [path] to a case, streamed once through SHA-256 into the vault, on
     * the core's workers. Cancelling the coroutine stops it and leaves no file and no row.
     * The same bytes already in the case give back that item (`duplicate`).
     */
    suspend fun addEvidence(
        item: NewEvidenceRecord,
        path: String,
        now: Instant = now(),
        onProgress: ((Progress) -> Unit)? = null,
    ): AddedEvidenceRecord = cancellable { token ->
        core.addEvidenceFile(item, path, now, onProgress?.let(::Listener), token)
    }

    /** [addEvidence] as a [Flow] of progress, then the result. */
    fun addEvidenceFlow(item: NewEvidenceRecord, path: String, now: Instant = now()): Flow<OperationEvent<AddedEvidenceRecord>> =
        progressFlow { listener, token -> core.addEvidenceFile(item, path, now, listener, token) }

    /** Adds bytes handed over by the app (share sheet, camera) under the file name [name]. */
    suspend fun addEvidenceBytes(
        item: NewEvidenceRecord,
        name: String,
        bytes: ByteArray,
        now: Instant = now(),
        onProgress: ((Progress) -> Unit)? = null,
    ): AddedEvidenceRecord = cancellable { token ->
        core.addEvidenceBytes(item, name, bytes, now, onProgress?.let(::Listener), token)
    }

    /** The case's live evidence, oldest first. */
    suspend fun evidence(caseId: String, now: Instant = now()): List<EvidenceItemRecord> = io { listEvidence(caseId, now) }

    /** One item, live or deleted. */
    suspend fun evidenceItem(itemId: String, now: Instant = now()): EvidenceItemRecord = io { evidenceItem(itemId, now) }

    /** Ties an item to the step it proves, or unties it ([stepId] null). */
    suspend fun linkEvidence(itemId: String, stepId: String?, now: Instant = now()): EvidenceItemRecord =
        io { linkEvidence(itemId, stepId, now) }

    /** Changes the note and/or replaces the tags (null leaves them). */
    suspend fun annotateEvidence(
        itemId: String,
        note: String? = null,
        tags: List<String>? = null,
        now: Instant = now(),
    ): EvidenceItemRecord = io { annotateEvidence(itemId, note, tags, now) }

    /** Deletes an item (a tombstone stays in the custody log). */
    suspend fun deleteEvidence(itemId: String, now: Instant = now()): DeletedEvidenceRecord =
        io { deleteEvidence(itemId, now) }

    /**
     * Re-hashes the live files of [caseId] (or of the whole vault) and checks the custody
     * log. Problems are issues of the report (naming item and step), not exceptions.
     */
    suspend fun verifyEvidence(
        caseId: String? = null,
        now: Instant = now(),
        onProgress: ((Progress) -> Unit)? = null,
    ): VerifyReportRecord = cancellable { token ->
        core.verifyEvidence(caseId, now, onProgress?.let(::Listener), token)
    }

    /** [verifyEvidence] as a [Flow]. */
    fun verifyEvidenceFlow(caseId: String? = null, now: Instant = now()): Flow<OperationEvent<VerifyReportRecord>> =
        progressFlow { listener, token -> core.verifyEvidence(caseId, now, listener, token) }

    /** Writes the case's evidence bundle (zip) to [outPath], which must not exist. */
    suspend fun exportEvidence(
        caseId: String,
        outPath: String,
        now: Instant = now(),
        onProgress: ((Progress) -> Unit)? = null,
    ): ExportReportRecord = cancellable { token ->
        core.exportEvidence(caseId, outPath, now, onProgress?.let(::Listener), token)
    }

    /** [exportEvidence] as a [Flow]. */
    fun exportEvidenceFlow(caseId: String, outPath: String, now: Instant = now()): Flow<OperationEvent<ExportReportRecord>> =
        progressFlow { listener, token -> core.exportEvidence(caseId, outPath, now, listener, token) }

    /** Checks a bundle (no vault needed). Problems are issues of the report. */
    suspend fun verifyBundle(path: String, onProgress: ((Progress) -> Unit)? = null): BundleReportRecord =
        cancellable { token -> core.verifyBundle(path, onProgress?.let(::Listener), token) }

    // -- backup ----------------------------------------------------------------------------

    /**
     * Writes an encrypted backup of the whole vault to [outPath], which must not exist
     * (write to a file in the app's cache, then copy it to the `CreateDocument` URI).
     * [scryptWorkFactor] is for tests; null takes about a second. Errors carry
     * [isBackupError] kinds.
     */
    suspend fun createBackup(
        outPath: String,
        passphrase: String,
        now: Instant = now(),
        scryptWorkFactor: Int? = null,
        onProgress: ((Progress) -> Unit)? = null,
    ): BackupCreatedRecord = cancellable { token ->
        core.createBackup(outPath, passphrase, now, scryptWorkFactor, onProgress?.let(::Listener), token)
    }

    /** Decrypts and checks a backup without restoring it: manifest, counts, every hash. */
    suspend fun inspectBackup(
        path: String,
        passphrase: String,
        onProgress: ((Progress) -> Unit)? = null,
    ): BackupInspectRecord = cancellable { token ->
        core.inspectBackup(path, passphrase, onProgress?.let(::Listener), token)
    }

    /**
     * Restores the vault from a backup: verified in a folder beside the vault, then swapped
     * in at once; any error leaves the current vault as it was. A vault with cases is
     * replaced only when [replace]. Run nothing else on this object meanwhile.
     */
    suspend fun restoreBackup(
        path: String,
        passphrase: String,
        replace: Boolean = false,
        now: Instant = now(),
        onProgress: ((Progress) -> Unit)? = null,
    ): BackupRestoredRecord = cancellable { token ->
        core.restoreBackup(path, passphrase, replace, now, onProgress?.let(::Listener), token)
    }

    /** [restoreBackup] as a [Flow]. */
    fun restoreBackupFlow(
        path: String,
        passphrase: String,
        replace: Boolean = false,
        now: Instant = now(),
    ): Flow<OperationEvent<BackupRestoredRecord>> =
        progressFlow { listener, token -> core.restoreBackup(path, passphrase, replace, now, listener, token) }

    /** The last backup made from this vault (for "last backed up on …"), or null. */
    suspend fun lastBackup(): LastBackupRecord? = io { lastBackup() }

    // -- reminders -------------------------------------------------------------------------

    /**
     * The notifications to schedule at [now], nearest first, at most `settings.limit`.
     * Re-plan at each launch and after every change; schedule each under its
     * `scheduleToken` and apply [reminderDiff].
     */
    suspend fun planReminders(
        settings: ReminderSettingsRecord = reminderSettings(),
        now: Instant = now(),
    ): List<ReminderRecord> = io { planReminders(settings, now) }

    /**
     * Snoozes a reminder; throws NotFound for an unknown id. A snooze never moves a reminder
     * earlier than its planned time: snoozing one that is not due yet keeps it there (the
     * returned `until` says so). Snoozing a catch-up brings back what it covers at `until`.
     */
    suspend fun snoozeReminder(
        reminderId: String,
        choice: SnoozeChoice,
        settings: ReminderSettingsRecord = reminderSettings(),
        now: Instant = now(),
    ): SnoozedRecord = io { snoozeReminder(reminderId, choice, settings, now) }

    /** Dismisses a reminder until its step's clock changes. */
    suspend fun dismissReminder(
        reminderId: String,
        settings: ReminderSettingsRecord = reminderSettings(),
        now: Instant = now(),
    ) = io { dismissReminder(reminderId, settings, now) }

    /** Records that the user opened a reminder. */
    suspend fun acknowledgeReminder(
        reminderId: String,
        settings: ReminderSettingsRecord = reminderSettings(),
        now: Instant = now(),
    ) = io { acknowledgeReminder(reminderId, settings, now) }

    /**
     * Records deliveries (ids or schedule tokens): from the alarm receiver, or read back from
     * the OS at launch. A delivered catch-up retires every reminder it covers, so pass the
     * same [settings] the plan was made with.
     */
    suspend fun markRemindersDelivered(
        reminderIds: List<String>,
        settings: ReminderSettingsRecord = reminderSettings(),
        deliveredAt: Instant = now(),
    ) = io { markRemindersDelivered(reminderIds, settings, deliveredAt) }

    /**
     * What to add, cancel and keep given the [scheduled] tokens (or bare ids). Android
     * cannot list its pending alarms: the app keeps the set of tokens it has scheduled
     * (e.g. in DataStore), passes it here, then stores `keep + add` tokens. The core does
     * not record what the app scheduled (only deliveries, snoozes and dismissals).
     */
    suspend fun reminderDiff(
        scheduled: List<String>,
        settings: ReminderSettingsRecord = reminderSettings(),
        now: Instant = now(),
    ): ReminderDiffRecord = io { reminderDiff(scheduled, settings, now) }

    /**
     * An iCalendar (.ics) text with the running deadlines of [caseId] (or of every open
     * case) and their reminders as alarms.
     */
    suspend fun exportCalendar(
        caseId: String? = null,
        settings: ReminderSettingsRecord = reminderSettings(),
        language: Language = Language.ZH,
        now: Instant = now(),
    ): String = io { exportCalendar(caseId, settings, language, now) }

    /** Releases the native object. Calls made after this throw [IllegalStateException]. */
    override fun close() = core.close()

    /**
     * Runs [block] with a fresh token that is cancelled if the coroutine is cancelled. The
     * cancelled call completes only once the native work has ended and cleaned up (a
     * cancelled add leaves no temporary file behind when `cancelAndJoin()` returns).
     */
    private suspend fun <T> cancellable(block: suspend (CancelToken) -> T): T =
        CancelToken().use { token ->
            try {
                block(token)
            } catch (e: CancellationException) {
                stopAndJoin(token)
                throw e
            }
        }

    /** Cancels the native work of [token] and waits until it has ended, even while cancelled. */
    private suspend fun stopAndJoin(token: CancelToken) = withContext(NonCancellable) {
        token.cancel()
        token.join()
    }

    /**
     * A cold flow running [block] with a listener and a fresh token: progress events, then
     * the result. Errors end the flow; cancelling the collector cancels the token.
     */
    private fun <T> progressFlow(block: suspend (ProgressListener, CancelToken) -> T): Flow<OperationEvent<T>> =
        callbackFlow {
            val token = CancelToken()
            val listener = Listener { trySend(OperationEvent.Running(it)) }
            launch {
                try {
                    val result = block(listener, token)
                    send(OperationEvent.Finished(result))
                    close()
                } catch (e: CancellationException) {
                    throw e
                } catch (e: Throwable) {
                    close(e)
                } finally {
                    // Cancelling the collector cancels this child (structured concurrency),
                    // and the flow completes only after it: once the native work has ended
                    // and cleaned up. Only this child touches the token.
                    stopAndJoin(token)
                    token.close()
                }
            }
            awaitClose()
        }

    private class Listener(private val onProgress: (Progress) -> Unit) : ProgressListener {
        override fun onProgress(done: ULong, total: ULong) =
            onProgress(Progress(done.toLong(), total.toLong()))
    }
}

/** Progress of a long operation; bytes for file work. `done == total` at the end. */
data class Progress(val done: Long, val total: Long) {
    /** 0.0 to 1.0; 1.0 for empty work. */
    val fraction: Double
        get() = if (total <= 0) 1.0 else (done.toDouble() / total).coerceIn(0.0, 1.0)
}

/** Events of [Tuilu.hashFileFlow]. */
sealed interface HashEvent {
    data class Running(val progress: Progress) : HashEvent

    data class Finished(val sha256: String) : HashEvent
}

/** Events of a long operation's flow ([Tuilu.addEvidenceFlow], [Tuilu.exportEvidenceFlow]...). */
sealed interface OperationEvent<out T> {
    data class Running(val progress: Progress) : OperationEvent<Nothing>

    data class Finished<T>(val result: T) : OperationEvent<T>
}

/** A new evidence item for [caseId]; the other fields are optional. */
fun newEvidence(
    caseId: String,
    stepId: String? = null,
    note: String = "",
    tags: List<String> = emptyList(),
    capturedAt: Instant? = null,
    source: EvidenceSource = EvidenceSource.IMPORT,
): NewEvidenceRecord = NewEvidenceRecord(caseId, source, stepId, note, tags, capturedAt)

/** A step of the case (in the plan or dropped). */
fun CaseRecord.step(id: String) = steps.firstOrNull { it.id == id } ?: droppedSteps.firstOrNull { it.id == id }
