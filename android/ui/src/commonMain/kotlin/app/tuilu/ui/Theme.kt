package app.tuilu.ui

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

private val Teal = Color(0xFF00696B)
/** The light theme's colours (checked for WCAG AA contrast by ContrastTest). */
val LightColors = lightColorScheme(
    primary = Teal,
    onPrimary = Color.White,
    primaryContainer = Color(0xFF9CF1F1),
    onPrimaryContainer = Color(0xFF002020),
    secondaryContainer = Color(0xFFCCE8E7),
    errorContainer = Color(0xFFFFDAD6),
    // Amber for warnings and estimates, apart from the red of blockers and overdue.
    tertiary = Color(0xFF7A5900),
    tertiaryContainer = Color(0xFFFFE8C2),
    onTertiaryContainer = Color(0xFF3A2600),
    background = Color(0xFFF7FAF9),
    surface = Color(0xFFF7FAF9),
    surfaceVariant = Color(0xFFDAE5E4),
)
/** The dark theme's colours. */
val DarkColors = darkColorScheme(
    primary = Color(0xFF80D4D5),
    onPrimary = Color(0xFF003737),
    primaryContainer = Color(0xFF004F50),
    onPrimaryContainer = Color(0xFF9CF1F1),
    secondaryContainer = Color(0xFF324B4B),
    tertiary = Color(0xFFEAC16C),
    tertiaryContainer = Color(0xFF5A4300),
    onTertiaryContainer = Color(0xFFFFDEA6),
    background = Color(0xFF0F1414),
    surface = Color(0xFF0F1414),
    surfaceVariant = Color(0xFF3F4948),
)

@Composable
fun TuiluTheme(dark: Boolean = false, content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = if (dark) DarkColors else LightColors, content = content)
}
