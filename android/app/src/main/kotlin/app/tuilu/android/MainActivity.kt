package app.tuilu.android

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.viewModels
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import app.tuilu.core.ScenarioItem
import app.tuilu.core.ScenarioListState
import app.tuilu.core.Tuilu

class MainActivity : ComponentActivity() {
    private val scenarios: ScenarioListViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContent {
            MaterialTheme {
                val state by scenarios.state.collectAsStateWithLifecycle()
                ScenarioListScreen(state)
            }
        }
    }
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ScenarioListScreen(state: ScenarioListState) {
    Scaffold(topBar = { TopAppBar(title = { Text(stringResource(R.string.scenarios_title)) }) }) { padding ->
        Box(Modifier.fillMaxSize().padding(padding)) {
            when (state) {
                ScenarioListState.Loading -> CircularProgressIndicator(Modifier.align(Alignment.Center))
                is ScenarioListState.Error -> Text(state.message, Modifier.align(Alignment.Center).padding(24.dp))
                is ScenarioListState.Loaded -> LazyColumn(
                    contentPadding = PaddingValues(16.dp),
                    verticalArrangement = Arrangement.spacedBy(12.dp),
                ) {
                    items(state.scenarios, key = { it.id }) { ScenarioRow(it) }
                    item {
                        Text(
                            stringResource(R.string.core_version, Tuilu.version),
                            style = MaterialTheme.typography.labelSmall,
                        )
                    }
                }
            }
        }
    }
}

@Composable
private fun ScenarioRow(item: ScenarioItem) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(item.title, style = MaterialTheme.typography.titleMedium)
            if (item.summary.isNotBlank()) Text(item.summary, style = MaterialTheme.typography.bodyMedium)
        }
    }
}
