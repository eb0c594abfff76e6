package app.tuilu.android

import android.Manifest
import android.content.ActivityNotFoundException
import android.content.ClipData
import android.content.ClipboardManager
import android.content.ComponentName
import android.content.Intent
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.net.Uri
import android.os.Build
import android.print.PrintAttributes
import android.print.PrintManager
import android.provider.DocumentsContract
import android.provider.Settings
import android.webkit.WebView
import android.webkit.WebViewClient
import androidx.activity.ComponentActivity
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.core.content.FileProvider
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.PlatformStateRecord
import app.tuilu.core.uniffi.UpdateRecord
import app.tuilu.ui.Oem
import app.tuilu.ui.PickedFile
import app.tuilu.ui.PlatformEffects
import app.tuilu.ui.SaveTarget
import app.tuilu.ui.SettingsPage
import java.io.File
import java.time.Instant
import kotlin.coroutines.resume
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext

/**
 * The platform side of the screens: the system photo picker (no storage permission), the
 * camera through FileProvider, the share sheet, AlarmManager through the scheduler, and the
 * settings pages (with the makers' battery pages where they exist, else the app's details).
 * Register before the activity starts (construct it in onCreate).
 */
class AndroidEffects(private val activity: ComponentActivity, private val vm: AppViewModel) : PlatformEffects {
    override fun onUnmeteredNetwork(): Boolean {
        val cm = activity.getSystemService(ConnectivityManager::class.java) ?: return false
        val caps = cm.activeNetwork?.let { cm.getNetworkCapabilities(it) } ?: return false
        return caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
    }

    private val app = activity.tuiluApp

    // Results go to the ViewModel's PickResults: a rotation or a process death while the
    // picker or the camera is open does not drop them (registered before onCreate returns).
    private val picker = activity.registerForActivityResult(ActivityResultContracts.PickMultipleVisualMedia()) { uris ->
        vm.picked(uris)
    }
    private val camera = activity.registerForActivityResult(ActivityResultContracts.TakePicture()) { ok ->
        vm.photoTaken(ok)
    }
    private var documentWaiter: CancellableContinuation<Uri?>? = null
    // The mime type is fixed at registration; backups are `application/octet-stream` (the
    // core's `mime_type`: age files have none registered).
    private val createDocument = activity.registerForActivityResult(ActivityResultContracts.CreateDocument(BACKUP_MIME)) { uri ->
        documentWaiter?.resume(uri)
        documentWaiter = null
    }
    private val openDocument = activity.registerForActivityResult(ActivityResultContracts.OpenDocument()) { uri ->
        documentWaiter?.resume(uri)
        documentWaiter = null
    }
    private val notificationPermission = activity.registerForActivityResult(ActivityResultContracts.RequestPermission()) { }

    override suspend fun pickMedia(): List<PickedFile> {
        val uris = vm.picks.awaitPick(vm.controller.route) {
            picker.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageAndVideo))
        }
        return vm.incoming.describeAll(uris)
    }

    override suspend fun takePhoto(): PickedFile? {
        val file = File(File(activity.cacheDir, "camera").apply { mkdirs() }, "IMG_${Instant.now().epochSecond}.jpg")
        val ok = vm.picks.awaitPhoto(vm.controller.route, file.path) {
            camera.launch(FileProvider.getUriForFile(activity, AUTHORITY, file))
        }
        return if (ok && file.length() > 0) PickedFile(file.path, file.name, "image/jpeg") else null
    }

    override fun shareFile(path: String, mediaType: String) {
        val uri = FileProvider.getUriForFile(activity, AUTHORITY, File(path))
        val send = Intent(Intent.ACTION_SEND).setType(mediaType).putExtra(Intent.EXTRA_STREAM, uri)
            .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        activity.startActivity(Intent.createChooser(send, null))
    }

    // The controller sends its events through the core; the shell only reads the platform
    // and performs the effects that come back (AndroidShell).
    override fun platformState(inForeground: Boolean): PlatformStateRecord = app.shell.platform(inForeground)

    override fun performEffects(update: UpdateRecord): List<EventRecord> = app.shell.perform(update)

    override fun openSettings(page: SettingsPage) {
        val pkg = activity.packageName
        val details = Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.parse("package:$pkg"))
        val candidates: List<Intent> = when (page) {
            SettingsPage.AppNotifications -> listOf(Intent(Settings.ACTION_APP_NOTIFICATION_SETTINGS).putExtra(Settings.EXTRA_APP_PACKAGE, pkg))
            SettingsPage.ExactAlarms -> if (Build.VERSION.SDK_INT >= 31) {
                listOf(Intent(Settings.ACTION_REQUEST_SCHEDULE_EXACT_ALARM, Uri.parse("package:$pkg")))
            } else {
                emptyList()
            }
            SettingsPage.AppDetails -> emptyList()
            is SettingsPage.Battery -> oemPages(page.oem, pkg)
        }
        for (intent in candidates + details) {
            try {
                activity.startActivity(intent.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK))
                return
            } catch (_: ActivityNotFoundException) {
            } catch (_: SecurityException) {
            }
        }
    }

    /** Deep links known to exist on these makers' systems; any may be missing, so each falls through. */
    private fun oemPages(oem: Oem, pkg: String): List<Intent> = when (oem) {
        Oem.XIAOMI -> listOf(
            Intent("miui.intent.action.APP_PERM_EDITOR").setClassName("com.miui.securitycenter", "com.miui.permcenter.permissions.PermissionsEditorActivity").putExtra("extra_pkgname", pkg),
            Intent().setComponent(ComponentName("com.miui.securitycenter", "com.miui.permcenter.autostart.AutoStartManagementActivity")),
        )
        Oem.HUAWEI -> listOf(
            Intent().setComponent(ComponentName("com.huawei.systemmanager", "com.huawei.systemmanager.startupmgr.ui.StartupNormalAppListActivity")),
            Intent().setComponent(ComponentName("com.hihonor.systemmanager", "com.hihonor.systemmanager.startupmgr.ui.StartupNormalAppListActivity")),
        )
        Oem.OPPO -> listOf(
            Intent().setComponent(ComponentName("com.coloros.safecenter", "com.coloros.safecenter.permission.startup.StartupAppListActivity")),
            Intent().setComponent(ComponentName("com.oplus.safecenter", "com.oplus.safecenter.permission.startup.StartupAppListActivity")),
        )
        Oem.VIVO -> listOf(
            Intent().setComponent(ComponentName("com.vivo.permissionmanager", "com.vivo.permissionmanager.activity.BgStartUpManagerActivity")),
            Intent().setComponent(ComponentName("com.iqoo.secure", "com.iqoo.secure.ui.phoneoptimize.BgStartUpManager")),
        )
    } + Intent(Settings.ACTION_IGNORE_BATTERY_OPTIMIZATION_SETTINGS)

    override fun requestNotifications() {
        if (Build.VERSION.SDK_INT >= 33) notificationPermission.launch(Manifest.permission.POST_NOTIFICATIONS)
        else openSettings(SettingsPage.AppNotifications)
    }

    override fun exportPath(name: String): String =
        File(File(activity.cacheDir, "exports").apply { mkdirs() }, name).apply { delete() }.path

    override fun copyText(label: String, text: String) {
        val clipboard = activity.getSystemService(ClipboardManager::class.java)
        clipboard.setPrimaryClip(ClipData.newPlainText(label, text))
    }

    override fun shareText(title: String, text: String) {
        val send = Intent(Intent.ACTION_SEND).setType("text/plain")
            .putExtra(Intent.EXTRA_SUBJECT, title)
            .putExtra(Intent.EXTRA_TEXT, text)
        activity.startActivity(Intent.createChooser(send, title))
    }

    /**
     * The system "save as" picker. The core writes a file in the cache; [SaveTarget.publish]
     * copies it to the chosen document, [SaveTarget.discard] removes both.
     */
    override suspend fun createDocument(suggestedName: String, mimeType: String): SaveTarget? {
        val uri = suspendCancellableCoroutine<Uri?> { c ->
            documentWaiter = c
            createDocument.launch(suggestedName)
        } ?: return null
        val dir = File(activity.cacheDir, "outgoing").apply { deleteRecursively(); mkdirs() }
        val file = File(dir, "backup.tmp")
        val resolver = activity.contentResolver
        return object : SaveTarget {
            override val path = file.path
            override suspend fun publish() = withContext(Dispatchers.IO) {
                resolver.openOutputStream(uri, "wt")!!.use { out -> file.inputStream().use { it.copyTo(out) } }
                file.delete()
                Unit
            }
            override fun discard() {
                file.delete()
                runCatching { DocumentsContract.deleteDocument(resolver, uri) }
            }
        }
    }

    /** The system "open" picker; the document is copied into the cache (the core takes paths). */
    override suspend fun openDocument(mimeType: String): PickedFile? {
        // Any type: providers label a `.tuilu-backup` file as they like.
        val uri = suspendCancellableCoroutine<Uri?> { c ->
            documentWaiter = c
            openDocument.launch(arrayOf("*/*"))
        } ?: return null
        // Only the last picked backup is kept in the cache.
        withContext(Dispatchers.IO) { File(activity.cacheDir, "restore").deleteRecursively() }
        return vm.incoming.copy(uri, "restore")
    }

    /** The system print service: the core's A4 page in a WebView, printed once it has loaded. */
    override fun printHtml(jobName: String, html: String) {
        val view = WebView(activity)
        printing = view // kept until the job is handed over
        view.webViewClient = object : WebViewClient() {
            override fun onPageFinished(v: WebView, url: String?) {
                val printManager = activity.getSystemService(PrintManager::class.java)
                val attributes = PrintAttributes.Builder().setMediaSize(PrintAttributes.MediaSize.ISO_A4).build()
                printManager.print(jobName, v.createPrintDocumentAdapter(jobName), attributes)
                printing = null
            }
        }
        view.loadDataWithBaseURL(null, html, "text/html", "UTF-8", null)
    }

    private var printing: WebView? = null

    companion object {
        const val AUTHORITY = "app.tuilu.files"
        const val BACKUP_MIME = "application/octet-stream"
    }
}
