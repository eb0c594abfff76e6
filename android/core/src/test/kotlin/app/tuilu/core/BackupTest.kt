package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import java.io.File
import java.time.Clock
import java.time.Instant
import java.time.ZoneOffset
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test

/** Encrypted backup and restore through the FFI (create, inspect, restore, bad input). */
class BackupTest {
    private val vault = TestFiles.vault()
    private val now: Instant = Instant.parse("2026-09-29T08:00:00Z")
    private val clock = Clock.fixed(now, ZoneOffset.UTC)
    private val tuilu = Tuilu(vault, clock = clock)
    private val pass = "门前大桥下 游过一群鸭"

    @AfterEach
    fun tearDown() = tuilu.close()

    private fun outFile(name: String) = File(TestFiles.tempDir, "$name-${System.nanoTime()}.tuilu-backup")

    private suspend fun filledVault(): String {
        val case = tuilu.createCase(Guild.SCENARIO, Guild.facts).id
        tuilu.addEvidence(newEvidence(case), TestFiles.random("video.bin", 2 * 1024 * 1024).path)
        tuilu.addEvidenceBytes(newEvidence(case), "聊天.txt", "公会拒绝放人".toByteArray())
        return case
    }

    @Test
    fun backupInspectAndRestoreIntoAnotherVault(): Unit = runBlocking {
        val case = filledVault()
        assertNull(tuilu.lastBackup())
        val out = outFile("round-trip")
        val seen = Collections.synchronizedList(mutableListOf<Progress>())
        val created = tuilu.createBackup(out.path, pass, scryptWorkFactor = 10) { seen += it }
        assertEquals(out.path, created.path)
        assertEquals(out.length(), created.size)
        assertEquals(1L, created.manifest.counts.cases)
        assertEquals(2L, created.manifest.counts.evidenceItems)
        assertTrue(seen.isNotEmpty() && seen.last().done == seen.last().total, seen.toString())
        assertEquals(now, assertNotNull(tuilu.lastBackup()).createdAt)

        val inspected = tuilu.inspectBackup(out.path, pass)
        assertEquals(created.manifest, inspected.manifest)
        assertEquals(3L, inspected.entriesChecked)

        // A new phone: an empty vault elsewhere.
        Tuilu(TestFiles.vault(), clock = clock).use { other ->
            val events = other.restoreBackupFlow(out.path, pass).toList()
            val done = assertIs<OperationEvent.Finished<*>>(events.last()).result
            val restored = assertIs<app.tuilu.core.uniffi.BackupRestoredRecord>(done)
            assertFalse(restored.replaced)
            assertEquals(2L, restored.evidenceItemsVerified)
            assertEquals(listOf(case), other.cases().map { it.id })
            assertEquals(tuilu.case(case), other.case(case))
            assertTrue(other.verifyEvidence().intact)
        }
    }

    @Test
    fun badInputIsATypedErrorAndTheVaultStaysAsItWas(): Unit = runBlocking {
        val case = filledVault()
        val out = outFile("bad")
        tuilu.createBackup(out.path, pass, scryptWorkFactor = 10)
        val before = tuilu.cases()

        val wrong = assertFailsWith<ApiException.InvalidInput> { tuilu.restoreBackup(out.path, "鸭子", replace = true) }
        assertTrue(wrong.isBackupError("wrong_passphrase"), wrong.detail)

        val cut = File(TestFiles.tempDir, "cut-${System.nanoTime()}").apply { writeBytes(out.readBytes().copyOf(out.length().toInt() / 2)) }
        val truncated = assertFailsWith<ApiException.InvalidInput> { tuilu.restoreBackup(cut.path, pass, replace = true) }
        assertEquals("truncated", truncated.backupErrorKind)

        val bytes = out.readBytes().also { it[it.size / 3] = (it[it.size / 3].toInt() xor 1).toByte() }
        val changed = File(TestFiles.tempDir, "changed-${System.nanoTime()}").apply { writeBytes(bytes) }
        val damaged = assertFailsWith<ApiException.InvalidInput> { tuilu.inspectBackup(changed.path, pass) }
        assertEquals("damaged", damaged.backupErrorKind)

        val junk = TestFiles.write("photo.jpg", "not a backup".toByteArray())
        val notBackup = assertFailsWith<ApiException.InvalidInput> { tuilu.restoreBackup(junk.path, pass, replace = true) }
        assertEquals("not_a_backup", notBackup.backupErrorKind)

        val refused = assertFailsWith<ApiException.Conflict> { tuilu.restoreBackup(out.path, pass) }
        assertEquals("vault_has_cases", refused.backupErrorKind)

        assertEquals(before, tuilu.cases())
        assertTrue(tuilu.verifyEvidence(case).intact)
        // No staging folder left beside the vault.
        val name = File(vault).name
        assertTrue(File(vault).parentFile.listFiles()!!.none { it.name.startsWith(".$name.restore-") })
    }

    @Test
    fun cancelledBackupLeavesNoFile(): Unit = runBlocking {
        filledVault()
        val out = outFile("cancelled")
        val token = app.tuilu.core.uniffi.CancelToken()
        token.cancel()
        val listener = object : app.tuilu.core.uniffi.ProgressListener {
            override fun onProgress(done: ULong, total: ULong) {}
        }
        app.tuilu.core.uniffi.TuiluCore(vault).use { core ->
            assertFailsWith<ApiException.Cancelled> {
                core.createBackup(out.path, pass, now, 10, listener, token)
            }
        }
        assertFalse(out.exists())
        assertTrue(File(out.parent).listFiles()!!.none { it.name.startsWith(".tuilu-backup-") })
    }
}
