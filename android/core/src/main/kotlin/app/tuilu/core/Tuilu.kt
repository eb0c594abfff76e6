package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.CancelToken
import app.tuilu.core.uniffi.PackSummary
import app.tuilu.core.uniffi.ProgressListener
import app.tuilu.core.uniffi.TuiluCore
import app.tuilu.core.uniffi.coreVersion
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
 * Quick calls run on [ioDispatcher]; long ones (hashing, later import/export/verify) run on
 * the core's own worker threads and are awaited without blocking a thread. Cancelling the
 * calling coroutine stops the native work: the facade cancels the operation's [CancelToken]
 * (cancellation of the native future alone does not cross the FFI, uniffi-rs #2771).
 *
 * Errors are [ApiException] subclasses (InvalidInput, NotFound, Conflict, Storage, Io,
 * Cancelled, Internal); see [userMessage] for text to show.
 *
 * This file must stay free of Android types: it is compiled and tested on the JVM.
 */
class Tuilu(
    private val ioDispatcher: CoroutineDispatcher = Dispatchers.IO,
) : AutoCloseable {
    private val core = TuiluCore()

    companion object {
        /** The core library's version, e.g. `0.1.0`. */
        val version: String
            get() = coreVersion()
    }

    /** Parses a rule pack (TOML text) into its outline. Throws [ApiException.InvalidInput]. */
    suspend fun parsePack(tomlText: String): PackSummary =
        withContext(ioDispatcher) { app.tuilu.core.uniffi.parsePack(tomlText) }

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
