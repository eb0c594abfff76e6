package app.tuilu.android

import android.content.Intent
import android.graphics.BitmapFactory
import android.net.Uri
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.BackHandler
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.safeDrawing
import androidx.compose.foundation.layout.windowInsetsPadding
import androidx.compose.ui.Modifier
import androidx.activity.viewModels
import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.ui.graphics.asImageBitmap
import androidx.lifecycle.SavedStateHandle
import androidx.lifecycle.lifecycleScope
import androidx.lifecycle.viewModelScope
import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.RouteRecord
import app.tuilu.ui.DelegatingEffects
import app.tuilu.ui.PickedFile
import app.tuilu.ui.Route
import app.tuilu.ui.TuiluApp
import app.tuilu.ui.TuiluController
import java.util.Locale
import kotlinx.coroutines.launch

/**
 * Holds the controller across rotation: long work (import, verify, export) runs in the
 * ViewModel's scope and keeps going while the Activity is recreated. The effects point to
 * the current Activity; picker and camera results land in [picks] (kept across process
 * death through [SavedStateHandle]).
 */
class AppViewModel(application: android.app.Application, saved: SavedStateHandle) : androidx.lifecycle.AndroidViewModel(application) {
    val effects = DelegatingEffects()
    val controller: TuiluController = (application as TuiluApplication).let { app ->
        app.screens.language = TuiluScreens.languageOf(Locale.getDefault())
        TuiluController(app.screens, effects, viewModelScope, permissions = app.permissions())
    }
    val picks = PickResults(saved)
    val incoming = Incoming(application)

    /** The photo picker's result; one that arrives after a process death is filed under the step it was for. */
    fun picked(uris: List<Uri>) {
        val target = picks.deliverPicked(uris) ?: return
        viewModelScope.launch { fileUnder(target, incoming.describeAll(uris)) }
    }

    /** The camera's result; as [picked]. */
    fun photoTaken(ok: Boolean) {
        val (target, path) = picks.deliverPhoto(ok) ?: return
        val file = java.io.File(path)
        if (file.length() > 0) fileUnder(target, listOf(PickedFile(path, file.name, "image/jpeg")))
    }

    private fun fileUnder(target: PickResults.Target, files: List<PickedFile>) {
        if (files.isEmpty()) return
        controller.go(Route.Evidence(target.caseId, target.stepId, target.title))
        controller.addFiles(files)
    }

    /** A notification was tapped: the core records it and says where the app opens. */
    fun openNotification(token: String) = viewModelScope.launch {
        val app = getApplication<TuiluApplication>()
        val update = app.shell.send(EventRecord.NotificationOpened(token), inForeground = true)
        (update.route as? RouteRecord.Case)?.let { controller.go(Route.Case(it.caseId)) }
    }

    /**
     * Files shared from another app: described off the main thread (name, size, capture
     * time), then the user picks the case and step, and the core reads each once through a
     * file descriptor (no cache copy; a large video never touches the main thread).
     */
    fun receiveShared(intent: Intent) {
        val uris = ShareIntents.streams(intent)
        if (uris.isEmpty()) return
        viewModelScope.launch { controller.importShared(incoming.describeAll(uris)) }
    }
}

class MainActivity : ComponentActivity() {
    private val vm: AppViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        // Edge to edge (enforced from targetSdk 35): the app draws behind the status and
        // navigation bars and pads its content by the safe-drawing insets, the keyboard's
        // included (adjustResize), so no bar or keyboard covers the top bar or a text field.
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        vm.effects.target = AndroidEffects(this, vm)
        val c = vm.controller
        setContent {
            BackHandler(enabled = c.route != Route.Home) { c.back() }
            Box(Modifier.fillMaxSize().windowInsetsPadding(WindowInsets.safeDrawing)) {
                TuiluApp(c, dark = isSystemInDarkTheme(), thumbnail = ::thumbnail)
            }
        }
        // A share is handled once: not again when the Activity is recreated with its intent.
        if (savedInstanceState == null) handle(intent)
        // Changes made elsewhere (a notification action) refresh the screen.
        lifecycleScope.launch { tuiluApp.screens.changes().collect { runCatching { c.load() } } }
    }

    override fun onResume() {
        super.onResume()
        // The permission states may have changed in system settings.
        vm.controller.permissions = tuiluApp.permissions()
        lifecycleScope.launch { tuiluApp.onForeground() }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        handle(intent)
    }

    /** A notification opens its step's case; ACTION_SEND(_MULTIPLE) brings files to file under a step. */
    private fun handle(intent: Intent?) {
        intent ?: return
        val token = intent.getStringExtra(EXTRA_TOKEN)
        when {
            token != null -> vm.openNotification(token)
            ShareIntents.isShare(intent) -> vm.receiveShared(intent)
        }
    }

    private fun thumbnail(path: String) = runCatching {
        val opts = BitmapFactory.Options().apply { inSampleSize = 8 }
        // Another app's file is not copied: its thumbnail is read from its URI.
        if (path.startsWith("content:")) {
            contentResolver.openInputStream(android.net.Uri.parse(path))?.use { BitmapFactory.decodeStream(it, null, opts) }?.asImageBitmap()
        } else {
            BitmapFactory.decodeFile(path, opts)?.asImageBitmap()
        }
    }.getOrNull()

    companion object {
        /** The token of the notification that opened the app. */
        const val EXTRA_TOKEN = "token"
    }
}
