package app.tuilu.android

import android.content.Context

/**
 * The core's record of the reminders the phone holds (`UpdateRecord.remindersHeld`), in
 * SharedPreferences: it outlives the process, while the alarms themselves do not outlive a
 * reboot, an update or a force stop (the core is told, and sets them all again).
 */
class HeldTokens(context: Context) {
    private val prefs = context.getSharedPreferences("tuilu-alarms", Context.MODE_PRIVATE)
    fun load(): Set<String> = prefs.getStringSet("tokens", emptySet())!!.toSet()
    fun save(tokens: Set<String>) = prefs.edit().putStringSet("tokens", tokens).apply()
}
