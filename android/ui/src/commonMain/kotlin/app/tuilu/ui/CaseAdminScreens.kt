package app.tuilu.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.MoreVert
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextDecoration
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.CaseMenuAction
import app.tuilu.core.uniffi.CaseMenuItemRecord
import app.tuilu.core.uniffi.ConfirmViewRecord
import app.tuilu.core.uniffi.HistoryViewRecord
import app.tuilu.core.uniffi.MoveTargetRecord
import app.tuilu.core.uniffi.UpgradeViewRecord

/** The case's menu (history, update to new rules, archive, delete), as the core lists it. */
@Composable
fun CaseMenu(items: List<CaseMenuItemRecord>, s: Strings, onPick: (CaseMenuAction) -> Unit) {
    var open by remember { mutableStateOf(false) }
    Box {
        IconButton(onClick = { open = true }, modifier = Modifier.testTag("case-menu")) {
            Icon(Icons.Filled.MoreVert, contentDescription = s.moreActions)
        }
        DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            items.forEach { item ->
                DropdownMenuItem(
                    text = {
                        Text(item.label, color = if (item.destructive) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface)
                    },
                    onClick = {
                        open = false
                        onPick(item.action)
                    },
                    modifier = Modifier.testTag("menu-" + item.action.name),
                )
            }
        }
    }
}

/** The case's journal in words, newest first; undo where the core offers it. */
@Composable
fun HistoryScreen(view: HistoryViewRecord, s: Strings, onBack: () -> Unit, onUndo: (String) -> Unit) {
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(view.title, onBack, s.back)
            LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                items(view.entries, key = { it.seq }) { e ->
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                            Text(e.whenText, style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                            Text(
                                e.text,
                                style = MaterialTheme.typography.bodyLarge,
                                textDecoration = if (e.undone) TextDecoration.LineThrough else null,
                            )
                            e.note?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
                            val step = e.undoStep
                            val label = e.undoLabel
                            if (step != null && label != null) {
                                TextButton(onClick = { onUndo(step) }, modifier = Modifier.testTag("undo-" + e.seq)) { Text(label) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/** What updating to the newest rules changes, shown before it applies. */
@Composable
fun UpgradeScreen(view: UpgradeViewRecord, s: Strings, onBack: () -> Unit, onApply: () -> Unit) {
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(view.title, onBack, s.back)
            Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(view.versionsText, style = MaterialTheme.typography.titleMedium)
                Text(view.summary, style = MaterialTheme.typography.bodyLarge)
                view.changes.forEach { Text(it, style = MaterialTheme.typography.bodyMedium) }
                if (view.available) {
                    Button(onClick = onApply, modifier = Modifier.testTag("apply-upgrade")) { Text(view.applyLabel) }
                }
            }
        }
    }
}

/** The core's question before a destructive event. */
@Composable
fun ConfirmDialog(confirm: ConfirmViewRecord, onConfirm: () -> Unit, onDismiss: () -> Unit) {
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(confirm.title) },
        text = { Text(confirm.text) },
        confirmButton = {
            Button(
                onClick = onConfirm,
                colors = ButtonDefaults.buttonColors(containerColor = MaterialTheme.colorScheme.error),
                modifier = Modifier.testTag("confirm-yes"),
            ) { Text(confirm.confirmLabel) }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(confirm.cancelLabel) } },
    )
}

/** The steps an evidence item can move to, as the core lists them. */
@Composable
fun MoveEvidenceDialog(title: String, targets: List<MoveTargetRecord>, s: Strings, onMove: (String) -> Unit, onDismiss: () -> Unit) {
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(title) },
        text = {
            LazyColumn {
                items(targets, key = { it.stepId }) { t ->
                    TextButton(onClick = { onMove(t.stepId) }, modifier = Modifier.fillMaxWidth().testTag("move-" + t.stepId)) { Text(t.label) }
                }
            }
        },
        confirmButton = {},
        dismissButton = { TextButton(onClick = onDismiss) { Text(s.cancel) } },
    )
}
