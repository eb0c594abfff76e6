package app.tuilu.android

import android.app.AlarmManager
import android.content.Context
import android.content.Intent
import android.os.Build
import app.tuilu.core.uniffi.EventRecord
import java.time.ZoneId
import java.util.TimeZone

/**
 * A system broadcast as the core's event, with what the call's context must carry: the new
 * zone (TIMEZONE_CHANGED) or the new language (LOCALE_CHANGED).
 */
data class SystemEvent(val event: EventRecord, val zone: ZoneId? = null, val localeChanged: Boolean = false) {
    companion object {
        /** The event an intent of the manifest's SystemEventsReceiver carries, or null. */
        fun of(context: Context, intent: Intent): SystemEvent? = when (intent.action) {
            Intent.ACTION_BOOT_COMPLETED -> SystemEvent(EventRecord.Booted)
            Intent.ACTION_MY_PACKAGE_REPLACED -> SystemEvent(EventRecord.AppUpdated)
            Intent.ACTION_TIME_CHANGED -> SystemEvent(EventRecord.TimeSet)
            Intent.ACTION_TIMEZONE_CHANGED -> SystemEvent(EventRecord.ZoneChanged, zone = zoneOf(intent))
            Intent.ACTION_LOCALE_CHANGED -> SystemEvent(EventRecord.LocaleChanged, localeChanged = true)
            AlarmManager.ACTION_SCHEDULE_EXACT_ALARM_PERMISSION_STATE_CHANGED ->
                SystemEvent(EventRecord.ExactAlarmPermission(Build.VERSION.SDK_INT < 31 || canScheduleExact(context)))
            else -> null
        }

        @androidx.annotation.RequiresApi(31)
        private fun canScheduleExact(context: Context) = context.getSystemService(AlarmManager::class.java).canScheduleExactAlarms()

        /** The zone the intent names (`time-zone`), else the one the system now reports. */
        private fun zoneOf(intent: Intent): ZoneId =
            intent.getStringExtra(EXTRA_TIMEZONE)?.let { runCatching { ZoneId.of(it) }.getOrNull() }
                ?: TimeZone.getDefault().toZoneId()

        /** `Intent.EXTRA_TIMEZONE`, hidden in the SDK. */
        const val EXTRA_TIMEZONE = "time-zone"
    }
}
