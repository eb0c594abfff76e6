package app.tuilu.android

import android.net.Uri
import androidx.lifecycle.SavedStateHandle
import app.tuilu.ui.Route
import kotlin.coroutines.resume
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine

/**
 * Picker and camera results that outlive the Activity. The launchers are registered by
 * each Activity in onCreate; their results come here (the Activity's ViewModel), so a
 * rotation does not drop them, and the step they are for is kept in the saved state, so a
 * result that arrives in a new process (the system killed the app while the camera was
 * open) is still filed under it.
 */
class PickResults(private val saved: SavedStateHandle) {
    /** The step a pick was started for. */
    data class Target(val caseId: String, val stepId: String?, val title: String)

    private var pickWaiter: CancellableContinuation<List<Uri>>? = null
    private var photoWaiter: CancellableContinuation<Boolean>? = null

    /** The step the current pick or photo is for (saved across process death). */
    var target: Target?
        get() = saved.get<String>(CASE)?.let { Target(it, saved.get<String>(STEP), saved.get<String>(TITLE).orEmpty()) }
        private set(value) {
            saved[CASE] = value?.caseId
            saved[STEP] = value?.stepId
            saved[TITLE] = value?.title
        }

    /** The file the camera writes into (saved across process death). */
    var photoPath: String?
        get() = saved.get<String>(PHOTO)
        set(value) {
            saved[PHOTO] = value
        }

    /** Starts a pick for the current route's step, then waits for [deliverPicked]. */
    suspend fun awaitPick(route: Route, launch: () -> Unit): List<Uri> {
        target = (route as? Route.Evidence)?.let { Target(it.caseId, it.stepId, it.title) }
        return suspendCancellableCoroutine { c ->
            pickWaiter = c
            launch()
        }
    }

    suspend fun awaitPhoto(route: Route, path: String, launch: () -> Unit): Boolean {
        target = (route as? Route.Evidence)?.let { Target(it.caseId, it.stepId, it.title) }
        photoPath = path
        return suspendCancellableCoroutine { c ->
            photoWaiter = c
            launch()
        }
    }

    /**
     * The picker's result. Resumes the waiting call when there is one; otherwise (a new
     * process) returns the step it was for, for the caller to file the files there.
     */
    fun deliverPicked(uris: List<Uri>): Target? {
        val waiter = pickWaiter
        pickWaiter = null
        if (waiter != null) {
            waiter.resume(uris)
            return null
        }
        return target.takeIf { uris.isNotEmpty() }.also { target = null }
    }

    /** The camera's result; as [deliverPicked], with the photo's file. */
    fun deliverPhoto(ok: Boolean): Pair<Target, String>? {
        val waiter = photoWaiter
        photoWaiter = null
        if (waiter != null) {
            waiter.resume(ok)
            return null
        }
        val t = target
        val path = photoPath
        target = null
        photoPath = null
        return if (ok && t != null && path != null) t to path else null
    }

    private companion object {
        const val CASE = "pick.case"
        const val STEP = "pick.step"
        const val TITLE = "pick.title"
        const val PHOTO = "pick.photo"
    }
}
