package app.tuilu.ui.reminders

import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.NotificationActionId
import app.tuilu.core.uniffi.Os
import app.tuilu.core.uniffi.PlatformStateRecord
import app.tuilu.core.uniffi.UpdateRecord

/** What the platform allows, read just before each event (reading is all the shell does). */
data class PlatformFacts(
    /** `Build.VERSION.SDK_INT`. */
    val sdk: Int,
    /** `NotificationManagerCompat.areNotificationsEnabled()`. */
    val notificationsAllowed: Boolean,
    /** `AlarmManager.canScheduleExactAlarms()` (true before Android 12). */
    val exactAlarmsAllowed: Boolean,
) {
    /** The platform's state for the core, with the tokens the phone holds. */
    fun state(scheduled: List<String>, inForeground: Boolean) = PlatformStateRecord(
        os = Os.Android(sdk),
        notificationsAllowed = notificationsAllowed,
        exactAlarmsAllowed = exactAlarmsAllowed,
        pendingLimit = ANDROID_PENDING_LIMIT,
        scheduled = scheduled,
        inForeground = inForeground,
    )

    companion object {
        /** Alarms Android lets one app hold. */
        const val ANDROID_PENDING_LIMIT: Int = 500
    }
}

/**
 * Sends events to the core and performs what follows: the receivers unpack an intent into
 * an [EventRecord] and call [on]; the screens do the same for taps. What the platform
 * reports back (a refused alarm, a notification posted now) goes to the core as the next
 * event. Nothing here maps actions, counts a budget or picks exact alarms.
 */
class ReminderEvents(
    private val screens: TuiluScreens,
    private val perform: (UpdateRecord) -> List<EventRecord>,
    private val state: (inForeground: Boolean) -> PlatformStateRecord,
) {
    /** Handles [event] and performs its effects; returns its update. */
    suspend fun on(event: EventRecord, inForeground: Boolean = false): UpdateRecord {
        val update = screens.handle(event, state(inForeground))
        var next = perform(update)
        // Follow-ups (refusals, deliveries) are answered once each; their effects too.
        repeat(MAX_FOLLOW_UPS) {
            if (next.isEmpty()) return update
            next = next.flatMap { perform(screens.handle(it, state(inForeground))) }
        }
        return update
    }

    /** A notification's button (the core's id, from the intent); the refusal's words, if any. */
    suspend fun action(token: String, action: NotificationActionId): String? =
        on(EventRecord.NotificationAction(token, action)).message?.takeIf { it.isError }?.text

    companion object {
        private const val MAX_FOLLOW_UPS = 2

        /** Android's receivers: alarms through [effects], the held tokens in [store]. */
        fun android(screens: TuiluScreens, effects: ReminderEffects, store: ScheduledStore, facts: () -> PlatformFacts) =
            ReminderEvents(screens, effects::perform) { fg -> facts().state(store.load(), fg) }
    }
}
