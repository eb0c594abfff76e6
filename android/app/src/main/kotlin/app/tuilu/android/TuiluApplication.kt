package app.tuilu.android

import android.app.AlarmManager
import android.app.Application
import android.content.Context
import android.os.Build
import androidx.core.app.NotificationManagerCompat
import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.NotificationViewRecord
import app.tuilu.ui.PermissionState
import app.tuilu.ui.reminders.Applied
import app.tuilu.ui.reminders.ReminderEvents
import app.tuilu.ui.reminders.ReminderScheduler
import java.io.File
import java.time.Instant
import java.util.Locale
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/**
 * One vault per process, in app-private storage (`files/vault`, excluded from cloud backup
 * and device transfer by res/xml/data_extraction_rules.xml). On every start the alarms are
 * set again from the core ([SystemEvent.AppStarted]: after a force stop the system cleared
 * them, while the store still lists their tokens).
 */
class TuiluApplication : Application() {
    private val vaultDir by lazy { File(filesDir, "vault").path }
    val screens: TuiluScreens by lazy { TuiluScreens(vaultDir) }
    val store by lazy { PrefsScheduledStore(this) }
    val scheduler by lazy { ReminderScheduler(AndroidAlarms(this), store) }
    val reminderEvents by lazy { ReminderEvents(screens, scheduler, store, ::permissions, Instant::now) }
    val appScope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** One reminder change at a time (a boot broadcast and the app start may race). */
    private val reminders = Mutex()

    /** The start's rescheduling; tests wait for it. */
    lateinit var started: Job
        private set

    override fun onCreate() {
        super.onCreate()
        Notifications.createChannels(this)
        started = appScope.launch { runCatching { onSystemEvent(SystemEvent.AppStarted) } }
    }

    /** A system event (SystemEventsReceiver, the app start): every future reminder is set again. */
    suspend fun onSystemEvent(event: SystemEvent): Applied = reminders.withLock {
        when (event) {
            is SystemEvent.ZoneChanged -> screens.zone = event.zone
            SystemEvent.LocaleChanged -> {
                screens.language = TuiluScreens.languageOf(Locale.getDefault())
                Notifications.createChannels(this)
            }
            else -> Unit
        }
        reminderEvents.rescheduleAll()
    }

    /** An alarm fired: the notification is posted, then the core records the delivery. */
    suspend fun onAlarm(n: NotificationViewRecord) = reminders.withLock {
        Notifications.post(this, n)
        reminderEvents.delivered(n.event(null))
    }

    /** A notification's action button, acted on through the core without opening the app. */
    suspend fun onNotificationAction(n: NotificationViewRecord, action: String) = reminders.withLock {
        val refused = reminderEvents.action(n.event(action))
        if (refused == null) Notifications.cancel(this, n) else Notifications.post(this, n.copy(body = refused))
    }

    /**
     * Exact alarms wherever the system allows them: always before Android 12 (no permission
     * exists; an inexact alarm two weeks out may fire days late there), and on 12+ once
     * SCHEDULE_EXACT_ALARM is granted. Otherwise the scheduler's inexact alarm, set early
     * by the documented bound.
     */
    fun permissions(): PermissionState {
        val exactAllowed = Build.VERSION.SDK_INT < 31 || canScheduleExactAlarms()
        return PermissionState(
            notificationsAllowed = NotificationManagerCompat.from(this).areNotificationsEnabled(),
            exactOptIn = exactAllowed || getSharedPreferences(PREFS, Context.MODE_PRIVATE).getBoolean(EXACT_OPT_IN, false),
            exactAllowed = exactAllowed,
        )
    }

    @androidx.annotation.RequiresApi(31)
    private fun canScheduleExactAlarms() = getSystemService(AlarmManager::class.java).canScheduleExactAlarms()

    fun setExactOptIn(on: Boolean) =
        getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit().putBoolean(EXACT_OPT_IN, on).apply()

    companion object {
        const val PREFS = "tuilu"
        const val EXACT_OPT_IN = "exact_opt_in"
    }
}

val Context.tuiluApp: TuiluApplication get() = applicationContext as TuiluApplication
