package app.tuilu.ui.reminders

import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.AppException
import app.tuilu.core.uniffi.SnoozeChoice
import app.tuilu.core.uniffi.StepAction
import app.tuilu.ui.text
import app.tuilu.ui.PermissionState
import java.time.Instant

/** A notification action or a fired alarm, as the receiver gets it from the intent. */
data class NotificationEvent(
    val actionId: String?,
    val reminderId: String,
    val token: String,
    val caseId: String?,
    val stepId: String?,
)

/**
 * What the receivers do, in plain Kotlin: the Android receivers only unpack intents and
 * call these. Every change goes through the core, then the alarms follow its new sync.
 */
class ReminderEvents(
    private val screens: TuiluScreens,
    private val scheduler: ReminderScheduler,
    private val store: ScheduledStore,
    private val permissions: () -> PermissionState,
    private val now: () -> Instant,
) {
    /** Boot, time or zone change, locale change, app update, exact-alarm permission change, app start. */
    suspend fun reschedule(): Applied =
        scheduler.apply(screens.reminderSync(store.load()), permissions(), now())

    /** The alarm fired and the notification was posted: the core records the delivery. */
    suspend fun delivered(event: NotificationEvent) {
        screens.delivered(listOf(event.token))
    }

    /**
     * "已提交" marks the step submitted now (its clock starts); "已有结果" marks a step handed
     * in as done; "稍后提醒" snoozes (never earlier than the reminder's planned time). The
     * returned text is what to show if the core refused (a step no longer open, say).
     */
    suspend fun action(event: NotificationEvent): String? = try {
        when (event.actionId) {
            SUBMITTED -> {
                val case = event.caseId ?: return null
                val step = event.stepId ?: return null
                screens.act(case, step, StepAction.SUBMIT, at = now())
                reschedule()
            }
            DONE -> {
                val case = event.caseId ?: return null
                val step = event.stepId ?: return null
                screens.act(case, step, StepAction.DONE, at = now())
                reschedule()
            }
            SNOOZE -> scheduler.apply(
                screens.snooze(event.reminderId, SnoozeChoice.ONE_HOUR, store.load()),
                permissions(),
                now(),
            )
            else -> Unit
        }
        null
    } catch (e: AppException) {
        e.text
    }

    companion object {
        /** The core's notification action ids. */
        const val SUBMITTED = "submitted"
        /** "已有结果" on a step handed in: the answer came, the step is done. */
        const val DONE = "done"
        const val SNOOZE = "snooze"
    }
}
