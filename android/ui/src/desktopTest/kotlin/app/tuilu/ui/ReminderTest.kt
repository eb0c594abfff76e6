package app.tuilu.ui

import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.NotificationViewRecord
import app.tuilu.core.uniffi.ReminderSyncRecord
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import app.tuilu.ui.reminders.Alarms
import app.tuilu.ui.reminders.NotificationEvent
import app.tuilu.ui.reminders.ReminderEvents
import app.tuilu.ui.reminders.ReminderScheduler
import app.tuilu.ui.reminders.ScheduledStore
import java.nio.file.Files
import java.time.Duration
import java.time.Instant
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test

class FakeAlarms : Alarms {
    data class Call(val kind: String, val token: String, val at: Instant?)
    val calls = mutableListOf<Call>()
    override fun setAndAllowWhileIdle(token: String, triggerAt: Instant, notification: NotificationViewRecord) { calls += Call("inexact", token, triggerAt) }
    override fun setExactAndAllowWhileIdle(token: String, triggerAt: Instant, notification: NotificationViewRecord) { calls += Call("exact", token, triggerAt) }
    override fun cancel(token: String) { calls += Call("cancel", token, null) }
}

class MemoryStore(var tokens: Set<String> = emptySet()) : ScheduledStore {
    override fun load() = tokens
    override fun save(tokens: Set<String>) { this.tokens = tokens }
}

/** The scheduler and the receivers' logic, on the JVM with a fake AlarmManager and the real core. */
class ReminderTest {
    private val clock = MovableClock(Instant.parse("2026-09-30T09:00:00Z"))
    private val screens = TuiluScreens(Files.createTempDirectory("tuilu-rem-").toFile().path, Language.ZH, Demo.zone, clock)
    private val allowed = PermissionState(notificationsAllowed = true, exactOptIn = false, exactAllowed = true)

    /** A guild exit submitted now: the core plans reminders for its deadline. */
    private fun submitted(): String = runBlocking {
        var case = screens.createCase("douyin.guild-exit", Demo.guildAnswers)
        for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) case = screens.act(case.id, step, StepAction.DONE)
        screens.act(case.id, "submit_exit", StepAction.SUBMIT).id
    }

    private fun note(token: String, at: Instant) =
        NotificationViewRecord(token, token, at, "", "t", "b", "deadline", emptyList(), null, null)

    @Test
    fun inexactAlarmsAreSetAnHourEarlySoTheyAreNeverLate(): Unit = runBlocking {
        submitted()
        val sync = screens.reminderSync(emptyList())
        assertTrue(sync.schedule.isNotEmpty())
        val alarms = FakeAlarms()
        val store = MemoryStore()
        val applied = ReminderScheduler(alarms, store).apply(sync, allowed, clock.now)
        assertEquals(sync.schedule.size, applied.inexact)
        assertEquals(0, applied.exact)
        for (n in sync.schedule) {
            val call = alarms.calls.single { it.token == n.token }
            assertEquals("inexact", call.kind)
            assertTrue(!call.at!!.isAfter(n.fireAt.minus(Duration.ofHours(1))) || call.at == clock.now || Duration.between(call.at, n.fireAt) < Duration.ofHours(1))
            assertTrue(!call.at.isBefore(clock.now))
        }
        assertEquals(sync.schedule.map { it.token }.toSet(), store.tokens)
        // The next sync from what the phone holds schedules nothing new.
        assertTrue(screens.reminderSync(store.tokens).schedule.isEmpty())
    }

    @Test
    fun exactOnlyWhenOptedInAndAllowed() {
        val now = Instant.parse("2026-10-01T00:00:00Z")
        val sync = ReminderSyncRecord(listOf(note("a", now.plus(Duration.ofDays(2)))), emptyList(), emptyList(), 60)
        for ((perms, kind) in listOf(
            PermissionState(true, exactOptIn = true, exactAllowed = true) to "exact",
            PermissionState(true, exactOptIn = true, exactAllowed = false) to "inexact",
            PermissionState(true, exactOptIn = false, exactAllowed = true) to "inexact",
        )) {
            val alarms = FakeAlarms()
            ReminderScheduler(alarms, MemoryStore()).apply(sync, perms, now)
            assertEquals(kind, alarms.calls.single().kind, perms.toString())
            val expected = if (kind == "exact") now.plus(Duration.ofDays(2)) else now.plus(Duration.ofDays(2)).minus(Duration.ofHours(1))
            assertEquals(expected, alarms.calls.single().at)
        }
    }

    @Test
    fun soonRemindersAreSetHalfwayAndCancelsAndDenialAreHonoured() {
        val now = Instant.parse("2026-10-01T00:00:00Z")
        val alarms = FakeAlarms()
        val store = MemoryStore(setOf("old", "kept"))
        val sync = ReminderSyncRecord(listOf(note("soon", now.plus(Duration.ofMinutes(40)))), listOf("old"), listOf("kept"), 60)
        val applied = ReminderScheduler(alarms, store).apply(sync, allowed, now)
        assertEquals(now.plus(Duration.ofMinutes(20)), alarms.calls.first { it.token == "soon" }.at)
        assertTrue(alarms.calls.any { it.kind == "cancel" && it.token == "old" })
        assertEquals(setOf("soon", "kept"), applied.held)
        // Notifications denied: nothing is scheduled and what was held is cancelled.
        val denied = FakeAlarms()
        val after = ReminderScheduler(denied, store).apply(sync, allowed.copy(notificationsAllowed = false), now)
        assertTrue(denied.calls.none { it.kind != "cancel" })
        assertEquals(emptySet(), after.held)
        assertEquals(emptySet(), store.tokens)
    }

    @Test
    fun notificationActionsGoThroughTheCore(): Unit = runBlocking {
        var case = screens.createCase("douyin.guild-exit", Demo.guildAnswers)
        for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) case = screens.act(case.id, step, StepAction.DONE)
        val alarms = FakeAlarms()
        val store = MemoryStore()
        val events = ReminderEvents(screens, ReminderScheduler(alarms, store), store, { allowed }, { clock.now })
        // "已提交" from a notification: the step is submitted now, and its deadline reminders are scheduled.
        assertNull(events.action(NotificationEvent(ReminderEvents.SUBMITTED, "r", "t", case.id, "submit_exit")))
        assertEquals(StepStatus.SUBMITTED, screens.caseScreen(case.id).steps.first { it.id == "submit_exit" }.status)
        assertTrue(store.tokens.isNotEmpty())
        // A second "已提交" is refused by the core, in its words.
        val refused = events.action(NotificationEvent(ReminderEvents.SUBMITTED, "r", "t", case.id, "submit_exit"))
        assertTrue(refused != null && refused.isNotBlank())
        // "稍后提醒" on a reminder not yet due: the core keeps it at its planned time (a
        // snooze never moves a reminder earlier), so it is still planned.
        val first = screens.reminderSync(emptyList()).schedule.first()
        assertNull(events.action(NotificationEvent(ReminderEvents.SNOOZE, first.id, first.token, case.id, first.stepId)))
        assertTrue(screens.reminderSync(emptyList()).schedule.any { it.id == first.id })
        // Its notification offers "已有结果" for the step handed in.
        assertTrue(first.actions.any { it.id == ReminderEvents.DONE && it.label == "已有结果" }, first.actions.toString())
        // After a reboot the phone holds nothing: everything is scheduled again.
        store.tokens = emptySet()
        val applied = events.reschedule()
        assertTrue(applied.inexact > 0)
        events.delivered(NotificationEvent(null, first.id, first.token, case.id, first.stepId))
        // "已有结果" from the notification: the step is done and its reminders go.
        assertNull(events.action(NotificationEvent(ReminderEvents.DONE, first.id, first.token, case.id, "submit_exit")))
        assertEquals(StepStatus.DONE, screens.caseScreen(case.id).steps.first { it.id == "submit_exit" }.status)
        assertTrue(screens.reminderSync(emptyList()).schedule.none { it.stepId == "submit_exit" })
    }
}
