package app.tuilu.core

import app.tuilu.core.uniffi.AppException
import app.tuilu.core.uniffi.BackupErrorKind
import app.tuilu.core.uniffi.ErrorKind
import app.tuilu.core.uniffi.FileProblemKind
import app.tuilu.core.uniffi.ChangeKind
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.SnoozeChoice
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import app.tuilu.core.uniffi.VerifyState
import java.io.File
import java.time.Clock
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import org.junit.jupiter.api.Test

/** Evidence, bundles, the calendar, notifications and backups through the one surface. */
class OpsTest {
    private fun screens(vault: String = TestFiles.vault(), now: String = "2026-09-30T09:00:00Z", lang: Language = Language.ZH) =
        TuiluScreens(vault, lang, ZoneId.of("Asia/Shanghai"), Clock.fixed(Instant.parse(now), ZoneOffset.UTC))

    private val answers = mapOf(
        "has_unsettled_earnings" to "否",
        "has_violation_record" to "否",
        "contract_ended" to "是",
    )

    private val png = byteArrayOf(0x89.toByte(), 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) + "not really".toByteArray()

    @Test
    fun evidenceAddVerifyExportAndBundleCheck(): Unit = runBlocking {
        screens().use { s ->
            val case = s.createCase("douyin.guild-exit", answers)
            val evidenceChanged = async(Dispatchers.Default) { s.changes().first { it.kind == ChangeKind.EVIDENCE_CHANGED } }
            yield()
            Thread.sleep(100)
            val file = TestFiles.write("聊天记录.png", png)
            val progress = mutableListOf<Progress>()
            val added = s.addEvidence(case.id, "backup_data", file.path) { progress += it }
            assertFalse(added.duplicate)
            assertTrue(added.notice.startsWith("已添加「聊天记录.png」"), added.notice)
            assertEquals(png.size.toLong(), progress.last().done)
            assertEquals(case.id, evidenceChanged.await().caseId)
            assertEquals(VerifyState.UNCHECKED, added.list.items.single().verifyState)

            // The same bytes shared for another step: attached, not copied, said in words.
            val again = s.addEvidenceBytes(case.id, "record_communications", "shared.png", png)
            assertTrue(again.duplicate)
            assertTrue(again.notice.contains("现在也作为"), again.notice)
            assertEquals(1, s.caseScreen(case.id).steps.first { it.id == "record_communications" }.evidenceCount)

            val checked = s.verifyEvidence(case.id)
            assertEquals(true, checked.verifyIntact)
            assertTrue(checked.verifySummary!!.startsWith("已核验 1 份证据，全部完好"), checked.verifySummary)
            assertEquals(VerifyState.INTACT, checked.items.single().verifyState)

            // The preview: the guild answers are private, left out unless asked for.
            val preview = s.bundlePreview(case.id)
            assertEquals(1, preview.files)
            assertTrue(preview.facts.isEmpty(), preview.facts.toString())
            assertTrue(preview.withheldFacts.contains("你和公会的合同已经到期或已经解除了吗？"), preview.withheldFacts.toString())
            assertTrue(s.bundlePreview(case.id, includePrivate = true).withheldFacts.isEmpty())

            val out = File(TestFiles.tempDir, "dispute-${System.nanoTime()}.zip").path
            val bundle = s.exportBundle(case.id, out)
            assertEquals(1, bundle.count)
            assertTrue(bundle.notice.startsWith("证据包已导出"), bundle.notice)
            assertTrue(bundle.notice.contains("未包含隐私事实和备注"), bundle.notice)
            val check = s.verifyBundle(out)
            assertTrue(check.intact, check.issues.toString())
            assertTrue(check.headline.startsWith("证据包完好"), check.headline)

            // Exporting over an existing file, and a file that is not there: typed, in words.
            val exists = assertFailsWith<AppException.FileProblem> { s.exportBundle(case.id, out) }
            assertEquals(FileProblemKind.OUTPUT_EXISTS, exists.code)
            val missing = assertFailsWith<AppException.FileProblem> { s.addEvidence(case.id, null, "/nonexistent/gone.png") }
            assertEquals("找不到文件：gone.png", missing.userMessage)
            val junk = TestFiles.write("junk.zip", "not a zip".toByteArray())
            assertEquals(FileProblemKind.BAD_BUNDLE, assertFailsWith<AppException.FileProblem> { s.verifyBundle(junk.path) }.code)
        }
    }

    @Test
    fun aCancelledAddReturnsOnlyAfterTheNativeWorkEndedAndLeavesNothing(): Unit = runBlocking {
        screens().use { s ->
            val case = s.createCase("douyin.guild-exit", answers)
            val big = TestFiles.random("big.bin", 32 shl 20)
            val started = kotlinx.coroutines.CompletableDeferred<Unit>()
            val job = launch(Dispatchers.Default) {
                s.addEvidence(case.id, null, big.path) { started.complete(Unit) }
            }
            started.await()
            job.cancelAndJoin()
            assertTrue(s.evidence(case.id).items.isEmpty())
        }
    }

    @Test
    fun notificationActionsCalendarImportAndIcs(): Unit = runBlocking {
        val vault = TestFiles.vault()
        screens(vault, "2026-09-29T08:00:00Z").use { s ->
            var case = s.createCase("douyin.guild-exit", answers)
            for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) {
                case = s.act(case.id, step, StepAction.DONE)
            }
            case = s.act(case.id, "submit_exit", StepAction.SUBMIT)
            assertEquals(StepStatus.SUBMITTED, case.steps.first { it.id == "submit_exit" }.status)
            val sync = s.reminderSync(emptyList())
            val n = sync.schedule.first { it.stepId == "submit_exit" }
            // Snooze from the notification keeps it; dismiss drops it; done settles the step.
            val snoozed = s.snooze(n.id, SnoozeChoice.ONE_HOUR, emptyList())
            assertTrue(snoozed.schedule.any { it.id == n.id })
            s.delivered(listOf(n.token))
            val done = s.notificationAction(n.id, "done", emptyList())
            assertTrue(done.schedule.none { it.stepId == "submit_exit" })
            assertEquals(StepStatus.DONE, s.caseScreen(case.id).steps.first { it.id == "submit_exit" }.status)
            assertFailsWith<AppException.NotFound> { s.notificationAction(n.id, "nope", emptyList()) }

            val ics = File(TestFiles.tempDir, "tuilu-${System.nanoTime()}.ics").path
            val written = s.exportCalendar(ics)
            assertTrue(File(ics).readText().startsWith("BEGIN:VCALENDAR"))
            assertTrue(written.notice.startsWith("已导出"), written.notice)

            // A newer holiday year (the bundled 2026 file moved to 2028) shows in settings.
            val year = File(TestFiles.repo, "core/data/holidays-cn/2026.json").readText().replace("2026", "2028")
            val settings = s.importHolidayYear(year.toByteArray())
            assertFalse(settings.calendarYears.first { it.year == 2028 }.estimated)
            assertFailsWith<AppException> { s.importHolidayYear("{}".toByteArray()) }
        }
    }

    @Test
    fun backupRoundTripAndAWrongPassphrase(): Unit = runBlocking {
        val file = File(TestFiles.tempDir, "tuilu-${System.nanoTime()}.backup").path
        val caseId = screens().use { s ->
            val case = s.createCase("douyin.guild-exit", answers)
            s.addEvidenceBytes(case.id, "backup_data", "a.png", png)
            val before = s.backupSection()
            assertNull(before.lastBackupAt)
            assertTrue(before.due, before.dueText)
            assertFalse(s.passphraseHint("5201314").accepted)
            assertEquals("强", s.passphraseHint("correct horse battery staple").label)
            assertFalse(s.passphraseHint("woaini1314520").accepted)
            assertEquals(35, s.newRecoveryCode().code.length)
            val made = s.createBackup(file, "correct horse battery staple", workFactor = 10)
            assertEquals(1, made.cases)
            assertTrue(made.contentsText.startsWith("1 个案件、1 份证据文件"), made.contentsText)
            val after = s.backupSection()
            assertNotNull(after.lastBackupAt)
            assertFalse(after.due, after.dueText)
            assertTrue(after.lastBackupText.startsWith("上次备份："), after.lastBackupText)
            val wrong = assertFailsWith<AppException.Backup> { s.inspectBackup(file, "wrong") }
            assertEquals(BackupErrorKind.WRONG_PASSPHRASE, wrong.kind)
            assertTrue(wrong.userMessage.startsWith("口令不对"), wrong.userMessage)
            case.id
        }
        screens(lang = Language.EN).use { other ->
            assertTrue(other.inspectBackup(file, "correct horse battery staple").headline.startsWith("The backup is intact"))
            val restored = other.restoreBackup(file, "correct horse battery staple")
            assertFalse(restored.replaced)
            assertEquals(caseId, other.home().cases.single().id)
            assertEquals(1, other.evidence(caseId).items.size)
            val again = assertFailsWith<AppException.Backup> { other.restoreBackup(file, "correct horse battery staple") }
            assertEquals(BackupErrorKind.VAULT_HAS_CASES, again.kind)
        }
    }

    @Test
    fun addedPacksAndSettingsSurviveARestart(): Unit = runBlocking {
        val vault = TestFiles.vault()
        screens(vault).use { s ->
            assertEquals("douyin.xingtu-task-cancel", s.addPack(TestFiles.xingtuPack()))
            val bad = assertFailsWith<AppException.Refused> { s.addPack(TestFiles.brokenXingtuPack()) }
            assertEquals(ErrorKind.INVALID_PACK, bad.code)
            s.saveSettings(s.settings().copy(quietHoursEnabled = false, language = Language.EN))
            assertFailsWith<AppException.Refused> { s.saveSettings(s.settings().copy(quietStart = "25:99")) }
        }
        screens(vault).use { s ->
            assertTrue(s.scenarioPicker().groups.flatMap { it.scenarios }.any { it.id == "douyin.xingtu-task-cancel" })
            assertFalse(s.settings().quietHoursEnabled)
            assertEquals(Language.EN, s.settings().language)
            delay(1)
        }
    }
}
