package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.ScenarioInfo
import java.util.Locale
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/** What the scenario list screen shows. */
sealed interface ScenarioListState {
    data object Loading : ScenarioListState

    data class Loaded(val scenarios: List<ScenarioItem>) : ScenarioListState

    data class Error(val message: String) : ScenarioListState
}

/** One row of the scenario list. */
data class ScenarioItem(
    val id: String,
    val platform: String,
    val title: String,
    val summary: String,
    /** Every step the pack defines, whatever the facts (a plan lists those that apply). */
    val stepCount: Int,
)

/**
 * The scenario list's state holder, free of Android types so it is tested on the JVM; the
 * app's view model wraps it. [load] lists the core's scenarios (bundled packs and packs
 * added at run time).
 */
class ScenarioListModel(
    private val tuilu: Tuilu,
    private val locale: Locale = Locale.getDefault(),
) {
    private val mutableState = MutableStateFlow<ScenarioListState>(ScenarioListState.Loading)
    val state: StateFlow<ScenarioListState> = mutableState.asStateFlow()

    suspend fun load() {
        mutableState.value = ScenarioListState.Loading
        mutableState.value = try {
            ScenarioListState.Loaded(tuilu.scenarios().map { it.toItem() }.sortedBy { it.id })
        } catch (e: ApiException) {
            ScenarioListState.Error(e.userMessage(locale))
        }
    }

    private fun ScenarioInfo.toItem() = ScenarioItem(
        id = id,
        platform = platform,
        title = title.get(locale),
        summary = summary.get(locale),
        stepCount = stepCount,
    )
}
