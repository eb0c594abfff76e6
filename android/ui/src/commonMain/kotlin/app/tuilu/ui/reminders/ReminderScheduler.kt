package app.tuilu.ui.reminders

import app.tuilu.core.uniffi.NotificationViewRecord
import app.tuilu.core.uniffi.ReminderSyncRecord
import app.tuilu.ui.PermissionState
import java.time.Duration
import java.time.Instant

/** The alarm calls the scheduler makes; Android's AlarmManager behind it, a fake in tests. */
interface Alarms {
    /** `AlarmManager.setAndAllowWhileIdle(RTC_WAKEUP, …)`: may fire up to [INEXACT_WINDOW] late. */
    fun setAndAllowWhileIdle(token: String, triggerAt: Instant, notification: NotificationViewRecord)

    /** `AlarmManager.setExactAndAllowWhileIdle(RTC_WAKEUP, …)`. */
    fun setExactAndAllowWhileIdle(token: String, triggerAt: Instant, notification: NotificationViewRecord)

    fun cancel(token: String)
}

/** The tokens of what the phone holds, kept across process deaths (SharedPreferences). */
interface ScheduledStore {
    fun load(): Set<String>
    fun save(tokens: Set<String>)
}

/** How one sync was applied. */
data class Applied(val exact: Int, val inexact: Int, val cancelled: Int, val held: Set<String>)

/**
 * Turns the core's reminder sync into alarm calls. The core decides what and when; this
 * decides only how, from the permission states:
 * - exact alarms only when the user opted in and the system allows them;
 * - otherwise `setAndAllowWhileIdle` [INEXACT_WINDOW] before the time, so the inexact
 *   window can make it early but never late; a reminder due sooner than that (a snooze)
 *   is set halfway between now and its time, the best an inexact alarm can do;
 * - without the notification permission nothing is scheduled (it could not show), and what
 *   the phone held is cancelled, so the next sync with permission schedules it all again.
 */
class ReminderScheduler(private val alarms: Alarms, private val store: ScheduledStore) {
    fun apply(sync: ReminderSyncRecord, perms: PermissionState, now: Instant): Applied {
        var held = store.load().toMutableSet()
        var cancelled = 0
        for (token in sync.cancel) {
            alarms.cancel(token)
            if (held.remove(token)) cancelled++
        }
        if (!perms.notificationsAllowed) {
            held.forEach(alarms::cancel)
            cancelled += held.size
            store.save(emptySet())
            return Applied(0, 0, cancelled, emptySet())
        }
        val exact = perms.exactOptIn && perms.exactAllowed
        var nExact = 0
        var nInexact = 0
        for (n in sync.schedule.sortedBy { it.fireAt }.take(sync.budget.toInt().coerceAtLeast(0))) {
            if (exact) {
                alarms.setExactAndAllowWhileIdle(n.token, maxOf(n.fireAt, now), n)
                nExact++
            } else {
                alarms.setAndAllowWhileIdle(n.token, inexactTrigger(n.fireAt, now), n)
                nInexact++
            }
            held.add(n.token)
        }
        held = held.filterTo(mutableSetOf()) { it in sync.keep || sync.schedule.any { n -> n.token == it } }
        store.save(held)
        return Applied(nExact, nInexact, cancelled, held)
    }

    companion object {
        fun inexactTrigger(fireAt: Instant, now: Instant): Instant {
            if (!fireAt.isAfter(now)) return now
            val early = fireAt.minus(INEXACT_WINDOW)
            val half = now.plus(Duration.between(now, fireAt).dividedBy(2))
            return maxOf(early, half)
        }

        /** How late an inexact alarm may fire on Android (documented as up to an hour). */
        val INEXACT_WINDOW: Duration = Duration.ofHours(1)
    }
}
