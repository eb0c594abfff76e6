package app.tuilu.ui

import androidx.compose.material3.ColorScheme
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.compositeOver
import androidx.compose.ui.graphics.luminance
import kotlin.math.max
import kotlin.math.min
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/**
 * The theme's text and background pairs, as the screens use them, meet WCAG AA for body
 * text (4.5:1) in the light and the dark theme. Contrast is WCAG's: (L1 + 0.05) / (L2 + 0.05)
 * of the relative luminances.
 */
class ContrastTest {
    private fun contrast(a: Color, b: Color): Double {
        val la = a.luminance().toDouble()
        val lb = b.luminance().toDouble()
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    /** Text colour over background colour, named as the screens use them. */
    private fun pairs(c: ColorScheme): List<Triple<String, Color, Color>> {
        // Text drawn straight on the screen, on cards and on the overdue case card (the error
        // container at 45 % over the background).
        val grounds = listOf(
            "background" to c.background,
            "surface" to c.surface,
            "card (surfaceContainerHighest)" to c.surfaceContainerHighest,
            "surfaceContainerLow" to c.surfaceContainerLow,
            "dialog (surfaceContainerHigh)" to c.surfaceContainerHigh,
            "overdue card" to c.errorContainer.copy(alpha = 0.45f).compositeOver(c.background),
        )
        val inks = listOf(
            "onBackground" to c.onBackground,
            "onSurface" to c.onSurface,
            "onSurfaceVariant" to c.onSurfaceVariant,
            "primary" to c.primary,
            "error" to c.error,
            "tertiary" to c.tertiary,
        )
        val onGrounds = grounds.flatMap { (g, gc) -> inks.map { (i, ic) -> Triple("$i on $g", ic, gc) } }
        val containers = listOf(
            Triple("onPrimary on primary", c.onPrimary, c.primary),
            Triple("onPrimaryContainer on primaryContainer", c.onPrimaryContainer, c.primaryContainer),
            Triple("onSecondaryContainer on secondaryContainer (chosen chip)", c.onSecondaryContainer, c.secondaryContainer),
            Triple("onTertiaryContainer on tertiaryContainer (estimate badge)", c.onTertiaryContainer, c.tertiaryContainer),
            Triple("onErrorContainer on errorContainer (blockers, overdue badge)", c.onErrorContainer, c.errorContainer),
            Triple("onError on error", c.onError, c.error),
            Triple("onSurfaceVariant on surfaceVariant", c.onSurfaceVariant, c.surfaceVariant),
            Triple("inverseOnSurface on inverseSurface (undo bar)", c.inverseOnSurface, c.inverseSurface),
            Triple("inversePrimary on inverseSurface (undo button)", c.inversePrimary, c.inverseSurface),
        )
        return onGrounds + containers
    }

    @Test
    fun textAndBackgroundPairsMeetWcagAaInTheLightAndTheDarkTheme() {
        val failing = listOf("light" to LightColors, "dark" to DarkColors).flatMap { (theme, scheme) ->
            pairs(scheme).mapNotNull { (name, ink, ground) ->
                val r = contrast(ink, ground)
                if (r < 4.5) "$theme: $name is %.2f:1".format(r) else null
            }
        }
        assertTrue(failing.isEmpty(), "below 4.5:1:\n" + failing.joinToString("\n"))
    }

    @Test
    fun theContrastMeasureIsWcags() {
        // Black on white is 21:1; WCAG's own mid-grey #767676 on white is just above 4.5:1.
        assertTrue(kotlin.math.abs(contrast(Color.Black, Color.White) - 21.0) < 0.01)
        val grey = contrast(Color(0xFF767676), Color.White)
        assertTrue(grey in 4.5..4.6, "$grey")
    }
}
