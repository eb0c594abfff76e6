package app.tuilu.android

import android.content.Intent
import android.graphics.BitmapFactory
import android.net.Uri
import android.os.Build
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.BackHandler
import androidx.activity.compose.setContent
import androidx.activity.viewModels
import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.ui.graphics.asImageBitmap
import androidx.lifecycle.ViewModel
import androidx.lifecycle.lifecycleScope
import androidx.lifecycle.viewModelScope
import app.tuilu.core.TuiluScreens
import app.tuilu.ui.DelegatingEffects
import app.tuilu.ui.Route
import app.tuilu.ui.TuiluApp
import app.tuilu.ui.TuiluController
import java.util.Locale
import kotlinx.coroutines.launch

/**
 * Holds the controller across rotation: long work (import, verify, export) runs in the
 * ViewModel's scope and keeps going while the Activity is recreated. The effects point to
 * the current Activity.
 */
class AppViewModel(application: android.app.Application) : androidx.lifecycle.AndroidViewModel(application) {
    val effects = DelegatingEffects()
    val controller: TuiluController = (application as TuiluApplication).let { app ->
        app.screens.language = TuiluScreens.languageOf(Locale.getDefault())
        TuiluController(app.screens, effects, viewModelScope, permissions = app.permissions())
    }
}

class MainActivity : ComponentActivity() {
    private val vm: AppViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        vm.effects.target = AndroidEffects(this)
        val c = vm.controller
        setContent {
            BackHandler(enabled = c.route != Route.Home) { c.back() }
            TuiluApp(c, dark = isSystemInDarkTheme(), thumbnail = ::thumbnail)
        }
        if (savedInstanceState == null) handle(intent)
        // Changes made elsewhere (a notification action) refresh the screen.
        lifecycleScope.launch { tuiluApp.screens.changes().collect { runCatching { c.load() } } }
    }

    override fun onResume() {
        super.onResume()
        // The permission states may have changed in system settings.
        vm.controller.permissions = tuiluApp.permissions().copy(exactOptIn = vm.controller.permissions.exactOptIn)
        tuiluApp.setExactOptIn(vm.controller.permissions.exactOptIn)
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        handle(intent)
    }

    /** A notification opens its step's case; ACTION_SEND(_MULTIPLE) brings files to file under a step. */
    private fun handle(intent: Intent?) {
        intent ?: return
        val case = intent.getStringExtra(EXTRA_CASE)
        when {
            case != null -> vm.controller.go(Route.Case(case))
            intent.action == Intent.ACTION_SEND || intent.action == Intent.ACTION_SEND_MULTIPLE -> {
                val uris = streams(intent)
                vm.controller.importShared(uris.mapNotNull { AndroidEffects.copyToCache(this, it) })
            }
        }
    }

    @Suppress("DEPRECATION")
    private fun streams(intent: Intent): List<Uri> = if (intent.action == Intent.ACTION_SEND_MULTIPLE) {
        if (Build.VERSION.SDK_INT >= 33) intent.getParcelableArrayListExtra(Intent.EXTRA_STREAM, Uri::class.java).orEmpty()
        else intent.getParcelableArrayListExtra<Uri>(Intent.EXTRA_STREAM).orEmpty()
    } else {
        listOfNotNull(if (Build.VERSION.SDK_INT >= 33) intent.getParcelableExtra(Intent.EXTRA_STREAM, Uri::class.java) else intent.getParcelableExtra<Uri>(Intent.EXTRA_STREAM))
    }

    private fun thumbnail(path: String) = runCatching {
        val opts = BitmapFactory.Options().apply { inSampleSize = 8 }
        BitmapFactory.decodeFile(path, opts)?.asImageBitmap()
    }.getOrNull()

    companion object {
        const val EXTRA_CASE = "case"
        const val EXTRA_STEP = "step"
    }
}
