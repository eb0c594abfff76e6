package app.tuilu.android

import android.app.AlarmManager
import android.content.Intent
import java.time.ZoneId
import java.util.TimeZone

/**
 * What the system told the app, as the core's effects model will take it (issue 24): the
 * receivers turn an intent into one of these and make one call ([TuiluApplication.onSystemEvent]).
 */
sealed interface SystemEvent {
    /** BOOT_COMPLETED: the phone restarted and holds none of the app's alarms. */
    data object Boot : SystemEvent
    /** MY_PACKAGE_REPLACED: an update cleared the app's alarms. */
    data object AppUpdated : SystemEvent
    /** The process started (after a force stop the system cleared the alarms too). */
    data object AppStarted : SystemEvent
    /** TIME_SET: the clock was changed by hand. */
    data object TimeSet : SystemEvent
    /** TIMEZONE_CHANGED, with the new zone. */
    data class ZoneChanged(val zone: ZoneId) : SystemEvent
    /** LOCALE_CHANGED: texts (notifications, channels) follow the new language. */
    data object LocaleChanged : SystemEvent
    /** SCHEDULE_EXACT_ALARM_PERMISSION_STATE_CHANGED (Android 12+): granted or revoked. */
    data object ExactAlarmPermissionChanged : SystemEvent

    companion object {
        /** The event an intent of the manifest's SystemEventsReceiver carries, or null. */
        fun of(intent: Intent): SystemEvent? = when (intent.action) {
            Intent.ACTION_BOOT_COMPLETED -> Boot
            Intent.ACTION_MY_PACKAGE_REPLACED -> AppUpdated
            Intent.ACTION_TIME_CHANGED -> TimeSet
            Intent.ACTION_TIMEZONE_CHANGED -> ZoneChanged(zoneOf(intent))
            Intent.ACTION_LOCALE_CHANGED -> LocaleChanged
            AlarmManager.ACTION_SCHEDULE_EXACT_ALARM_PERMISSION_STATE_CHANGED -> ExactAlarmPermissionChanged
            else -> null
        }

        /** The zone the intent names (`time-zone`), else the one the system now reports. */
        private fun zoneOf(intent: Intent): ZoneId =
            intent.getStringExtra(EXTRA_TIMEZONE)?.let { runCatching { ZoneId.of(it) }.getOrNull() }
                ?: TimeZone.getDefault().toZoneId()

        /** `Intent.EXTRA_TIMEZONE`, hidden in the SDK. */
        const val EXTRA_TIMEZONE = "time-zone"
    }
}
