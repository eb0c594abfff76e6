package app.tuilu.ui

import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.hasAnyAncestor
import androidx.compose.ui.test.hasContentDescription
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.isRoot
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.onLast
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.runComposeUiTest
import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.ActionViewRecord
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import java.nio.file.Files
import java.time.Instant
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.runBlocking
import org.jetbrains.skiko.MainUIDispatcher
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout

/**
 * "什么时候完成的？": the day chips are the core's, the time of day is picked on Material 3's
 * clock, and what the user picked is what the core records; a time the core's bounds
 * exclude cannot be confirmed.
 */
@OptIn(ExperimentalTestApi::class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TimeEntryTest {
    private val vault = Files.createTempDirectory("tuilu-time-").toFile()
    private val clock = MovableClock(Demo.now)
    private val screens = TuiluScreens(vault.path, Language.ZH, Demo.zone, clock)
    private val effects = DesktopEffects()
    private val c = TuiluController(screens, effects, CoroutineScope(SupervisorJob() + MainUIDispatcher), clock)

    private fun texts(node: SemanticsNode): List<String> =
        node.config.getOrNull(SemanticsProperties.Text).orEmpty().map { it.text } +
            node.config.getOrNull(SemanticsProperties.ContentDescription).orEmpty() +
            node.children.flatMap { texts(it) }

    private fun ComposeUiTest.await(what: String, condition: () -> Boolean) {
        val deadline = System.nanoTime() + 30_000_000_000L
        waitUntil(timeoutMillis = 30_000) { condition() || System.nanoTime() > deadline }
        if (!condition()) {
            val onScreen = onAllNodes(isRoot()).fetchSemanticsNodes().flatMap { texts(it) }.joinToString(" | ")
            throw AssertionError("waited 30 s for $what; on screen: $onScreen")
        }
    }

    private fun action(step: String, action: StepAction): ActionViewRecord =
        c.case!!.steps.first { it.id == step }.actions.first { it.action == action }

    /** Opens the time dialog of "done" on the case's first step. */
    private fun ComposeUiTest.openDoneDialog(): ActionViewRecord {
        val case = runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        c.go(Route.Case(case.id))
        setContent { TuiluApp(c) }
        await("the case") { c.case != null }
        val step = c.case!!.steps.first().id
        val done = action(step, StepAction.DONE)
        await("the list") { onAllNodes(hasScrollAction()).fetchSemanticsNodes().isNotEmpty() }
        onAllNodes(hasScrollAction()).onFirst().performScrollToNode(hasTestTag("step-$step"))
        onAllNodes(hasText(done.label) and hasAnyAncestor(hasTestTag("step-$step"))).onFirst().performClick()
        await("the question") { onAllNodesWithText(done.timeQuestion!!).fetchSemanticsNodes().isNotEmpty() }
        return done
    }

    /**
     * Taps [number] on the clock's dial (hours first, then the dial turns to minutes), found
     * as a screen reader finds it: by its description ("21 hours", "30 minutes").
     */
    private fun ComposeUiTest.tapDial(number: String) {
        val onDial = hasContentDescription("$number ", substring = true) and hasAnyAncestor(hasTestTag("time-picker"))
        await("«$number» on the dial") { onAllNodes(onDial, useUnmergedTree = true).fetchSemanticsNodes().isNotEmpty() }
        onAllNodes(onDial, useUnmergedTree = true).onLast().performClick()
        waitForIdle()
    }

    @Test
    fun yesterdayAtHalfPastNineInTheEveningIsWhatTheCoreRecords(): Unit = runComposeUiTest {
        val done = openDoneDialog()
        val step = c.case!!.steps.first().id
        val yesterday = done.`when`!!.choices.first { it.label == "昨天" }
        onAllNodesWithText("昨天").onFirst().performClick()
        await("the clock") { onAllNodes(hasTestTag("time-picker")).fetchSemanticsNodes().isNotEmpty() }
        tapDial("21")
        tapDial("30")
        onAllNodesWithText(done.label).onLast().assertIsEnabled().performClick()
        await("the step done") { c.case!!.steps.first { it.id == step }.status == StepStatus.DONE }
        // 2026-10-11 21:30 Beijing time: the day of the chip, the time of the dial.
        val expected = Instant.parse("2026-10-11T13:30:00Z")
        assertTrue(!expected.isBefore(yesterday.earliest) && !expected.isAfter(yesterday.latest))
        // The core's own account of when the step was done.
        val at = c.case!!.steps.first { it.id == step }.statusAt.orEmpty()
        assertTrue(at.contains("2026-10-11 21:30"), at)
    }

    @Test
    fun aTimeLaterThanNowCannotBeConfirmed(): Unit = runComposeUiTest {
        val done = openDoneDialog()
        // Demo.now is 10:00 Beijing time: "earlier today" ends now.
        val today = done.`when`!!.choices.first { it.label == "今天早些时候" }
        assertEquals(Demo.now, today.latest)
        onAllNodesWithText("今天早些时候").onFirst().performClick()
        await("the clock") { onAllNodes(hasTestTag("time-picker")).fetchSemanticsNodes().isNotEmpty() }
        onAllNodesWithText(done.label).onLast().assertIsEnabled()
        tapDial("21")
        tapDial("30")
        onAllNodesWithText(done.label).onLast().assertIsNotEnabled()
        onAllNodesWithText(Strings.of(Language.ZH).timeNotYet).onFirst().assertExists()
        // Tapping it anyway records nothing.
        onAllNodesWithText(done.label).onLast().performClick()
        waitForIdle()
        assertFalse(c.case!!.steps.first().status == StepStatus.DONE)
        assertNotNull(done.timeQuestion)
    }
}
