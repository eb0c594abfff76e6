package app.tuilu.android

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import app.tuilu.core.uniffi.AlarmTiming
import app.tuilu.core.uniffi.NotificationActionId
import app.tuilu.core.uniffi.NotificationButtonRecord
import app.tuilu.core.uniffi.NotificationCategory
import app.tuilu.core.uniffi.NotificationEffectRecord
import app.tuilu.core.uniffi.ReminderKind
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
 * unpacks the intent into the core's event and makes one call; the core answers with every
 * reminder to set again (the store's tokens may be stale: a reboot cleared the alarms).
 */
class SystemEventsReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val event = SystemEvent.of(context, intent) ?: return
        async(context) { context.tuiluApp.onSystemEvent(event) }
    }
}

/** An alarm fired: post the notification the core planned, then report it delivered. */
class AlarmReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val n = read(intent) ?: return
        async(context) { context.tuiluApp.onAlarm(n) }
    }

    companion object {
        const val FIRE = "app.tuilu.REMINDER"

        /** What the notification shows, carried by the alarm's intent. */
        fun put(i: Intent, n: NotificationEffectRecord) {
            i.putExtra("token", n.token).putExtra("kind", n.kind.name).putExtra("category", n.category.name)
                .putExtra("fire_at", n.fireAt.toEpochMilli()).putExtra("fire_local", n.fireLocal)
                .putExtra("title", n.title).putExtra("body", n.body)
                .putExtra("action_ids", n.actions.map { it.id.name }.toTypedArray())
                .putExtra("action_labels", n.actions.map { it.label }.toTypedArray())
                .putExtra("action_unlock", n.actions.map { it.needsUnlock }.toBooleanArray())
        }

        fun read(i: Intent): NotificationEffectRecord? = runCatching {
            val token = i.getStringExtra("token") ?: return null
            val ids = i.getStringArrayExtra("action_ids").orEmpty()
            val labels = i.getStringArrayExtra("action_labels").orEmpty()
            val unlock = i.getBooleanArrayExtra("action_unlock") ?: BooleanArray(ids.size)
            NotificationEffectRecord(
                token = token,
                kind = ReminderKind.valueOf(i.getStringExtra("kind")!!),
                category = NotificationCategory.valueOf(i.getStringExtra("category")!!),
                fireAt = Instant.ofEpochMilli(i.getLongExtra("fire_at", 0)),
                fireLocal = i.getStringExtra("fire_local").orEmpty(),
                timing = AlarmTiming.Exact,
                title = i.getStringExtra("title").orEmpty(),
                body = i.getStringExtra("body").orEmpty(),
                actions = ids.indices.map { k -> NotificationButtonRecord(NotificationActionId.valueOf(ids[k]), labels[k], unlock.getOrElse(k) { false }) },
            )
        }.getOrNull()
    }
}

/** "已提交", "已有结果" and "稍后提醒" from the notification: the core acts on them without opening the app. */
class NotificationActionReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val n = AlarmReceiver.read(intent) ?: return
        val action = intent.getStringExtra(ACTION)?.let { runCatching { NotificationActionId.valueOf(it) }.getOrNull() } ?: return
        async(context) { context.tuiluApp.onNotificationAction(n, action) }
    }

    companion object {
        const val ACTION = "action"
    }
}
