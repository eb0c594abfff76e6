package app.tuilu.ui

import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.NotificationActionId
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import app.tuilu.ui.reminders.PlatformFacts
import app.tuilu.ui.reminders.ReminderEffects
import app.tuilu.ui.reminders.ReminderEvents
import java.nio.file.Files
import java.time.Duration
import java.time.Instant
import java.time.ZoneId
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test

/**
 * The receivers' path on the JVM: system events go through the real core as events, and
 * the effects land in a recording AlarmManager. The store of held tokens is never cleared
 * by hand: after a reboot it is stale, as on a phone.
 */
class ReminderTest {
    private val clock = MovableClock(Instant.parse("2026-09-30T09:00:00Z"))
    private val screens = TuiluScreens(Files.createTempDirectory("tuilu-rem-").toFile().path, Language.ZH, Demo.zone, clock)
    private val alarms = RecordingAlarms()
    private val store = MemoryStore()
    private var facts = PlatformFacts(sdk = 34, notificationsAllowed = true, exactAlarmsAllowed = true)
    private val events = ReminderEvents.android(screens, ReminderEffects(alarms, store), store) { facts }

    /** A guild exit submitted now: the core plans reminders for its deadline. */
    private fun submitted(): String = runBlocking {
        var case = screens.createCase("douyin.guild-exit", Demo.guildAnswers)
        for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) case = screens.act(case.id, step, StepAction.DONE)
        screens.act(case.id, "submit_exit", StepAction.SUBMIT).id
    }

    @Test
    fun bootAppUpdateAndForceStopRescheduleEverythingFromAStaleStore(): Unit = runBlocking {
        submitted()
        events.on(EventRecord.Launched)
        val planned = alarms.held.keys.toList()
        assertTrue(planned.isNotEmpty())
        assertEquals(planned, store.tokens)
        for (event in listOf(EventRecord.Booted, EventRecord.AppUpdated, EventRecord.AlarmsLost)) {
            // The system dropped every alarm; the store still lists them all.
            alarms.reboot()
            assertEquals(planned, store.tokens)
            events.on(event)
            assertEquals(planned.toSet(), alarms.held.keys, event.toString())
        }
        // A plain start trusts what is held: nothing is set twice.
        val before = alarms.held.toMap()
        events.on(EventRecord.Launched)
        assertEquals(before, alarms.held)
    }

    @Test
    fun grantingNotificationsSchedulesAndRevokingCancels(): Unit = runBlocking {
        submitted()
        facts = facts.copy(notificationsAllowed = false)
        val off = events.on(EventRecord.Launched)
        assertTrue(alarms.held.isEmpty())
        assertTrue(off.reminderNotice!!.contains("通知已关闭"))
        facts = facts.copy(notificationsAllowed = true)
        events.on(EventRecord.NotificationPermission(true))
        assertTrue(alarms.held.isNotEmpty())
        facts = facts.copy(notificationsAllowed = false)
        events.on(EventRecord.NotificationPermission(false))
        assertTrue(alarms.held.isEmpty())
        assertEquals(emptyList(), store.tokens)
    }

    @Test
    fun aZoneChangeReschedulesInTheNewZone(): Unit = runBlocking {
        submitted()
        events.on(EventRecord.Launched)
        // Day reminders at the preferred time, 09:30 Beijing: 01:30 UTC.
        assertTrue(alarms.held.values.any { it.end.atZone(ZoneId.of("UTC")).let { t -> t.hour == 1 && t.minute == 30 } })
        screens.zone = ZoneId.of("America/Vancouver")
        events.on(EventRecord.ZoneChanged)
        val local = alarms.held.values.map { it.end.atZone(ZoneId.of("America/Vancouver")) }
        assertTrue(local.any { it.hour == 9 && it.minute == 30 }, local.toString())
        assertTrue(alarms.held.values.none { it.end.atZone(ZoneId.of("UTC")).let { t -> t.hour == 1 && t.minute == 30 } })
    }

    @Test
    fun exactAlarmsFollowTheSdkAndThePermission(): Unit = runBlocking {
        submitted()
        // Android 8–11: exact without any permission.
        facts = PlatformFacts(sdk = 30, notificationsAllowed = true, exactAlarmsAllowed = false)
        events.on(EventRecord.Booted)
        assertTrue(alarms.held.values.all { it.exact })
        // Android 14 without the permission: a window that closes at the reminder's time.
        facts = facts.copy(sdk = 34)
        val u = events.on(EventRecord.ExactAlarmPermission(false))
        assertTrue(u.reminderNotice!!.contains("未允许精确闹钟"))
        for (a in alarms.held.values) {
            assertTrue(!a.exact && a.end == a.notification.fireAt, a.toString())
            assertTrue(Duration.between(a.start, a.end) <= Duration.ofHours(1))
            assertTrue(!a.start.isBefore(clock.now))
        }
        // Granted: every alarm is exact again.
        facts = facts.copy(exactAlarmsAllowed = true)
        events.on(EventRecord.ExactAlarmPermission(true))
        assertTrue(alarms.held.values.all { it.exact })
    }

    @Test
    fun notificationButtonsGoThroughTheCore(): Unit = runBlocking {
        val case = submitted()
        events.on(EventRecord.Launched)
        val answered = alarms.held.values.first { a -> a.notification.actions.any { it.id == NotificationActionId.DONE } }
        assertTrue(answered.notification.actions.any { it.id == NotificationActionId.DONE && it.label == "已有结果" && it.needsUnlock })
        // "稍后提醒" on a reminder not yet due: it keeps its time.
        assertNull(events.action(answered.token, NotificationActionId.SNOOZE))
        assertEquals(answered.end, alarms.held[answered.token]!!.end)
        // "已有结果": the step is done and its alarms go.
        assertNull(events.action(answered.token, NotificationActionId.DONE))
        assertEquals(StepStatus.DONE, screens.caseScreen(case).steps.first { it.id == "submit_exit" }.status)
        assertTrue(alarms.held.isEmpty(), alarms.held.keys.toString())
        // Again: the core refuses, in words, without a crash.
        val refused = events.action(answered.token, NotificationActionId.DONE)
        assertTrue(refused != null && refused.isNotBlank() && !refused.contains("#"))
    }
}
