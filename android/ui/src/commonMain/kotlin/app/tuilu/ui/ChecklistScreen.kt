package app.tuilu.ui

import androidx.compose.foundation.clickable
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.foundation.selection.selectable
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.SpanStyle
import androidx.compose.ui.text.buildAnnotatedString
import androidx.compose.ui.text.font.FontStyle
import androidx.compose.ui.text.withStyle
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.ActionViewRecord
import app.tuilu.core.uniffi.CaseScreenRecord
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepRowRecord
import app.tuilu.core.uniffi.StepStatus
import java.time.LocalDate
import java.time.LocalTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter

/** What the user asked for on a step: the action, the route they chose, and when. */
data class StepRequest(val stepId: String, val action: StepAction, val route: String?, val at: Pair<LocalDate, LocalTime>?)

/**
 * The checklist of a case. The core decides what is folded (settled steps, one line each),
 * which step is in play (`focusStep`: the list opens scrolled to it, with the open questions
 * that gate later steps just below it, so the step in play is on screen first, also at a
 * large font) and the header's words (`nextText`); a tap unfolds a settled step here
 * (view-local state).
 */
@Composable
fun ChecklistScreen(
    case: CaseScreenRecord,
    s: Strings,
    zone: ZoneId,
    showUndo: Boolean,
    onBack: () -> Unit,
    onAct: (StepRequest) -> Unit,
    onUndo: () -> Unit,
    onEvidence: (StepRowRecord) -> Unit,
    onFlag: (StepRowRecord, String) -> Unit,
    onLetters: () -> Unit = {},
    onMenu: (app.tuilu.core.uniffi.CaseMenuAction) -> Unit = {},
    onAnswer: (questionId: String, value: String) -> Unit = { _, _ -> },
    /** A shared file waits to be filed: every step offers its evidence. */
    importing: Boolean = false,
) {
    var sourceOf by remember { mutableStateOf<StepRowRecord?>(null) }
    var askTime by remember { mutableStateOf<Pair<StepRowRecord, Pair<ActionViewRecord, String?>>?>(null) }
    val unfolded = remember(case.id) { mutableStateMapOf<String, Boolean>() }
    val focus = case.focusStep?.takeIf { it in case.steps.indices }
    // Item 0 is the header, step n is item n + 1, and the question cards sit just below the
    // step in play. The list opens there, with the settled step before it as one line
    // above (where the user is coming from).
    val opening = when {
        focus == null -> 0
        focus > 0 && case.steps[focus - 1].collapsed -> focus
        else -> focus + 1
    }
    val list = rememberLazyListState(initialFirstVisibleItemIndex = opening)
    LaunchedEffect(case.id) { list.scrollToItem(opening) }
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Box(Modifier.fillMaxSize()) {
            Column {
                Bar(case.title, onBack, s.back) {
                    TextButton(onClick = onLetters) { Text(s.letters) }
                    CaseMenu(case.menu, s, onMenu)
                }
                NextHeader(case)
                LazyColumn(
                    state = list,
                    contentPadding = PaddingValues(16.dp, 8.dp, 16.dp, 96.dp),
                    verticalArrangement = Arrangement.spacedBy(10.dp),
                    modifier = Modifier.testTag("checklist"),
                ) {
                    item(key = "header") { Header(case, s) }
                    case.steps.forEachIndexed { n, step ->
                        item(key = step.id) {
                            if (step.collapsed && unfolded[step.id] != true) {
                                FoldedStep(step, s) { unfolded[step.id] = true }
                            } else {
                                StepCard(
                                    step, s,
                                    showEvidence = step.showsEvidence || importing,
                                    onFold = if (step.collapsed) ({ unfolded[step.id] = false }) else null,
                                    onAction = { a, route ->
                                        if (a.asksTime) askTime = step to (a to route) else onAct(StepRequest(step.id, a.action, route, null))
                                    },
                                    onEvidence = { onEvidence(step) },
                                    onSource = { sourceOf = step },
                                )
                            }
                        }
                        if (n == focus && case.questionCards.isNotEmpty()) {
                            item(key = "questions") { QuestionCards(case, s, onAnswer) }
                        }
                    }
                    if (focus == null && case.questionCards.isNotEmpty()) {
                        item(key = "questions") { QuestionCards(case, s, onAnswer) }
                    }
                    if (case.warnings.isNotEmpty()) {
                        item { SectionTitle(s.warningsTitle) }
                        item {
                            Note(MaterialTheme.colorScheme.surfaceVariant, MaterialTheme.colorScheme.onSurfaceVariant) {
                                case.warnings.forEach { Bullet(it) }
                            }
                        }
                    }
                    if (case.consequences.isNotEmpty()) {
                        item { SectionTitle(s.consequencesTitle) }
                        items(case.consequences) { Bullet(it) }
                    }
                    if (case.facts.isNotEmpty()) {
                        item { SectionTitle(s.factsTitle) }
                        items(case.facts, key = { "f-" + it.id }) { f ->
                            val answer = @Composable { m: Modifier ->
                                Text(
                                    f.value,
                                    style = MaterialTheme.typography.bodyMedium,
                                    fontStyle = if (f.assumed) FontStyle.Italic else FontStyle.Normal,
                                    modifier = m,
                                )
                            }
                            if (LocalDensity.current.fontScale >= 1.5f) {
                                // At a large font size the answer goes under its question: side by
                                // side, both break in the middle of words.
                                Column(Modifier.fillMaxWidth().padding(vertical = 2.dp)) {
                                    Text(f.label, style = MaterialTheme.typography.bodyMedium)
                                    answer(Modifier.padding(start = 12.dp))
                                }
                            } else {
                                Row(Modifier.fillMaxWidth().padding(vertical = 2.dp)) {
                                    Text(f.label, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(1f))
                                    // A long answer shares the row instead of squeezing the question.
                                    answer(Modifier.padding(start = 12.dp).weight(1f, fill = false))
                                }
                            }
                        }
                    }
                }
            }
            val undo = case.undo
            if (showUndo && undo != null) {
                Surface(
                    color = MaterialTheme.colorScheme.inverseSurface,
                    contentColor = MaterialTheme.colorScheme.inverseOnSurface,
                    shape = MaterialTheme.shapes.small,
                    shadowElevation = 6.dp,
                    modifier = Modifier.align(Alignment.BottomCenter).padding(12.dp).fillMaxWidth(),
                ) {
                    Row(Modifier.padding(start = 16.dp, end = 4.dp), verticalAlignment = Alignment.CenterVertically) {
                        Text(undo.label, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(1f).padding(vertical = 12.dp))
                        TextButton(onClick = onUndo) { Text(s.undo, color = MaterialTheme.colorScheme.inversePrimary) }
                    }
                }
            }
        }
    }
    sourceOf?.let { step -> SourceDialog(step, s, onDismiss = { sourceOf = null }) { note -> sourceOf = null; onFlag(step, note) } }
    askTime?.let { (step, pick) ->
        TimeDialog(s, pick.first, zone, onDismiss = { askTime = null }) { at ->
            askTime = null
            onAct(StepRequest(step.id, pick.first.action, pick.second, at))
        }
    }
}

/** The core's line on what is next (or what the case waits for), always in view under the bar. */
@Composable
private fun NextHeader(case: CaseScreenRecord) {
    Surface(color = MaterialTheme.colorScheme.primaryContainer, contentColor = MaterialTheme.colorScheme.onPrimaryContainer) {
        Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp).testTag("next"), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(case.nextText, style = MaterialTheme.typography.titleSmall, fontWeight = FontWeight.SemiBold)
            Row(verticalAlignment = Alignment.CenterVertically) {
                LinearProgressIndicator(progress = { if (case.total > 0) case.settled.toFloat() / case.total else 0f }, modifier = Modifier.weight(1f))
                Text(case.progressText, style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(start = 12.dp))
            }
        }
    }
}

@Composable
private fun Header(case: CaseScreenRecord, s: Strings) {
    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        case.newerPack?.let { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.primary) }
        if (case.blockers.isNotEmpty()) {
            Note(MaterialTheme.colorScheme.errorContainer, MaterialTheme.colorScheme.onErrorContainer) {
                Text(s.blockersTitle, fontWeight = FontWeight.SemiBold)
                case.blockers.forEach {
                    Bullet(it.title)
                    Text(it.remedy, style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(start = 14.dp))
                }
            }
        }
        if (case.amounts.isNotEmpty()) {
            Card(Modifier.fillMaxWidth()) {
                Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) { case.amounts.forEach { Amount(it) } }
            }
        }
    }
}

/** The questions the plan waits on, each with the questionnaire's control and what it decides. */
@Composable
private fun QuestionCards(case: CaseScreenRecord, s: Strings, onAnswer: (String, String) -> Unit) {
    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        SectionTitle(s.answerFirst)
        case.questionCards.forEach { card ->
            QuestionCard(card.question, s, onAnswer, reason = card.reason, modifier = Modifier.testTag("question-" + card.question.id))
        }
    }
}

/** A settled step on one line: number, title, and the core's "✓ 已完成 · 10月9日 14:00"; a tap unfolds it. */
@Composable
private fun FoldedStep(step: StepRowRecord, s: Strings, onUnfold: () -> Unit) {
    Surface(
        color = MaterialTheme.colorScheme.surfaceVariant,
        contentColor = MaterialTheme.colorScheme.onSurfaceVariant,
        shape = MaterialTheme.shapes.medium,
        modifier = Modifier.fillMaxWidth().testTag("step-" + step.id)
            .clickable(onClickLabel = s.unfold, role = Role.Button, onClick = onUnfold),
    ) {
        Row(
            Modifier.padding(horizontal = 16.dp, vertical = 12.dp).heightIn(min = 24.dp),
            verticalAlignment = Alignment.CenterVertically,
            horizontalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            Text("${step.number}", style = MaterialTheme.typography.titleSmall)
            // Title and the core's line flow as one text: one line when they fit, wrapped
            // (never squeezed into a narrow column) when they do not.
            val label = MaterialTheme.typography.labelMedium
            Text(
                buildAnnotatedString {
                    append(step.title)
                    step.collapsedText?.let {
                        append("  ")
                        withStyle(SpanStyle(fontSize = label.fontSize, fontWeight = FontWeight.Medium)) { append(it) }
                    }
                },
                style = MaterialTheme.typography.bodyLarge,
                modifier = Modifier.weight(1f),
            )
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun StepCard(
    step: StepRowRecord,
    s: Strings,
    showEvidence: Boolean,
    onFold: (() -> Unit)?,
    onAction: (ActionViewRecord, String?) -> Unit,
    onEvidence: () -> Unit,
    onSource: () -> Unit,
) {
    val settled = step.status == StepStatus.DONE || step.status == StepStatus.SKIPPED
    var route by remember(step.id, step.routes) { mutableStateOf(step.routes.firstOrNull { it.selected }?.id) }
    Card(Modifier.fillMaxWidth().testTag("step-" + step.id)) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text("${step.number}", style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.primary)
                Text(
                    step.title,
                    style = MaterialTheme.typography.titleMedium,
                    fontWeight = FontWeight.SemiBold,
                    modifier = Modifier.weight(1f),
                )
                if (step.overdue) OverdueBadge(s.overdueBadge)
                if (onFold != null) TextButton(onClick = onFold) { Text(s.fold) }
            }
            Text(
                listOfNotNull(step.statusLabel, step.statusAt, step.channelLabel).joinToString(" · "),
                style = MaterialTheme.typography.labelMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
            step.flag?.let { Text(it.text, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error) }
            step.lockedReason?.let { reason ->
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Icon(Icons.Filled.Lock, contentDescription = null, tint = MaterialTheme.colorScheme.onSurfaceVariant)
                    Text(reason, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(start = 8.dp))
                }
            }
            step.deadline?.let { d ->
                Note(
                    if (d.overdue) MaterialTheme.colorScheme.errorContainer else MaterialTheme.colorScheme.secondaryContainer,
                    if (d.overdue) MaterialTheme.colorScheme.onErrorContainer else MaterialTheme.colorScheme.onSecondaryContainer,
                ) {
                    // Flows: at a large font size "1 working day left" goes under its label whole.
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        Text(d.senseLabel, style = MaterialTheme.typography.labelLarge, modifier = Modifier.align(Alignment.CenterVertically))
                        Text(d.relative, style = MaterialTheme.typography.titleSmall, fontWeight = FontWeight.Bold)
                        if (d.estimated) EstimatedBadge(s.estimatedBadge)
                    }
                    Text(d.text, style = MaterialTheme.typography.bodyMedium)
                    d.estimateReason?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
                }
            }
            if (step.overdue) step.escalation?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error) }
            if (!settled) {
                Text(step.instructions, style = MaterialTheme.typography.bodyMedium)
                if (step.deadline == null) step.timing?.let { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.primary) }
                step.pending?.let { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.tertiary) }
                step.warnings.forEach { Bullet(it, MaterialTheme.colorScheme.error) }
                // The core says when a route must be chosen first (per action).
                if (step.actions.any { it.chooseRoute }) {
                    Text(s.routeTitle, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
                    step.routes.forEach { r ->
                        Row(
                            Modifier.fillMaxWidth().heightIn(min = 48.dp).selectable(r.id == route, role = Role.RadioButton) { route = r.id },
                            verticalAlignment = Alignment.CenterVertically,
                        ) {
                            RadioButton(selected = r.id == route, onClick = null)
                            Column(Modifier.padding(start = 8.dp)) {
                                Text("${r.title} · ${r.channel}", style = MaterialTheme.typography.bodyMedium)
                                r.timing?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
                            }
                        }
                    }
                }
                if (step.evidenceHints.isNotEmpty()) {
                    Text(s.keepAsEvidence(step.evidenceHints), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                }
            }
            if (step.actions.isNotEmpty()) {
                FlowButtons(step.actions) { a -> onAction(a, route) }
            }
            Row(horizontalArrangement = Arrangement.spacedBy(4.dp)) {
                if (showEvidence) TextButton(onClick = onEvidence) { Text("${s.evidence} · ${step.evidenceCount}") }
                if (step.source != null) TextButton(onClick = onSource) { Text(s.source) }
            }
        }
    }
}

@Composable
private fun FlowButtons(actions: List<ActionViewRecord>, onClick: (ActionViewRecord) -> Unit) {
    // Two per row keeps long Chinese and English labels whole on a phone; at a large font
    // size a label wraps inside its button rather than ending in "…".
    actions.chunked(2).forEachIndexed { row, pair ->
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
            pair.forEachIndexed { i, a ->
                if (row == 0 && i == 0) {
                    Button(onClick = { onClick(a) }, modifier = Modifier.weight(1f)) { Text(a.label, textAlign = TextAlign.Center) }
                } else {
                    OutlinedButton(onClick = { onClick(a) }, modifier = Modifier.weight(1f)) { Text(a.label, textAlign = TextAlign.Center) }
                }
            }
            if (pair.size == 1) Box(Modifier.weight(1f))
        }
    }
}

/** The rule's source: quote, confidence, reviewed date, and "flag as outdated". */
@Composable
fun SourceDialog(step: StepRowRecord, s: Strings, onDismiss: () -> Unit, onFlag: (String) -> Unit) {
    val src = step.source ?: return
    var note by remember { mutableStateOf("") }
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(s.sourceTitle) },
        text = {
            // Scrolls when a large font size makes it taller than the screen.
            Column(Modifier.verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(step.title, fontWeight = FontWeight.SemiBold)
                // The quote as the source says it (upright: synthesized italics garble CJK).
                Text("“${src.quote}”", style = MaterialTheme.typography.bodyMedium)
                Text(src.summary, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
                src.note?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
                step.flag?.let { Text(it.text, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
                OutlinedTextField(note, { note = it }, label = { Text(s.flagNoteHint) }, modifier = Modifier.fillMaxWidth())
            }
        },
        confirmButton = { TextButton(onClick = { onFlag(note.ifBlank { s.flagDefaultNote }) }) { Text(s.flagOutdated) } },
        dismissButton = { TextButton(onClick = onDismiss) { Text(s.close) } },
    )
}

