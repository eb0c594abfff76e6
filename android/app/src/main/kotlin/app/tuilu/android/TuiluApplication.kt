package app.tuilu.android

import android.app.AlarmManager
import android.app.Application
import android.content.Context
import android.os.Build
import androidx.core.app.NotificationManagerCompat
import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.EffectFailure
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.NotificationActionId
import app.tuilu.core.uniffi.NotificationEffectRecord
import app.tuilu.core.uniffi.UpdateRecord
import app.tuilu.ui.PermissionState
import java.io.File
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
 * and device transfer by res/xml/data_extraction_rules.xml). Reminders follow the core's
 * effects ([AndroidShell]): every start, broadcast, alarm and notification button is one
 * event into the core, and the shell performs what comes back.
 */
class TuiluApplication : Application() {
    private val vaultDir by lazy { File(filesDir, "vault").path }
    val screens: TuiluScreens by lazy { TuiluScreens(vaultDir) }
    val store by lazy { HeldTokens(this) }
    val shell by lazy { AndroidShell(this, this) }
    val appScope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** One event at a time (a boot broadcast and the app start may race). */
    private val events = Mutex()

    /** The start's event; tests wait for it. */
    lateinit var started: Job
        private set

    override fun onCreate() {
        super.onCreate()
        started = appScope.launch { runCatching { onStart() } }
    }

    /**
     * The process started: the channels are registered, and the core is told whether the
     * alarms the store lists survived (a force stop clears them and says nothing).
     */
    suspend fun onStart(): UpdateRecord = events.withLock {
        notificationsChanged()
        shell.send(if (shell.alarmsLost()) EventRecord.AlarmsLost else EventRecord.Launched)
    }

    /**
     * The app came to the foreground (MainActivity.onResume). Android sends no broadcast
     * when the user allows or blocks notifications in the system's settings or dialog: a
     * change since the last look is told to the core, which sets every reminder again or
     * cancels them.
     */
    suspend fun onForeground(): UpdateRecord? = events.withLock {
        notificationsChanged()?.let { shell.send(EventRecord.NotificationPermission(it), inForeground = true) }
    }

    /** The notification permission if it changed since it was last read (recorded now), else null. */
    private fun notificationsChanged(): Boolean? {
        val allowed = NotificationManagerCompat.from(this).areNotificationsEnabled()
        val prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE)
        val before = if (prefs.contains(NOTIFICATIONS_ALLOWED)) prefs.getBoolean(NOTIFICATIONS_ALLOWED, allowed) else allowed
        prefs.edit().putBoolean(NOTIFICATIONS_ALLOWED, allowed).apply()
        return allowed.takeIf { it != before }
    }

    /** A system broadcast (SystemEventsReceiver). */
    suspend fun onSystemEvent(e: SystemEvent): UpdateRecord = events.withLock {
        e.zone?.let { screens.zone = it }
        if (e.localeChanged) screens.language = TuiluScreens.languageOf(Locale.getDefault())
        shell.send(e.event)
    }

    /** An alarm fired: the notification it carries is posted, and the core told it was shown (or why not). */
    suspend fun onAlarm(n: NotificationEffectRecord): UpdateRecord = events.withLock {
        if (NotificationManagerCompat.from(this).areNotificationsEnabled()) {
            Notifications.post(this, n)
            shell.send(EventRecord.NotificationsDelivered(listOf(n.token)))
        } else {
            shell.send(EventRecord.EffectFailed(n.token, EffectFailure.PERMISSION_MISSING))
        }
    }

    /**
     * A notification's button: the core acts on it; the tapped notification goes, or shows
     * the core's refusal in its place.
     */
    suspend fun onNotificationAction(n: NotificationEffectRecord, action: NotificationActionId): UpdateRecord = events.withLock {
        val update = shell.send(EventRecord.NotificationAction(n.token, action))
        val refusal = update.message?.takeIf { it.isError }
        if (refusal == null) Notifications.cancel(this, n.token) else Notifications.post(this, n.copy(body = refusal.text, actions = emptyList()))
        update
    }

    /**
     * The screens changed the vault (a step acted on in the app): the core re-plans against
     * what the phone holds. Until the controller sends its events through `handle` itself,
     * this stands in for the update those events return.
     */
    suspend fun onVaultChanged(): UpdateRecord = events.withLock { shell.send(EventRecord.BackgroundRefresh, inForeground = true) }

    /** What the settings screen shows about the platform's permissions. */
    fun permissions(): PermissionState {
        return PermissionState(
            notificationsAllowed = NotificationManagerCompat.from(this).areNotificationsEnabled(),
            exactAllowed = Build.VERSION.SDK_INT < 31 || canScheduleExactAlarms(),
        )
    }

    @androidx.annotation.RequiresApi(31)
    private fun canScheduleExactAlarms() = getSystemService(AlarmManager::class.java).canScheduleExactAlarms()

    companion object {
        const val PREFS = "tuilu"
        const val NOTIFICATIONS_ALLOWED = "notifications_allowed"
    }
}

val Context.tuiluApp: TuiluApplication get() = applicationContext as TuiluApplication
