package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.LocalizedText
import app.tuilu.core.uniffi.PackSummary
import java.util.Locale
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/** What the scenario list screen shows. */
sealed interface ScenarioListState {
    data object Loading : ScenarioListState

    /** [failed] counts packs that could not be read; they are left out of [scenarios]. */
    data class Loaded(val scenarios: List<ScenarioItem>, val failed: Int) : ScenarioListState

    data class Error(val message: String) : ScenarioListState
}

/** One row of the scenario list. */
data class ScenarioItem(
    val id: String,
    val platform: String,
    val title: String,
    val summary: String,
    val stepCount: Int,
)

/**
 * The scenario list's state holder, free of Android types so it is tested on the JVM; the
 * app's view model wraps it. [load] takes the packs' TOML texts (read from the app's assets
 * until the rule engine exposes the bundled packs).
 */
class ScenarioListModel(
    private val tuilu: Tuilu,
    private val locale: Locale = Locale.getDefault(),
) {
    private val mutableState = MutableStateFlow<ScenarioListState>(ScenarioListState.Loading)
    val state: StateFlow<ScenarioListState> = mutableState.asStateFlow()

    suspend fun load(packTexts: List<String>) {
        mutableState.value = ScenarioListState.Loading
        var failed = 0
        val items = packTexts.mapNotNull { text ->
            try {
                tuilu.parsePack(text).toItem()
            } catch (e: ApiException.InvalidInput) {
                failed++
                null
            } catch (e: ApiException) {
                mutableState.value = ScenarioListState.Error(e.userMessage(locale))
                return
            }
        }
        mutableState.value = ScenarioListState.Loaded(items.sortedBy { it.id }, failed)
    }

    private fun PackSummary.toItem() = ScenarioItem(
        id = id,
        platform = platform,
        title = title.pick(),
        summary = summary.pick(),
        stepCount = steps.size,
    )

    private fun LocalizedText.pick(): String {
        val english = locale.language == "en"
        return when {
            english && en.isNotBlank() -> en
            !english && zh.isNotBlank() -> zh
            else -> zh.ifBlank { en }
        }
    }
}
