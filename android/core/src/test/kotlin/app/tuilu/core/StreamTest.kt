package app.tuilu.core

import app.tuilu.core.uniffi.AppException
import app.tuilu.core.uniffi.FileProblemKind
import app.tuilu.core.uniffi.Language
import com.sun.jna.Library
import com.sun.jna.Native
import java.io.ByteArrayInputStream
import java.io.IOException
import java.io.InputStream
import java.security.MessageDigest
import java.time.Clock
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test

/** Evidence by stream and by file descriptor: read once, hashed while copied, any name. */
class StreamTest {
    private fun screens() = TuiluScreens(
        TestFiles.vault(), Language.ZH, ZoneId.of("Asia/Shanghai"),
        Clock.fixed(Instant.parse("2026-09-30T09:00:00Z"), ZoneOffset.UTC),
    )

    private val answers = mapOf(
        "has_unsettled_earnings" to "否",
        "has_violation_record" to "否",
        "contract_ended" to "是",
    )

    private fun sha256(b: ByteArray) = MessageDigest.getInstance("SHA-256").digest(b).joinToString("") { "%02x".format(it) }

    /** libc's open(2), for a raw descriptor as `ParcelFileDescriptor.detachFd()` gives one. */
    private interface LibC : Library {
        fun open(path: String, flags: Int): Int
    }

    @Test
    fun aStreamIsAddedUnderItsDisplayNameWithProgress(): Unit = runBlocking {
        screens().use { s ->
            val case = s.createCase("douyin.guild-exit", answers)
            val bytes = ByteArray(3 * 1024 * 1024 + 17) { (it % 251).toByte() }
            val progress = mutableListOf<Progress>()
            // A name no file system would take: slashes and a newline are the platform's.
            val added = s.addEvidenceStream(case.id, "backup_data", ByteArrayInputStream(bytes), "录屏 2026/09/30\n.mp4", bytes.size.toLong()) { progress += it }
            assertFalse(added.duplicate)
            val row = added.list.items.single()
            assertEquals(sha256(bytes), row.sha256)
            assertEquals(bytes.size.toLong(), row.size)
            assertEquals("30.mp4", row.fileName)
            assertEquals(Progress(bytes.size.toLong(), bytes.size.toLong()), progress.last())
        }
    }

    @Test
    fun aFileDescriptorIsTakenOverAndRead(): Unit = runBlocking {
        screens().use { s ->
            val case = s.createCase("douyin.guild-exit", answers)
            val bytes = "聊天记录".repeat(1000).toByteArray()
            val file = TestFiles.write("picked.bin", bytes)
            val fd = Native.load("c", LibC::class.java).open(file.path, 0)
            assertTrue(fd >= 0)
            val added = s.addEvidenceFd(case.id, null, fd, "微信聊天记录.txt")
            val row = added.list.items.single()
            assertEquals("微信聊天记录.txt", row.fileName)
            assertEquals(sha256(bytes), row.sha256)
        }
    }

    @Test
    fun aStreamThatFailsLeavesNothingAndSaysSo(): Unit = runBlocking {
        screens().use { s ->
            val case = s.createCase("douyin.guild-exit", answers)
            val failing = object : InputStream() {
                var given = 0
                override fun read(): Int = throw IOException("gone")
                override fun read(b: ByteArray, off: Int, len: Int): Int {
                    if (given > 2) throw IOException("the provider went away")
                    given++
                    b.fill(1, off, off + len)
                    return len
                }
            }
            // Caught as the base type: the facade's one `userMessage` gives the words.
            val e: AppException = assertFailsWith<AppException> {
                s.addEvidenceStream(case.id, null, failing, "视频.mp4")
            }
            assertEquals(FileProblemKind.UNREADABLE, (e as AppException.FileProblem).code)
            val shown: String = (e as AppException).userMessage
            assertEquals("无法读取文件：视频.mp4", shown)
            assertTrue(s.evidence(case.id).items.isEmpty())
        }
    }
}
