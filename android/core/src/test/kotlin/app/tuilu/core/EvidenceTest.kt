package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.CancelToken
import app.tuilu.core.uniffi.EvidenceSource
import app.tuilu.core.uniffi.ProgressListener
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
import kotlin.test.assertTrue
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test

class EvidenceTest {
    private val vault = TestFiles.vault()
    private val now: Instant = Instant.parse("2026-09-29T08:00:00Z")
    private val tuilu = Tuilu(vault, clock = Clock.fixed(now, ZoneOffset.UTC))

    @AfterEach
    fun tearDown() = tuilu.close()

    private suspend fun newCase(): String = tuilu.createCase(Guild.SCENARIO, Guild.facts).id

    /** Files stored under `<vault>/evidence/sha256` and left in `<vault>/evidence/tmp`. */
    private fun storedFiles(): List<File> =
        listOf("sha256", "tmp").flatMap { sub ->
            File(vault, "evidence/$sub").walkTopDown().filter { it.isFile }.toList()
        }

    /** Partial copies left in `<vault>/evidence/tmp`. */
    private fun tempFiles(): List<File> = File(vault, "evidence/tmp").listFiles()?.toList() ?: emptyList()

    @Test
    fun addFileAndBytesListVerifyIntact(): Unit = runBlocking {
        val case = newCase()
        val screenshot = TestFiles.write("聊天记录截图.png", "not really a png".toByteArray())
        val a = tuilu.addEvidence(newEvidence(case, note = "公会拒绝", tags = listOf("聊天")), screenshot.path)
        assertFalse(a.duplicate)
        assertEquals("聊天记录截图.png", a.item.originalName)
        assertEquals(TestFiles.sha256(screenshot.readBytes()), a.item.sha256)
        assertEquals(listOf("聊天"), a.item.tags)
        assertEquals(now, a.item.importedAt)
        val b = tuilu.addEvidenceBytes(
            newEvidence(case, stepId = "backup_data", source = EvidenceSource.CAPTURE),
            "backup.txt",
            "备份".toByteArray(),
        )
        assertEquals("backup_data", b.item.stepId)
        // The step's title, localized like every other title.
        val title = tuilu.case(case).step("backup_data")!!.title
        assertEquals(title, b.item.stepTitle)
        assertEquals(title, tuilu.evidence(case).single { it.id == b.item.id }.stepTitle)
        assertFalse("/" in b.item.stepTitle!!.zh, b.item.stepTitle.toString())
        assertEquals(EvidenceSource.CAPTURE, b.item.source)
        // The same bytes again: the existing item, nothing new.
        val again = tuilu.addEvidenceBytes(newEvidence(case), "copy.txt", "备份".toByteArray())
        assertTrue(again.duplicate)
        assertEquals(b.item.id, again.item.id)

        assertEquals(listOf(a.item.id, b.item.id), tuilu.evidence(case).map { it.id })
        assertEquals(a.item, tuilu.evidenceItem(a.item.id))
        val report = tuilu.verifyEvidence(case)
        assertTrue(report.intact, report.issues.toString())
        assertEquals(2L, report.itemsChecked)
        assertEquals(case, report.caseId)

        val linked = tuilu.linkEvidence(a.item.id, "read_contract_and_negotiate")
        assertEquals("read_contract_and_negotiate", linked.stepId)
        assertEquals(null, tuilu.linkEvidence(a.item.id, null).stepId)
        assertEquals("新备注", tuilu.annotateEvidence(a.item.id, note = "新备注").note)
        assertTrue(tuilu.verifyEvidence().intact)
    }

    @Test
    fun tamperedFileIsReportedNamingItemAndStep(): Unit = runBlocking {
        val case = newCase()
        val added = tuilu.addEvidenceBytes(newEvidence(case, stepId = "backup_data"), "proof.txt", "原件".toByteArray())
        val sha = added.item.sha256
        val stored = File(vault, "evidence/sha256/${sha.take(2)}/$sha")
        assertTrue(stored.isFile, "stored at $stored")
        stored.setWritable(true)
        stored.writeBytes("篡改".toByteArray())

        val report = tuilu.verifyEvidence(case)
        assertFalse(report.intact)
        val issue = report.issues.single()
        assertEquals("changed_file", issue.kind)
        assertEquals(added.item.id, issue.item!!.id)
        assertEquals("backup_data", issue.item!!.stepId)
        assertEquals("proof.txt", issue.item!!.originalName)
        assertEquals(sha, issue.expectedSha256)
        assertEquals(TestFiles.sha256("篡改".toByteArray()), issue.actualSha256)
        assertTrue(added.item.id in issue.message.zh && added.item.id in issue.message.en)
        // An export re-hashes every original: it refuses the changed file.
        val out = File(TestFiles.tempDir, "tampered-${System.nanoTime()}.zip")
        assertFailsWith<ApiException.Storage> { tuilu.exportEvidence(case, out.path) }
        assertFalse(out.exists())
    }

    @Test
    fun exportThenVerifyBundle(): Unit = runBlocking {
        val case = newCase()
        tuilu.addEvidenceBytes(newEvidence(case, stepId = "backup_data"), "a.txt", "一".toByteArray())
        tuilu.addEvidence(newEvidence(case), TestFiles.random("b.bin", 300_000).path)
        val out = File(TestFiles.tempDir, "bundle-${System.nanoTime()}.zip").apply { deleteOnExit() }
        val seen = Collections.synchronizedList(mutableListOf<Progress>())
        val export = tuilu.exportEvidence(case, out.path) { seen += it }
        assertEquals(out.path, export.path)
        assertEquals(2L, export.items)
        assertEquals(TestFiles.sha256(out.readBytes()), export.sha256)
        assertEquals(out.length(), export.size)
        assertTrue(seen.isNotEmpty() && seen.last().done == seen.last().total, seen.toString())

        val bundle = tuilu.verifyBundle(out.path)
        assertTrue(bundle.intact, bundle.issues.toString())
        assertEquals(case, bundle.caseId)
        assertEquals(2L, bundle.items)
        // The output exists: a Conflict, and the bundle is left alone.
        assertFailsWith<ApiException.Conflict> { tuilu.exportEvidence(case, out.path) }
        // Not a zip.
        val junk = TestFiles.write("junk.zip", "not a zip".toByteArray())
        assertFailsWith<ApiException.InvalidInput> { tuilu.verifyBundle(junk.path) }
        // A case without evidence has nothing to export.
        assertFailsWith<ApiException.InvalidInput> {
            tuilu.exportEvidence(newCase(), File(TestFiles.tempDir, "empty-${System.nanoTime()}.zip").path)
        }
    }

    @Test
    fun exportFlowEmitsProgressThenTheReport(): Unit = runBlocking {
        val case = newCase()
        tuilu.addEvidence(newEvidence(case), TestFiles.random("flow-export.bin", 3 * 1024 * 1024).path)
        val out = File(TestFiles.tempDir, "flow-${System.nanoTime()}.zip").apply { deleteOnExit() }
        val events = tuilu.exportEvidenceFlow(case, out.path).toList()
        val finished = assertIs<OperationEvent.Finished<*>>(events.last())
        assertEquals(1L, (finished.result as app.tuilu.core.uniffi.ExportReportRecord).items)
        val running = events.dropLast(1).map { assertIs<OperationEvent.Running>(it).progress }
        assertTrue(running.isNotEmpty())
        assertTrue(running.zipWithNext().all { (a, b) -> a.done < b.done }, running.toString())
        assertEquals(running.last().total, running.last().done)
    }

    @Test
    fun addProgressIsMonotonicAndEndsAtTotal(): Unit = runBlocking {
        val case = newCase()
        val file = TestFiles.random("progress.bin", 5 * 1024 * 1024 + 3)
        val events = tuilu.addEvidenceFlow(newEvidence(case), file.path).toList()
        val progress = events.dropLast(1).map { assertIs<OperationEvent.Running>(it).progress }
        assertEquals(Progress(0, file.length()), progress.first())
        assertEquals(Progress(file.length(), file.length()), progress.last())
        assertTrue(progress.zipWithNext().all { (a, b) -> a.done < b.done })
        assertIs<OperationEvent.Finished<*>>(events.last())
    }

    @Test
    fun cancellingALargeAddLeavesNoFileAndNoRow(): Unit = runBlocking {
        val case = newCase()
        val big = TestFiles.random("big.bin", 64 * 1024 * 1024, seed = 64)
        val token = CancelToken()
        val calls = Collections.synchronizedList(mutableListOf<Pair<ULong, ULong>>())
        val listener = object : ProgressListener {
            override fun onProgress(done: ULong, total: ULong) {
                calls += done to total
                if (done > 0uL) token.cancel()
            }
        }
        tuilu.openVault()
        val core = app.tuilu.core.uniffi.TuiluCore(vault)
        try {
            assertFailsWith<ApiException.Cancelled> {
                core.addEvidenceFile(newEvidence(case), big.path, now, listener, token)
            }
        } finally {
            core.close()
            token.close()
        }
        assertTrue(calls.last().first < big.length().toULong(), "stopped early: ${calls.last()}")
        assertEquals(emptyList(), tuilu.evidence(case))
        assertEquals(emptyList(), storedFiles())
        assertTrue(tuilu.verifyEvidence().intact)
    }

    @Test
    fun cancellingTheCoroutineStopsTheAdd(): Unit = runBlocking {
        val case = newCase()
        val big = TestFiles.random("big-coroutine.bin", 32 * 1024 * 1024, seed = 32)
        val firstChunk = CompletableDeferred<Unit>()
        val slowedOnce = java.util.concurrent.atomic.AtomicBoolean(false)
        val job = launch(Dispatchers.Default) {
            tuilu.addEvidence(newEvidence(case), big.path) {
                if (it.done > 0) {
                    firstChunk.complete(Unit)
                    // The native worker is busy (in this callback) when the coroutine is
                    // cancelled: it notices the cancel only after this returns.
                    if (slowedOnce.compareAndSet(false, true)) Thread.sleep(300)
                }
            }
        }
        withTimeout(10_000) { firstChunk.await() }
        withTimeout(10_000) { job.cancelAndJoin() }
        // cancelAndJoin returns once the native worker has removed its temporary file:
        // no window in which `evidence/tmp` still holds the partial copy.
        assertEquals(emptyList(), storedFiles())
        assertEquals(emptyList(), tuilu.evidence(case))
    }

    @Test
    fun cancellingAFlowCollectorWaitsForTheCleanup(): Unit = runBlocking {
        val case = newCase()
        val big = TestFiles.random("big-flow.bin", 32 * 1024 * 1024, seed = 31)
        val firstChunk = CompletableDeferred<Unit>()
        val job = launch(Dispatchers.Default) {
            tuilu.addEvidenceFlow(newEvidence(case), big.path).collect { event ->
                if (event is OperationEvent.Running && event.progress.done > 0) {
                    firstChunk.complete(Unit)
                    delay(10_000)
                }
            }
        }
        withTimeout(10_000) { firstChunk.await() }
        withTimeout(10_000) { job.cancelAndJoin() }
        // (The add may have finished first on a fast machine; either way no partial copy.)
        assertEquals(emptyList(), tempFiles())
    }

    @Test
    fun theNextVaultOpenSweepsLeftoverTempFiles(): Unit = runBlocking {
        tuilu.openVault()
        // What a killed process leaves behind mid-import.
        val tmp = File(vault, "evidence/tmp").apply { mkdirs() }
        val left = File(tmp, "add-0000000000000000.part").apply { writeBytes(ByteArray(4096)) }
        Tuilu(vault, clock = Clock.fixed(now, ZoneOffset.UTC)).use { it.openVault() }
        assertFalse(left.exists(), "the next open removes evidence/tmp/*.part")
        assertEquals(emptyList(), storedFiles())
    }

    @Test
    fun otherVaultCallsGoOnDuringALargeAdd(): Unit = runBlocking {
        val case = newCase()
        val big = TestFiles.random("big-concurrent.bin", 64 * 1024 * 1024, seed = 33)
        val firstChunk = CompletableDeferred<Unit>()
        val finished = java.util.concurrent.atomic.AtomicBoolean(false)
        val job = launch(Dispatchers.Default) {
            tuilu.addEvidence(newEvidence(case), big.path) {
                if (it.done > 0) firstChunk.complete(Unit)
                Thread.sleep(50)
            }
            finished.set(true)
        }
        withTimeout(10_000) { firstChunk.await() }
        // The add hashes and writes without holding the vault's connection: reads go on.
        assertEquals(emptyList(), tuilu.evidence(case))
        assertFalse(finished.get(), "the add should still be running")
        withTimeout(60_000) { job.join() }
        assertEquals(1, tuilu.evidence(case).size)
    }

    @Test
    fun deleteLeavesATombstone(): Unit = runBlocking {
        val case = newCase()
        val a = tuilu.addEvidenceBytes(newEvidence(case), "del.txt", "删除我".toByteArray())
        val d = tuilu.deleteEvidence(a.item.id)
        assertTrue(d.fileRemoved)
        assertNotNull(d.item.deletedAt)
        assertEquals(emptyList(), tuilu.evidence(case))
        assertEquals(emptyList(), storedFiles())
        assertNotNull(tuilu.evidenceItem(a.item.id).deletedAt)
        assertFailsWith<ApiException.Conflict> { tuilu.deleteEvidence(a.item.id) }
        assertTrue(tuilu.verifyEvidence().intact)
    }

    @Test
    fun errorsNameNoFileOrPath(): Unit = runBlocking {
        val case = newCase()
        val missing = File(TestFiles.tempDir, "张三的合同.pdf").path
        val e = assertFailsWith<ApiException.NotFound> { tuilu.addEvidence(newEvidence(case), missing) }
        assertFalse("张三" in e.detail || "tuilu-kotlin" in e.detail, e.detail)
        assertFailsWith<ApiException.InvalidInput> { tuilu.addEvidence(newEvidence(case), TestFiles.tempDir.path) }
        assertFailsWith<ApiException.NotFound> { tuilu.addEvidenceBytes(newEvidence("zzzzzzzz"), "x", byteArrayOf(1)) }
        val step = assertFailsWith<ApiException.NotFound> {
            tuilu.addEvidenceBytes(newEvidence(case, stepId = "nope"), "x", byteArrayOf(1))
        }
        assertTrue("nope" in step.detail)
        assertFailsWith<ApiException.NotFound> { tuilu.evidenceItem("nope") }
        assertFailsWith<ApiException.NotFound> { tuilu.verifyBundle(missing) }
        assertEquals(emptyList(), tuilu.evidence(case))
    }
}
