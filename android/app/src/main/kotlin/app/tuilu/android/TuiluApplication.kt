package app.tuilu.android

import android.app.Application
import app.tuilu.core.Tuilu
import java.io.File

/** Holds the one [Tuilu] of the process, opened on the app's vault; it lives as long as the app. */
class TuiluApplication : Application() {
    val tuilu: Tuilu by lazy { Tuilu(File(filesDir, "vault").path) }
}
