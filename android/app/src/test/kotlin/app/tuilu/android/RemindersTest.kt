package app.tuilu.android

import android.content.ComponentName
import android.content.Intent
import android.os.Build
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.NotificationActionRecord
import app.tuilu.core.uniffi.NotificationViewRecord
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import java.time.ZoneId
import java.util.Locale
import java.util.TimeZone
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlarmManager

/**
 * The reminders as the system drives them, on the real framework (Robolectric) and the
 * real core: what AlarmManager and NotificationManager end up holding.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [26, 33, 35])
class RemindersTest {
    private val zone = TimeZone.getDefault()

    @Before
    fun exactAllowed() {
        // Android 12+: as if the user granted "Alarms & reminders".
        ShadowAlarmManager.setCanScheduleExactAlarms(true)
    }

    @After
    fun restoreZone() = TimeZone.setDefault(zone)

    /** Sets up a case with future reminders, scheduled, then a reboot-like wipe: the store's tokens are stale. */
    private fun staleStore(): TuiluApplication {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onSystemEvent(SystemEvent.AppStarted) }
        val held = app.store.load()
        assertTrue("the app scheduled the case's reminders", held.isNotEmpty())
        wipeAlarms()
        assertEquals(held, app.store.load())
        return app
    }

    private fun assertEveryReminderScheduled(app: TuiluApplication) {
        val plan = planned(app)
        assertTrue(plan.isNotEmpty())
        val held = alarms().associate { it.token to it.triggerAtTime }
        assertEquals(plan.keys, held.keys)
        for ((token, at) in plan) assertEquals("exact alarm for $token", at.toEpochMilli(), held[token])
        assertEquals(plan.keys, app.store.load())
        for (a in alarms()) {
            assertEquals(ComponentName(app, AlarmReceiver::class.java), a.operation.intent().component)
            assertTrue(a.isAllowWhileIdle)
        }
    }

    private fun system(action: String, extras: Intent.() -> Unit = {}) =
        deliver(SystemEventsReceiver(), Intent(action).apply(extras))

    @Test
    fun bootCompletedSetsEveryReminderAgain() {
        val app = staleStore()
        system(Intent.ACTION_BOOT_COMPLETED)
        assertEveryReminderScheduled(app)
    }

    @Test
    fun appUpdateSetsEveryReminderAgain() {
        val app = staleStore()
        system(Intent.ACTION_MY_PACKAGE_REPLACED)
        assertEveryReminderScheduled(app)
    }

    @Test
    fun appStartAfterForceStopSetsEveryReminderAgain() {
        val app = staleStore()
        // A force stop: no broadcast at all; the next process start reschedules.
        runBlocking { app.onSystemEvent(SystemEvent.AppStarted) }
        assertEveryReminderScheduled(app)
    }

    @Test
    fun timeSetSetsEveryReminderAgain() {
        val app = staleStore()
        system(Intent.ACTION_TIME_CHANGED)
        assertEveryReminderScheduled(app)
    }

    @Test
    fun localeChangeSetsEveryReminderAgainInTheNewLanguage() {
        val app = staleStore()
        val before = Locale.getDefault()
        try {
            Locale.setDefault(Locale.ENGLISH)
            system(Intent.ACTION_LOCALE_CHANGED)
            assertEveryReminderScheduled(app)
            assertEquals(Language.EN, app.screens.language)
        } finally {
            Locale.setDefault(before)
        }
    }

    @Test
    fun exactAlarmPermissionChangeSetsEveryReminderAgain() {
        val app = staleStore()
        system("android.app.action.SCHEDULE_EXACT_ALARM_PERMISSION_STATE_CHANGED")
        assertEveryReminderScheduled(app)
    }

    @Test
    fun zoneChangeUsesTheNewZone() {
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Shanghai"))
        val app = app()
        app.screens.zone = ZoneId.of("Asia/Shanghai")
        submittedGuildExit(app)
        runBlocking { app.onSystemEvent(SystemEvent.AppStarted) }
        val shanghai = planned(app)
        wipeAlarms()
        // The phone flies to Berlin.
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"))
        system(Intent.ACTION_TIMEZONE_CHANGED) { putExtra("time-zone", "Europe/Berlin") }
        assertEquals(ZoneId.of("Europe/Berlin"), app.screens.zone)
        assertEveryReminderScheduled(app)
        // Reminders fall at local times of day: in Berlin they are later instants.
        assertNotEquals(shanghai.values.sorted(), planned(app).values.sorted())
    }

    @Test
    fun exactAlarmsWhereAllowedElseInexactWithinTheBound() {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onSystemEvent(SystemEvent.AppStarted) }
        // Exact: always before Android 12, on 12+ once granted (set in @Before).
        assertTrue(alarms().isNotEmpty())
        for (a in alarms()) assertEquals(ShadowAlarmManager.WINDOW_EXACT, a.windowLengthMs)
        if (Build.VERSION.SDK_INT >= 31) {
            // Revoked: setAndAllowWhileIdle, set an hour (the documented bound) early.
            ShadowAlarmManager.setCanScheduleExactAlarms(false)
            system("android.app.action.SCHEDULE_EXACT_ALARM_PERMISSION_STATE_CHANGED")
            val plan = planned(app)
            assertEquals(plan.keys, alarms().map { it.token }.toSet())
            for (a in alarms()) {
                assertNotEquals(ShadowAlarmManager.WINDOW_EXACT, a.windowLengthMs)
                assertTrue(a.isAllowWhileIdle)
                val due = plan.getValue(a.token).toEpochMilli()
                assertTrue(a.triggerAtTime <= due - 3_600_000L)
            }
        }
    }

    @Test
    fun alarmPostsTheNotificationOnItsChannelWithItsActions() {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onSystemEvent(SystemEvent.AppStarted) }
        val alarm = alarms().minBy { it.triggerAtTime }
        val note = runBlocking { app.screens.reminderSync(emptyList()) }.schedule.single { it.token == alarm.token }
        deliver(AlarmReceiver(), alarm.operation.intent())
        val posted = shadowOf(notificationManager()).allNotifications.single()
        assertEquals(Notifications.channelOf(note.category), posted.channelId)
        assertTrue(notificationManager().notificationChannels.any { it.id == posted.channelId })
        assertEquals(note.title, posted.extras.getString("android.title"))
        assertEquals(note.actions.map { it.label }, posted.actions.orEmpty().map { it.title.toString() })
        for (action in posted.actions) {
            assertEquals(ComponentName(app, NotificationActionReceiver::class.java), action.actionIntent.intent().component)
        }
    }

    @Test
    fun notificationsDeniedPostNothingAndSchedulingStops() {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onSystemEvent(SystemEvent.AppStarted) }
        val alarm = alarms().first()
        shadowOf(notificationManager()).setNotificationsEnabled(false)
        deliver(AlarmReceiver(), alarm.operation.intent())
        assertEquals(0, shadowOf(notificationManager()).allNotifications.size)
        // The view's permission state says so, and nothing stays scheduled that could not show.
        assertFalse(app.permissions().notificationsAllowed)
        system(Intent.ACTION_BOOT_COMPLETED)
        assertTrue(alarms().isEmpty())
        assertTrue(app.store.load().isEmpty())
    }

    /** Posts the notification of the first planned reminder offering [actionId], then taps that action. */
    private fun tap(app: TuiluApplication, actionId: String) {
        val note = runBlocking { app.screens.reminderSync(emptyList()) }.schedule.first { n -> n.actions.any { it.id == actionId } }
        val alarm = alarms().single { it.token == note.token }
        deliver(AlarmReceiver(), alarm.operation.intent())
        val posted = shadowOf(notificationManager()).allNotifications.single()
        val index = note.actions.indexOfFirst { it.id == actionId }
        deliver(NotificationActionReceiver(), posted.actions[index].actionIntent.intent())
    }

    @Test
    fun submittedFromTheNotificationSubmitsTheStep() {
        val app = app()
        val case = runBlocking {
            var c = app.screens.createCase("douyin.guild-exit", guildAnswers)
            for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) {
                c = app.screens.act(c.id, step, StepAction.DONE)
            }
            app.screens.act(c.id, "submit_exit", StepAction.START).id
        }
        // A reminder of the step in progress, as the core words it (its "已提交" action).
        val note = NotificationViewRecord(
            "r-submit", "t-submit", java.time.Instant.now(), "", "提交退会申请", "今天提交", "follow_up",
            listOf(NotificationActionRecord(ReminderEventsIds.SUBMITTED, "已提交")), case, "submit_exit",
        )
        runBlocking { app.onAlarm(note) }
        val posted = shadowOf(notificationManager()).allNotifications.single()
        assertEquals("已提交", posted.actions.single().title.toString())
        deliver(NotificationActionReceiver(), posted.actions.single().actionIntent.intent())
        val step = runBlocking { app.screens.case(case) }.steps.first { it.id == "submit_exit" }
        assertEquals(StepStatus.SUBMITTED, step.status)
        // Its deadline reminders are now on the phone, without the app having been opened.
        assertTrue(alarms().isNotEmpty())
        assertEquals(planned(app).keys, alarms().map { it.token }.toSet())
        assertTrue(shadowOf(notificationManager()).allNotifications.isEmpty())
    }

    @Test
    fun doneFromTheNotificationClosesTheStep() {
        val app = app()
        val case = submittedGuildExit(app)
        runBlocking { app.onSystemEvent(SystemEvent.AppStarted) }
        tap(app, ReminderEventsIds.DONE)
        val step = runBlocking { app.screens.case(case) }.steps.first { it.id == "submit_exit" }
        assertEquals(StepStatus.DONE, step.status)
        assertTrue(planned(app).isEmpty() || runBlocking { app.screens.reminderSync(emptyList()) }.schedule.none { it.stepId == "submit_exit" })
        assertTrue(shadowOf(notificationManager()).allNotifications.isEmpty())
    }

    @Test
    fun snoozeFromTheNotificationKeepsTheReminderPlanned() {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onSystemEvent(SystemEvent.AppStarted) }
        val note = runBlocking { app.screens.reminderSync(emptyList()) }.schedule.first { n -> n.actions.any { it.id == ReminderEventsIds.SNOOZE } }
        tap(app, ReminderEventsIds.SNOOZE)
        assertTrue(runBlocking { app.screens.reminderSync(emptyList()) }.schedule.any { it.id == note.id })
        assertTrue(shadowOf(notificationManager()).allNotifications.isEmpty())
    }
}

/** The core's action ids, as the receivers get them. */
object ReminderEventsIds {
    const val SUBMITTED = app.tuilu.ui.reminders.ReminderEvents.SUBMITTED
    const val DONE = app.tuilu.ui.reminders.ReminderEvents.DONE
    const val SNOOZE = app.tuilu.ui.reminders.ReminderEvents.SNOOZE
}
