package app.tuilu.android

import android.content.ContentProvider
import android.content.ContentValues
import android.content.Intent
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.os.Looper
import android.os.ParcelFileDescriptor
import android.provider.OpenableColumns
import androidx.lifecycle.SavedStateHandle
import app.tuilu.core.Progress
import app.tuilu.core.uniffi.CaptureTimeRecord
import app.tuilu.core.uniffi.CaptureTimeSource
import app.tuilu.core.uniffi.EvidenceRowRecord
import app.tuilu.core.uniffi.Language
import app.tuilu.ui.Route
import java.io.File
import java.security.MessageDigest
import java.time.Instant
import java.time.ZoneId
import java.util.Collections
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/** A gallery or chat app's content provider: one file, its name, size and MediaStore DATE_TAKEN. */
class SharingAppProvider : ContentProvider() {
    val opened: MutableList<Thread> = Collections.synchronizedList(mutableListOf())

    override fun onCreate() = true

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        opened += Thread.currentThread()
        if (gone) throw java.io.FileNotFoundException("withdrawn")
        return ParcelFileDescriptor.open(file, ParcelFileDescriptor.MODE_READ_ONLY)
    }

    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, args: Array<out String>?, sort: String?): Cursor {
        val columns = projection ?: arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE, DATE_TAKEN)
        return MatrixCursor(columns).apply {
            addRow(columns.map { c ->
                when (c) {
                    OpenableColumns.DISPLAY_NAME -> NAME
                    OpenableColumns.SIZE -> file.length()
                    DATE_TAKEN -> taken?.toEpochMilli()
                    else -> null
                }
            })
        }
    }

    override fun getType(uri: Uri) = "image/png"
    override fun insert(uri: Uri, values: ContentValues?): Uri? = null
    override fun delete(uri: Uri, selection: String?, args: Array<out String>?) = 0
    override fun update(uri: Uri, values: ContentValues?, selection: String?, args: Array<out String>?) = 0

    companion object {
        const val AUTHORITY = "com.ss.android.ugc.aweme.files"
        const val NAME = "Screenshot_20261009-143012_Douyin.png"
        const val DATE_TAKEN = "datetaken"
        /** DATE_TAKEN: 2026-10-09 14:30:11.500 Beijing time, half a second before the name's 14:30:12. */
        val TAKEN: Instant = Instant.parse("2026-10-09T06:30:11.500Z")
        /** What the name says, read in Beijing time. */
        val NAMED: Instant = Instant.parse("2026-10-09T06:30:12Z")
        /** The sharing app withdrew the file: opening it fails. */
        var gone = false
        /** The DATE_TAKEN this provider gives; null: none (a chat app's provider). */
        var taken: Instant? = TAKEN
        val URI: Uri = Uri.parse("content://$AUTHORITY/shared/$NAME")
        lateinit var file: File

        /** A PNG-looking file of 1 MiB (several copy buffers), different per test. */
        fun bytes(): ByteArray = ByteArray(1 shl 20) { i -> (i * 31 + 7).toByte() }.also {
            byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()).copyInto(it)
        }
    }
}

/** libc's `dup`, for [Incoming.detach] under Robolectric. */
interface LibC : com.sun.jna.Library {
    fun dup(fd: Int): Int
}

private val libc: LibC by lazy { com.sun.jna.Native.load("c", LibC::class.java) }

/** Detaching as the platform does, on Robolectric's descriptors: a duplicate for the core, the original closed. */
fun detachOnTheJvm(pfd: ParcelFileDescriptor): Int = libc.dup(pfd.fd).also { pfd.close(); check(it >= 0) { "dup failed" } }

fun sha256(bytes: ByteArray): String = MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

/**
 * Files from other apps (share target, photo picker, camera) on the real framework: never
 * copied to the cache, read once by the core through a file descriptor off the main
 * thread, filed with their hash and the capture time the core chose, with its source.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [26, 33, 35])
class IncomingTest {
    private val bytes = SharingAppProvider.bytes()

    private fun provider(taken: Instant? = SharingAppProvider.TAKEN): SharingAppProvider {
        SharingAppProvider.file = File.createTempFile("shot", ".png").apply { writeBytes(bytes); deleteOnExit() }
        SharingAppProvider.taken = taken
        SharingAppProvider.gone = false
        Incoming.detach = ::detachOnTheJvm
        return Robolectric.setupContentProvider(SharingAppProvider::class.java, SharingAppProvider.AUTHORITY)
    }

    private fun share(): Intent = Intent(Intent.ACTION_SEND).setType("image/png").putExtra(Intent.EXTRA_STREAM, SharingAppProvider.URI)

    /** Runs the main looper until [done] (coroutines resumed on Dispatchers.Main land there). */
    private fun idleUntil(done: () -> Boolean) {
        val deadline = System.nanoTime() + 60_000_000_000L
        while (!done()) {
            check(System.nanoTime() < deadline) { "timed out" }
            shadowOf(Looper.getMainLooper()).idle()
            Thread.sleep(10)
        }
    }

    /**
     * Shares the screenshot, files it under "提交退会申请" as the user would (the share banner,
     * then the step), and returns the evidence row the core made of it.
     */
    private fun shareAndFile(provider: SharingAppProvider, withdraw: Boolean = false): EvidenceRowRecord? {
        val app = app()
        // The user's zone: the screenshot's name is read in it.
        app.screens.zone = ZoneId.of("Asia/Shanghai")
        val vm = AppViewModel(app, SavedStateHandle())
        // A Chinese phone (the ViewModel took the test JVM's English locale).
        app.screens.language = Language.ZH
        // The share arrives on the main thread (MainActivity.handle).
        vm.receiveShared(share())
        idleUntil { vm.controller.pendingImport.isNotEmpty() }
        val file = vm.controller.pendingImport.single()
        assertEquals(SharingAppProvider.NAME, file.name)
        assertEquals(bytes.size.toLong(), file.size)
        assertEquals("nothing read before the user files it", 0, provider.opened.size)
        assertFalse("no cache copy", File(app.cacheDir, "incoming").exists())
        val case = submittedGuildExit(app)
        // The user opens the step and the controller files the pending share there. (`go`
        // does that itself once the step's screen has loaded, which needs MainActivity's
        // platform effects, not attached here: as in the process-death test below, the
        // files are handed to `addFiles`, the evidence screen's own import.)
        SharingAppProvider.gone = withdraw
        vm.controller.go(Route.Evidence(case, "submit_exit", "提交退会申请"))
        vm.controller.addFiles(vm.controller.pendingImport)
        if (withdraw) {
            idleUntil { vm.controller.message != null && vm.controller.busy == null }
            val words = vm.controller.message!!
            assertTrue(words, words.contains("无法读取文件") && words.contains(SharingAppProvider.NAME))
            assertTrue(runBlocking { app.screens.evidence(case, "submit_exit") }.items.isEmpty())
            return null
        }
        idleUntil {
            runBlocking { app.screens.evidence(case, "submit_exit") }.items.isNotEmpty() && vm.controller.busy == null
        }
        assertEquals("read once", 1, provider.opened.size)
        assertTrue("read off the main thread", provider.opened.none { it == Looper.getMainLooper().thread })
        val item = runBlocking { app.screens.evidence(case, "submit_exit") }.items.single()
        assertEquals(sha256(bytes), item.sha256)
        assertEquals(SharingAppProvider.NAME, item.fileName)
        return item
    }

    @Test
    fun aShareTheSendingAppWithdrewIsReportedByTheCoreInWords() {
        assertNull(shareAndFile(provider(), withdraw = true))
    }

    @Test
    fun aSharedScreenshotKeepsTheMediaStoresDateTaken() {
        val item = shareAndFile(provider())!!
        assertEquals(SharingAppProvider.TAKEN, item.capturedAt)
        assertTrue(item.capturedText, item.capturedText.contains("来自相册记录"))
    }

    @Test
    fun aSharedScreenshotWithoutDateTakenIsDatedByItsNameInTheUsersZone() {
        val item = shareAndFile(provider(taken = null))!!
        assertEquals(SharingAppProvider.NAMED, item.capturedAt)
        assertTrue(item.capturedText, item.capturedText.contains("来自文件名（可能不准）"))
    }

    @Test
    fun sendMultipleBringsEveryStream() {
        provider()
        val intent = Intent(Intent.ACTION_SEND_MULTIPLE).setType("image/*")
            .putParcelableArrayListExtra(Intent.EXTRA_STREAM, arrayListOf(SharingAppProvider.URI, SharingAppProvider.URI))
        assertEquals(2, ShareIntents.streams(intent).size)
        assertEquals(listOf(SharingAppProvider.URI), ShareIntents.streams(share()))
    }

    @Test
    fun theDescriptorIsReadWithProgressAndThePlatformsCaptureTime() {
        provider()
        val app = app()
        val file = runBlocking { Incoming(app).describe(SharingAppProvider.URI) }
        assertNotNull(file)
        assertEquals(CaptureTimeRecord(SharingAppProvider.TAKEN, CaptureTimeSource.MEDIA_STORE), file!!.captured)
        val case = submittedGuildExit(app)
        val progress = mutableListOf<Progress>()
        val added = runBlocking {
            app.screens.addEvidenceFd(case, null, file.open!!(), file.name, file.size, captured = file.captured) { progress += it }
        }
        assertEquals(sha256(bytes), added.list.items.single { it.id == added.itemId }.sha256)
        assertTrue("progress reported", progress.isNotEmpty())
        assertEquals(Progress(bytes.size.toLong(), bytes.size.toLong()), progress.last())
    }

    @Test
    fun aPickResultAfterProcessDeathIsFiledUnderItsStep() {
        provider()
        val app = app()
        val case = submittedGuildExit(app)
        val saved = SavedStateHandle()
        val before = AppViewModel(app, saved)
        val target = Route.Evidence(case, "submit_exit", "提交退会申请")
        // The picker opens for the step; then the system kills the process.
        var launched = false
        val job = runBlocking {
            launch(start = CoroutineStart.UNDISPATCHED) { before.picks.awaitPick(target) { launched = true } }.also { it.cancel() }
        }
        assertTrue(launched)
        assertNotNull(job)
        // A new process: the ViewModel comes back from the saved state; the result arrives.
        val restored = SavedStateHandle(saved.keys().associateWith { saved.get<Any>(it) })
        val after = AppViewModel(app, restored)
        after.picked(listOf(SharingAppProvider.URI))
        idleUntil {
            runBlocking { app.screens.evidence(case, "submit_exit") }.items.isNotEmpty() && after.controller.busy == null
        }
        val item = runBlocking { app.screens.evidence(case, "submit_exit") }.items.single()
        assertEquals(sha256(bytes), item.sha256)
        assertEquals(target.caseId, (after.controller.route as Route.Evidence).caseId)
        // A second delivery (nothing pending) files nothing more.
        assertNull(after.picks.deliverPicked(listOf(SharingAppProvider.URI)))
    }

    @Test
    fun aPickResultAfterRotationResumesThePick() {
        val picks = PickResults(SavedStateHandle())
        val uri = Uri.parse("content://media/picker/1")
        val got: List<Uri> = runBlocking {
            val waiting = async(start = CoroutineStart.UNDISPATCHED) {
                picks.awaitPick(Route.Evidence("c", "s", "t")) {}
            }
            // The new Activity's launcher callback delivers to the same holder.
            assertNull(picks.deliverPicked(listOf(uri)))
            waiting.await()
        }
        assertEquals(listOf(uri), got)
    }
}
