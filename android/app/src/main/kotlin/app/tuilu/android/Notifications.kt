package app.tuilu.android

import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.os.Build
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import app.tuilu.core.uniffi.NotificationViewRecord

/** Channels per the core's categories; the texts are the shell's (zh by default). */
object Notifications {
    private val channels = listOf(
        Triple("deadline", "截止提醒", NotificationManager.IMPORTANCE_HIGH),
        Triple("follow_up", "跟进提醒", NotificationManager.IMPORTANCE_DEFAULT),
        Triple("short_window", "短时窗口", NotificationManager.IMPORTANCE_HIGH),
    )

    fun channelOf(category: String) = when (category) {
        "deadline", "short_window" -> category
        else -> "follow_up"
    }

    fun createChannels(context: Context) {
        if (Build.VERSION.SDK_INT < 26) return
        val en = context.resources.configuration.locales[0].language != "zh"
        val names = mapOf("deadline" to "Deadlines", "follow_up" to "Follow-ups", "short_window" to "Short windows")
        val manager = context.getSystemService(NotificationManager::class.java)
        channels.forEach { (id, zh, importance) ->
            manager.createNotificationChannel(NotificationChannel(id, if (en) names[id] else zh, importance))
        }
    }

    private fun code(n: NotificationViewRecord) = n.id.hashCode()

    @android.annotation.SuppressLint("MissingPermission") // checked by areNotificationsEnabled
    fun post(context: Context, n: NotificationViewRecord) {
        val nm = NotificationManagerCompat.from(context)
        if (!nm.areNotificationsEnabled()) return
        // Tapping opens the step.
        val open = Intent(context, MainActivity::class.java)
            .putExtra(MainActivity.EXTRA_CASE, n.caseId).putExtra(MainActivity.EXTRA_STEP, n.stepId)
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TOP)
        val builder = NotificationCompat.Builder(context, channelOf(n.category))
            .setSmallIcon(android.R.drawable.ic_popup_reminder)
            .setContentTitle(n.title)
            .setContentText(n.body)
            .setStyle(NotificationCompat.BigTextStyle().bigText(n.body))
            .setAutoCancel(true)
            .setContentIntent(PendingIntent.getActivity(context, code(n), open, PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE))
        n.actions.forEachIndexed { i, a ->
            val intent = Intent(context, NotificationActionReceiver::class.java)
                .setAction("app.tuilu.ACTION." + a.id).putExtra(NotificationActionReceiver.ACTION, a.id)
            AlarmReceiver.put(intent, n)
            builder.addAction(0, a.label, PendingIntent.getBroadcast(context, code(n) * 4 + i, intent, PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE))
        }
        nm.notify(code(n), builder.build())
    }

    fun cancel(context: Context, n: NotificationViewRecord) = NotificationManagerCompat.from(context).cancel(code(n))
}
