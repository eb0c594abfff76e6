package app.tuilu.android

import android.app.AlarmManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import app.tuilu.core.uniffi.NotificationViewRecord
import app.tuilu.ui.reminders.Alarms
import app.tuilu.ui.reminders.ScheduledStore
import java.time.Instant

/**
 * AlarmManager behind the scheduler's [Alarms]; each alarm carries what the notification
 * shows. An alarm is known by its token, in the intent's data (tuilu://reminder/<token>,
 * encoded: tokens contain '#').
 */
class AndroidAlarms(private val context: Context) : Alarms {
    private val manager = context.getSystemService(AlarmManager::class.java)

    private fun intent(token: String, n: NotificationViewRecord?): PendingIntent {
        val i = Intent(context, AlarmReceiver::class.java).setAction(AlarmReceiver.FIRE).setData(reminderUri(token))
        if (n != null) AlarmReceiver.put(i, n)
        return PendingIntent.getBroadcast(context, 0, i, PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE)
    }

    override fun setAndAllowWhileIdle(token: String, triggerAt: Instant, notification: NotificationViewRecord) =
        manager.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, triggerAt.toEpochMilli(), intent(token, notification))

    override fun setExactAndAllowWhileIdle(token: String, triggerAt: Instant, notification: NotificationViewRecord) {
        try {
            manager.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, triggerAt.toEpochMilli(), intent(token, notification))
        } catch (_: SecurityException) {
            // Android 12+: the permission was revoked since it was checked. The broadcast
            // that says so reschedules everything; until then the alarm is not lost.
            val inexact = app.tuilu.ui.reminders.ReminderScheduler.inexactTrigger(triggerAt, Instant.now())
            manager.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, inexact.toEpochMilli(), intent(token, notification))
        }
    }

    override fun cancel(token: String) = manager.cancel(intent(token, null))
}

/** The tokens the phone holds, in SharedPreferences (they survive reboots; the alarms do not). */
class PrefsScheduledStore(context: Context) : ScheduledStore {
    private val prefs = context.getSharedPreferences("tuilu-alarms", Context.MODE_PRIVATE)
    override fun load(): Set<String> = prefs.getStringSet("tokens", emptySet())!!.toSet()
    override fun save(tokens: Set<String>) = prefs.edit().putStringSet("tokens", tokens).apply()
}

/** The data URI that makes each reminder's PendingIntent its own. */
fun reminderUri(token: String): android.net.Uri =
    android.net.Uri.Builder().scheme("tuilu").authority("reminder").appendPath(token).build()
