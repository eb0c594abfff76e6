package app.tuilu.ui.reminders

import app.tuilu.core.uniffi.AlarmTiming
import app.tuilu.core.uniffi.CategorySetupRecord
import app.tuilu.core.uniffi.EffectFailure
import app.tuilu.core.uniffi.EffectRecord
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.NotificationEffectRecord
import app.tuilu.core.uniffi.UpdateRecord
import java.time.Instant

/** The alarm and notification calls the shell makes; Android's AlarmManager and NotificationManager behind it, a fake in tests. */
interface Alarms {
    /** `AlarmManager.setExactAndAllowWhileIdle(RTC_WAKEUP, at, …)`. */
    fun setExact(token: String, at: Instant, notification: NotificationEffectRecord)

    /** `AlarmManager.setWindow(RTC_WAKEUP, start, end - start, …)`: fires between [start] and [end]. */
    fun setWindow(token: String, start: Instant, end: Instant, notification: NotificationEffectRecord)

    /** Posts the notification now (`NotificationManagerCompat.notify`). */
    fun post(notification: NotificationEffectRecord)

    fun cancel(token: String)

    /** Registers the notification channels the core names (at launch, after a language change). */
    fun registerCategories(categories: List<CategorySetupRecord>) {}
}

/** Android cannot list its alarms: the tokens the core last said the phone holds (SharedPreferences). */
interface ScheduledStore {
    fun load(): List<String>
    fun save(tokens: List<String>)
}

/**
 * Performs the reminder effects of an update, in order, and keeps the core's record of what
 * the phone holds. It decides nothing: which notifications, when, exact or windowed, and
 * how many all come from the core. What the platform refused, and what was posted now,
 * go back to the core as events.
 */
class ReminderEffects(private val alarms: Alarms, private val store: ScheduledStore) {
    fun perform(update: UpdateRecord): List<EventRecord> {
        val followUps = mutableListOf<EventRecord>()
        val posted = mutableListOf<String>()
        update.categories?.let(alarms::registerCategories)
        for (effect in update.effects) {
            when (effect) {
                is EffectRecord.Cancel -> alarms.cancel(effect.token)
                is EffectRecord.PostNow -> {
                    alarms.post(effect.notification)
                    posted += effect.notification.token
                }
                is EffectRecord.Schedule -> {
                    val n = effect.notification
                    try {
                        when (val t = n.timing) {
                            is AlarmTiming.Exact -> alarms.setExact(n.token, n.fireAt, n)
                            is AlarmTiming.Window -> alarms.setWindow(n.token, t.start, n.fireAt, n)
                        }
                    } catch (e: SecurityException) {
                        followUps += EventRecord.EffectFailed(n.token, EffectFailure.PERMISSION_MISSING)
                    } catch (e: IllegalStateException) {
                        // Android's per-app alarm limit.
                        followUps += EventRecord.EffectFailed(n.token, EffectFailure.ALARM_REFUSED)
                    }
                }
            }
        }
        update.remindersHeld?.let(store::save)
        if (posted.isNotEmpty()) followUps += EventRecord.NotificationsDelivered(posted)
        return followUps
    }
}
