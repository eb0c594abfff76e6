package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.FactValue
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import java.time.Clock
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset
import java.util.Locale
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test

class CasesTest {
    private val vault = TestFiles.vault()
    private val tuilu = Tuilu(vault, clock = Clock.fixed(Guild.created, ZoneOffset.UTC))

    @AfterEach
    fun tearDown() = tuilu.close()

    @Test
    fun openVaultReportsTheSchema(): Unit = runBlocking {
        assertTrue(tuilu.openVault() >= 2)
        assertEquals(emptyList(), tuilu.cases())
    }

    @Test
    fun flagARuleAsOutdated(): Unit = runBlocking {
        val flag = tuilu.flagRule(Guild.SCENARIO, "submit_exit", "现在需要人脸识别")
        assertEquals("submit_exit", flag.ruleId)
        assertEquals("1.1.0", flag.packVersion)
        assertEquals(listOf("submit_exit"), tuilu.ruleFlags(Guild.SCENARIO).map { it.ruleId })
        assertFailsWith<ApiException.NotFound> { tuilu.flagRule(Guild.SCENARIO, "no_such_rule", "") }
        assertTrue(tuilu.unflagRule(Guild.SCENARIO, "submit_exit"))
        assertEquals(emptyList(), tuilu.ruleFlags())
    }

    @Test
    fun createTransitionsDependencyErrorAndUndo(): Unit = runBlocking {
        val case = tuilu.createCase(Guild.SCENARIO, Guild.facts)
        assertEquals(Guild.SCENARIO, case.scenarioId)
        assertEquals(listOf("contract_ended", "has_unsettled_earnings", "has_violation_record"), case.facts.map { it.id })
        assertEquals(FactValue.Bool(true), case.facts.first().value)
        assertTrue(case.steps.all { it.status == StepStatus.TODO })
        assertEquals(1, case.steps.first().number)
        // Undo is not a status question: nothing to undo yet, and allowedFrom says no.
        assertTrue(case.steps.none { it.canUndo })
        assertFalse(StepAction.UNDO.allowedFrom(StepStatus.TODO))
        assertTrue(StepAction.START.allowedFrom(StepStatus.TODO))

        // submit_exit waits on three steps: a Conflict naming the steps and the status.
        val e = assertFailsWith<ApiException.Conflict> {
            tuilu.transition(case.id, "submit_exit", StepAction.SUBMIT)
        }
        assertTrue("check_account_status" in e.detail && "submit_exit" in e.detail && "to do" in e.detail, e.detail)
        // What the user reads says what happened (refreshing would not help).
        assertEquals("请先完成这一步所依赖的前置步骤。", e.userMessage(Locale.SIMPLIFIED_CHINESE))
        assertEquals("Finish the steps this one depends on first.", e.userMessage(Locale.ENGLISH))
        assertEquals(Guild.prerequisites, tuilu.case(case.id).step("submit_exit")!!.waitingOn)

        val started = tuilu.transition(case.id, "check_account_status", StepAction.START, note = "看过了")
        assertEquals(StepStatus.TODO, started.fromStatus)
        assertEquals(StepStatus.IN_PROGRESS, started.toStatus)
        for (s in Guild.prerequisites) tuilu.transition(case.id, s, StepAction.DONE)
        val submitted = tuilu.transition(case.id, "submit_exit", StepAction.SUBMIT, now = Guild.submitted)
        assertEquals(StepStatus.SUBMITTED, submitted.toStatus)
        assertNotNull(submitted.deadline)

        // A done step with a started dependent cannot be undone.
        val dependent = assertFailsWith<ApiException.Conflict> {
            tuilu.transition(case.id, "backup_data", StepAction.UNDO)
        }
        assertTrue("submit_exit" in dependent.detail && "submitted" in dependent.detail, dependent.detail)
        // Done is final: start after done is a Conflict naming the status.
        tuilu.transition(case.id, "record_communications", StepAction.DONE)
        tuilu.transition(case.id, "record_communications", StepAction.UNDO)
        tuilu.transition(case.id, "record_communications", StepAction.DONE)
        val again = assertFailsWith<ApiException.Conflict> {
            tuilu.transition(case.id, "record_communications", StepAction.START)
        }
        assertTrue("record_communications" in again.detail && "done" in again.detail, again.detail)

        val before = tuilu.case(case.id, now = Guild.during)
        assertTrue(before.step("submit_exit")!!.canUndo)
        assertFalse(before.step("await_review")!!.canUndo)
        val undo = tuilu.transition(case.id, "submit_exit", StepAction.UNDO, now = Guild.during)
        assertEquals(StepStatus.SUBMITTED, undo.fromStatus)
        assertEquals(StepStatus.TODO, undo.toStatus)
        assertEquals(submitted.seq, undo.undoes)
        val view = tuilu.case(case.id, now = Guild.during)
        assertNull(view.step("submit_exit")!!.deadline)
        assertEquals(4, view.progress.settled)

        val journal = tuilu.journal(case.id)
        assertEquals("case_created", journal.first().kind)
        assertEquals("undo", journal.last().kind)
        assertEquals("看过了", journal.first { it.stepId == "check_account_status" }.note)
        assertTrue(journal.zipWithNext().all { (a, b) -> a.seq < b.seq })
    }

    @Test
    fun deadlineOverNationalDay(): Unit = runBlocking {
        val case = Guild.submittedCase(tuilu)
        val step = case.step("submit_exit")!!
        val d = assertNotNull(step.deadline)
        assertEquals(Guild.submitted, d.clockStart)
        assertEquals(LocalDate.parse("2026-10-08"), d.earliestDate)
        assertEquals(LocalDate.parse("2026-10-10"), d.latestDate)
        assertEquals(Instant.parse("2026-10-10T15:59:59Z"), d.deadlineUtc)
        assertEquals("2026-10-10T23:59:59+08:00", d.deadlineBeijing)
        assertFalse(step.overdue)
        assertEquals("submit_exit", case.nextDeadline!!.stepId)
        // The same deadline as the calendar computes for the step's duration.
        assertEquals(d, tuilu.stepDeadline(step.duration!!, Guild.submitted))
        // Overdue once the deadline has passed.
        val late = tuilu.case(case.id, now = Instant.parse("2026-10-11T00:00:00Z"))
        assertTrue(late.step("submit_exit")!!.overdue)
        assertEquals(listOf("submit_exit"), late.overdueSteps)
        assertEquals(1, tuilu.cases(now = Instant.parse("2026-10-11T00:00:00Z")).single().overdueSteps)
    }

    @Test
    fun factsChangeDropsAStepAndKeepsIt(): Unit = runBlocking {
        val case = tuilu.createCase(Guild.SCENARIO, Guild.facts + fact("guild_obstructs", true))
        assertNotNull(case.steps.firstOrNull { it.id == "report_obstruction" })
        tuilu.transition(case.id, "record_communications", StepAction.DONE)
        tuilu.transition(case.id, "report_obstruction", StepAction.START)
        val report = tuilu.setFacts(case.id, set = listOf(fact("guild_obstructs", false)))
        assertTrue(report.changedAnything)
        assertEquals(listOf("report_obstruction"), report.dropped.map { it.id })
        assertEquals(StepStatus.IN_PROGRESS, report.dropped.single().status)
        val view = tuilu.case(case.id)
        assertNull(view.steps.firstOrNull { it.id == "report_obstruction" })
        assertFalse(view.droppedSteps.single { it.id == "report_obstruction" }.inPlan)
        // A dropped step cannot be transitioned.
        assertFailsWith<ApiException.Conflict> { tuilu.transition(case.id, "report_obstruction", StepAction.DONE) }
        // Forgetting the fact (default false) keeps it dropped; setting it back restores it with its progress.
        val back = tuilu.setFacts(case.id, set = listOf(answer("guild_obstructs", "是")))
        assertEquals(StepStatus.IN_PROGRESS, back.restored.single().status)
        // A fact of the wrong type names the fact, never the value.
        val e = assertFailsWith<ApiException.InvalidInput> {
            tuilu.setFacts(case.id, set = listOf(fact("guild_obstructs", 42)))
        }
        assertTrue("guild_obstructs" in e.detail && "42" !in e.detail, e.detail)
    }

    @Test
    fun archiveListAndDelete(): Unit = runBlocking {
        val a = tuilu.createCase(Guild.SCENARIO, Guild.facts)
        val b = tuilu.createCase("douyin.xingtu-task-cancel", now = Guild.created.plusSeconds(60))
        assertEquals(listOf(b.id, a.id), tuilu.cases().map { it.id })
        assertTrue(tuilu.archiveCase(a.id))
        assertFalse(tuilu.archiveCase(a.id))
        assertEquals(listOf(b.id), tuilu.cases().map { it.id })
        assertEquals(2, tuilu.cases(includeArchived = true).size)
        assertFailsWith<ApiException.Conflict> { tuilu.transition(a.id, "backup_data", StepAction.DONE) }
        // A prefix of 4+ characters works.
        assertEquals(b.id, tuilu.deleteCase(b.id.take(6)))
        assertFailsWith<ApiException.NotFound> { tuilu.case(b.id) }
    }

    @Test
    fun errorsAreMappedWithoutPersonalData(): Unit = runBlocking {
        val case = tuilu.createCase(Guild.SCENARIO, Guild.facts)
        val unknown = assertFailsWith<ApiException.NotFound> { tuilu.case("zzzzzzzzzz") }
        assertEquals("找不到这个案件，它可能已被删除。", unknown.userMessage(Locale.SIMPLIFIED_CHINESE))
        val step = assertFailsWith<ApiException.NotFound> { tuilu.transition(case.id, "nope", StepAction.START) }
        assertTrue("nope" in step.detail)
        // Says what was not found: the step, not "a file or record".
        assertEquals("这个案件中没有该步骤。", step.userMessage(Locale.SIMPLIFIED_CHINESE))
        assertEquals("This case has no such step.", step.userMessage(Locale.ENGLISH))
        val nothing = assertFailsWith<ApiException.Conflict> { tuilu.transition(case.id, "record_communications", StepAction.UNDO) }
        assertEquals("这一步没有可以撤销的操作。", nothing.userMessage(Locale.SIMPLIFIED_CHINESE))
        assertFailsWith<ApiException.NotFound> { tuilu.createCase("nope.scenario") }
        assertFailsWith<ApiException.Conflict> { tuilu.transition(case.id, "backup_data", StepAction.UNDO) }
        val secret = "我的私人笔记 13800138000"
        tuilu.transition(case.id, "backup_data", StepAction.DONE, note = secret)
        val e = assertFailsWith<ApiException.Conflict> {
            tuilu.transition(case.id, "backup_data", StepAction.SKIP, note = secret)
        }
        assertFalse(secret in e.detail)
        assertFailsWith<ApiException.InvalidInput> {
            tuilu.transition(case.id, "check_account_status", StepAction.START, at = Guild.created.plusSeconds(3600))
        }
        assertFalse(unknown.isVaultTooNew)
    }

    @Test
    fun eightConcurrentCallersLoseNothing(): Unit = runBlocking {
        val ids = (1..8).map { tuilu.createCase(Guild.SCENARIO, Guild.facts).id }
        ids.map { id ->
            async(Dispatchers.Default) {
                for (s in Guild.prerequisites) {
                    tuilu.transition(id, s, StepAction.START)
                    tuilu.transition(id, s, StepAction.DONE)
                }
                tuilu.transition(id, "submit_exit", StepAction.SUBMIT, now = Guild.submitted)
                tuilu.transition(id, "record_communications", StepAction.SKIP, now = Guild.submitted)
            }
        }.awaitAll()
        for (id in ids) {
            val view = tuilu.case(id, now = Guild.during)
            assertEquals(StepStatus.SUBMITTED, view.step("submit_exit")!!.status)
            assertEquals(4, view.progress.settled)
            // created + 3 × (start, done) + submit + skip
            assertEquals(9, tuilu.journal(id).size)
        }
    }

    @Test
    fun aVaultFromANewerAppIsRefusedUntouched(): Unit = runBlocking {
        tuilu.openVault()
        tuilu.close()
        val db = java.io.File(vault, "tuilu.sqlite3")
        // Bump PRAGMA user_version in the header (bytes 60..63, big-endian) past the supported one.
        java.io.RandomAccessFile(db, "rw").use { f ->
            f.seek(60)
            f.writeInt(999)
        }
        val before = db.readBytes()
        Tuilu(vault).use { newer ->
            val e = assertFailsWith<ApiException.Conflict> { newer.cases(now = Guild.created) }
            assertTrue(e.isVaultTooNew, e.detail)
            assertTrue("999" in e.detail, e.detail)
        }
        assertTrue(before.contentEquals(db.readBytes()))
    }
}
