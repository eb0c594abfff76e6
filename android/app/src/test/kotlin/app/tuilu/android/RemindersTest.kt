package app.tuilu.android

import android.content.ComponentName
import android.content.Intent
import android.os.Build
import app.tuilu.core.uniffi.AlarmTiming
import app.tuilu.core.uniffi.AlarmTiming.Window
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.NotificationActionId
import app.tuilu.core.uniffi.NotificationButtonRecord
import app.tuilu.core.uniffi.NotificationCategory
import app.tuilu.core.uniffi.NotificationEffectRecord
import app.tuilu.core.uniffi.ReminderKind
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import java.time.Instant
import java.time.ZoneId
import java.util.Locale
import java.util.TimeZone
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNotNull
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

    /** A case with future reminders, all set; then a reboot-like wipe: the store's tokens are stale. */
    private fun staleStore(): TuiluApplication {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onVaultChanged() }
        val held = app.store.load()
        assertTrue("the app scheduled the case's reminders", held.isNotEmpty())
        assertEquals(held, alarms().map { it.token }.toSet())
        wipeAlarms()
        assertEquals(held, app.store.load())
        return app
    }

    /** AlarmManager holds every reminder the core plans, each with the core's timing. */
    private fun assertEveryReminderScheduled(app: TuiluApplication) {
        val plan = planned(app)
        assertTrue(plan.isNotEmpty())
        val held = alarms().associateBy { it.token }
        assertEquals(plan.keys, held.keys)
        for ((token, n) in plan) {
            val a = held.getValue(token)
            when (val t = n.timing) {
                AlarmTiming.Exact -> {
                    assertEquals(n.fireAt.toEpochMilli(), a.triggerAtTime)
                    assertEquals(ShadowAlarmManager.WINDOW_EXACT, a.windowLengthMs)
                    assertTrue(a.isAllowWhileIdle)
                }
                is Window -> {
                    assertEquals(t.start.toEpochMilli(), a.triggerAtTime)
                    assertEquals(n.fireAt.toEpochMilli() - t.start.toEpochMilli(), a.windowLengthMs)
                }
            }
            assertEquals(ComponentName(app, AlarmReceiver::class.java), a.operation.intent().component)
        }
        assertEquals(plan.keys, app.store.load())
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
        // A force stop sends nothing; the next process start finds the alarms gone.
        assertTrue(app.shell.alarmsLost())
        runBlocking { app.onStart() }
        assertEveryReminderScheduled(app)
        // A start with the alarms in place trusts them.
        assertFalse(app.shell.alarmsLost())
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
            // The channels are renamed in English.
            val deadline = notificationManager().getNotificationChannel(Notifications.channelId(NotificationCategory.DEADLINE))
            assertTrue(deadline.name.toString().none { it.code > 0x2E80 })
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
        runBlocking { app.onVaultChanged() }
        val shanghai = planned(app).values.map { it.fireAt }.sorted()
        wipeAlarms()
        // The phone flies to Berlin.
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"))
        system(Intent.ACTION_TIMEZONE_CHANGED) { putExtra("time-zone", "Europe/Berlin") }
        assertEquals(ZoneId.of("Europe/Berlin"), app.screens.zone)
        assertEveryReminderScheduled(app)
        // Reminders fall at local times of day: in Berlin they are other instants.
        assertNotEquals(shanghai, planned(app).values.map { it.fireAt }.sorted())
    }

    @Test
    fun exactAlarmsWhereAllowedElseAWindowThatIsNeverLate() {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onVaultChanged() }
        // Exact: always before Android 12, on 12+ once granted (set in @Before).
        assertTrue(alarms().isNotEmpty())
        for (a in alarms()) {
            assertEquals(ShadowAlarmManager.WINDOW_EXACT, a.windowLengthMs)
            assertTrue(a.isAllowWhileIdle)
        }
        if (Build.VERSION.SDK_INT >= 31) {
            // Revoked: setWindow, ending at the reminder's time.
            ShadowAlarmManager.setCanScheduleExactAlarms(false)
            system("android.app.action.SCHEDULE_EXACT_ALARM_PERMISSION_STATE_CHANGED")
            val plan = planned(app)
            assertEquals(plan.keys, alarms().map { it.token }.toSet())
            for (a in alarms()) {
                assertTrue(a.windowLengthMs > 0)
                assertEquals(plan.getValue(a.token).fireAt.toEpochMilli(), a.triggerAtTime + a.windowLengthMs)
            }
        }
    }

    @Test
    fun alarmPostsTheNotificationOnItsChannelWithItsActions() {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onVaultChanged() }
        val alarm = alarms().minBy { it.triggerAtTime }
        val note = planned(app).getValue(alarm.token)
        deliver(AlarmReceiver(), alarm.operation.intent())
        val posted = shadowOf(notificationManager()).allNotifications.single()
        assertEquals(Notifications.channelId(note.category), posted.channelId)
        assertNotNull("channel registered at start", notificationManager().getNotificationChannel(posted.channelId))
        assertEquals(note.title, posted.extras.getString("android.title"))
        assertEquals(note.actions.map { it.label }, posted.actions.orEmpty().map { it.title.toString() })
        assertTrue(posted.actions.orEmpty().isNotEmpty())
        for (action in posted.actions) {
            assertEquals(ComponentName(app, NotificationActionReceiver::class.java), action.actionIntent.intent().component)
        }
    }

    @Test
    fun notificationsDeniedPostNothingAndTheViewSaysSo() {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onVaultChanged() }
        val alarm = alarms().first()
        shadowOf(notificationManager()).setNotificationsEnabled(false)
        deliver(AlarmReceiver(), alarm.operation.intent())
        assertEquals(0, shadowOf(notificationManager()).allNotifications.size)
        assertFalse(app.permissions().notificationsAllowed)
        // The core cancels what could not show, and says why.
        val update = runBlocking { app.onSystemEvent(SystemEvent(EventRecord.Booted)) }
        assertTrue(alarms().isEmpty())
        assertTrue(app.store.load().isEmpty())
        assertTrue(update.reminderNotice.orEmpty().isNotBlank())
        assertEquals(0, shadowOf(notificationManager()).allNotifications.size)
    }

    @Test
    fun notificationsAllowedAgainInSettingsSetEveryReminderAgain() {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onVaultChanged() }
        // Blocked in the system's settings: the next time the app shows, the core cancels all.
        shadowOf(notificationManager()).setNotificationsEnabled(false)
        assertNotNull(runBlocking { app.onForeground() })
        assertTrue(alarms().isEmpty())
        assertTrue(app.store.load().isEmpty())
        // Allowed again: every reminder is set again, with nothing held before.
        shadowOf(notificationManager()).setNotificationsEnabled(true)
        assertNotNull(runBlocking { app.onForeground() })
        assertEveryReminderScheduled(app)
        // No change, no event.
        assertEquals(null, runBlocking { app.onForeground() })
    }

    /** Fires the alarm of the first planned reminder offering [action], then taps that button. */
    private fun tap(app: TuiluApplication, action: NotificationActionId): NotificationEffectRecord {
        val note = planned(app).values.sortedBy { it.fireAt }.first { n -> n.actions.any { it.id == action } }
        val alarm = alarms().single { it.token == note.token }
        deliver(AlarmReceiver(), alarm.operation.intent())
        val posted = shadowOf(notificationManager()).allNotifications.single()
        tapButton(posted, action)
        return note
    }

    private fun tapButton(posted: android.app.Notification, action: NotificationActionId) {
        val button = posted.actions.single { it.actionIntent.intent().getStringExtra(NotificationActionReceiver.ACTION) == action.name }
        deliver(NotificationActionReceiver(), button.actionIntent.intent())
    }

    /**
     * "已提交" goes to the core as the button's id, and the core decides. None of the plans
     * these scenarios make offers it today (only a reminder of a step in progress does), so
     * the button is pressed on a real reminder whose step is already handed in: the core
     * refuses, the vault is unchanged, and the notification shows the core's words.
     */
    @Test
    fun submittedFromTheNotificationGoesThroughTheCore() {
        val app = app()
        val case = submittedGuildExit(app)
        runBlocking { app.onVaultChanged() }
        val real = planned(app).values.minBy { it.fireAt }
        val note = real.copy(actions = listOf(NotificationButtonRecord(NotificationActionId.SUBMITTED, "已提交", false)))
        runBlocking { app.onAlarm(note) }
        tapButton(shadowOf(notificationManager()).allNotifications.single(), NotificationActionId.SUBMITTED)
        val step = runBlocking { app.screens.caseScreen(case) }.steps.first { it.id == "submit_exit" }
        assertEquals(StepStatus.SUBMITTED, step.status)
        val shown = shadowOf(notificationManager()).allNotifications.single()
        assertNotEquals(note.body, shown.extras.getString("android.text"))
        assertTrue(shown.actions.orEmpty().isEmpty())
    }

    @Test
    fun doneFromTheNotificationClosesTheStep() {
        val app = app()
        val case = submittedGuildExit(app)
        runBlocking { app.onVaultChanged() }
        tap(app, NotificationActionId.DONE)
        val step = runBlocking { app.screens.caseScreen(case) }.steps.first { it.id == "submit_exit" }
        assertEquals(StepStatus.DONE, step.status)
        assertEquals(planned(app).keys, alarms().map { it.token }.toSet())
        assertTrue(shadowOf(notificationManager()).allNotifications.isEmpty())
    }

    @Test
    fun snoozeFromTheNotificationKeepsTheReminderPlanned() {
        val app = app()
        submittedGuildExit(app)
        runBlocking { app.onVaultChanged() }
        val note = tap(app, NotificationActionId.SNOOZE)
        val id = note.token.substringBefore('#')
        assertTrue(planned(app).keys.any { it.substringBefore('#') == id })
        assertEquals(planned(app).keys, alarms().map { it.token }.toSet())
        assertTrue(shadowOf(notificationManager()).allNotifications.isEmpty())
    }
}
