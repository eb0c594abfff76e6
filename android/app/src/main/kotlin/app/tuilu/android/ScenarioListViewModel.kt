package app.tuilu.android

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import app.tuilu.core.ScenarioListModel
import app.tuilu.core.ScenarioListState
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** Android wrapper of [ScenarioListModel]: reads the bundled packs from the assets. */
class ScenarioListViewModel(application: Application) : AndroidViewModel(application) {
    private val model = ScenarioListModel((application as TuiluApplication).tuilu)
    val state: StateFlow<ScenarioListState> = model.state

    init {
        viewModelScope.launch {
            val texts = withContext(Dispatchers.IO) {
                val assets = getApplication<Application>().assets
                assets.list("").orEmpty()
                    .filter { it.endsWith(".toml") }
                    .map { name -> assets.open(name).bufferedReader().use { it.readText() } }
            }
            model.load(texts)
        }
    }
}
