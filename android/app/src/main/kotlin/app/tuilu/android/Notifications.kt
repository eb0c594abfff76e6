package app.tuilu.android

import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import app.tuilu.core.uniffi.CategorySetupRecord
import app.tuilu.core.uniffi.NotificationCategory
import app.tuilu.core.uniffi.NotificationEffectRecord

/** The core's notification categories as Android channels, and notifications posted under their token. */
object Notifications {
    /** The channel of a category (ids are stable: users' channel settings hang on them). */
    fun channelId(category: NotificationCategory) = category.name.lowercase()

    /** How loud a channel is: a deadline or a closing window may ring; the rest is quiet. */
    private fun importance(category: NotificationCategory) = when (category) {
        NotificationCategory.DEADLINE, NotificationCategory.SHORT_WINDOW -> NotificationManager.IMPORTANCE_HIGH
        else -> NotificationManager.IMPORTANCE_DEFAULT
    }

    /** Registers (or renames, after a language change) the channels the core names. */
    fun register(context: Context, categories: List<CategorySetupRecord>) {
        val manager = context.getSystemService(NotificationManager::class.java)
        for (c in categories) {
            manager.createNotificationChannel(NotificationChannel(channelId(c.category), c.title, importance(c.category)))
        }
    }

    /** Each token's notification: the tag is the token, so a cancel by token finds it. */
    private const val ID = 1

    @android.annotation.SuppressLint("MissingPermission") // checked by areNotificationsEnabled
    fun post(context: Context, n: NotificationEffectRecord) {
        val nm = NotificationManagerCompat.from(context)
        if (!nm.areNotificationsEnabled()) return
        val code = n.token.hashCode()
        // Tapping opens the app on what the core routes the notification to.
        val open = Intent(context, MainActivity::class.java)
            .putExtra(MainActivity.EXTRA_TOKEN, n.token)
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TOP)
        val builder = NotificationCompat.Builder(context, channelId(n.category))
            .setSmallIcon(android.R.drawable.ic_popup_reminder)
            .setContentTitle(n.title)
            .setContentText(n.body)
            .setStyle(NotificationCompat.BigTextStyle().bigText(n.body))
            .setAutoCancel(true)
            .setContentIntent(PendingIntent.getActivity(context, code, open, PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE))
        n.actions.forEachIndexed { i, a ->
            val intent = Intent(context, NotificationActionReceiver::class.java)
                .setAction("app.tuilu.ACTION." + a.id.name).setData(reminderUri(n.token))
                .putExtra(NotificationActionReceiver.ACTION, a.id.name)
            AlarmReceiver.put(intent, n)
            builder.addAction(0, a.label, PendingIntent.getBroadcast(context, code * 4 + i, intent, PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE))
        }
        nm.notify(n.token, ID, builder.build())
    }

    fun cancel(context: Context, token: String) = NotificationManagerCompat.from(context).cancel(token, ID)
}
