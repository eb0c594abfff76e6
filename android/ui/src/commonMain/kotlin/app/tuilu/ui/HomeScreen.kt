package app.tuilu.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Add
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.CaseCardRecord
import app.tuilu.core.uniffi.HomeViewRecord
import app.tuilu.core.uniffi.MoreCasesRecord

/** Open cases, most urgent first (the core's order), or the way to start one. */
@Composable
fun HomeScreen(
    view: HomeViewRecord,
    s: Strings,
    onOpenCase: (String) -> Unit,
    onStart: () -> Unit,
    onSettings: () -> Unit,
    onMore: () -> Unit = {},
) {
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(s.appName, back = null, backLabel = s.back) {
                IconButton(onClick = onSettings) { Icon(Icons.Filled.Settings, contentDescription = s.settings) }
            }
            if (view.cases.isEmpty()) {
                Column(
                    Modifier.fillMaxSize().padding(32.dp),
                    verticalArrangement = Arrangement.Center,
                    horizontalAlignment = Alignment.CenterHorizontally,
                ) {
                    Text(
                        view.emptyText.orEmpty(),
                        style = MaterialTheme.typography.bodyLarge,
                        textAlign = TextAlign.Center,
                    )
                    Gap(24)
                    Button(onClick = onStart) {
                        Icon(Icons.Filled.Add, contentDescription = null)
                        Text(view.startLabel, modifier = Modifier.padding(start = 8.dp))
                    }
                }
            } else {
                Box(Modifier.fillMaxSize()) {
                    LazyColumn(
                        contentPadding = PaddingValues(16.dp, 8.dp, 16.dp, 96.dp),
                        verticalArrangement = Arrangement.spacedBy(12.dp),
                    ) {
                        items(view.calendarWarnings) { w ->
                            Note(MaterialTheme.colorScheme.tertiaryContainer, MaterialTheme.colorScheme.onTertiaryContainer) {
                                Text(w, style = MaterialTheme.typography.bodySmall)
                            }
                        }
                        items(view.cases, key = { it.id }) { card -> CaseCard(card, s) { onOpenCase(card.id) } }
                        // The core words a page of cards at a time: the next page when this row
                        // is composed (the user scrolled to the end) or tapped.
                        view.moreCases?.let { more ->
                            item(key = "more") { MoreCasesRow(more, view.cases.size, onMore) }
                        }
                    }
                    ExtendedFloatingActionButton(
                        onClick = onStart,
                        icon = { Icon(Icons.Filled.Add, contentDescription = null) },
                        text = { Text(view.startLabel) },
                        modifier = Modifier.align(Alignment.BottomEnd).padding(16.dp),
                    )
                }
            }
        }
    }
}

@Composable
private fun CaseCard(card: CaseCardRecord, s: Strings, onClick: () -> Unit) {
    val overdue = card.overdue
    Card(
        onClick = onClick,
        colors = if (overdue) {
            CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer.copy(alpha = 0.45f))
        } else {
            CardDefaults.cardColors()
        },
        modifier = Modifier.fillMaxWidth(),
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(card.platform, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
                if (card.overdue) OverdueBadge(s.overdueBadge)
                if (card.estimated) EstimatedBadge(s.estimatedBadge)
            }
            Text(card.title, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold)
            card.nextAction?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            card.nextDeadline?.let { d ->
                val color = if (d.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface
                Text(d.headline, style = MaterialTheme.typography.titleSmall, color = color, fontWeight = FontWeight.SemiBold)
                card.nextDeadlineStep?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                Text(d.text, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            Row(verticalAlignment = Alignment.CenterVertically) {
                LinearProgressIndicator(
                    progress = { if (card.total > 0) card.settled.toFloat() / card.total else 0f },
                    modifier = Modifier.weight(1f),
                )
                Text(card.progressText, style = MaterialTheme.typography.labelMedium, modifier = Modifier.padding(start = 12.dp))
            }
        }
    }
}

@Composable
private fun MoreCasesRow(more: MoreCasesRecord, shown: Int, onMore: () -> Unit) {
    LaunchedEffect(shown) { onMore() }
    Column(
        Modifier.fillMaxWidth().padding(vertical = 8.dp).testTag("home-more"),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(4.dp),
    ) {
        Text(more.text, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        OutlinedButton(onClick = onMore) { Text(more.label) }
    }
}

@Composable
internal fun Clickable(onClick: () -> Unit, content: @Composable () -> Unit) =
    Box(Modifier.fillMaxWidth().clickable(onClick = onClick)) { content() }
