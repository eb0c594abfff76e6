package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.CancelToken
import app.tuilu.core.uniffi.ProgressListener
import app.tuilu.core.uniffi.TuiluCore
import java.io.File
import java.util.Collections
import java.util.Locale
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test

class TuiluTest {
    private val tuilu = Tuilu(TestFiles.vault())

    @AfterEach
    fun tearDown() = tuilu.close()

    // -- version -------------------------------------------------------------------------

    @Test
    fun versionIsSemverAndTheSameEverywhere() {
        assertTrue(Regex("""\d+\.\d+\.\d+.*""").matches(Tuilu.version), Tuilu.version)
        TuiluCore(TestFiles.vault()).use { assertEquals(Tuilu.version, it.version()) }
    }

    // -- hashing -------------------------------------------------------------------------

    @Test
    fun hashesKnownContent() = runBlocking {
        assertEquals(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            tuilu.hashFile(TestFiles.write("empty", ByteArray(0)).path),
        )
        assertEquals(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            tuilu.hashFile(TestFiles.write("abc", "abc".toByteArray()).path),
        )
        // Non-ASCII paths cross the FFI intact.
        val chinese = TestFiles.write("证据-截图.txt", "退路".toByteArray())
        assertEquals(TestFiles.sha256("退路".toByteArray()), tuilu.hashFile(chinese.path))
    }

    @Test
    fun largeFileReportsMonotonicProgressEndingAtTotal() = runBlocking {
        val file = TestFiles.random("large.bin", 3 * 1024 * 1024 + 17)
        val seen = Collections.synchronizedList(mutableListOf<Progress>())
        val digest = tuilu.hashFile(file.path) { seen += it }
        assertEquals(TestFiles.sha256(file.readBytes()), digest)
        val total = file.length()
        assertEquals(Progress(0, total), seen.first())
        assertEquals(Progress(total, total), seen.last())
        assertTrue(seen.size in 3..102, "${seen.size} progress calls")
        assertTrue(seen.zipWithNext().all { (a, b) -> a.done < b.done }, "not increasing: $seen")
        assertEquals(1.0, seen.last().fraction)
    }

    @Test
    fun flowEmitsProgressThenFinished() = runBlocking {
        val file = TestFiles.random("flow.bin", 1024 * 1024)
        val events = tuilu.hashFileFlow(file.path).toList()
        val finished = assertIs<HashEvent.Finished>(events.last())
        assertEquals(TestFiles.sha256(file.readBytes()), finished.sha256)
        val running = events.dropLast(1).map { assertIs<HashEvent.Running>(it).progress }
        assertTrue(running.isNotEmpty())
        assertEquals(file.length(), running.last().done)
    }

    @Test
    fun flowEndsWithTheError() = runBlocking {
        assertFailsWith<ApiException.NotFound> {
            tuilu.hashFileFlow(File(TestFiles.tempDir, "missing").path).toList()
        }
        Unit
    }

    // -- cancel --------------------------------------------------------------------------

    @Test
    fun cancelTokenStopsHashing() = runBlocking {
        val file = TestFiles.random("cancel.bin", 4 * 1024 * 1024)
        val token = CancelToken()
        val calls = AtomicInteger()
        val listener = object : ProgressListener {
            override fun onProgress(done: ULong, total: ULong) {
                calls.incrementAndGet()
                token.cancel()
            }
        }
        TuiluCore(TestFiles.vault()).use { core ->
            assertFailsWith<ApiException.Cancelled> { core.hashFile(file.path, listener, token) }
        }
        assertTrue(token.isCancelled())
        assertTrue(calls.get() <= 2, "${calls.get()} progress calls after cancel")
    }

    @Test
    fun alreadyCancelledTokenFailsAtOnce() = runBlocking {
        val token = CancelToken().apply { cancel() }
        TuiluCore(TestFiles.vault()).use { core ->
            assertFailsWith<ApiException.Cancelled> {
                core.hashFile(TestFiles.write("pre", "x".toByteArray()).path, null, token)
            }
        }
        Unit
    }

    @Test
    fun cancellingTheCoroutineStopsTheNativeWork() = runBlocking {
        val file = TestFiles.random("slow.bin", 8 * 1024 * 1024)
        val started = CompletableDeferred<Unit>()
        val calls = AtomicInteger()
        val job = launch(Dispatchers.Default) {
            tuilu.hashFile(file.path) {
                calls.incrementAndGet()
                started.complete(Unit)
                Thread.sleep(20) // slow listener: the work takes ~0.7 s uncancelled
            }
        }
        withTimeout(5_000) { started.await() }
        job.cancelAndJoin()
        val atCancel = calls.get()
        delay(300)
        assertTrue(job.isCancelled)
        assertTrue(calls.get() - atCancel <= 1, "work went on: ${calls.get() - atCancel} more calls")
        assertTrue(calls.get() < 30, "${calls.get()} calls: the work was not stopped")
    }

    @Test
    fun droppingTheNativeFutureWithoutATokenAlsoStopsTheWork() = runBlocking {
        // The generated suspend function frees the Rust future when its coroutine is
        // cancelled; the core treats that as abandonment and stops at the next chunk.
        val file = TestFiles.random("abandon.bin", 8 * 1024 * 1024)
        val started = CompletableDeferred<Unit>()
        val calls = AtomicInteger()
        val listener = object : ProgressListener {
            override fun onProgress(done: ULong, total: ULong) {
                calls.incrementAndGet()
                started.complete(Unit)
                Thread.sleep(20)
            }
        }
        TuiluCore(TestFiles.vault()).use { core ->
            val job = launch(Dispatchers.Default) { core.hashFile(file.path, listener, null) }
            withTimeout(5_000) { started.await() }
            job.cancelAndJoin()
            val atCancel = calls.get()
            delay(300)
            assertTrue(calls.get() - atCancel <= 1, "work went on: ${calls.get() - atCancel} more calls")
        }
    }

    @Test
    fun cancellingTheFlowCollectorReturnsPromptly() = runBlocking {
        val file = TestFiles.random("flow-cancel.bin", 8 * 1024 * 1024)
        // first() cancels the collection after one event; the facade then cancels the token.
        val first = withTimeout(5_000) { tuilu.hashFileFlow(file.path).first() }
        assertEquals(Progress(0, file.length()), assertIs<HashEvent.Running>(first).progress)
    }

    // -- errors --------------------------------------------------------------------------

    @Test
    fun missingFileIsNotFoundWithoutThePath() = runBlocking {
        val path = File(TestFiles.tempDir, "张三-私人/合同.pdf").path
        val e = assertFailsWith<ApiException.NotFound> { tuilu.hashFile(path) }
        assertFalse(e.detail.contains("张三") || (e.message ?: "").contains("张三"), e.detail)
        assertEquals("找不到该文件。", e.userMessage(Locale.SIMPLIFIED_CHINESE))
        assertEquals("The file was not found.", e.userMessage(Locale.ENGLISH))
    }

    @Test
    fun directoryAndEmptyPathAreInvalidInput() = runBlocking {
        assertFailsWith<ApiException.InvalidInput> { tuilu.hashFile(TestFiles.tempDir.path) }
        assertFailsWith<ApiException.InvalidInput> { tuilu.hashFile("") }
        Unit
    }

    @Test
    fun throwingListenerBecomesInternalAndTheCoreSurvives() = runBlocking {
        val file = TestFiles.write("throw.bin", ByteArray(1000) { it.toByte() })
        val e = assertFailsWith<ApiException.Internal> {
            tuilu.hashFile(file.path) { throw IllegalStateException("listener bug") }
        }
        assertFalse(e.detail.contains("listener bug"), e.detail)
        assertEquals(TestFiles.sha256(file.readBytes()), tuilu.hashFile(file.path))
    }

    @Test
    fun closedCoreRefusesCalls() = runBlocking {
        val closed = Tuilu(TestFiles.vault()).apply { close() }
        assertFailsWith<IllegalStateException> {
            closed.hashFile(TestFiles.write("c", ByteArray(1)).path)
        }
        Unit
    }

    @Test
    fun everyErrorHasBothLanguages() {
        val errors = listOf(
            ApiException.InvalidInput("d"), ApiException.NotFound("d"), ApiException.Conflict("d"),
            ApiException.Storage("d"), ApiException.Io("d"), ApiException.Cancelled(),
            ApiException.Internal("d"),
        )
        val zh = errors.map { it.userMessage(Locale.SIMPLIFIED_CHINESE) }
        val en = errors.map { it.userMessage(Locale.ENGLISH) }
        assertEquals(errors.size, zh.toSet().size)
        assertEquals(errors.size, en.toSet().size)
        assertTrue(zh.all { s -> s.any { it.code > 0x2E80 } }, "zh: $zh")
        assertTrue(en.all { s -> s.all { it.code < 0x80 } }, "en: $en")
    }

    // -- concurrency ---------------------------------------------------------------------

    @Test
    fun eightConcurrentCallers() = runBlocking {
        val files = (0 until 8).map { TestFiles.random("concurrent-$it.bin", 512 * 1024 + it, seed = it) }
        val pack = TestFiles.xingtuPack()
        val results = files.map { file ->
            async(Dispatchers.Default) {
                val progress = AtomicInteger()
                val digest = tuilu.hashFile(file.path) { progress.incrementAndGet() }
                val check = tuilu.checkPack(pack)
                Triple(digest, progress.get(), check.pack)
            }
        }.awaitAll()
        files.zip(results).forEach { (file, r) ->
            assertEquals(TestFiles.sha256(file.readBytes()), r.first)
            assertTrue(r.second >= 2)
            assertEquals("douyin.xingtu-task-cancel", r.third)
        }
    }
}
