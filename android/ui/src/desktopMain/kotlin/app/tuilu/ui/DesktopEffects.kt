package app.tuilu.ui

import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.toComposeImageBitmap
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.PlatformStateRecord
import app.tuilu.core.uniffi.UpdateRecord
import app.tuilu.ui.reminders.PlatformFacts
import app.tuilu.ui.reminders.ReminderEffects
import java.io.File
import java.nio.file.Files
import org.jetbrains.skia.Image

/**
 * The JVM stand-in for the phone's effects, used by the UI tests and the screenshot
 * renderer: the "picker" hands over files queued by the test, shares are recorded, and
 * reminders are held as tokens.
 */
class DesktopEffects(private val exportDir: File = Files.createTempDirectory("tuilu-export-").toFile()) : PlatformEffects {
    val picks = ArrayDeque<List<PickedFile>>()
    val shared = mutableListOf<Pair<String, String>>()
    val opened = mutableListOf<SettingsPage>()
    var notificationRequests = 0
    val copied = mutableListOf<String>()
    val sharedTexts = mutableListOf<Pair<String, String>>()
    val printed = mutableListOf<Pair<String, String>>()
    /** Files the "open document" picker hands over next, in order. */
    val documents = ArrayDeque<PickedFile>()
    /** Documents saved through [createDocument], by path. */
    val savedDocuments = mutableListOf<String>()
    /** The alarms and notifications the phone would hold. */
    val alarms = RecordingAlarms()
    /** The held tokens, as SharedPreferences keeps them on Android. */
    val store = MemoryStore()
    /** What the platform allows (a phone on Android 14 with both permissions by default). */
    var facts = PlatformFacts(sdk = 34, notificationsAllowed = true, exactAlarmsAllowed = true)
    private val reminderEffects = ReminderEffects(alarms, store)

    override suspend fun pickMedia(): List<PickedFile> = picks.removeFirstOrNull() ?: emptyList()
    override suspend fun takePhoto(): PickedFile? = picks.removeFirstOrNull()?.firstOrNull()
    override fun shareFile(path: String, mediaType: String) { shared += path to mediaType }
    override fun platformState(inForeground: Boolean): PlatformStateRecord = facts.state(store.load(), inForeground)
    override fun performEffects(update: UpdateRecord): List<EventRecord> = reminderEffects.perform(update)
    override fun openSettings(page: SettingsPage) { opened += page }
    override fun requestNotifications() { notificationRequests++ }
    override fun exportPath(name: String): String = File(exportDir, name).path
    override fun copyText(label: String, text: String) { copied += text }
    override fun shareText(title: String, text: String) { sharedTexts += title to text }
    override fun printHtml(jobName: String, html: String) { printed += jobName to html }

    /** The desktop "picker" saves in the export folder under the suggested name. */
    override suspend fun createDocument(suggestedName: String, mimeType: String): SaveTarget {
        val file = File(exportDir, suggestedName)
        return object : SaveTarget {
            override val path = file.path
            override suspend fun publish() { savedDocuments += file.path }
            override fun discard() { file.delete() }
        }
    }

    override suspend fun openDocument(mimeType: String): PickedFile? = documents.removeFirstOrNull()
}

/** Decodes an image file for a thumbnail (Android uses BitmapFactory). */
fun desktopThumbnail(path: String): ImageBitmap? =
    runCatching { Image.makeFromEncoded(File(path).readBytes()).toComposeImageBitmap() }.getOrNull()
