package app.tuilu.android

import android.app.AlarmManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.os.Build
import androidx.core.app.NotificationManagerCompat
import app.tuilu.core.uniffi.AlarmTiming
import app.tuilu.core.uniffi.EffectFailure
import app.tuilu.core.uniffi.EffectRecord
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.NotificationEffectRecord
import app.tuilu.core.uniffi.Os
import app.tuilu.core.uniffi.PlatformStateRecord
import app.tuilu.core.uniffi.UpdateRecord

/**
 * The Android side of the core's one way in (`TuiluScreens.handle`): reads what the
 * platform allows and holds, sends one event, and performs the effects that come back, in
 * order (schedule with the core's timing, post now, cancel), keeps the core's record of
 * the tokens held, and registers the channels it names. It decides nothing itself: not
 * which reminders, not exact or windowed, not what a button does.
 */
class AndroidShell(private val context: Context, private val app: TuiluApplication) {
    private val alarms = context.getSystemService(AlarmManager::class.java)

    /** What the platform allows and holds now. */
    fun platform(inForeground: Boolean = false) = PlatformStateRecord(
        os = Os.Android(Build.VERSION.SDK_INT.toUInt()),
        notificationsAllowed = NotificationManagerCompat.from(context).areNotificationsEnabled(),
        exactAlarmsAllowed = Build.VERSION.SDK_INT < 31 || canScheduleExactAlarms(),
        pendingLimit = PENDING_LIMIT,
        scheduled = app.store.load().toList(),
        inForeground = inForeground,
    )

    @androidx.annotation.RequiresApi(31)
    private fun canScheduleExactAlarms() = alarms.canScheduleExactAlarms()

    /** Sends [event] to the core and performs its update. */
    suspend fun send(event: EventRecord, inForeground: Boolean = false): UpdateRecord {
        val update = app.screens.handle(event, platform(inForeground))
        val failed = perform(update)
        // An alarm the system refused goes back to the core, which plans around it.
        for ((token, failure) in failed) {
            perform(app.screens.handle(EventRecord.EffectFailed(token, failure), platform(inForeground)))
        }
        return update
    }

    /** Performs an update's effects in order; returns the ones the system refused. */
    fun perform(update: UpdateRecord): List<Pair<String, EffectFailure>> {
        update.categories?.let { Notifications.register(context, it) }
        val failed = mutableListOf<Pair<String, EffectFailure>>()
        for (effect in update.effects) {
            when (effect) {
                is EffectRecord.Schedule -> schedule(effect.notification)?.let { failed += effect.notification.token to it }
                is EffectRecord.PostNow -> Notifications.post(context, effect.notification)
                is EffectRecord.Cancel -> {
                    alarms.cancel(alarmIntent(effect.token, null))
                    Notifications.cancel(context, effect.token)
                }
            }
        }
        update.remindersHeld?.let { app.store.save(it.toSet()) }
        return failed
    }

    private fun schedule(n: NotificationEffectRecord): EffectFailure? = try {
        val op = alarmIntent(n.token, n)
        when (val timing = n.timing) {
            AlarmTiming.Exact -> alarms.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, n.fireAt.toEpochMilli(), op)
            is AlarmTiming.Window -> {
                val start = timing.start.toEpochMilli()
                alarms.setWindow(AlarmManager.RTC_WAKEUP, start, n.fireAt.toEpochMilli() - start, op)
            }
        }
        null
    } catch (_: SecurityException) {
        // Android 12+: exact alarms were revoked after the state was read.
        EffectFailure.PERMISSION_MISSING
    } catch (_: IllegalStateException) {
        // The system's limit of alarms per app (500).
        EffectFailure.ALARM_REFUSED
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

    companion object {
        /** Android's limit of pending alarms per app. */
        val PENDING_LIMIT: UInt = 500u
    }
}

/** The data URI that makes each reminder's PendingIntent its own (tokens contain '#'). */
fun reminderUri(token: String): android.net.Uri =
    android.net.Uri.Builder().scheme("tuilu").authority("reminder").appendPath(token).build()
