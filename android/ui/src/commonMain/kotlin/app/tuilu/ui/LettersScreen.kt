package app.tuilu.ui

import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.LetterLineRole
import app.tuilu.core.uniffi.LetterViewRecord
import app.tuilu.core.uniffi.LettersViewRecord
import app.tuilu.core.uniffi.QuestionViewRecord

/** The case's letters: numbered, each with its step and state, or why it is not available. */
@Composable
fun LettersScreen(view: LettersViewRecord, s: Strings, onBack: () -> Unit, onOpen: (String) -> Unit) {
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(view.title, onBack, s.back)
            LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
                view.emptyText?.let { item { Text(it, style = MaterialTheme.typography.bodyLarge) } }
                items(view.letters, key = { it.id }) { l ->
                    Card(
                        Modifier.fillMaxWidth().testTag("letter-${l.id}")
                            .let { if (l.available) it.clickable { onOpen(l.id) } else it },
                    ) {
                        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                            Text("${l.number}. ${l.title}", style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold)
                            Text(l.detail, style = MaterialTheme.typography.bodySmall)
                            Text(
                                l.statusText,
                                style = MaterialTheme.typography.labelLarge,
                                color = if (l.available) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurfaceVariant,
                            )
                            l.reason?.let {
                                Note(MaterialTheme.colorScheme.surfaceVariant, MaterialTheme.colorScheme.onSurfaceVariant) { Text(it, style = MaterialTheme.typography.bodySmall) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/**
 * One letter as the core made it: the preview of the whole letter, or the questions it
 * still needs (answered in place), and the ways out: copy, share, print, mark as sent.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun LetterScreen(
    view: LetterViewRecord,
    s: Strings,
    result: String?,
    onBack: () -> Unit,
    onAnswers: (Map<String, String>) -> Unit,
    onCopy: () -> Unit,
    onShare: () -> Unit,
    onPrint: () -> Unit,
    onMarkSent: () -> Unit,
) {
    var answers by remember(view.missing) { mutableStateOf<Map<String, String>>(emptyMap()) }
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(view.title, onBack, s.back)
            LazyColumn(Modifier.weight(1f), contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                result?.let { item { Note(MaterialTheme.colorScheme.secondaryContainer, MaterialTheme.colorScheme.onSecondaryContainer) { Text(it) } } }
                view.translationNote?.let { item { Note(MaterialTheme.colorScheme.tertiaryContainer, MaterialTheme.colorScheme.onTertiaryContainer) { Text(it) } } }
                view.reason?.let { item { Note(MaterialTheme.colorScheme.surfaceVariant, MaterialTheme.colorScheme.onSurfaceVariant) { Text(it) } } }
                if (!view.complete && view.reason == null) {
                    view.missingText?.let { item { SectionTitle(it) } }
                    items(view.missing, key = { it.id }) { q ->
                        MissingQuestion(q, answers[q.id] ?: "", s) { v -> answers = answers + (q.id to v) }
                    }
                    item {
                        Button(onClick = { onAnswers(answers) }, enabled = answers.values.any { it.isNotBlank() }) { Text(s.saveAnswers) }
                    }
                }
                if (view.complete) {
                    item { LetterPage(view) }
                    view.guidance?.let { g ->
                        item {
                            Note(MaterialTheme.colorScheme.secondaryContainer, MaterialTheme.colorScheme.onSecondaryContainer) {
                                Text(s.guidanceTitle, style = MaterialTheme.typography.labelMedium, fontWeight = FontWeight.SemiBold)
                                Text(g, style = MaterialTheme.typography.bodySmall)
                            }
                        }
                    }
                    items(view.sent, key = { it.evidenceId }) { Text("✉ ${it.text}", style = MaterialTheme.typography.bodySmall) }
                    item { Text(view.sourceText, style = MaterialTheme.typography.labelSmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                }
            }
            if (view.complete) {
                Surface(tonalElevation = 3.dp) {
                    Column(Modifier.fillMaxWidth().padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                        // In a row when they fit; at a large font size they wrap to the next line.
                        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
                            OutlinedButton(onClick = onCopy) { Text(s.copyLetter) }
                            OutlinedButton(onClick = onShare) { Text(s.shareLetter) }
                            OutlinedButton(onClick = onPrint) { Text(s.printLetter) }
                        }
                        Button(onClick = onMarkSent, modifier = Modifier.fillMaxWidth()) { Text(s.markSent) }
                    }
                }
            }
        }
    }
}

/** The letter as the core lays it out: each line printed as given, styled by its role. */
@Composable
private fun LetterPage(v: LetterViewRecord) {
    Surface(color = MaterialTheme.colorScheme.surface, tonalElevation = 1.dp, shape = MaterialTheme.shapes.medium, modifier = Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp).testTag("letter-page"), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(v.title, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold, textAlign = TextAlign.Center, modifier = Modifier.fillMaxWidth())
            v.page.forEach { line ->
                when (line.role) {
                    LetterLineRole.RECIPIENT -> Text(line.text)
                    LetterLineRole.BODY -> Text(line.text, style = MaterialTheme.typography.bodyMedium)
                    LetterLineRole.HEADING -> SectionTitle(line.text)
                    LetterLineRole.ITEM -> Text(line.text, style = MaterialTheme.typography.bodyMedium)
                    LetterLineRole.SIGNATURE -> Text(line.text, textAlign = TextAlign.End, modifier = Modifier.fillMaxWidth())
                }
            }
        }
    }
}

/** A question the letter needs: options as chips, anything else typed. */
@Composable
private fun MissingQuestion(q: QuestionViewRecord, value: String, s: Strings, onChange: (String) -> Unit) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Text(q.text, style = MaterialTheme.typography.bodyLarge)
        q.help?.let { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
        if (q.options.isNotEmpty()) {
            Column {
                q.options.forEach { o -> FilterChip(selected = value == o.value, onClick = { onChange(o.value) }, label = { Text(o.label) }) }
            }
        } else {
            OutlinedTextField(value, onChange, label = { Text(q.kindLabel) }, placeholder = { Text(s.answerHint) }, modifier = Modifier.fillMaxWidth().testTag("answer-${q.id}"))
        }
    }
}
