package app.tuilu.ui

import app.tuilu.core.uniffi.NotificationEffectRecord
import app.tuilu.ui.reminders.Alarms
import app.tuilu.ui.reminders.ScheduledStore
import java.time.Instant

/**
 * The desktop's AlarmManager and NotificationManager: what the phone would hold, kept in
 * memory. [reboot] drops every alarm, as Android does at boot and on a force stop.
 */
class RecordingAlarms : Alarms {
    data class Alarm(val token: String, val start: Instant, val end: Instant, val exact: Boolean, val notification: NotificationEffectRecord)

    val held = LinkedHashMap<String, Alarm>()
    val posted = mutableListOf<NotificationEffectRecord>()

    override fun setExact(token: String, at: Instant, notification: NotificationEffectRecord) {
        held[token] = Alarm(token, at, at, true, notification)
    }

    override fun setWindow(token: String, start: Instant, end: Instant, notification: NotificationEffectRecord) {
        held[token] = Alarm(token, start, end, false, notification)
    }

    override fun post(notification: NotificationEffectRecord) {
        posted += notification
    }

    override fun cancel(token: String) {
        held.remove(token)
    }

    fun reboot() = held.clear()
}

/** SharedPreferences' stand-in: the tokens the core last said the phone holds. */
class MemoryStore(var tokens: List<String> = emptyList()) : ScheduledStore {
    override fun load() = tokens
    override fun save(tokens: List<String>) {
        this.tokens = tokens
    }
}
