package app.tuilu.android

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import app.tuilu.core.ScenarioListModel
import app.tuilu.core.ScenarioListState
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/** Android wrapper of [ScenarioListModel]. */
class ScenarioListViewModel(application: Application) : AndroidViewModel(application) {
    private val model = ScenarioListModel((application as TuiluApplication).tuilu)
    val state: StateFlow<ScenarioListState> = model.state

    init {
        viewModelScope.launch { model.load() }
    }
}
