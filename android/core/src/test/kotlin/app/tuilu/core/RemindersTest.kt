package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.QuietHoursRecord
import app.tuilu.core.uniffi.ReminderKind
import app.tuilu.core.uniffi.SnoozeChoice
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.defaultReminderSettings
import java.time.Clock
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test

class RemindersTest {
    private val tuilu = Tuilu(TestFiles.vault(), clock = Clock.fixed(Guild.during, ZoneOffset.UTC))
    private val berlin = Tuilu.reminderSettings(ZoneId.of("Europe/Berlin"))

    @AfterEach
    fun tearDown() = tuilu.close()

    @Test
    fun settingsDefaultsAndValidation(): Unit = runBlocking {
        assertEquals("Europe/Berlin", berlin.zone.id())
        assertEquals(ZoneId.of("Europe/Berlin"), berlin.zoneId)
        assertTrue(berlin.zone is JavaTimeZoneRules)
        assertEquals("09:30", berlin.preferredTime)
        assertEquals(QuietHoursRecord("22:00", "08:00"), berlin.quietHours)
        assertEquals(60, berlin.limit)
        assertEquals(ZoneId.systemDefault(), Tuilu.reminderSettings().zoneId)
        assertEquals(ZoneId.of("America/New_York"), berlin.withZone(ZoneId.of("America/New_York")).zoneId)
        // Without a zone the core falls back to Beijing time (its own fixed +08:00 rules).
        val beijing = defaultReminderSettings()
        assertEquals("Asia/Shanghai", beijing.zone.id())
        assertEquals(8 * 3600, beijing.zone.offsetSecondsAt(Instant.parse("2026-07-01T00:00:00Z")))
        assertFailsWith<ApiException.InvalidInput> { tuilu.planReminders(berlin.copy(quietHours = QuietHoursRecord("22:00", "8"))) }
        val e = assertFailsWith<ApiException.InvalidInput> { tuilu.planReminders(berlin.copy(preferredTime = "9.30")) }
        assertTrue("preferred_time" in e.detail, e.detail)
    }

    @Test
    fun planWithFixedNowInBerlin(): Unit = runBlocking {
        assertEquals(emptyList(), tuilu.planReminders(berlin))
        val case = Guild.submittedCase(tuilu)
        val plan = tuilu.planReminders(berlin)
        assertEquals(
            listOf(ReminderKind.BEFORE_DEADLINE, ReminderKind.AT_DEADLINE, ReminderKind.FOLLOW_UP, ReminderKind.FOLLOW_UP_ESCALATE),
            plan.map { it.kind },
        )
        val before = plan.first()
        // The working day before the deadline date (Fri 9 Oct 2026), at 09:30 in Berlin (CEST).
        assertEquals(Instant.parse("2026-10-09T07:30:00Z"), before.fireAt)
        assertEquals("2026-10-09T09:30:00+02:00", before.localTime)
        assertEquals(case.id, before.caseId)
        assertEquals("submit_exit", before.stepId)
        assertEquals(Instant.parse("2026-10-10T15:59:59Z"), before.deadline)
        assertEquals("${before.id}#${before.fingerprint}", before.scheduleToken)
        assertTrue(before.title.zh.isNotEmpty() && before.body.en.isNotEmpty())
        assertTrue(plan.zipWithNext().all { (a, b) -> a.fireAt <= b.fireAt })
        // Deterministic: the same input plans the same reminders.
        assertEquals(plan, tuilu.planReminders(berlin))
        assertEquals(2, tuilu.planReminders(berlin.copy(limit = 2)).size)
        assertEquals("截止前提醒", ReminderKind.BEFORE_DEADLINE.label().zh)
    }

    @Test
    fun platformRulesForBerlinGapsAndFolds() {
        val rules = JavaTimeZoneRules(ZoneId.of("Europe/Berlin"))
        assertEquals(7200, rules.offsetSecondsAt(Instant.parse("2026-10-25T00:59:59Z")))
        assertEquals(3600, rules.offsetSecondsAt(Instant.parse("2026-10-25T01:00:00Z")))
        assertEquals(listOf(3600), rules.offsetsSecondsForLocal("2026-03-29T01:59:00"))
        assertEquals(emptyList(), rules.offsetsSecondsForLocal("2026-03-29T02:30:00"))
        assertEquals(listOf(7200, 3600), rules.offsetsSecondsForLocal("2026-10-25T02:30:00"))
    }

    @Test
    fun dstWeekInBerlinKeeps0930LocalThroughPlatformRules(): Unit = runBlocking {
        // Submitted Wed 2026-10-21; the deadline is Mon 10-26, the day after clocks go back
        // (Sun 10-25 03:00 CEST -> 02:00 CET).
        val submittedAt = Instant.parse("2026-10-21T09:00:00Z")
        val case = Guild.submittedCase(tuilu, submittedAt)
        assertEquals(Instant.parse("2026-10-26T15:59:59Z"), case.step("submit_exit")!!.deadline!!.deadlineUtc)
        val plan = tuilu.planReminders(berlin, now = submittedAt)
        assertEquals(
            listOf(
                ReminderKind.BEFORE_DEADLINE to "2026-10-23T09:30:00+02:00",
                ReminderKind.AT_DEADLINE to "2026-10-26T09:30:00+01:00",
                ReminderKind.FOLLOW_UP to "2026-10-27T09:30:00+01:00",
                ReminderKind.FOLLOW_UP_ESCALATE to "2026-10-30T09:30:00+01:00",
            ),
            plan.map { it.kind to it.localTime },
        )
        // 09:30 local is 07:30 UTC before the change and 08:30 UTC after it.
        assertEquals(Instant.parse("2026-10-23T07:30:00Z"), plan[0].fireAt)
        assertEquals(Instant.parse("2026-10-26T08:30:00Z"), plan[1].fireAt)
        // The body names the local deadline (16:59 CET) next to Beijing time.
        assertTrue("2026-10-26 16:59" in plan[1].body.zh && "Europe/Berlin" in plan[1].body.zh, plan[1].body.zh)
        // Snoozing to tomorrow morning on Saturday evening lands on Sunday 09:30 CET.
        // (The "before deadline" reminder fired on Friday 10-23.)
        val snoozed = tuilu.snoozeReminder(
            plan[0].id, SnoozeChoice.TOMORROW_MORNING, berlin, now = Instant.parse("2026-10-24T18:00:00Z"),
        )
        assertEquals("2026-10-25T09:30:00+01:00", snoozed.localTime)
        assertEquals(Instant.parse("2026-10-25T08:30:00Z"), snoozed.until)
    }

    @Test
    fun snoozeChangesTheFireTimeAndDismissRemoves(): Unit = runBlocking {
        Guild.submittedCase(tuilu)
        val plan = tuilu.planReminders(berlin)
        val before = plan.first()
        // Snoozed on the day it fires, one hour after it fired.
        val firedAt = before.fireAt.plusSeconds(60)
        val snoozed = tuilu.snoozeReminder(before.id, SnoozeChoice.ONE_HOUR, berlin, now = firedAt)
        assertEquals(firedAt.plusSeconds(3600), snoozed.until)
        assertEquals("2026-10-09T10:31:00+02:00", snoozed.localTime)
        val replanned = tuilu.planReminders(berlin, now = firedAt).first { it.id == before.id }
        assertEquals(snoozed.until, replanned.fireAt)
        assertTrue(replanned.snoozed)
        assertTrue(replanned.fingerprint != before.fingerprint)

        val atDeadline = plan.first { it.kind == ReminderKind.AT_DEADLINE }
        tuilu.dismissReminder(atDeadline.id, berlin)
        assertFalse(tuilu.planReminders(berlin).any { it.id == atDeadline.id })

        assertFailsWith<ApiException.NotFound> { tuilu.snoozeReminder("nope", SnoozeChoice.TEN_MINUTES, berlin) }
        assertFailsWith<ApiException.NotFound> { tuilu.dismissReminder("nope", berlin) }
    }

    @Test
    fun diffAddsAndCancels(): Unit = runBlocking {
        val case = Guild.submittedCase(tuilu)
        val plan = tuilu.planReminders(berlin)
        val first = tuilu.reminderDiff(emptyList(), berlin)
        assertEquals(plan, first.add)
        assertEquals(emptyList(), first.cancel)

        val scheduled = plan.map { it.scheduleToken } + "stale00000000#0"
        val steady = tuilu.reminderDiff(scheduled, berlin)
        assertEquals(emptyList(), steady.add)
        assertEquals(listOf("stale00000000#0"), steady.cancel)
        assertEquals(plan.map { it.scheduleToken }, steady.keep)

        // The step is done: every reminder of it is cancelled.
        tuilu.transition(case.id, "submit_exit", StepAction.DONE, now = Guild.during)
        val done = tuilu.reminderDiff(plan.map { it.scheduleToken }, berlin)
        assertEquals(emptyList(), done.add)
        assertEquals(plan.map { it.scheduleToken }, done.cancel)
    }

    @Test
    fun deliveredRemindersAreNotPlannedAgain(): Unit = runBlocking {
        Guild.submittedCase(tuilu)
        val before = tuilu.planReminders(berlin).first()
        val after = before.fireAt.plusSeconds(60)
        tuilu.markRemindersDelivered(listOf(before.scheduleToken), berlin, deliveredAt = after)
        val plan = tuilu.planReminders(berlin, now = after)
        assertFalse(plan.any { it.id == before.id }, plan.toString())
        assertFalse(plan.any { it.kind == ReminderKind.CATCH_UP })
    }

    @Test
    fun aDeliveredCatchUpRetiresWhatItCoversAndDoesNotComeBack(): Unit = runBlocking {
        Guild.submittedCase(tuilu)
        // 10-09 14:00 in Berlin: the "before deadline" reminder (09:30) went by unseen.
        val missedAt = Instant.parse("2026-10-09T12:00:00Z")
        val catchUp = tuilu.planReminders(berlin, now = missedAt).single { it.kind == ReminderKind.CATCH_UP }
        assertEquals(listOf(ReminderKind.BEFORE_DEADLINE), catchUp.covers.map { it.kind })
        // The alarm receiver reports the catch-up by its token, as the OS handed it over.
        val shownAt = catchUp.fireAt.plusSeconds(5)
        tuilu.markRemindersDelivered(listOf(catchUp.scheduleToken), berlin, deliveredAt = shownAt)
        for (later in listOf(shownAt.plusSeconds(3600), Instant.parse("2026-10-10T06:00:00Z"))) {
            val plan = tuilu.planReminders(berlin, now = later)
            assertFalse(plan.any { it.kind == ReminderKind.CATCH_UP }, "at $later: $plan")
        }
        // The next occurrence of the step still comes, at its own time.
        assertTrue(tuilu.planReminders(berlin, now = shownAt).any { it.kind == ReminderKind.AT_DEADLINE })
    }

    @Test
    fun snoozingAReminderNotDueYetNeverMovesItEarlierNorLosesIt(): Unit = runBlocking {
        Guild.submittedCase(tuilu)
        val before = tuilu.planReminders(berlin).first { it.kind == ReminderKind.BEFORE_DEADLINE }
        assertEquals(Instant.parse("2026-10-09T07:30:00Z"), before.fireAt)
        // On 10-01 the user snoozes the 10-09 reminder for an hour: it stays on 10-09.
        val snoozed = tuilu.snoozeReminder(before.id, SnoozeChoice.ONE_HOUR, berlin, now = Guild.during)
        assertEquals(before.fireAt, snoozed.until)
        // Hours later (the snooze would have ended), it is still planned for 10-09.
        val later = Guild.during.plusSeconds(3 * 3600)
        val plan = tuilu.planReminders(berlin, now = later)
        assertEquals(before.fireAt, plan.single { it.id == before.id }.fireAt)
        assertFalse(plan.any { it.kind == ReminderKind.CATCH_UP }, plan.toString())
        // Once it has fired, a snooze moves it later as usual.
        val fired = before.fireAt.plusSeconds(60)
        val again = tuilu.snoozeReminder(before.id, SnoozeChoice.TEN_MINUTES, berlin, now = fired)
        assertEquals(fired.plusSeconds(600), again.until)
    }

    @Test
    fun iCalendarExport(): Unit = runBlocking {
        val case = Guild.submittedCase(tuilu)
        val ics = tuilu.exportCalendar(settings = berlin, language = Language.EN)
        assertTrue(ics.startsWith("BEGIN:VCALENDAR"), ics)
        assertTrue(ics.trimEnd().endsWith("END:VCALENDAR"))
        assertEquals(1, Regex("BEGIN:VEVENT").findAll(ics).count())
        assertTrue(Regex("""(?m)^UID:\S+@tuilu\.app""").containsMatchIn(ics), ics)
        assertTrue("DTEND:20261010T155959Z" in ics, ics)
        assertTrue("BEGIN:VALARM" in ics)
        assertTrue("SEQUENCE:0" in ics)
        // Only this case, in Chinese; an unknown case is NotFound.
        val zh = tuilu.exportCalendar(case.id, berlin, Language.ZH)
        assertTrue("截止" in zh)
        assertFailsWith<ApiException.NotFound> { tuilu.exportCalendar("zzzzzzzz", berlin) }
    }
}
