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
import app.tuilu.ui.Route
import java.io.File
import java.security.MessageDigest
import java.time.Instant
import java.util.Collections
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
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
        return ParcelFileDescriptor.open(file, ParcelFileDescriptor.MODE_READ_ONLY)
    }

    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, args: Array<out String>?, sort: String?): Cursor {
        val columns = projection ?: arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE, DATE_TAKEN)
        return MatrixCursor(columns).apply {
            addRow(columns.map { c ->
                when (c) {
                    OpenableColumns.DISPLAY_NAME -> NAME
                    OpenableColumns.SIZE -> file.length()
                    DATE_TAKEN -> TAKEN.toEpochMilli()
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
        /** 2026-10-09 14:30:12 Beijing time, as the screenshot's name says. */
        val TAKEN: Instant = Instant.parse("2026-10-09T06:30:12Z")
        val URI: Uri = Uri.parse("content://$AUTHORITY/shared/$NAME")
        lateinit var file: File

        /** A PNG-looking file of 1 MiB (several copy buffers), different per test. */
        fun bytes(): ByteArray = ByteArray(1 shl 20) { i -> (i * 31 + 7).toByte() }.also {
            byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()).copyInto(it)
        }
    }
}

fun sha256(bytes: ByteArray): String = MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

/**
 * Files from other apps (share target, photo picker, camera) on the real framework: copied
 * off the main thread, once, filed with their hash, with the platform's capture time.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [26, 33, 35])
class IncomingTest {
    private val bytes = SharingAppProvider.bytes()

    private fun provider(): SharingAppProvider {
        SharingAppProvider.file = File.createTempFile("shot", ".png").apply { writeBytes(bytes); deleteOnExit() }
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

    @Test
    fun aSharedScreenshotIsCopiedOffTheMainThreadOnceAndFiledWithItsHash() {
        val provider = provider()
        val app = app()
        val vm = AppViewModel(app, SavedStateHandle())
        // The share arrives on the main thread (MainActivity.handle).
        vm.receiveShared(share())
        idleUntil { vm.controller.pendingImport.isNotEmpty() }
        val file = vm.controller.pendingImport.single()
        assertEquals(SharingAppProvider.NAME, file.name)
        assertEquals(1, provider.opened.size)
        assertTrue("copied off the main thread", provider.opened.none { it == Looper.getMainLooper().thread })
        // Filed under a step: the vault holds it with the hash of the shared bytes.
        val case = submittedGuildExit(app)
        val added = runBlocking { app.screens.addEvidence(case, "submit_exit", file.path) }
        val item = added.list.items.single { it.id == added.itemId }
        assertEquals(sha256(bytes), item.sha256)
        assertEquals(1, provider.opened.size)
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
    fun theCopyReportsProgressAndThePlatformsCaptureTime() {
        provider()
        val app = app()
        val progress = mutableListOf<Long>()
        val copied = runBlocking { Incoming(app).copy(SharingAppProvider.URI) { done, total -> progress += done; assertEquals(bytes.size.toLong(), total) } }
        assertNotNull(copied)
        assertEquals(bytes.size.toLong(), copied!!.size)
        assertTrue("progress in several steps", progress.size > 1)
        assertEquals(bytes.size.toLong(), progress.last())
        assertEquals(CaptureTime(SharingAppProvider.TAKEN, CaptureTime.MEDIA_STORE), copied.captured)
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
