package app.tuilu.android

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import app.tuilu.core.uniffi.NotificationActionRecord
import app.tuilu.core.uniffi.NotificationViewRecord
import app.tuilu.ui.reminders.NotificationEvent
import java.time.Instant
import kotlinx.coroutines.launch

/**
 * Runs [block] off the main thread while the receiver stays alive (goAsync), and always
 * finishes the broadcast, whatever [block] throws (a receiver left unfinished is an ANR).
 */
private fun BroadcastReceiver.async(context: Context, block: suspend () -> Unit) {
    val pending = goAsync()
    context.tuiluApp.appScope.launch {
        try {
            runCatching { block() }
        } finally {
            pending.finish()
        }
    }
}

/**
 * Boot, app update, time set, zone change, locale change, exact-alarm permission change:
 * one call with the event; the app sets every future reminder again (the store's tokens
 * may be stale: a reboot or an update cleared the alarms it lists).
 */
class SystemEventsReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val event = SystemEvent.of(intent) ?: return
        async(context) { context.tuiluApp.onSystemEvent(event) }
    }
}

/** An alarm fired: post the notification, then tell the core it was delivered. */
class AlarmReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val n = read(intent) ?: return
        async(context) { context.tuiluApp.onAlarm(n) }
    }

    companion object {
        const val FIRE = "app.tuilu.REMINDER"

        fun put(i: Intent, n: NotificationViewRecord) {
            i.putExtra("id", n.id).putExtra("token", n.token).putExtra("fire_at", n.fireAt.toEpochMilli())
                .putExtra("title", n.title).putExtra("body", n.body).putExtra("category", n.category)
                .putExtra("case", n.caseId).putExtra("step", n.stepId)
                .putExtra("action_ids", n.actions.map { it.id }.toTypedArray())
                .putExtra("action_labels", n.actions.map { it.label }.toTypedArray())
        }

        fun read(i: Intent): NotificationViewRecord? {
            val id = i.getStringExtra("id") ?: return null
            val ids = i.getStringArrayExtra("action_ids").orEmpty()
            val labels = i.getStringArrayExtra("action_labels").orEmpty()
            return NotificationViewRecord(
                id, i.getStringExtra("token").orEmpty(), Instant.ofEpochMilli(i.getLongExtra("fire_at", 0)), "",
                i.getStringExtra("title").orEmpty(), i.getStringExtra("body").orEmpty(), i.getStringExtra("category").orEmpty(),
                ids.zip(labels).map { (a, l) -> NotificationActionRecord(a, l) },
                i.getStringExtra("case"), i.getStringExtra("step"),
            )
        }
    }
}

fun NotificationViewRecord.event(action: String?) = NotificationEvent(action, id, token, caseId, stepId)

/** "已提交", "已有结果" and "稍后提醒" from the notification, acted on through the core without opening the app. */
class NotificationActionReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val n = AlarmReceiver.read(intent) ?: return
        val action = intent.getStringExtra(ACTION) ?: return
        async(context) { context.tuiluApp.onNotificationAction(n, action) }
    }

    companion object {
        const val ACTION = "action"
    }
}
