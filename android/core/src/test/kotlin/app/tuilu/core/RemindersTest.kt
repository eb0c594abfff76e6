package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.QuietHoursRecord
import app.tuilu.core.uniffi.ReminderKind
import app.tuilu.core.uniffi.SnoozeChoice
import app.tuilu.core.uniffi.StepAction
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
        assertEquals("Europe/Berlin", berlin.timeZone)
        assertEquals("09:30", berlin.preferredTime)
        assertEquals(QuietHoursRecord("22:00", "08:00"), berlin.quietHours)
        assertEquals(60u, berlin.limit)
        assertFailsWith<ApiException.InvalidInput> { Tuilu.reminderSettings(ZoneId.of("GMT+3")).let { it.copy(timeZone = "Mars/Olympus") }.let { tuilu.planReminders(it) } }
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
        assertEquals(2, tuilu.planReminders(berlin.copy(limit = 2u)).size)
        assertEquals("截止前提醒", ReminderKind.BEFORE_DEADLINE.label().zh)
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
        tuilu.markRemindersDelivered(listOf(before.scheduleToken), deliveredAt = after)
        val plan = tuilu.planReminders(berlin, now = after)
        assertFalse(plan.any { it.id == before.id }, plan.toString())
        assertFalse(plan.any { it.kind == ReminderKind.CATCH_UP })
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
