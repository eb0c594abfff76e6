package app.tuilu.android

import android.content.ContentResolver
import android.content.Context
import android.content.Intent
import android.database.Cursor
import android.media.ExifInterface
import android.net.Uri
import android.provider.MediaStore
import android.provider.OpenableColumns
import androidx.annotation.RequiresApi
import app.tuilu.ui.PickedFile
import java.io.File
import java.time.Instant
import java.time.LocalDateTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter
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
 * When a file was captured, as the platform tells it, and where that came from: the
 * MediaStore's DATE_TAKEN, else the EXIF date of the bytes. The core takes this as the
 * captured-at time with its source once its import API accepts one (docs/android-ui.md).
 */
data class CaptureTime(val at: Instant, val source: String) {
    companion object {
        const val MEDIA_STORE = "media_store"
        const val EXIF = "exif"

        fun of(resolver: ContentResolver, uri: Uri, zone: ZoneId = ZoneId.systemDefault()): CaptureTime? =
            dateTaken(resolver, uri)?.let { CaptureTime(it, MEDIA_STORE) } ?: exif(resolver, uri, zone)?.let { CaptureTime(it, EXIF) }

        private fun dateTaken(resolver: ContentResolver, uri: Uri): Instant? = runCatching {
            resolver.query(uri, arrayOf(MediaStore.Images.ImageColumns.DATE_TAKEN), null, null, null)?.use { c ->
                val i = c.getColumnIndex(MediaStore.Images.ImageColumns.DATE_TAKEN)
                if (i >= 0 && c.moveToFirst() && !c.isNull(i)) c.getLong(i).takeIf { it > 0 }?.let(Instant::ofEpochMilli) else null
            }
        }.getOrNull()

        private val EXIF_FORMAT: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss")

        private fun exif(resolver: ContentResolver, uri: Uri, zone: ZoneId): Instant? = runCatching {
            resolver.openInputStream(uri)?.use { input ->
                val exif = ExifInterface(input)
                val text = exif.getAttribute(ExifInterface.TAG_DATETIME_ORIGINAL) ?: exif.getAttribute(ExifInterface.TAG_DATETIME)
                text?.let { LocalDateTime.parse(it, EXIF_FORMAT).atZone(zone).toInstant() }
            }
        }.getOrNull()
    }
}

/**
 * Brings `content://` files (share target, photo picker, document picker) into the app's
 * cache, off the main thread, with progress in bytes: a large video copied on the main
 * thread would freeze the app (ANR). The core then hashes and files the copy.
 */
class Incoming(private val context: Context, private val io: CoroutineDispatcher = Dispatchers.IO) {
    /** A copied file and what the platform said about it. */
    data class Copied(val file: PickedFile, val size: Long, val captured: CaptureTime?)

    suspend fun copy(uri: Uri, folder: String = "incoming", onProgress: (done: Long, total: Long) -> Unit = { _, _ -> }): Copied? =
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
                Copied(PickedFile(out.path, shown, resolver.getType(uri) ?: "application/octet-stream"), done, CaptureTime.of(resolver, uri))
            }.onFailure { android.util.Log.w("Tuilu", "could not copy $uri", it) }.getOrNull()
        }

    suspend fun copyAll(uris: List<Uri>, folder: String = "incoming", onProgress: (index: Int, done: Long, total: Long) -> Unit = { _, _, _ -> }): List<Copied> =
        uris.mapIndexedNotNull { i, uri -> copy(uri, folder) { done, total -> onProgress(i, done, total) } }

    private fun nameAndSize(c: Cursor): Pair<String?, Long> {
        if (!c.moveToFirst()) return null to -1L
        val n = c.getColumnIndex(OpenableColumns.DISPLAY_NAME)
        val s = c.getColumnIndex(OpenableColumns.SIZE)
        return (if (n >= 0 && !c.isNull(n)) c.getString(n) else null) to (if (s >= 0 && !c.isNull(s)) c.getLong(s) else -1L)
    }

    companion object {
        private const val BUFFER = 256 * 1024
    }
}
