package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.CalendarStatusRecord
import app.tuilu.core.uniffi.CancelToken
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
import java.time.Instant
import java.time.LocalDate
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
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
 * cross the FFI, uniffi-rs #2771).
 *
 * Dates are [LocalDate]s (China calendar dates), instants [Instant]s. Errors are
 * [ApiException] subclasses (InvalidInput, NotFound, Conflict, Storage, Io, Cancelled,
 * Internal); see [userMessage] for text to show.
 *
 * This file must stay free of Android types: it is compiled and tested on the JVM.
 */
class Tuilu(
    vaultDir: String,
    private val ioDispatcher: CoroutineDispatcher = Dispatchers.IO,
) : AutoCloseable {
    private val core = TuiluCore(vaultDir)

    companion object {
        /** The core library's version, e.g. `0.1.0`. */
        val version: String
            get() = coreVersion()

        /** Opens the core on [vaultDir] off the caller's thread. */
        suspend fun open(vaultDir: String, ioDispatcher: CoroutineDispatcher = Dispatchers.IO): Tuilu =
            withContext(ioDispatcher) { Tuilu(vaultDir, ioDispatcher) }

        /**
         * Validates a rule pack (TOML text) like a bundled one. An invalid pack is a result
         * with every issue (pack, path, message, line, column), not an exception.
         */
        suspend fun checkPack(tomlText: String, ioDispatcher: CoroutineDispatcher = Dispatchers.IO): PackCheckRecord =
            withContext(ioDispatcher) { ffiCheckPack(tomlText) }
    }

    private suspend fun <T> io(block: TuiluCore.() -> T): T = withContext(ioDispatcher) { core.block() }

    // -- scenarios and plans -----------------------------------------------------------

    /** Every scenario: the bundled ones in a stable order, then those added. */
    suspend fun scenarios(): List<ScenarioInfo> = io { scenarios() }

    /** One scenario. Throws [ApiException.NotFound]. */
    suspend fun scenario(id: String): ScenarioInfo = io { scenario(id) }

    /** See [Tuilu.Companion.checkPack]. */
    suspend fun checkPack(tomlText: String): PackCheckRecord = checkPack(tomlText, ioDispatcher)

    /**
     * Validates a pack and adds it, replacing the scenario with the same id, for this
     * object's life. Throws [ApiException.InvalidInput] (use [checkPack] for every issue).
     */
    suspend fun addPack(tomlText: String): ScenarioInfo = io { addPack(tomlText) }

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
            }
        }
        awaitClose {
            token.cancel()
            token.close()
        }
    }

    /** Releases the native object. Calls made after this throw [IllegalStateException]. */
    override fun close() = core.close()

    /** Runs [block] with a fresh token that is cancelled if the coroutine is cancelled. */
    private suspend fun <T> cancellable(block: suspend (CancelToken) -> T): T =
        CancelToken().use { token ->
            try {
                block(token)
            } catch (e: CancellationException) {
                token.cancel()
                throw e
            }
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
