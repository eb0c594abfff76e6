package app.tuilu.ui

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
import androidx.compose.foundation.selection.selectable
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedCard
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.AmountViewRecord
import app.tuilu.core.uniffi.QuestionViewRecord
import app.tuilu.core.uniffi.QuestionnaireRecord
import app.tuilu.core.uniffi.ScenarioPickerRecord

/** Scenarios grouped by platform. */
@Composable
fun PickerScreen(view: ScenarioPickerRecord, title: String, s: Strings, onBack: () -> Unit, onPick: (String) -> Unit) {
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(title, onBack, s.back)
            LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
                item { Text(s.pickScenario, style = MaterialTheme.typography.headlineSmall) }
                for (group in view.groups) {
                    item(key = "g-" + group.platform) { SectionTitle(group.label) }
                    items(group.scenarios, key = { it.id }) { sc ->
                        Card(onClick = { onPick(sc.id) }, modifier = Modifier.fillMaxWidth()) {
                            Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                                Text(sc.title, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold)
                                Text(sc.summary, style = MaterialTheme.typography.bodyMedium)
                                Text(
                                    sc.lastReviewedText,
                                    style = MaterialTheme.typography.labelSmall,
                                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                                )
                            }
                        }
                    }
                }
            }
        }
    }
}

/** One question at a time; the answers so far stay editable below it. */
@Composable
fun QuestionScreen(
    view: QuestionnaireRecord,
    index: Int,
    s: Strings,
    onBack: () -> Unit,
    onAnswer: (questionId: String, value: String) -> Unit,
    onGoTo: (Int) -> Unit,
    onPreview: () -> Unit,
    /** 下一题 from question n: the core says whether it still needs an answer. */
    onNext: (Int) -> Unit = { n -> onGoTo(n + 1) },
) {
    val i = index.coerceIn(0, (view.questions.size - 1).coerceAtLeast(0))
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(view.title, onBack, s.back)
            LinearProgressIndicator(
                progress = { if (view.total > 0) view.answered.toFloat() / view.total else 1f },
                modifier = Modifier.fillMaxWidth(),
            )
            LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                if (view.questions.isNotEmpty()) {
                    val q = view.questions[i]
                    item { Text(s.questionOf(i + 1, view.questions.size), style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary) }
                    item(key = "q-" + q.id) { QuestionCard(q, s, onAnswer) }
                    item {
                        Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
                            if (i > 0) OutlinedButton(onClick = { onGoTo(i - 1) }) { Text(s.previous) }
                            Row(Modifier.weight(1f)) {}
                            if (i < view.questions.size - 1) {
                                Button(onClick = { onNext(i) }) { Text(s.next) }
                            } else {
                                Button(onClick = onPreview) { Text(s.seePlan) }
                            }
                        }
                    }
                }
                item { SectionTitle(view.preview.summary) }
                itemsIndexedAnswers(view, i, onGoTo)
                item { TextButton(onClick = onPreview) { Text(s.seePlan) } }
            }
        }
    }
}

private fun androidx.compose.foundation.lazy.LazyListScope.itemsIndexedAnswers(
    view: QuestionnaireRecord,
    current: Int,
    onGoTo: (Int) -> Unit,
) {
    view.questions.forEachIndexed { n, q ->
        item(key = "a-" + q.id) {
            Column(
                Modifier.fillMaxWidth().clickable { onGoTo(n) }.padding(vertical = 6.dp),
            ) {
                Text(
                    "${n + 1}. ${q.text}",
                    style = MaterialTheme.typography.bodyMedium,
                    fontWeight = if (n == current) FontWeight.SemiBold else FontWeight.Normal,
                )
                val answer = q.answerText
                Text(
                    listOfNotNull(answer, q.assumedText?.takeIf { q.assumed }).joinToString(" · ").ifEmpty { "—" },
                    style = MaterialTheme.typography.bodySmall,
                    color = if (q.error != null) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
                )
            }
            HorizontalDivider()
        }
    }
}

/**
 * One question with its answer control: the questionnaire's, and the checklist's open
 * questions (with [reason], the core's words on what the answer decides).
 */
@Composable
fun QuestionCard(
    q: QuestionViewRecord,
    s: Strings,
    onAnswer: (String, String) -> Unit,
    reason: String? = null,
    modifier: Modifier = Modifier,
) {
    OutlinedCard(modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(q.text, style = if (reason != null) MaterialTheme.typography.titleMedium else MaterialTheme.typography.titleLarge)
            reason?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.tertiary) }
            q.help?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant) }
            Text(q.kindLabel, style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.primary)
            if (q.options.isNotEmpty()) {
                for (o in q.options) {
                    Row(
                        Modifier.fillMaxWidth()
                            .selectable(selected = o.selected, role = Role.RadioButton) { onAnswer(q.id, o.value) }
                            .padding(vertical = 4.dp),
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        RadioButton(selected = o.selected, onClick = null)
                        Text(o.label, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(start = 12.dp))
                    }
                }
            } else {
                var text by remember(q.id, q.answerValue) { mutableStateOf(q.answerValue.orEmpty()) }
                OutlinedTextField(
                    value = text,
                    onValueChange = { text = it },
                    label = { Text(s.answerHint) },
                    isError = q.error != null,
                    singleLine = true,
                    modifier = Modifier.fillMaxWidth(),
                )
                Button(onClick = { onAnswer(q.id, text) }, enabled = text.isNotBlank()) { Text(s.confirmAnswer) }
            }
            if (q.assumed) q.assumedText?.let { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.tertiary) }
            q.error?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error) }
        }
    }
}

/** The plan the answers give, its blockers in plain words, then "create". */
@Composable
fun PreviewScreen(view: QuestionnaireRecord, s: Strings, onBack: () -> Unit, onCreate: () -> Unit) {
    val p = view.preview
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(s.planTitle, onBack, s.back)
            LazyColumn(
                Modifier.weight(1f),
                contentPadding = PaddingValues(16.dp),
                verticalArrangement = Arrangement.spacedBy(6.dp),
            ) {
                item { Text(view.title, style = MaterialTheme.typography.headlineSmall) }
                item { Text(p.summary, style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                if (p.blockers.isNotEmpty()) {
                    item { SectionTitle(s.blockersTitle) }
                    item {
                        Note(MaterialTheme.colorScheme.errorContainer, MaterialTheme.colorScheme.onErrorContainer) {
                            p.blockers.forEach { Bullet(it) }
                        }
                    }
                }
                if (p.warnings.isNotEmpty()) {
                    item { SectionTitle(s.warningsTitle) }
                    item {
                        Note(MaterialTheme.colorScheme.tertiaryContainer, MaterialTheme.colorScheme.onTertiaryContainer) {
                            p.warnings.forEach { Bullet(it) }
                        }
                    }
                }
                if (p.amounts.isNotEmpty()) {
                    item { SectionTitle(s.amountsTitle) }
                    items(p.amounts, key = { "m-" + it.id }) { Amount(it) }
                }
                item { SectionTitle(s.stepsTitle) }
                items(p.steps, key = { "s-" + it.number }) { st ->
                    Column(Modifier.padding(vertical = 4.dp)) {
                        Text("${st.number}. ${st.title}", style = MaterialTheme.typography.bodyLarge)
                        st.timing?.let { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                    }
                }
                if (p.addedSteps.isNotEmpty()) {
                    item { SectionTitle(s.addedSteps) }
                    items(p.addedSteps) { Bullet(it) }
                }
                if (p.removedSteps.isNotEmpty()) {
                    item { SectionTitle(s.removedSteps) }
                    items(p.removedSteps) { Bullet(it) }
                }
            }
            Surface(tonalElevation = 3.dp) {
                Row(Modifier.fillMaxWidth().padding(16.dp), horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    OutlinedButton(onClick = onBack) { Text(s.editAnswers) }
                    Button(onClick = onCreate, enabled = view.complete, modifier = Modifier.weight(1f)) { Text(s.createCase) }
                }
            }
        }
    }
}

@Composable
fun Amount(a: AmountViewRecord) {
    Column(Modifier.padding(vertical = 4.dp)) {
        Row(verticalAlignment = Alignment.CenterVertically) {
            Text(a.label, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f))
            Text(a.valueText ?: "—", style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold)
        }
        Text(a.pendingText ?: a.explanation, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
    }
}
