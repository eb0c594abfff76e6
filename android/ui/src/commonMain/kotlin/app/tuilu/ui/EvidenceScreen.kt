package app.tuilu.ui

import androidx.compose.ui.text.style.TextAlign
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.runtime.setValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.getValue
import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.BundlePreviewRecord
import app.tuilu.core.uniffi.EvidenceListRecord
import app.tuilu.core.uniffi.EvidenceRowRecord

/** Long work in progress (import, verify, export): what, how far, and a way to stop it. */
data class Busy(val label: String, val fraction: Float?)

/** What is attached to a step (or the case), and the ways to add, verify and export. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun EvidenceScreen(
    view: EvidenceListRecord,
    title: String,
    s: Strings,
    busy: Busy?,
    result: String?,
    thumbnail: (EvidenceRowRecord) -> ImageBitmap?,
    onBack: () -> Unit,
    onPick: () -> Unit,
    onCamera: () -> Unit,
    onVerify: () -> Unit,
    onExport: () -> Unit,
    onCancel: () -> Unit,
    onDelete: (String) -> Unit = {},
    onMove: (String, String) -> Unit = { _, _ -> },
) {
    var moving by remember { mutableStateOf<EvidenceRowRecord?>(null) }
    moving?.let { row ->
        MoveEvidenceDialog(view.moveLabel, view.moveTargets, s, onMove = { step -> moving = null; onMove(row.id, step) }, onDismiss = { moving = null })
    }
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(view.title.ifEmpty { title }, onBack, s.back)
            LazyColumn(Modifier.weight(1f), contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
                item {
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
                        Button(onClick = onPick, enabled = busy == null, modifier = Modifier.weight(1f)) { Text(s.addFromGallery, textAlign = TextAlign.Center) }
                        OutlinedButton(onClick = onCamera, enabled = busy == null, modifier = Modifier.weight(1f)) { Text(s.takePhoto, textAlign = TextAlign.Center) }
                    }
                }
                busy?.let { b ->
                    item {
                        Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                            Text(b.label, style = MaterialTheme.typography.bodyMedium)
                            if (b.fraction != null) {
                                LinearProgressIndicator(progress = { b.fraction }, modifier = Modifier.fillMaxWidth())
                            } else {
                                LinearProgressIndicator(Modifier.fillMaxWidth())
                            }
                            TextButton(onClick = onCancel) { Text(s.cancel) }
                        }
                    }
                }
                result?.let { item { Note(MaterialTheme.colorScheme.secondaryContainer, MaterialTheme.colorScheme.onSecondaryContainer) { Text(it) } } }
                view.emptyText?.let { item { Text(it, style = MaterialTheme.typography.bodyLarge, color = MaterialTheme.colorScheme.onSurfaceVariant) } }
                items(view.items, key = { it.id }) { row ->
                    EvidenceCard(row, thumbnail(row)) {
                        // Side by side when they fit; at a large font size one under the other.
                        FlowRow(horizontalArrangement = Arrangement.spacedBy(4.dp)) {
                            if (view.moveTargets.isNotEmpty()) {
                                TextButton(onClick = { moving = row }, modifier = Modifier.testTag("move-" + row.id)) { Text(view.moveLabel) }
                            }
                            TextButton(onClick = { onDelete(row.id) }, modifier = Modifier.testTag("delete-" + row.id)) {
                                Text(view.deleteLabel, color = MaterialTheme.colorScheme.error)
                            }
                        }
                    }
                }
                if (view.items.isNotEmpty()) {
                    item { Text(view.totalSizeText, style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                }
            }
            Surface(tonalElevation = 3.dp) {
                Row(Modifier.fillMaxWidth().padding(16.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    // Equal halves with narrow padding: "Verify evidence" at a large font size
                    // keeps its words whole.
                    val pad = PaddingValues(horizontal = 12.dp, vertical = 8.dp)
                    OutlinedButton(onClick = onVerify, enabled = busy == null, contentPadding = pad, modifier = Modifier.weight(1f)) { Text(s.verify, textAlign = TextAlign.Center) }
                    Button(onClick = onExport, enabled = busy == null, contentPadding = pad, modifier = Modifier.weight(1f)) { Text(s.exportBundle, textAlign = TextAlign.Center) }
                }
            }
        }
    }
}

@Composable
private fun EvidenceCard(row: EvidenceRowRecord, thumb: ImageBitmap?, actions: @Composable () -> Unit = {}) {
    Card(Modifier.fillMaxWidth()) {
        Row(Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically) {
            Box(
                Modifier.size(64.dp).clip(RoundedCornerShape(8.dp)).background(MaterialTheme.colorScheme.surfaceVariant),
                contentAlignment = Alignment.Center,
            ) {
                if (thumb != null) {
                    Image(thumb, contentDescription = row.fileName, contentScale = ContentScale.Crop, modifier = Modifier.size(64.dp))
                } else {
                    Text(row.kindLabel, style = MaterialTheme.typography.labelSmall)
                }
            }
            Column(Modifier.padding(start = 12.dp).weight(1f), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                Text(row.fileName, style = MaterialTheme.typography.titleSmall, fontWeight = FontWeight.SemiBold)
                Text(row.detail, style = MaterialTheme.typography.bodySmall)
                Text(row.capturedText, style = MaterialTheme.typography.bodySmall)
                Text("SHA-256 ${row.shortHash}", style = MaterialTheme.typography.labelSmall, fontFamily = FontFamily.Monospace, color = MaterialTheme.colorScheme.onSurfaceVariant)
                if (row.note.isNotBlank()) Text(row.note, style = MaterialTheme.typography.bodySmall)
                row.verifyText?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
                actions()
            }
        }
    }
}

/**
 * What the dispute bundle will carry, before it is written: the core's summary, the facts
 * it holds, what it leaves out (questions and notes, never their text), and the switch for
 * private facts and notes (off by default: the bundle goes to a platform, a guild or a lawyer).
 */
@Composable
fun BundlePreviewDialog(
    p: BundlePreviewRecord,
    s: Strings,
    onIncludePrivate: (Boolean) -> Unit,
    onDismiss: () -> Unit,
    onExport: () -> Unit,
) {
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(s.exportBundle) },
        text = {
            LazyColumn(verticalArrangement = Arrangement.spacedBy(6.dp)) {
                item { Text(p.summary, style = MaterialTheme.typography.bodyMedium, fontWeight = FontWeight.SemiBold) }
                if (p.facts.isNotEmpty()) {
                    item { Text(s.bundleFacts, style = MaterialTheme.typography.labelLarge) }
                    items(p.facts) { Text(it, style = MaterialTheme.typography.bodySmall) }
                }
                if (p.withheldFacts.isNotEmpty() || p.withheldNotes.isNotEmpty()) {
                    item { Text(s.bundleLeftOut, style = MaterialTheme.typography.labelLarge) }
                    items(p.withheldFacts + p.withheldNotes) {
                        Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    }
                }
                item {
                    Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.fillMaxWidth()) {
                        Text(s.includePrivate, modifier = Modifier.weight(1f))
                        Switch(checked = p.includePrivate, onCheckedChange = onIncludePrivate, modifier = Modifier.testTag("include-private"))
                    }
                }
                item { Text(p.privacyHint, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
            }
        },
        confirmButton = { Button(onClick = onExport) { Text(s.exportAndShare) } },
        dismissButton = { TextButton(onClick = onDismiss) { Text(s.cancel) } },
    )
}
