package app.tuilu.android

import android.content.ContentResolver
import android.content.Context
import android.content.Intent
import android.database.Cursor
import android.net.Uri
import android.provider.MediaStore
import android.provider.OpenableColumns
import android.os.ParcelFileDescriptor
import androidx.annotation.RequiresApi
import androidx.annotation.VisibleForTesting
import app.tuilu.core.uniffi.CaptureTimeRecord
import app.tuilu.core.uniffi.CaptureTimeSource
import app.tuilu.ui.PickedFile
import java.io.File
import java.time.Instant
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.withContext

/** The `content://` streams of a share (ACTION_SEND, ACTION_SEND_MULTIPLE). */
object ShareIntents {
    fun isShare(intent: Intent) = intent.action == Intent.ACTION_SEND || intent.action == Intent.ACTION_SEND_MULTIPLE

    fun streams(intent: Intent): List<Uri> = when {
        !isShare(intent) -> emptyList()
        android.os.Build.VERSION.SDK_INT >= 33 -> streams33(intent)
        else -> streamsLegacy(intent)
    }

    @RequiresApi(33)
    private fun streams33(intent: Intent): List<Uri> = if (intent.action == Intent.ACTION_SEND_MULTIPLE) {
        intent.getParcelableArrayListExtra(Intent.EXTRA_STREAM, Uri::class.java).orEmpty()
    } else {
        listOfNotNull(intent.getParcelableExtra(Intent.EXTRA_STREAM, Uri::class.java))
    }

    @Suppress("DEPRECATION")
    private fun streamsLegacy(intent: Intent): List<Uri> = if (intent.action == Intent.ACTION_SEND_MULTIPLE) {
        intent.getParcelableArrayListExtra<Uri>(Intent.EXTRA_STREAM).orEmpty()
    } else {
        listOfNotNull(intent.getParcelableExtra(Intent.EXTRA_STREAM))
    }
}

/**
 * The capture time the platform knows about a shared or picked file: the MediaStore's
 * DATE_TAKEN (a screenshot's is the moment the screen was captured). Passed to the core
 * with the bytes; the core reads the EXIF date of the bytes itself (which wins) and, with
 * neither, a screenshot's file name, and words the source for the user.
 */
object CaptureTime {
    fun of(resolver: ContentResolver, uri: Uri): CaptureTimeRecord? =
        dateTaken(resolver, uri)?.let { CaptureTimeRecord(it, CaptureTimeSource.MEDIA_STORE) }

    private fun dateTaken(resolver: ContentResolver, uri: Uri): Instant? = runCatching {
        resolver.query(uri, arrayOf(MediaStore.Images.ImageColumns.DATE_TAKEN), null, null, null)?.use { c ->
            val i = c.getColumnIndex(MediaStore.Images.ImageColumns.DATE_TAKEN)
            if (i >= 0 && c.moveToFirst() && !c.isNull(i)) c.getLong(i).takeIf { it > 0 }?.let(Instant::ofEpochMilli) else null
        }
    }.getOrNull()
}

/**
 * Files from other apps (share target, photo picker, document picker). Nothing is copied:
 * [describe] asks the provider for the name, size and capture time (off the main thread),
 * and the file's [PickedFile.open] gives the core a file descriptor when it is filed, which
 * the core reads once, hashing while it writes into the vault, with progress in bytes.
 * A large video read on the main thread would freeze the app (ANR); none is.
 */
class Incoming(private val context: Context, private val io: CoroutineDispatcher = Dispatchers.IO) {
    /** What the provider says about [uri], with an [PickedFile.open] of it; null when it cannot be read. */
    suspend fun describe(uri: Uri): PickedFile? = withContext(io) {
        runCatching {
            val resolver = context.contentResolver
            val (name, size) = resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE), null, null, null)
                ?.use(::nameAndSize) ?: (null to -1L)
            PickedFile(
                path = uri.toString(),
                name = name ?: uri.lastPathSegment ?: "shared",
                mediaType = resolver.getType(uri) ?: "application/octet-stream",
                open = { open(uri) },
                size = size.takeIf { it >= 0 },
                captured = CaptureTime.of(resolver, uri),
            )
        }.onFailure { android.util.Log.w("Tuilu", "could not read $uri", it) }.getOrNull()
    }

    suspend fun describeAll(uris: List<Uri>): List<PickedFile> = uris.mapNotNull { describe(it) }

    /** A file descriptor of [uri], detached for the core to take over and close. */
    suspend fun open(uri: Uri): Int = withContext(io) {
        val pfd = context.contentResolver.openFileDescriptor(uri, "r") ?: throw java.io.FileNotFoundException(uri.toString())
        detach(pfd)
    }

    /**
     * A copy of [uri] in the cache, off the main thread, with progress: for a backup to
     * restore, which the core reads by path. Evidence is never copied ([describe]).
     */
    suspend fun copy(uri: Uri, folder: String, onProgress: (done: Long, total: Long) -> Unit = { _, _ -> }): PickedFile? =
        withContext(io) {
            runCatching {
                val resolver = context.contentResolver
                val (name, size) = resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE), null, null, null)
                    ?.use(::nameAndSize) ?: (null to -1L)
                val shown = (name ?: uri.lastPathSegment ?: "shared").replace('/', '_')
                val dir = File(context.cacheDir, folder).apply { mkdirs() }
                val out = File(File(dir, "${System.nanoTime()}").apply { mkdirs() }, shown) // the name the vault keeps
                var done = 0L
                resolver.openInputStream(uri)!!.use { input ->
                    out.outputStream().use { output ->
                        val buffer = ByteArray(BUFFER)
                        while (true) {
                            ensureActive()
                            val n = input.read(buffer)
                            if (n < 0) break
                            output.write(buffer, 0, n)
                            done += n
                            onProgress(done, size)
                        }
                    }
                }
                PickedFile(out.path, shown, resolver.getType(uri) ?: "application/octet-stream")
            }.onFailure { android.util.Log.w("Tuilu", "could not copy $uri", it) }.getOrNull()
        }

    private fun nameAndSize(c: Cursor): Pair<String?, Long> {
        if (!c.moveToFirst()) return null to -1L
        val n = c.getColumnIndex(OpenableColumns.DISPLAY_NAME)
        val s = c.getColumnIndex(OpenableColumns.SIZE)
        return (if (n >= 0 && !c.isNull(n)) c.getString(n) else null) to (if (s >= 0 && !c.isNull(s)) c.getLong(s) else -1L)
    }

    companion object {
        private const val BUFFER = 256 * 1024

        /**
         * `ParcelFileDescriptor.detachFd()`: the descriptor is the core's from then on. Replaced
         * only by the Robolectric tests: Robolectric's descriptors cannot detach on SDK 29+
         * (libcore's `FileDescriptor.getOwnerId$` does not exist on a desktop JVM), so they
         * duplicate it through libc and close the original, which is what detaching amounts to.
         */
        @VisibleForTesting
        @Volatile
        var detach: (ParcelFileDescriptor) -> Int = { it.detachFd() }
    }
}
