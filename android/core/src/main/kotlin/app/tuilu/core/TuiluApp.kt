package app.tuilu.core

import app.tuilu.core.uniffi.AnswerRecord
import app.tuilu.core.uniffi.AppException
import app.tuilu.core.uniffi.AppSettingsRecord
import app.tuilu.core.uniffi.BackupRecord
import app.tuilu.core.uniffi.BackupSectionRecord
import app.tuilu.core.uniffi.PassphraseHintRecord
import app.tuilu.core.uniffi.BundleCheckRecord
import app.tuilu.core.uniffi.BundlePreviewRecord
import app.tuilu.core.uniffi.CancelToken
import app.tuilu.core.uniffi.CaptureTimeRecord
import app.tuilu.core.uniffi.CaseScreenRecord
import app.tuilu.core.uniffi.ChangeObserver
import app.tuilu.core.uniffi.ChangeRecord
import app.tuilu.core.uniffi.DeletedRecord
import app.tuilu.core.uniffi.EvidenceAddedRecord
import app.tuilu.core.uniffi.EvidenceListRecord
import app.tuilu.core.uniffi.EvidenceSource
import app.tuilu.core.uniffi.FileWrittenRecord
import app.tuilu.core.uniffi.HomeViewRecord
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.LetterViewRecord
import app.tuilu.core.uniffi.LettersViewRecord
import app.tuilu.core.uniffi.ProgressListener
import app.tuilu.core.uniffi.QuestionnaireRecord
import app.tuilu.core.uniffi.RecoveryCodeRecord
import app.tuilu.core.uniffi.ReminderSyncRecord
import app.tuilu.core.uniffi.ScenarioPickerRecord
import app.tuilu.core.uniffi.ReleaseFileRecord
import app.tuilu.core.uniffi.RuleUpdateResultRecord
import app.tuilu.core.uniffi.RuleUpdatesViewRecord
import app.tuilu.core.uniffi.SettingsViewRecord
import app.tuilu.core.uniffi.SignedIndexRecord
import app.tuilu.core.uniffi.SnoozeChoice
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.TuiluApp
import app.tuilu.core.uniffi.ViewContextRecord
import app.tuilu.core.uniffi.CategorySetupRecord
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.PlatformStateRecord
import app.tuilu.core.uniffi.UpdateRecord
import java.time.Clock
import java.time.Instant
import java.time.ZoneId
import java.util.Locale
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.withContext

/**
 * The screens' side of the core: every call returns a view model computed in Rust, with
 * all text already in [language]; events (answers, step actions, undo, snooze) return the
 * updated view or throw an `AppException` whose `userMessage` is the text to show.
 * [changes] is a [Flow] of what changed, so screens refresh without polling.
 *
 * Long work (evidence, bundles, backups) reports [Progress] to `onProgress` and stops
 * when the calling coroutine is cancelled: the call returns only once the native work has
 * ended and cleaned up (a cancelled add leaves no temporary file).
 *
 * The shell decides nothing about the domain: it draws these records and performs
 * platform effects (notifications, pickers, share sheet).
 */
class TuiluScreens(
    vaultDir: String,
    // Volatile: set on the main thread, read by calls on IO threads.
    @Volatile var language: Language = languageOf(Locale.getDefault()),
    @Volatile var zone: ZoneId = ZoneId.systemDefault(),
    private val clock: Clock = Clock.systemUTC(),
    private val ioDispatcher: CoroutineDispatcher = Dispatchers.IO,
) : AutoCloseable {
    private val app = TuiluApp(vaultDir)

    /** The context of a call made now. */
    fun context(now: Instant = clock.instant()): ViewContextRecord =
        ViewContextRecord(language, JavaTimeZoneRules(zone), now)

    private suspend fun <T> io(block: () -> T): T = withContext(ioDispatcher) { block() }

    suspend fun home(): HomeViewRecord = io { app.home(context()) }

    /**
     * Home showing the first [shown] open cases (at least one), for a list the app keeps
     * itself: ask for more when [HomeViewRecord.moreCases] is set and its row is reached.
     * Apps driven by `handle` send `EventRecord.ShowMoreCases` instead.
     */
    suspend fun homeShowing(shown: Int): HomeViewRecord = io { app.homeShowing(context(), shown) }

    suspend fun scenarioPicker(): ScenarioPickerRecord = io { app.scenarioPicker(context()) }

    suspend fun questionnaire(scenario: String, answers: Map<String, String>): QuestionnaireRecord =
        io { app.questionnaire(context(), scenario, answers.toRecords()) }

    suspend fun caseScreen(caseId: String): CaseScreenRecord = io { app.caseScreen(context(), caseId) }

    /**
     * The one way in: [event] (a tap, a notification's button, a boot, a zone change…) with
     * what the platform allows and holds ([platform], read just before) returns the route,
     * its screen (in the foreground) and the effects to perform in order. Never throws: a
     * refusal is `UpdateRecord.message`.
     */
    suspend fun handle(event: EventRecord, platform: PlatformStateRecord): UpdateRecord =
        io { app.handle(context(), platform, event) }

    /** Notification channels / categories with their titles and buttons, to register at start. */
    fun notificationCategories(): List<CategorySetupRecord> = app.notificationCategories(context())

    suspend fun evidence(caseId: String, stepId: String? = null): EvidenceListRecord =
        io { app.evidenceList(context(), caseId, stepId) }

    /** Deletes one evidence item: its file, name, note and tags go; the custody log keeps the deletion. */
    suspend fun deleteEvidence(itemId: String): DeletedRecord = io { app.deleteEvidence(context(), itemId) }

    /** Deletes a case for good with its journal and all its evidence; the notice says how much went. */
    suspend fun deleteCase(caseId: String): DeletedRecord = io { app.deleteCase(context(), caseId) }

    suspend fun reminderSync(scheduled: Collection<String>): ReminderSyncRecord =
        io { app.reminderSync(context(), scheduled.toList()) }

    suspend fun settingsView(): SettingsViewRecord = io { app.settingsView(context()) }

    suspend fun createCase(scenario: String, answers: Map<String, String>): CaseScreenRecord =
        io { app.createCase(context(), scenario, answers.toRecords()) }

    suspend fun act(
        caseId: String,
        stepId: String,
        action: StepAction,
        at: Instant? = null,
        note: String? = null,
        route: String? = null,
    ): CaseScreenRecord = io { app.stepAction(context(), caseId, stepId, action, at, note, route) }

    /** The case's letters, numbered; unavailable ones say why. */
    suspend fun letters(caseId: String): LettersViewRecord = io { app.letters(context(), caseId) }

    /** One letter by id or number; incomplete ones list their questions instead of a body. */
    suspend fun letter(caseId: String, letter: String): LetterViewRecord =
        io { app.letter(context(), caseId, letter) }

    /** The letter as printable HTML (A4), for the print service. */
    suspend fun letterHtml(caseId: String, letter: String): String =
        io { app.letterHtml(context(), caseId, letter) }

    /** Records the letter as sent ([at] defaults to now): kept as evidence of its step. */
    suspend fun markLetterSent(caseId: String, letter: String, at: Instant? = null): LetterViewRecord =
        io { app.markLetterSent(context(), caseId, letter, at) }

    suspend fun undo(caseId: String): CaseScreenRecord = io { app.undoLast(context(), caseId) }

    suspend fun setFacts(caseId: String, set: Map<String, String>, unset: List<String> = emptyList()): CaseScreenRecord =
        io { app.setCaseFacts(context(), caseId, set.toRecords(), unset) }

    suspend fun flagRule(caseId: String, ruleId: String, note: String?): CaseScreenRecord =
        io { app.flagRule(context(), caseId, ruleId, note) }

    suspend fun snooze(reminderId: String, choice: SnoozeChoice, scheduled: Collection<String>): ReminderSyncRecord =
        io { app.snoozeReminder(context(), reminderId, choice, scheduled.toList()) }

    suspend fun dismiss(reminderId: String, scheduled: Collection<String>): ReminderSyncRecord =
        io { app.dismissReminder(context(), reminderId, scheduled.toList()) }

    /** Carries out a notification's action (`NotificationActionRecord.id`) through the core. */
    suspend fun notificationAction(reminderId: String, actionId: String, scheduled: Collection<String>): ReminderSyncRecord =
        io { app.notificationAction(context(), reminderId, actionId, scheduled.toList()) }

    suspend fun delivered(tokens: Collection<String>) = io { app.remindersDelivered(context(), tokens.toList()) }

    /** Imports a holiday-year file (holiday-cn JSON); the settings view lists the years. */
    suspend fun importHolidayYear(json: ByteArray): SettingsViewRecord = io { app.importHolidayYear(context(), json) }

    /** Writes the running deadlines (of [caseId], or all open cases) as an `.ics` file. */
    suspend fun exportCalendar(outPath: String, caseId: String? = null): FileWrittenRecord =
        io { app.exportCalendar(context(), caseId, outPath) }

    /** "上次备份：…", or null when this vault was never backed up. */
    suspend fun backupSection(): BackupSectionRecord = io { app.backupSection(context()) }

    /** The new backup never reached the chosen place: the section goes back to the one before. */
    suspend fun backupNotKept(): BackupSectionRecord = io { app.backupNotKept(context()) }

    /** A fresh 30-digit recovery code for the next backup (the default): show it once, then pass `code` to [createBackup]. */
    fun newRecoveryCode(): RecoveryCodeRecord = app.newRecoveryCode(context())

    /** The hint under the passphrase field; cheap enough to call on every keystroke. */
    fun passphraseHint(passphrase: String): PassphraseHintRecord = app.passphraseHint(context(), passphrase)

    /**
     * Adds the file at [path]. [captured]: the capture time the platform knows (MediaStore
     * `DATE_TAKEN`); the core keeps an EXIF date in the bytes over it, and without either
     * reads a screenshot's file name in the user's zone. The evidence list says which.
     */
    suspend fun addEvidence(
        caseId: String,
        stepId: String?,
        path: String,
        note: String? = null,
        captured: CaptureTimeRecord? = null,
        onProgress: ((Progress) -> Unit)? = null,
    ): EvidenceAddedRecord = long(onProgress) { l, t -> app.addEvidenceFile(context(), caseId, stepId, path, note, captured, l, t) }

    suspend fun addEvidenceBytes(
        caseId: String,
        stepId: String?,
        name: String,
        bytes: ByteArray,
        note: String? = null,
        captured: CaptureTimeRecord? = null,
        onProgress: ((Progress) -> Unit)? = null,
    ): EvidenceAddedRecord = long(onProgress) { l, t -> app.addEvidenceBytes(context(), caseId, stepId, name, bytes, note, captured, l, t) }

    // -- Evidence by stream (issue 31): no cache copy, nothing whole on the heap. --------

    /**
     * Adds the file behind [fd], an open file descriptor the library takes over and closes
     * (Android: `contentResolver.openFileDescriptor(uri, "r")!!.detachFd()` of a picked or
     * shared `content://` URI), under the display name [name] (any string the platform
     * gives, e.g. `OpenableColumns.DISPLAY_NAME`). Read once from its current position,
     * hashed while copied into the vault; the progress total is the file's size when
     * known, else [sizeHint]. Cancelling the coroutine leaves no file and no row.
     * [captured] as for [addEvidence].
     */
    suspend fun addEvidenceFd(
        caseId: String,
        stepId: String?,
        fd: Int,
        name: String,
        sizeHint: Long? = null,
        note: String? = null,
        captured: CaptureTimeRecord? = null,
        onProgress: ((Progress) -> Unit)? = null,
    ): EvidenceAddedRecord = long(onProgress) { l, t ->
        app.addEvidenceFd(context(), caseId, stepId, fd, name, sizeHint?.toULong(), note, captured, l, t)
    }

    /**
     * Adds what [stream] gives until its end (read on a worker thread, closed afterwards),
     * under the display name [name]. As [addEvidenceFd]; an [java.io.IOException] from
     * the stream fails the add with `FileProblem` (`unreadable`) and leaves nothing.
     */
    suspend fun addEvidenceStream(
        caseId: String,
        stepId: String?,
        stream: java.io.InputStream,
        name: String,
        sizeHint: Long? = null,
        note: String? = null,
        captured: CaptureTimeRecord? = null,
        onProgress: ((Progress) -> Unit)? = null,
    ): EvidenceAddedRecord = stream.use { input ->
        val source = object : EvidenceSource {
            override fun read(max: UInt): ByteArray {
                val buf = ByteArray(max.toInt().coerceAtMost(1 shl 20))
                val n = input.read(buf)
                return if (n <= 0) ByteArray(0) else buf.copyOf(n)
            }
        }
        long(onProgress) { l, t ->
            app.addEvidenceStream(context(), caseId, stepId, source, name, sizeHint?.toULong(), note, captured, l, t)
        }
    }

    /** Checks the case's evidence; the list comes back with each row's verify state. */
    suspend fun verifyEvidence(caseId: String, stepId: String? = null, onProgress: ((Progress) -> Unit)? = null): EvidenceListRecord =
        long(onProgress) { l, t -> app.verifyEvidence(context(), caseId, stepId, l, t) }

    /**
     * What the dispute bundle will carry and leave out; show it before [exportBundle] with the
     * same [includePrivate] (by default private facts and notes stay out).
     */
    suspend fun bundlePreview(caseId: String, includePrivate: Boolean = false): BundlePreviewRecord =
        io { app.bundlePreview(context(), caseId, includePrivate) }

    /** Private facts and notes go in only when [includePrivate] (see [bundlePreview]). */
    suspend fun exportBundle(
        caseId: String,
        outPath: String,
        includePrivate: Boolean = false,
        onProgress: ((Progress) -> Unit)? = null,
    ): FileWrittenRecord =
        long(onProgress) { l, t -> app.exportBundle(context(), caseId, outPath, includePrivate, l, t) }

    suspend fun verifyBundle(path: String, onProgress: ((Progress) -> Unit)? = null): BundleCheckRecord =
        long(onProgress) { l, t -> app.verifyBundle(context(), path, l, t) }

    /** [passphrase]: a recovery code from [newRecoveryCode] or a chosen passphrase. [workFactor] (scrypt log2 N, 10–19) is for tests only; null: 2^18. */
    suspend fun createBackup(outPath: String, passphrase: String, workFactor: Int? = null, onProgress: ((Progress) -> Unit)? = null): BackupRecord =
        long(onProgress) { l, t -> app.createBackup(context(), outPath, passphrase, workFactor, l, t) }

    suspend fun inspectBackup(path: String, passphrase: String, onProgress: ((Progress) -> Unit)? = null): BackupRecord =
        long(onProgress) { l, t -> app.inspectBackup(context(), path, passphrase, l, t) }

    /** A vault with cases is replaced only when [replace]. Run nothing else meanwhile. */
    suspend fun restoreBackup(path: String, passphrase: String, replace: Boolean = false, onProgress: ((Progress) -> Unit)? = null): BackupRecord =
        long(onProgress) { l, t -> app.restoreBackup(context(), path, passphrase, replace, l, t) }

    /**
     * Runs [block] with a progress listener and a fresh token that is cancelled if the
     * coroutine is; a cancelled call returns only once the native work has ended.
     */
    private suspend fun <T> long(onProgress: ((Progress) -> Unit)?, block: suspend (ProgressListener?, CancelToken) -> T): T =
        CancelToken().use { token ->
            val listener = onProgress?.let { f ->
                object : ProgressListener {
                    override fun onProgress(done: ULong, total: ULong) = f(Progress(done.toLong(), total.toLong()))
                }
            }
            try {
                block(listener, token)
            } catch (e: CancellationException) {
                withContext(NonCancellable) {
                    token.cancel()
                    token.join()
                }
                throw e
            }
        }

    /** The rule-update section of Settings: installed packs, the last check, the notes. */
    suspend fun ruleUpdates(): RuleUpdatesViewRecord = io { app.ruleUpdatesView(context()) }

    /**
     * "检查规则更新": fetches the signed index at the settings' base URL and the packs the
     * core asks for, and hands the bytes over; the core checks, installs all at once or
     * refuses, and words the outcome. A failed fetch is recorded as the last check.
     */
    suspend fun checkRuleUpdates(fetch: ReleaseFetch = HttpReleaseFetch()): RuleUpdateResultRecord = io {
        val base = app.ruleUpdatesView(context()).baseUrl.let { if (it.endsWith("/")) it else "$it/" }
        try {
            fun need(name: String): ByteArray = fetch.get(base + name) ?: throw java.io.IOException("$name: 404")
            val keys = fetch.get(base + "keys.json")
            val signed = SignedIndexRecord(need("index.json"), need("index.json.minisig"), keys, keys?.let { need("keys.json.minisig") })
            val packs = app.ruleUpdateFilesNeeded(context(), signed).map { ReleaseFileRecord(it, need(it)) }
            app.installRuleUpdate(context(), signed, packs)
        } catch (e: java.io.IOException) {
            app.recordRuleUpdateFailure(context(), e.message ?: e.javaClass.simpleName)
        }
    }

    /** Sets the base URL of releases (null: the default) and whether the daily check may use mobile data. */
    suspend fun setRuleUpdateSource(baseUrl: String?, allowMobileData: Boolean): RuleUpdatesViewRecord =
        io { app.setRuleUpdateSource(context(), baseUrl, allowMobileData) }

    /** Adds a compiled rule pack (JSON), kept in the vault; returns its scenario id. */
    suspend fun addPack(packJson: String): String = io { app.addPack(packJson) }

    /** The stored settings (language, quiet hours, preferred time). */
    fun settings(): AppSettingsRecord = app.settings()

    suspend fun saveSettings(settings: AppSettingsRecord) = io { app.saveSettings(settings) }

    /** What changed, as it happens; collecting registers an observer, cancelling removes it. */
    fun changes(): Flow<ChangeRecord> = callbackFlow {
        val handle = app.addObserver(object : ChangeObserver {
            override fun changed(change: ChangeRecord) {
                trySend(change)
            }
        })
        awaitClose { app.removeObserver(handle) }
    }

    override fun close() = app.close()

    companion object {
        /** zh for any Chinese locale, else en. */
        fun languageOf(locale: Locale): Language =
            if (locale.language == "zh") Language.ZH else Language.EN
    }
}

private fun Map<String, String>.toRecords(): List<AnswerRecord> = map { (k, v) -> AnswerRecord(k, v) }

/** Progress of a long operation; bytes for file work. `done == total` at the end. */
data class Progress(val done: Long, val total: Long) {
    /** 0.0 to 1.0; 1.0 for empty work. */
    val fraction: Double
        get() = if (total <= 0) 1.0 else (done.toDouble() / total).coerceIn(0.0, 1.0)
}

// -- Errors (issue 31): one place for the words of any AppException. ---------------------

/**
 * The words to show for any [AppException], in the language of the call that failed
 * (every subclass carries them; `message` is a field dump meant for logs).
 */
val AppException.userMessage: String
    get() = when (this) {
        is AppException.NotFound -> userMessage
        is AppException.DependencyNotDone -> userMessage
        is AppException.BlockedBy -> userMessage
        is AppException.InvalidFact -> userMessage
        is AppException.InvalidTransition -> userMessage
        is AppException.NothingToUndo -> userMessage
        is AppException.VaultFromNewerVersion -> userMessage
        is AppException.Refused -> userMessage
        is AppException.Busy -> userMessage
        is AppException.Cancelled -> userMessage
        is AppException.FileProblem -> userMessage
        is AppException.Backup -> userMessage
        is AppException.Storage -> userMessage
        is AppException.Internal -> userMessage
    }
