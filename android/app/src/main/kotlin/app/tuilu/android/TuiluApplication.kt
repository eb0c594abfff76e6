package app.tuilu.android

import android.app.AlarmManager
import android.app.Application
import android.content.Context
import android.os.Build
import androidx.core.app.NotificationManagerCompat
import app.tuilu.core.TuiluScreens
import app.tuilu.ui.PermissionState
import app.tuilu.ui.reminders.ReminderEvents
import app.tuilu.ui.reminders.ReminderScheduler
import java.io.File
import java.time.Instant
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch

/**
 * One vault per process, in app-private storage (`files/vault`, excluded from cloud backup
 * and device transfer by res/xml/data_extraction_rules.xml). On every start the alarms are
 * rebuilt from the core's reminder sync.
 */
class TuiluApplication : Application() {
    private val vaultDir by lazy { File(filesDir, "vault").path }
    val screens: TuiluScreens by lazy { TuiluScreens(vaultDir) }
    val store by lazy { PrefsScheduledStore(this) }
    val scheduler by lazy { ReminderScheduler(AndroidAlarms(this), store) }
    val reminderEvents by lazy { ReminderEvents(screens, scheduler, store, ::permissions, Instant::now) }
    val appScope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    override fun onCreate() {
        super.onCreate()
        Notifications.createChannels(this)
        appScope.launch { runCatching { reminderEvents.reschedule() } }
    }

    fun permissions(): PermissionState {
        val alarms = getSystemService(AlarmManager::class.java)
        return PermissionState(
            notificationsAllowed = NotificationManagerCompat.from(this).areNotificationsEnabled(),
            exactOptIn = getSharedPreferences(PREFS, Context.MODE_PRIVATE).getBoolean(EXACT_OPT_IN, false),
            exactAllowed = Build.VERSION.SDK_INT < 31 || alarms.canScheduleExactAlarms(),
        )
    }

    fun setExactOptIn(on: Boolean) =
        getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit().putBoolean(EXACT_OPT_IN, on).apply()

    companion object {
        const val PREFS = "tuilu"
        const val EXACT_OPT_IN = "exact_opt_in"
    }
}

val Context.tuiluApp: TuiluApplication get() = applicationContext as TuiluApplication
