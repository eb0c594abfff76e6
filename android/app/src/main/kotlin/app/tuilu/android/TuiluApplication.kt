package app.tuilu.android

import android.app.Application
import app.tuilu.core.Tuilu

/** Holds the one [Tuilu] of the process; it lives as long as the app. */
class TuiluApplication : Application() {
    val tuilu: Tuilu by lazy { Tuilu() }
}
