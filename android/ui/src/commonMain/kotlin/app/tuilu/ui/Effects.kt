package app.tuilu.ui

import app.tuilu.core.uniffi.CaptureTimeRecord
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.PlatformStateRecord
import app.tuilu.core.uniffi.UpdateRecord

/**
 * A file the platform handed over (photo picker, camera, share sheet). A file of the app's
 * own (the camera's photo, a desktop file) is at [path]. Another app's file is not copied:
 * [open] gives a fresh file descriptor of it that the core takes over and reads once
 * (Android `ParcelFileDescriptor.detachFd()`), [path] is then only its URI (for the
 * thumbnail), [size] its size when the provider says, and [captured] the capture time the
 * platform knows (MediaStore `DATE_TAKEN`). The core decides which capture time it keeps.
 */
data class PickedFile(
    val path: String,
    val name: String,
    val mediaType: String,
    val open: (suspend () -> Int)? = null,
    val size: Long? = null,
    val captured: CaptureTimeRecord? = null,
)

/**
 * A new document the user placed with the system picker (Android `CreateDocument`). The
 * core writes [path] (a file of the app's own); [publish] then copies it to the chosen place,
 * and [discard] drops it when the work failed or was cancelled.
 */
interface SaveTarget {
    val path: String
    suspend fun publish()
    fun discard()
}

/** A system settings page the app may open. */
sealed interface SettingsPage {
    data object AppNotifications : SettingsPage
    data object ExactAlarms : SettingsPage
    data object AppDetails : SettingsPage
    /** The maker's battery/autostart page; falls back to [AppDetails] where none exists. */
    data class Battery(val oem: Oem) : SettingsPage
}

/**
 * What only the platform can do. Android implements it with the photo picker, the camera,
 * FileProvider + the share sheet, AlarmManager and Settings intents; tests and the
 * screenshot renderer use plain JVM fakes.
 */
interface PlatformEffects {
    /** The system photo picker (images and videos; no storage permission). */
    suspend fun pickMedia(): List<PickedFile>

    suspend fun takePhoto(): PickedFile?

    /** Shares the file through the system share sheet. */
    fun shareFile(path: String, mediaType: String)

    /** What the platform allows and holds now, for `TuiluScreens.handle`. */
    fun platformState(inForeground: Boolean): PlatformStateRecord

    /**
     * Performs an update's effects in order (alarms, notifications) and keeps the held
     * tokens; returns what to report back to the core (a refused alarm, a posted notification).
     */
    fun performEffects(update: UpdateRecord): List<EventRecord>

    fun openSettings(page: SettingsPage)

    /** Asks for POST_NOTIFICATIONS (Android 13+). */
    fun requestNotifications()

    /** A writable path for an export named [name] (the app's cache, shared via FileProvider). */
    fun exportPath(name: String): String

    /** Puts [text] on the clipboard under [label]. */
    fun copyText(label: String, text: String)

    /** Shares [text] through the system share sheet (a chat, an e-mail). */
    fun shareText(title: String, text: String)

    /**
     * Asks where to save a new file named [suggestedName] of type [mimeType] (Android:
     * `CreateDocument`); null when the user backs out.
     */
    suspend fun createDocument(suggestedName: String, mimeType: String): SaveTarget?

    /** Asks for an existing file (Android: `OpenDocument`), copied to a path; null when the user backs out. */
    suspend fun openDocument(mimeType: String): PickedFile?

    /** Prints an HTML page through the system print service (Android: WebView + PrintManager). */
    fun printHtml(jobName: String, html: String)

    /** The phone is on Wi-Fi or another unmetered network (the daily rule check waits for one). */
    fun onUnmeteredNetwork(): Boolean = false
}

/** What the platform allows, shown on the reminders screen. */
data class PermissionState(
    val notificationsAllowed: Boolean,
    /** `AlarmManager.canScheduleExactAlarms()` (always true before Android 12). */
    val exactAllowed: Boolean,
)
