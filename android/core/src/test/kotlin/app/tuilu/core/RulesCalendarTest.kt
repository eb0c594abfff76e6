package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.Applicability
import app.tuilu.core.uniffi.Channel
import app.tuilu.core.uniffi.DataSource
import app.tuilu.core.uniffi.DayKind
import app.tuilu.core.uniffi.DurationRecord
import app.tuilu.core.uniffi.DurationUnit
import app.tuilu.core.uniffi.EstimateKind
import app.tuilu.core.uniffi.FactKind
import app.tuilu.core.uniffi.FactValue
import app.tuilu.core.uniffi.LocalizedText
import java.io.File
import java.time.Instant
import java.time.LocalDate
import java.util.Locale
import kotlin.test.assertContains
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

/** The rule engine and the calendar through the facade and the real library. */
class RulesCalendarTest {
    private val vault = TestFiles.vault()
    private val tuilu = Tuilu(vault)

    @AfterEach
    fun tearDown() = tuilu.close()

    private val xingtu = "douyin.xingtu-task-cancel"
    private val xingtuBase = listOf(choice("task_type", "xingtu"), fact("video_uploaded", true))

    // -- scenarios -----------------------------------------------------------------------

    @Test
    fun listsTheSevenBundledScenarios() = runBlocking {
        val ids = tuilu.scenarios().map { it.id }.toSet()
        assertEquals(
            setOf(
                "douyin.fan-group-exit", "douyin.guild-exit", "douyin.recharge-refund",
                "douyin.xingtu-task-cancel", "kuaishou.fan-group-exit", "kuaishou.live-exit",
                "wechat-channels.fan-group-exit",
            ),
            ids,
        )
        val info = tuilu.scenario(xingtu)
        assertEquals("douyin", info.platform)
        val taskType = info.facts.single { it.id == "task_type" }
        assertEquals(FactKind.ENUM, taskType.kind)
        assertEquals(listOf("xingtu", "quanmin"), taskType.choices.map { it.value })
        assertEquals(FactValue.Bool(true), info.facts.single { it.id == "task_accepted" }.defaultValue)
        assertEquals(0.0, info.facts.single { it.id == "task_amount" }.min)
    }

    @Test
    fun unknownScenarioIsNotFound() = runBlocking {
        assertFailsWith<ApiException.NotFound> { tuilu.plan("no.such-scenario") }
        assertFailsWith<ApiException.NotFound> { tuilu.scenario("no.such-scenario") }
        Unit
    }

    // -- plans ---------------------------------------------------------------------------

    @Test
    fun xingtuClientCancelsAfterUploadPaysHalf() = runBlocking {
        val plan = tuilu.plan(xingtu, xingtuBase + choice("cancelled_by", "client") + money("task_amount", "3000"))
        assertEquals(xingtu, plan.scenarioId)
        assertEquals(1500.0, plan.amount("client_compensation")?.value)
        assertEquals(1500.0, plan.amount("creator_receives")?.value)
        assertEquals("CNY", plan.amount("creator_receives")?.currency)
        assertTrue(plan.steps.isNotEmpty())
        assertEquals((1..plan.steps.size).toList(), plan.steps.map { it.number })
        // Facts in effect: the answers plus the pack's defaults, typed.
        assertContains(plan.facts, money("task_amount", "3000.00"))
        assertContains(plan.facts, fact("task_accepted", true))
        // Every rule carries its source.
        assertTrue(plan.steps.all { it.source != null && it.source!!.quote.isNotBlank() })
    }

    @Test
    fun xingtuCreatorCancelsGetsNothing() = runBlocking {
        val plan = tuilu.plan(xingtu, xingtuBase + choice("cancelled_by", "creator") + money("task_amount", "3000"))
        assertEquals(0.0, plan.amount("creator_receives")?.value)
        assertEquals(0.0, plan.amount("client_compensation")?.value)
    }

    @Test
    fun typedAndTypedByAPersonAgree() = runBlocking {
        val typed = tuilu.plan(xingtu, xingtuBase + choice("cancelled_by", "client") + money("task_amount", "3000"))
        val raw = tuilu.plan(
            xingtu,
            listOf(
                answer("task_type", "xingtu"), answer("video_uploaded", "是"),
                answer("cancelled_by", "client"), answer("task_amount", "¥3,000"),
            ),
        )
        assertEquals(typed, raw)
    }

    @Test
    fun kuaishouIncomeTax() = runBlocking {
        val plan = tuilu.plan("kuaishou.live-exit", listOf(money("balance", "8888.88")))
        assertEquals(1777.78, plan.amount("estimated_income_tax")?.value)
        assertEquals(7111.1, plan.amount("balance_after_tax")?.value)
    }

    @Test
    fun missingFactsBecomeOpenQuestions() = runBlocking {
        val plan = tuilu.plan(xingtu, listOf(choice("task_type", "xingtu")))
        assertTrue("cancelled_by" in plan.missingFacts, plan.missingFacts.toString())
        val q = plan.questions.single { it.id == "cancelled_by" }
        assertEquals(FactKind.ENUM, q.kind)
        assertEquals(listOf("client", "creator"), q.choices.map { it.value })
        assertTrue(q.prompt.get(Locale.SIMPLIFIED_CHINESE).isNotBlank() && q.prompt.en.isNotBlank())
        assertTrue(q.neededBy.isNotEmpty())
        // Amounts that wait on answers have no value yet and say why.
        val pay = assertNotNull(plan.amount("creator_receives"))
        assertNull(pay.value)
        assertContains(pay.openFacts, "cancelled_by")
        // Some rule is undetermined until the answer comes.
        val undetermined = plan.steps.filter { it.applicability == Applicability.UNDETERMINED } +
            plan.warnings.filter { it.applicability == Applicability.UNDETERMINED }
        assertTrue(undetermined.isNotEmpty() || plan.consequences.any { it.applicability == Applicability.UNDETERMINED })
    }

    @Test
    fun unknownFactIsInvalidInputNamingIt() = runBlocking {
        val e = assertFailsWith<ApiException.InvalidInput> {
            tuilu.plan(xingtu, listOf(fact("no_such_fact", true)))
        }
        assertContains(e.detail, "no_such_fact")
    }

    @Test
    fun wrongTypeIsInvalidInputNamingTheFactNotTheValue() = runBlocking {
        for (bad in listOf(
            text("video_uploaded", "张三的秘密"),
            answer("video_uploaded", "张三的秘密"),
            money("task_amount", "张三的秘密"),
            choice("cancelled_by", "张三的秘密"),
        )) {
            val e = assertFailsWith<ApiException.InvalidInput> { tuilu.plan(xingtu, listOf(bad)) }
            assertContains(e.detail, bad.id)
            assertFalse(e.detail.contains("张三") || (e.message ?: "").contains("张三"), e.detail)
        }
        // Bounds and duplicates too.
        assertFailsWith<ApiException.InvalidInput> { tuilu.plan(xingtu, listOf(money("task_amount", "-1"))) }
        assertFailsWith<ApiException.InvalidInput> {
            tuilu.plan(xingtu, listOf(fact("video_uploaded", true), fact("video_uploaded", false)))
        }
        Unit
    }

    // -- packs ---------------------------------------------------------------------------

    @Test
    fun checkPackListsEveryIssueWithPaths() = runBlocking {
        val ok = tuilu.checkPack(TestFiles.xingtuPack())
        assertTrue(ok.valid)
        assertEquals(xingtu, ok.scenario?.id)

        val broken = tuilu.checkPack(TestFiles.brokenXingtuPack())
        assertFalse(broken.valid)
        assertNull(broken.scenario)
        assertEquals(xingtu, broken.pack)
        assertTrue(broken.issues.size >= 2, broken.issues.toString())
        assertTrue(broken.issues.all { it.path.isNotEmpty() && it.message.isNotEmpty() }, broken.issues.toString())
        assertTrue(broken.issues.any { "depends_on" in it.path }, broken.issues.toString())

        val syntax = Tuilu.checkPack("{\n  \"id\": \"x\",\n  \"platform\": 张三\n}")
        assertFalse(syntax.valid)
        assertEquals(3, syntax.issues.single().line)
    }

    @Test
    fun tomlPacksAreRefusedWithTheWayToCompileThem() = runBlocking {
        val check = tuilu.checkPack(TestFiles.xingtuPackToml())
        assertFalse(check.valid)
        assertContains(check.issues.single().message, "tuilu rules compile")
        assertFailsWith<ApiException.InvalidInput> { tuilu.addPack(TestFiles.xingtuPackToml()) }
        assertEquals(7, tuilu.scenarios().size)
    }

    @Test
    fun addPackReplacesOrRejects() = runBlocking {
        val e = assertFailsWith<ApiException.InvalidInput> { tuilu.addPack(TestFiles.brokenXingtuPack()) }
        assertContains(e.detail, "problem")
        val updated = TestFiles.xingtuPack().replace("\"version\": \"1.1.0\"", "\"version\": \"1.1.1\"")
        assertEquals("1.1.1", tuilu.addPack(updated).version)
        assertEquals(7, tuilu.scenarios().size)
        assertEquals("1.1.1", tuilu.plan(xingtu).packVersion)
        // From a file, and a missing file.
        val file = TestFiles.write("pack-copy.json", updated.replace("\"id\": \"$xingtu\"", "\"id\": \"test.file\"").toByteArray())
        assertEquals("test.file", tuilu.addPackFile(file.path).id)
        assertFailsWith<ApiException.NotFound> { tuilu.addPackFile(File(TestFiles.tempDir, "missing.json").path) }
        Unit
    }

    // -- calendar ------------------------------------------------------------------------

    private fun d(s: String) = LocalDate.parse(s)

    @Test
    fun workingDays() = runBlocking {
        assertEquals(d("2026-09-22"), tuilu.addWorkingDays(d("2026-09-18"), 3).date)
        val overHoliday = tuilu.addWorkingDays(d("2026-09-30"), 3)
        assertEquals(d("2026-10-10"), overHoliday.date)
        assertFalse(overHoliday.estimated)
        assertEquals(3, tuilu.workingDaysBetween(d("2026-09-30"), d("2026-10-10")).count)
        assertEquals(d("2026-10-03"), tuilu.addNaturalDays(d("2026-09-30"), 3).date)

        val holiday = tuilu.isWorkingDay(d("2026-10-01"))
        assertFalse(holiday.working)
        assertEquals(DayKind.HOLIDAY, holiday.kind)
        assertEquals("国庆节", holiday.holidayName)
        assertEquals("法定节假日", holiday.kind.label().zh)
        assertEquals(DayKind.MAKE_UP_WORKDAY, tuilu.isWorkingDay(d("2026-10-10")).kind)
    }

    @Test
    fun year2027IsAnEstimate() = runBlocking {
        val day = tuilu.isWorkingDay(d("2027-05-03"))
        assertTrue(day.estimated)
        val reason = assertNotNull(day.estimateReason)
        assertEquals(2027, reason.year)
        assertEquals(EstimateKind.NO_DAYS_LISTED, reason.kind)
        assertContains(reason.text.zh, "2027")
        assertTrue(tuilu.addWorkingDays(d("2027-01-04"), 5).estimated)
        // Late December 2026 waits on the 2027 notice.
        assertTrue(tuilu.addWorkingDays(d("2026-12-28"), 1).estimated)
    }

    @Test
    fun stepDeadlineOverNationalDay() = runBlocking {
        val start = Instant.parse("2026-09-30T09:00:00Z")
        val deadline = tuilu.stepDeadline(
            DurationRecord(DurationUnit.WORKING_DAYS, 1, 3, LocalizedText("提交", "submitted")),
            start,
        )
        assertEquals(start, deadline.clockStart)
        assertEquals(d("2026-10-08"), deadline.earliestDate)
        assertEquals(d("2026-10-10"), deadline.latestDate)
        assertEquals(Instant.parse("2026-10-10T15:59:59Z"), deadline.deadlineUtc)
        assertEquals("2026-10-10T23:59:59+08:00", deadline.deadlineBeijing)
        assertFalse(deadline.estimated)

        val hours = tuilu.stepDeadline(DurationRecord(DurationUnit.HOURS, 24, 24, LocalizedText("", "")), start)
        assertEquals(Instant.parse("2026-10-01T09:00:00Z"), hours.deadlineUtc)
        assertFailsWith<ApiException.InvalidInput> {
            tuilu.stepDeadline(DurationRecord(DurationUnit.NATURAL_DAYS, 3, 1, LocalizedText("", "")), start)
        }
        // Signed at the FFI: a negative bound is refused, not wrapped around.
        assertFailsWith<ApiException.InvalidInput> {
            tuilu.stepDeadline(DurationRecord(DurationUnit.NATURAL_DAYS, -1, 1, LocalizedText("", "")), start)
        }
        Unit
    }

    @Test
    fun planWithDeadlines() = runBlocking {
        val start = Instant.parse("2026-09-30T09:00:00Z")
        val scheduled = tuilu.planWithDeadlines("douyin.guild-exit", emptyList(), start)
        assertEquals(start, scheduled.clockStart)
        val submit = scheduled.deadlines.first { it.stepId == "submit_exit" && it.routeId == null }
        assertEquals(d("2026-10-10"), submit.deadline.latestDate)
        assertEquals(Instant.parse("2026-10-10T15:59:59Z"), submit.deadline.deadlineUtc)
        val withDuration = scheduled.plan.steps.count { it.duration != null } +
            scheduled.plan.steps.sumOf { s -> s.alternatives.count { it.duration != null } }
        assertEquals(withDuration, scheduled.deadlines.size)
    }

    @Test
    fun calendarImportRejectsMalformedJsonAndKeepsEarlierData() = runBlocking {
        val before = tuilu.calendarStatus()
        assertEquals((2020..2027).toList(), before.years.map { it.year })
        assertTrue(before.years.all { it.source == DataSource.BUNDLED })

        val good = """{"year": 2027, "papers": ["https://example.org/notice"], "days": [
            {"name": "测试假日", "date": "2027-05-03", "isOffDay": true}]}"""
        val y = tuilu.importHolidayYear(good.toByteArray())
        assertEquals(2027, y.year)
        assertEquals(DataSource.IMPORTED, y.source)
        assertTrue(y.replacesBundled)
        assertEquals(1, y.daysListed)
        val imported = tuilu.isWorkingDay(d("2027-05-03"))
        assertFalse(imported.working)
        assertFalse(imported.estimated)

        for (bad in listOf("{not json", """{"year": 2027}""", """{"year": 2027, "days": []}""")) {
            assertFailsWith<ApiException.InvalidInput> { tuilu.importHolidayYear(bad.toByteArray()) }
        }
        val missing = assertFailsWith<ApiException.InvalidInput> {
            tuilu.importHolidayYear("""{"year": 2027, "days": [{"date": "2027-05-04"}]}""".toByteArray())
        }
        assertContains(missing.detail, "isOffDay")
        // Earlier data stays, in memory and on disk.
        assertFalse(tuilu.isWorkingDay(d("2027-05-03")).working)
        Tuilu(vault).use { reopened ->
            assertFalse(reopened.isWorkingDay(d("2027-05-03")).working)
            assertEquals(DataSource.IMPORTED, reopened.calendarStatus().years.single { it.year == 2027 }.source)
        }
    }

    @Test
    fun labelsAreBilingual() {
        assertEquals("手机App", Channel.APP.label().zh)
        assertEquals(" working days", DurationUnit.WORKING_DAYS.label().en)
        assertEquals("make-up working day", DayKind.MAKE_UP_WORKDAY.label().get(Locale.ENGLISH))
    }

    @Test
    fun badVaultPathIsInvalidInput() {
        val file = TestFiles.write("not-a-dir", ByteArray(1))
        assertFailsWith<ApiException.InvalidInput> { Tuilu(file.path) }
        assertFailsWith<ApiException.InvalidInput> { Tuilu("") }
    }

    // -- concurrency ---------------------------------------------------------------------

    @Test
    fun eightConcurrentCallersPlanAtOnce() = runBlocking {
        val results = (1..8).map { i ->
            async(Dispatchers.Default) {
                repeat(20) {
                    val plan = tuilu.plan(xingtu, xingtuBase + choice("cancelled_by", "client") + money("task_amount", "${i * 1000}"))
                    assertEquals(i * 500.0, plan.amount("creator_receives")?.value)
                    val tax = tuilu.plan("kuaishou.live-exit", listOf(money("balance", "$i.00")))
                    assertEquals(i * 0.2, tax.amount("estimated_income_tax")?.value!!, 1e-9)
                    assertEquals(d("2026-10-10"), tuilu.addWorkingDays(d("2026-09-30"), 3).date)
                }
                i
            }
        }.awaitAll()
        assertEquals((1..8).toList(), results)
    }
}
