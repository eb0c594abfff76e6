package app.tuilu.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp

/**
 * A plain top bar (Material3's TopAppBar is still experimental in both Compose flavours).
 * The title is never cut: a long one ("提交退会申请（在抖音App内）…") wraps and the bar grows,
 * rather than ending in "…" with no way to read the rest. At a large font size (1.5 and
 * up) the back button and the actions take the first row and the title the full width
 * below them: squeezed between them it would break in the middle of words.
 */
@Composable
fun Bar(title: String, back: (() -> Unit)?, backLabel: String, actions: @Composable () -> Unit = {}) {
    val large = LocalDensity.current.fontScale >= 1.5f
    val titleText = @Composable { modifier: Modifier ->
        Text(title, style = MaterialTheme.typography.titleLarge, modifier = modifier.semantics { heading() })
    }
    Surface(color = MaterialTheme.colorScheme.surface, tonalElevation = 2.dp) {
        Column(Modifier.fillMaxWidth().padding(horizontal = 4.dp, vertical = 8.dp)) {
            Row(Modifier.fillMaxWidth().heightIn(min = 48.dp), verticalAlignment = Alignment.CenterVertically) {
                if (back != null) {
                    IconButton(onClick = back) {
                        Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = backLabel)
                    }
                } else {
                    Spacer(Modifier.width(12.dp))
                }
                if (large) Spacer(Modifier.weight(1f)) else titleText(Modifier.weight(1f))
                actions()
            }
            if (large) titleText(Modifier.padding(horizontal = 12.dp))
        }
    }
}

/** A small coloured label. */
@Composable
fun Badge(text: String, container: Color, content: Color) {
    Box(
        Modifier.background(container, RoundedCornerShape(6.dp)).padding(horizontal = 8.dp, vertical = 2.dp),
    ) {
        Text(text, color = content, style = MaterialTheme.typography.labelMedium)
    }
}

@Composable
fun OverdueBadge(text: String) =
    Badge(text, MaterialTheme.colorScheme.errorContainer, MaterialTheme.colorScheme.onErrorContainer)

@Composable
fun EstimatedBadge(text: String) =
    Badge(text, MaterialTheme.colorScheme.tertiaryContainer, MaterialTheme.colorScheme.onTertiaryContainer)

@Composable
fun SectionTitle(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.titleSmall,
        color = MaterialTheme.colorScheme.primary,
        fontWeight = FontWeight.SemiBold,
        modifier = Modifier.padding(top = 16.dp, bottom = 6.dp),
    )
}

/** A tinted block for warnings, blockers and reasons. */
@Composable
fun Note(container: Color, content: Color, body: @Composable ColumnScope.() -> Unit) {
    Surface(color = container, contentColor = content, shape = RoundedCornerShape(10.dp), modifier = Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp), content = body)
    }
}

@Composable
fun Bullet(text: String, color: Color = Color.Unspecified) {
    Row {
        Text("•", color = color, modifier = Modifier.padding(end = 6.dp))
        Text(text, color = color, style = MaterialTheme.typography.bodyMedium)
    }
}

@Composable
fun Gap(h: Int = 8) = Spacer(Modifier.size(h.dp))
