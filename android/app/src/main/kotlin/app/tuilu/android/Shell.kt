package app.tuilu.android

import android.app.AlarmManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.os.Build
import androidx.core.app.NotificationManagerCompat
import app.tuilu.core.uniffi.CategorySetupRecord
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.NotificationEffectRecord
import app.tuilu.core.uniffi.PlatformStateRecord
import app.tuilu.core.uniffi.UpdateRecord
import app.tuilu.ui.reminders.Alarms
import app.tuilu.ui.reminders.PlatformFacts
import app.tuilu.ui.reminders.ReminderEffects
import app.tuilu.ui.reminders.ReminderEvents
import app.tuilu.ui.reminders.ScheduledStore
import java.time.Instant

/**
 * The Android side of the core's one way in (`TuiluScreens.handle`). The loop itself (send
 * one event, perform the effects in order, report refusals and notifications posted now as
 * the next events, keep the core's record of the tokens held) is android/ui's
 * [ReminderEvents] and [ReminderEffects], the same code the desktop UI tests run; this
 * class only reads what the platform allows and holds, and is the [Alarms] they drive:
 * AlarmManager with the core's timing, NotificationManager, the channels the core names.
 * It decides nothing itself: not which reminders, not exact or windowed, not what a button does.
 */
class AndroidShell(private val context: Context, private val app: TuiluApplication) : Alarms {
    private val alarms = context.getSystemService(AlarmManager::class.java)
    private val held = object : ScheduledStore {
        override fun load() = app.store.load().toList()
        override fun save(tokens: List<String>) = app.store.save(tokens.toSet())
    }
    private val effects = ReminderEffects(this, held)
    // Lazy: the vault opens on the first event, off the main thread, not when the shell is made.
    private val events by lazy { ReminderEvents(app.screens, effects::perform) { fg -> platform(fg) } }

    /** What the platform allows and holds now. */
    fun platform(inForeground: Boolean = false): PlatformStateRecord = PlatformFacts(
        sdk = Build.VERSION.SDK_INT,
        notificationsAllowed = NotificationManagerCompat.from(context).areNotificationsEnabled(),
        exactAlarmsAllowed = Build.VERSION.SDK_INT < 31 || canScheduleExactAlarms(),
    ).state(held.load(), inForeground)

    @androidx.annotation.RequiresApi(31)
    private fun canScheduleExactAlarms() = alarms.canScheduleExactAlarms()

    /** Sends [event] to the core and performs its update (and the follow-ups it causes). */
    suspend fun send(event: EventRecord, inForeground: Boolean = false): UpdateRecord = events.on(event, inForeground)

    /** Performs an update's effects in order; returns the events that follow (refusals, posts). */
    fun perform(update: UpdateRecord): List<EventRecord> = effects.perform(update)

    override fun setExact(token: String, at: Instant, notification: NotificationEffectRecord) {
        alarms.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, at.toEpochMilli(), alarmIntent(token, notification))
    }

    override fun setWindow(token: String, start: Instant, end: Instant, notification: NotificationEffectRecord) {
        val from = start.toEpochMilli()
        alarms.setWindow(AlarmManager.RTC_WAKEUP, from, end.toEpochMilli() - from, alarmIntent(token, notification))
    }

    override fun post(notification: NotificationEffectRecord) {
        Notifications.post(context, notification)
    }

    override fun cancel(token: String) {
        alarms.cancel(alarmIntent(token, null))
        Notifications.cancel(context, token)
    }

    override fun registerCategories(categories: List<CategorySetupRecord>) {
        Notifications.register(context, categories)
    }

    /** The alarm of [token]; the intent carries what the notification shows. */
    fun alarmIntent(token: String, n: NotificationEffectRecord?): PendingIntent {
        val i = Intent(context, AlarmReceiver::class.java).setAction(AlarmReceiver.FIRE).setData(reminderUri(token))
        if (n != null) AlarmReceiver.put(i, n)
        return PendingIntent.getBroadcast(context, 0, i, PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE)
    }

    /**
     * Whether the alarms the store lists are gone (a force stop clears an app's alarms and
     * its PendingIntents, and sends nothing): then the start is [EventRecord.AlarmsLost].
     */
    fun alarmsLost(): Boolean {
        val held = app.store.load()
        if (held.isEmpty()) return false
        return held.none { token ->
            val i = Intent(context, AlarmReceiver::class.java).setAction(AlarmReceiver.FIRE).setData(reminderUri(token))
            PendingIntent.getBroadcast(context, 0, i, PendingIntent.FLAG_NO_CREATE or PendingIntent.FLAG_IMMUTABLE) != null
        }
    }

}

/** The data URI that makes each reminder's PendingIntent its own (tokens contain '#'). */
fun reminderUri(token: String): android.net.Uri =
    android.net.Uri.Builder().scheme("tuilu").authority("reminder").appendPath(token).build()
