package app.tuilu.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.RuleUpdateResultRecord
import app.tuilu.core.uniffi.RuleUpdatesViewRecord

/**
 * Rule updates in Settings: each pack's installed version and where it came from, the last
 * check and its result, the notes of the last update, and "检查规则更新". Every word is the
 * core's (docs/rule-updates.md); [result] is the outcome of the check made here.
 */
@Composable
fun RuleUpdatesSection(
    view: RuleUpdatesViewRecord,
    result: RuleUpdateResultRecord?,
    checking: Boolean,
    onCheck: () -> Unit,
) {
    Card(Modifier.fillMaxWidth().testTag("rule-updates")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            view.packs.forEach { Text(it.text, style = MaterialTheme.typography.bodyMedium) }
            Text(
                view.lastCheckText,
                style = MaterialTheme.typography.bodySmall,
                color = if (view.lastCheckOk) MaterialTheme.colorScheme.onSurfaceVariant else MaterialTheme.colorScheme.error,
            )
            if (view.lastUpdateText.isNotEmpty()) Text(view.lastUpdateText, style = MaterialTheme.typography.bodySmall)
            view.lastUpdateNotes.forEach { Text(it, style = MaterialTheme.typography.bodySmall) }
            result?.let { r ->
                Text(
                    r.message,
                    modifier = Modifier.testTag("rule-update-result"),
                    color = if (r.outcome == "refused" || r.outcome == "failed") MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface,
                )
                r.changes.forEach { Text(it, style = MaterialTheme.typography.bodySmall) }
            }
            OutlinedButton(onClick = onCheck, enabled = !checking, modifier = Modifier.testTag("check-rule-updates")) { Text(view.checkLabel) }
        }
    }
}
