package app.tuilu.ui

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.requiredSize
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Rect
import androidx.compose.ui.semantics.SemanticsActions
import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.isRoot
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.performSemanticsAction
import androidx.compose.ui.text.TextLayoutResult
import androidx.compose.ui.unit.Density
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.Language
import java.util.Locale
import java.util.concurrent.TimeUnit
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout

/**
 * Every screen of [ScreenCatalog] (the ones `scripts/screens.sh` renders), walked through its
 * semantics tree as a screen reader and a large-font user meet it: on a 412×915 dp phone at
 * font scale 2.0 no text overflows its layout and every control is at least 48 dp; in both
 * languages every control says what it does (an icon-only one through its content
 * description, in Chinese on the Chinese screens).
 */
@OptIn(ExperimentalTestApi::class)
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class AccessibilityTest {
    private companion object {
        /** Pixels = dp: the phone's 2.625 only costs software rendering time; layout in dp is the same. */
        const val DENSITY = 1f
        const val W_DP = 412
        const val H_DP = 915
        val catalog: ScreenCatalog by lazy { runBlocking { ScreenCatalog.build() } }
        val shots: Map<Language, List<Shot>> by lazy {
            runBlocking { listOf(Language.ZH, Language.EN).associateWith { catalog.shots(it) } }
        }

        /** Both tests read one walk of every screen at font scale 2.0 (a walk costs minutes). */
        val findings: Findings by lazy { AccessibilityTest().survey() }
    }

    class Findings(val layout: List<String>, val unlabelled: List<String>)

    /** Composes [shot] on a phone-sized scene at [fontScale] and hands every state of it (scrolled through) to [check]. */
    private fun walk(shot: Shot, lang: Language, fontScale: Float, check: (SemanticsNode, List<SemanticsNode>) -> Unit) {
        // Material's own words (the clock's "21 hours") follow the platform's language, as on a phone.
        val before = Locale.getDefault()
        Locale.setDefault(if (lang == Language.ZH) Locale.SIMPLIFIED_CHINESE else Locale.US)
        try {
            walkIn(shot, fontScale, check)
        } finally {
            Locale.setDefault(before)
        }
    }

    private fun walkIn(shot: Shot, fontScale: Float, check: (SemanticsNode, List<SemanticsNode>) -> Unit) {
        SkikoComposeUiTest((W_DP * DENSITY).toInt(), (H_DP * DENSITY).toInt(), EmptyCoroutineContext, Density(DENSITY, fontScale)).runTest {
            setContent { TuiluTheme { Box(Modifier.requiredSize(W_DP.dp, H_DP.dp)) { shot.content() } } }
            waitForIdle()
            fun visit() {
                for (root in onAllNodes(isRoot(), useUnmergedTree = true).fetchSemanticsNodes()) {
                    fun rec(n: SemanticsNode, ancestors: List<SemanticsNode>) {
                        check(n, ancestors)
                        n.children.forEach { rec(it, ancestors + n) }
                    }
                    rec(root, emptyList())
                }
            }
            visit()
            // Lazy lists compose only what is on screen: scroll each to its end, a screen at a time.
            val lists = onAllNodes(hasScrollAction(), useUnmergedTree = true)
            val count = lists.fetchSemanticsNodes().size
            for (i in 0 until count) {
                repeat(60) {
                    val node = lists[i].fetchSemanticsNode()
                    val range = node.config.getOrNull(SemanticsProperties.VerticalScrollAxisRange) ?: return@repeat
                    if (range.value() >= range.maxValue()) return@repeat
                    val step = node.boundsInRoot.height * 0.7f
                    lists[i].performSemanticsAction(SemanticsActions.ScrollBy) { it(0f, step) }
                    waitForIdle()
                    visit()
                }
            }
        }
    }

    private fun SemanticsNode.label(): String =
        (config.getOrNull(SemanticsProperties.Text)?.joinToString(" ") { it.text }
            ?: config.getOrNull(SemanticsProperties.ContentDescription)?.joinToString(" ")
            ?: config.getOrNull(SemanticsProperties.TestTag)
            ?: "node ${id}").take(60)

    private fun scrolls(n: SemanticsNode) =
        n.config.getOrNull(SemanticsProperties.VerticalScrollAxisRange) != null ||
            n.config.getOrNull(SemanticsProperties.HorizontalScrollAxisRange) != null

    /** What a screen reader says for a control: its own words and its children's. */
    private fun words(x: SemanticsNode): List<String> =
        x.config.getOrNull(SemanticsProperties.ContentDescription).orEmpty() +
            x.config.getOrNull(SemanticsProperties.Text).orEmpty().map { it.text } +
            listOfNotNull(x.config.getOrNull(SemanticsProperties.EditableText)?.text) +
            x.children.flatMap { words(it) }

    /**
     * Whether the text does not fit its node: lines cut at maxLines (an ellipsis), taller than
     * its box, or a line wider than the node. (The layout result the semantics hand out in
     * Compose 1.7.3 is laid out at the full width it was offered, so its own
     * `didOverflowWidth` says true for any text narrower than its parent: the line widths are
     * measured against the node instead.)
     */
    private fun overflows(r: TextLayoutResult, n: SemanticsNode): Boolean {
        val widest = (0 until r.lineCount).maxOfOrNull { r.getLineRight(it) - r.getLineLeft(it) } ?: 0f
        return r.didOverflowHeight || r.multiParagraph.didExceedMaxLines || widest > n.size.width + 1f
    }

    /**
     * A short Latin word broken in the middle ("bef|ore", "eviden|ce"): the box is too narrow
     * for a word that fits a line on its own. (Long tokens such as file names may break.)
     */
    private fun splitWord(r: TextLayoutResult): String? {
        val text = r.layoutInput.text.text
        fun latin(c: Char) = c.code < 128 && c.isLetter()
        for (i in 0 until r.lineCount - 1) {
            val end = r.getLineEnd(i)
            if (end !in 1 until text.length || !latin(text[end - 1]) || !latin(text[end])) continue
            val start = (end - 1 downTo 0).firstOrNull { text[it].isWhitespace() }?.plus(1) ?: 0
            val stop = (end until text.length).firstOrNull { text[it].isWhitespace() } ?: text.length
            if (stop - start <= 12) return text.substring(start, stop)
        }
        return null
    }

    fun survey(): Findings {
        val layout = linkedSetOf<String>()
        val unlabelled = linkedSetOf<String>()
        val minPx = 48 * DENSITY - 0.5f
        val han = Regex("\\p{IsHan}")
        for ((lang, list) in shots) for (shot in list) {
            val where = "${shot.name}-${lang.name.lowercase()}"
            walk(shot, lang, 2f) { n, ancestors ->
                if (n.config.getOrNull(SemanticsActions.GetTextLayoutResult) != null) {
                    val results = mutableListOf<TextLayoutResult>()
                    n.config[SemanticsActions.GetTextLayoutResult].action?.invoke(results)
                    if (results.any { overflows(it, n) }) layout += "$where: text overflows: «${n.label()}»"
                    results.firstNotNullOfOrNull(::splitWord)?.let { layout += "$where: «$it» split across lines: «${n.label()}»" }
                    // Cut off by a parent that does not scroll (a fixed-height box, the screen's edge).
                    val b: Rect = n.boundsInRoot
                    if (ancestors.none(::scrolls) && b.height + 1f < n.size.height) {
                        layout += "$where: text clipped to ${(b.height / DENSITY).toInt()} of ${(n.size.height / DENSITY).toInt()} dp: «${n.label()}»"
                    }
                }
                if (n.config.getOrNull(SemanticsActions.OnClick) == null) return@walk
                // The touch target: the control's layout, which Material widens to 48 dp
                // (minimumInteractiveComponentSize) around a smaller drawn control.
                val w = maxOf(n.size.width, n.layoutInfo.width)
                val h = maxOf(n.size.height, n.layoutInfo.height)
                if (w < minPx || h < minPx) {
                    layout += "$where: control ${(w / DENSITY).toInt()}×${(h / DENSITY).toInt()} dp: «${words(n).joinToString(" ").take(40)}»"
                }
                if (words(n).none { it.isNotBlank() }) {
                    unlabelled += "$where: a control says nothing (${n.config.getOrNull(SemanticsProperties.TestTag) ?: "node ${n.id}"})"
                } else if (lang == Language.ZH) {
                    n.config.getOrNull(SemanticsProperties.ContentDescription).orEmpty()
                        .filter { !han.containsMatchIn(it) }
                        .forEach { unlabelled += "$where: a description not in Chinese: «$it»" }
                }
            }
        }
        return Findings(layout.toList(), unlabelled.toList())
    }

    @Test
    fun atFontScaleTwoNoTextIsCutAndEveryControlIsAtLeast48Dp() {
        val problems = findings.layout
        assertTrue(problems.isEmpty(), "${problems.size} problems at font scale 2.0:\n" + problems.joinToString("\n"))
    }

    @Test
    fun everyControlSaysWhatItDoesInTheScreensLanguage() {
        val problems = findings.unlabelled
        assertTrue(problems.isEmpty(), "${problems.size} problems:\n" + problems.joinToString("\n"))
    }
}
