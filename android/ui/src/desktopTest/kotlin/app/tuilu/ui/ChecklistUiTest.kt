package app.tuilu.ui

import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assert
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.hasAnyAncestor
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.isRoot
import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.SemanticsNodeInteraction
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToKey
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.runComposeUiTest
import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import java.nio.file.Files
import java.time.Instant
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.runBlocking
import org.jetbrains.skiko.MainUIDispatcher
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout

/**
 * The checklist read at a glance, against the real core: settled steps fold and unfold on a
 * tap, the screen opens at the step in play, an open question is answered in place, and the
 * questionnaire shows no error before the user answered or tried to go on.
 */
@OptIn(ExperimentalTestApi::class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ChecklistUiTest {
    private companion object {
        const val WAIT = 30_000L
    }

    private val vault = Files.createTempDirectory("tuilu-checklist-").toFile()
    private val clock = MovableClock(Demo.now)
    private val screens = TuiluScreens(vault.path, Language.ZH, Demo.zone, clock)
    private val c = TuiluController(screens, DesktopEffects(), CoroutineScope(SupervisorJob() + MainUIDispatcher), clock)
    private val s = Strings.of(Language.ZH)

    /** Renders frames until [condition] holds, or fails naming [what] and what is on screen. */
    private fun ComposeUiTest.await(what: String, condition: () -> Boolean) {
        val deadline = System.nanoTime() + WAIT * 1_000_000
        var late = false
        waitUntil(timeoutMillis = WAIT) { condition() || (System.nanoTime() > deadline).also { late = it } }
        if (late && !condition()) {
            val onScreen = runCatching {
                onAllNodes(isRoot()).fetchSemanticsNodes().flatMap { texts(it) }.joinToString(" | ")
            }.getOrElse { "?" }
            throw AssertionError("waited for $what; route=${c.route}, message=${c.message}; on screen: $onScreen")
        }
    }

    private fun texts(node: SemanticsNode): List<String> =
        node.config.getOrNull(SemanticsProperties.Text).orEmpty().map { it.text } + node.children.flatMap { texts(it) }

    private fun ComposeUiTest.waitFor(text: String) =
        await("the text «$text»") { onAllNodesWithText(text).fetchSemanticsNodes().isNotEmpty() }

    private fun ComposeUiTest.waitForTag(tag: String) =
        await("the node tagged $tag") { onAllNodes(hasTestTag(tag)).fetchSemanticsNodes().isNotEmpty() }

    /** The demo's guild exit: steps 1–3 done, the request (step 5) handed in; step 4 is next. */
    private fun guildMidway(): String = runBlocking {
        var case = screens.createCase("douyin.guild-exit", Demo.guildAnswers)
        val doneAt = Instant.parse("2026-10-09T06:00:00Z")
        for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) {
            case = screens.act(case.id, step, StepAction.DONE, at = doneAt)
        }
        screens.act(case.id, "submit_exit", StepAction.SUBMIT, at = Instant.parse("2026-10-09T06:30:00Z")).id
    }

    @Test
    fun aFoldedSettledStepUnfoldsOnATapAndFoldsBack(): Unit = runComposeUiTest {
        val id = guildMidway()
        c.go(Route.Case(id))
        setContent { TuiluApp(c) }
        await("the case") { c.case?.id == id }
        val done = c.case!!.steps.first { it.id == "backup_data" }
        assertTrue(done.collapsed)
        val line = assertNotNull(done.collapsedText)
        // Folded: one line with the core's mark and time; no status line, no buttons.
        onNodeWithTag("checklist").performScrollToNodeTagged("step-backup_data")
        onNodeWithTag("step-backup_data").assert(hasText(line, substring = true)).assert(hasText(done.title, substring = true))
        val statusLine = listOfNotNull(done.statusLabel, done.statusAt, done.channelLabel).joinToString(" · ")
        assertTrue(onAllNodesWithText(statusLine).fetchSemanticsNodes().isEmpty(), "folded: $statusLine")
        onNodeWithTag("step-backup_data").performClick()
        waitFor(statusLine)
        onNode(hasText(s.fold) and hasAnyAncestor(hasTestTag("step-backup_data"))).performClick()
        await("folded again") { onAllNodesWithText(statusLine).fetchSemanticsNodes().isEmpty() }
    }

    @Test
    fun theGuildChecklistOpensAtTheStepInPlayWithTheHeaderSayingWhatIsNext(): Unit = runComposeUiTest {
        val id = guildMidway()
        c.go(Route.Case(id))
        setContent { TuiluApp(c) }
        await("the case") { c.case?.id == id }
        val case = c.case!!
        val focus = case.steps[assertNotNull(case.focusStep)]
        assertEquals("record_communications", focus.id)
        waitForTag("step-" + focus.id)
        // On screen without scrolling, under the header that names it.
        onNodeWithTag("step-" + focus.id).assertIsDisplayed()
        onNodeWithText(case.nextText).assertIsDisplayed()
        assertTrue(case.nextText.startsWith("下一步：第 4 步"), case.nextText)
        // A step that expects no evidence has no evidence button; the request has one.
        val plain = case.steps.first { !it.showsEvidence }
        onNodeWithTag("checklist").performScrollToNodeTagged("step-" + plain.id)
        assertTrue(
            onAllNodes(hasText("${s.evidence} · 0") and hasAnyAncestor(hasTestTag("step-" + plain.id))).fetchSemanticsNodes().isEmpty(),
            "no evidence row on ${plain.title}",
        )
    }

    @Test
    fun a21StepCaseOpensAtItsCurrentStepNotAtTheTop(): Unit = runComposeUiTest {
        val id = runBlocking {
            var case = screens.createCase("kuaishou.live-exit", mapOf("fans" to "1.2万", "balance" to "350", "has_mcn_contract" to "是"))
            assertEquals(21, case.steps.size)
            for (step in case.steps.take(9).map { it.id }) {
                val open = case.steps.first { it.id == step }
                if (open.status != StepStatus.DONE) case = screens.act(case.id, step, StepAction.SKIP)
            }
            case.id
        }
        c.go(Route.Case(id))
        setContent { TuiluApp(c) }
        await("the case") { c.case?.id == id }
        val focus = c.case!!.steps[c.case!!.focusStep!!]
        assertTrue(focus.number >= 10, "${focus.number}")
        waitForTag("step-" + focus.id)
        onNodeWithTag("step-" + focus.id).assertIsDisplayed()
        // The first step is out of view (the list did not open at the top).
        assertTrue(onAllNodes(hasTestTag("step-" + c.case!!.steps.first().id)).fetchSemanticsNodes().isEmpty())
    }

    @Test
    fun anOpenQuestionIsAnsweredOnTheChecklistAndThePlanChanges(): Unit = runComposeUiTest {
        val case = runBlocking { screens.createCase("kuaishou.live-exit", mapOf("fans" to "1.2万", "balance" to "350")) }
        val card = case.questionCards.single { it.question.id == "has_mcn_contract" }
        c.go(Route.Case(case.id))
        setContent { TuiluApp(c) }
        await("the case") { c.case?.id == case.id }
        // Just below the step in play (which the screen opens at): the question, why it
        // matters, and its yes/no control.
        waitForTag("checklist")
        onNodeWithTag("checklist").performScrollToKey("questions")
        waitForTag("question-has_mcn_contract")
        onNodeWithText(card.question.text).assertIsDisplayed()
        onNodeWithText(card.reason).assertExists()
        val before = c.case!!.steps.size
        onNode(hasText("否") and hasAnyAncestor(hasTestTag("question-has_mcn_contract"))).performClick()
        await("the case re-planned") { c.case!!.questionCards.isEmpty() }
        assertTrue(c.case!!.steps.size < before, "${c.case!!.steps.size} of $before")
        await("the card gone") { onAllNodes(hasTestTag("question-has_mcn_contract")).fetchSemanticsNodes().isEmpty() }
        assertNull(c.message)
    }

    @Test
    fun theQuestionnaireShowsNoErrorBeforeAnAnswerAndSaysSoOnNext(): Unit = runComposeUiTest {
        setContent { TuiluApp(c) }
        runOnUiThread { c.pick("douyin.guild-exit") }
        await("the questionnaire") { c.questionnaire?.scenario == "douyin.guild-exit" }
        val total = c.questionnaire!!.questions.size
        waitFor(s.questionOf(1, total))
        assertTrue(c.questionnaire!!.questions.all { it.error == null })
        onAllNodesWithText("否").onFirst().performClick()
        await("question 2") { c.questionIndex == 1 }
        waitFor(s.questionOf(2, total))
        val q2 = c.questionnaire!!.questions[1]
        assertTrue(q2.needsAnswer)
        // Nothing chosen and nothing in red.
        assertNull(q2.error)
        assertTrue(onAllNodesWithText("回答无效", substring = true).fetchSemanticsNodes().isEmpty())
        // 下一题 with nothing chosen: it says so in words and stays.
        onNodeWithText(s.next).performClick()
        waitFor("这一题还没有回答：请先选择一项，再继续下一题。")
        assertEquals(1, c.questionIndex)
        onAllNodesWithText("否").onFirst().performClick()
        await("question 3") { c.questionIndex == 2 }
        assertTrue(onAllNodesWithText("这一题还没有回答", substring = true).fetchSemanticsNodes().isEmpty())
    }

    private fun SemanticsNodeInteraction.performScrollToNodeTagged(tag: String) = performScrollToNode(hasTestTag(tag))
}
