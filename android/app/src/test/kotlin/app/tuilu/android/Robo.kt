package app.tuilu.android

import android.app.AlarmManager
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.BroadcastReceiver
import android.content.Intent
import app.tuilu.core.uniffi.EffectRecord
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.NotificationEffectRecord
import app.tuilu.core.uniffi.StepAction
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.robolectric.RuntimeEnvironment
import org.robolectric.shadow.api.Shadow
import org.robolectric.shadows.ShadowAlarmManager
import org.robolectric.shadows.ShadowBroadcastPendingResult
import org.robolectric.Shadows.shadowOf

/** The app as Robolectric started it (TuiluApplication, from the merged manifest), once its start's rescheduling is done. */
fun app(): TuiluApplication {
    val app = RuntimeEnvironment.getApplication() as TuiluApplication
    runBlocking { app.started.join() }
    return app
}

fun alarmManager(): AlarmManager = RuntimeEnvironment.getApplication().getSystemService(AlarmManager::class.java)

fun notificationManager(): NotificationManager =
    RuntimeEnvironment.getApplication().getSystemService(NotificationManager::class.java)

/** The alarms AlarmManager holds now. */
fun alarms(): List<ShadowAlarmManager.ScheduledAlarm> = shadowOf(alarmManager()).scheduledAlarms

/** The intent an alarm (or a notification action) will deliver. */
fun PendingIntent?.intent(): Intent = shadowOf(checkNotNull(this)).savedIntent

/** The reminder token an alarm carries (its data URI, tuilu://reminder/<token>). */
val ShadowAlarmManager.ScheduledAlarm.token: String get() = operation.intent().data!!.lastPathSegment!!

/** What a reboot or a force stop does: the system drops every alarm and its PendingIntent; the app's store keeps its tokens. */
fun wipeAlarms() {
    for (a in alarms()) {
        alarmManager().cancel(a.operation)
        a.operation?.cancel()
    }
    check(alarms().isEmpty())
}

/**
 * Delivers [intent] to [receiver] as the system does for a manifest receiver: with a
 * pending result that goAsync() hands over. Returns once the receiver has called
 * finish(), so a receiver that never finishes fails here.
 */
fun deliver(receiver: BroadcastReceiver, intent: Intent) {
    val create = ShadowBroadcastPendingResult::class.java.getDeclaredMethod(
        "create", Int::class.javaPrimitiveType, String::class.java, android.os.Bundle::class.java, Boolean::class.javaPrimitiveType,
    ).apply { isAccessible = true }
    val pending = create.invoke(null, 0, null, null, false) as BroadcastReceiver.PendingResult
    receiver.setPendingResult(pending)
    receiver.onReceive(RuntimeEnvironment.getApplication(), intent)
    Shadow.extract<ShadowBroadcastPendingResult>(pending).future.get(60, TimeUnit.SECONDS)
}

/** The answers of a guild exit the core accepts (as the desktop demo's). */
val guildAnswers = mapOf(
    "has_unsettled_earnings" to "否",
    "has_violation_record" to "否",
    "contract_ended" to "是",
)

/** A guild exit with its checks done and its exit request submitted now: the core plans deadline reminders. */
fun submittedGuildExit(app: TuiluApplication): String = runBlocking {
    var case = app.screens.createCase("douyin.guild-exit", guildAnswers)
    for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) {
        case = app.screens.act(case.id, step, StepAction.DONE)
    }
    app.screens.act(case.id, "submit_exit", StepAction.SUBMIT).id
}

/**
 * Every reminder the core plans from now, as it would have the phone hold them after a
 * reboot (nothing held): token to notification, with its timing.
 */
fun planned(app: TuiluApplication): Map<String, NotificationEffectRecord> = runBlocking {
    val platform = app.shell.platform().copy(scheduled = emptyList())
    val update = app.screens.handle(EventRecord.Booted, platform)
    update.effects.filterIsInstance<EffectRecord.Schedule>().associate { it.notification.token to it.notification }
}
