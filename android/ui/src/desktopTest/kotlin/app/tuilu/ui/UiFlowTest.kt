package app.tuilu.ui

import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.hasAnyAncestor
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.isRoot
import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.assertCountEquals
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.onLast
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToIndex
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.runComposeUiTest
import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import java.io.File
import java.nio.file.Files
import java.security.MessageDigest
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.CoroutineScope
import org.jetbrains.skiko.MainUIDispatcher
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.runBlocking
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout

/** Whole flows through the Compose screens, against the real core in a fresh vault. */
@OptIn(ExperimentalTestApi::class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class UiFlowTest {
    private companion object {
        const val WAIT = 30_000L
    }

    private val vault = Files.createTempDirectory("tuilu-ui-").toFile()
    private val clock = MovableClock(Demo.now)
    private val screens = TuiluScreens(vault.path, Language.ZH, Demo.zone, clock)
    private val effects = DesktopEffects()
    // The app's controller lives in a ViewModel whose scope runs on the main thread: its
    // state changes between frames, never while one is composed. The desktop's main thread
    // is Swing's (an IO scope here left a screen unrecomposed once in a few runs).
    private val c = TuiluController(screens, effects, CoroutineScope(SupervisorJob() + MainUIDispatcher), clock)

    /**
     * Renders frames until [condition] holds, or fails after [timeoutMillis] naming [what] and
     * the controller's state. Compose Multiplatform 1.7.3's own `waitUntil` never times out on
     * the desktop (it builds its timeout message and drops it), so a condition that never holds
     * would hang the test until JUnit's timeout with no word of which wait it was.
     * Generous: frames are rendered in software, and on a loaded 2-core machine one can take
     * seconds. A wait ends as soon as its condition holds.
     */
    private fun ComposeUiTest.await(what: String, timeoutMillis: Long = WAIT, condition: () -> Boolean) {
        val deadline = System.nanoTime() + timeoutMillis * 1_000_000
        var late = false
        waitUntil(timeoutMillis = timeoutMillis) {
            condition() || (System.nanoTime() > deadline).also { late = it }
        }
        if (late && !condition()) {
            val onScreen = runCatching {
                onAllNodes(isRoot()).fetchSemanticsNodes().flatMap { root -> texts(root) }.joinToString(" | ")
            }.getOrElse { "?" }
            throw AssertionError(
                "waited ${timeoutMillis / 1000} s for $what; route=${c.route}, busy=${c.busy}, " +
                    "message=${c.message}, dialog=${c.backupDialog}, loaded: home=${c.home != null} " +
                    "case=${c.case?.id} evidence=${c.evidence?.items?.size} settings=${c.settings != null} " +
                    "backup=${c.backup != null}; on screen: $onScreen",
            )
        }
    }

    private fun texts(node: SemanticsNode): List<String> =
        node.config.getOrNull(SemanticsProperties.Text).orEmpty().map { it.text } + node.children.flatMap { texts(it) }

    private fun ComposeUiTest.waitFor(text: String, substring: Boolean = false) =
        await("the text «$text»") { onAllNodesWithText(text, substring = substring).fetchSemanticsNodes().isNotEmpty() }

    /** Waits until the screen's scrolling list is composed (the screen may still be loading). */
    private fun ComposeUiTest.waitForList() =
        await("the screen's list") { onAllNodes(hasScrollAction()).fetchSemanticsNodes().isNotEmpty() }

    /** Scrolls the screen's list to the text (lazy lists compose only what is visible). */
    private fun ComposeUiTest.scrollTo(text: String, substring: Boolean = false) {
        waitForList()
        onAllNodes(hasScrollAction()).onFirst().performScrollToNode(hasText(text, substring = substring))
    }

    /** Clicks the button [text] on the card of [step]. */
    private fun ComposeUiTest.clickOnStep(step: String, text: String) {
        waitForList()
        onAllNodes(hasScrollAction()).onFirst().performScrollToNode(hasTestTag("step-$step"))
        onAllNodes(hasText(text) and hasAnyAncestor(hasTestTag("step-$step"))).onFirst().performClick()
    }

    private fun action(step: String, action: StepAction) =
        c.case!!.steps.first { it.id == step }.actions.first { it.action == action }

    private fun label(step: String, action: StepAction) = action(step, action).label

    @Test
    fun questionnaireToCaseThenStartSubmitUndoAndTheDeadlineShows(): Unit = runComposeUiTest {
        setContent { TuiluApp(c) }
        waitFor("开始一个退出流程")
        onNodeWithText("开始一个退出流程").performClick()
        val guild = runBlocking { screens.scenarioPicker() }.groups.flatMap { it.scenarios }.first { it.id == "douyin.guild-exit" }
        waitFor(guild.title)
        onNodeWithText(guild.title).performClick()
        // One question at a time: an accepted answer moves on.
        await("the guild questionnaire") { c.questionnaire?.scenario == guild.id }
        // The questions that shape the plan get the demo's answers; the optional ones (facts
        // only letters use, and assumptions) are passed over with "下一题", as a user in a hurry would.
        val s = Strings.of(Language.ZH)
        val total = c.questionnaire!!.questions.size
        while (c.questionIndex < total - 1) {
            val n = c.questionIndex
            val q = c.questionnaire!!.questions[n]
            waitFor(s.questionOf(n + 1, total))
            val answer = Demo.guildAnswers[q.id]
            if (answer != null) {
                onAllNodesWithText(answer).onFirst().performClick()
            } else {
                assertFalse(q.needsAnswer, "${q.id} needs an answer the demo does not give")
                onNodeWithText(s.next).performClick()
            }
            await("question ${n + 2}") { c.questionIndex == n + 1 }
        }
        assertEquals(Demo.guildAnswers.keys, c.answers.keys)
        scrollTo("查看计划")
        onAllNodesWithText("查看计划").onLast().performClick()
        waitFor("按此计划开始")
        onNodeWithText("按此计划开始").performClick()
        await("the case") { c.case != null }

        val first = c.case!!.steps.first().id
        clickOnStep(first, label(first, StepAction.START))
        await("the first step in progress") { c.case!!.steps.first().status == StepStatus.IN_PROGRESS }
        waitFor("撤销")
        // Done and submitted ask when (the core's question over the picker, default now).
        for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) {
            val done = action(step, StepAction.DONE)
            clickOnStep(step, done.label)
            waitFor(done.timeQuestion!!)
            onAllNodesWithText(done.label).onLast().performClick()
            await("$step done") { c.case!!.steps.first { it.id == step }.status == StepStatus.DONE }
        }
        val submit = action("submit_exit", StepAction.SUBMIT)
        assertEquals("什么时候提交的？", submit.timeQuestion)
        clickOnStep("submit_exit", submit.label)
        waitFor("什么时候提交的？")
        onAllNodesWithText(submit.label).onLast().performClick()
        await("the deadline of the submitted exit") { c.case!!.steps.first { it.id == "submit_exit" }.deadline != null }
        val deadline = c.case!!.steps.first { it.id == "submit_exit" }.deadline!!
        assertTrue(effects.alarms.held.isNotEmpty(), "the submission's reminders are set")
        assertEquals(effects.alarms.held.keys.toList(), effects.store.tokens)
        scrollTo(deadline.text)
        onNodeWithText(deadline.text).assertExists()
        assertTrue(deadline.text.contains("北京时间"), deadline.text)
        onNodeWithText(c.case!!.undo!!.label).assertExists()

        onNodeWithText("撤销").performClick()
        await("the submission undone") { c.case!!.steps.first { it.id == "submit_exit" }.status == StepStatus.TODO }
        await("the deadline gone from the screen") { onAllNodesWithText(deadline.text).fetchSemanticsNodes().isEmpty() }
        // The alarms followed the core, from the same tap: set on submit, gone on undo.
        await("the submission's alarms cancelled") { effects.alarms.held.isEmpty() && effects.store.tokens.isEmpty() }
    }

    @Test
    fun homeShowsAPageOfCasesAndTheNextWhenTheUserScrollsToItsEnd(): Unit = runComposeUiTest {
        val created = runBlocking { (1..35).map { screens.createCase("douyin.guild-exit", Demo.guildAnswers).id } }
        c.go(Route.Home)
        setContent { TuiluApp(c) }
        await("home") { c.home != null }
        // The core words the first page only, and says how many follow.
        val first = c.home!!
        assertEquals(30, first.cases.size)
        assertEquals(35, first.openCount)
        assertEquals("还有 5 个进行中的退出流程", first.moreCases?.text)
        // Scrolling to the end of the list (the "more" row, after the warnings and the
        // 30 cards) shows the rest, each case once. The row asks as soon as it is
        // composed and is gone once every case shows, so the test scrolls by index.
        waitForList()
        onAllNodes(hasScrollAction()).onFirst().performScrollToIndex(first.calendarWarnings.size + first.cases.size)
        await("the next page") { c.home?.cases?.size == 35 }
        assertNull(c.home!!.moreCases)
        assertEquals(created.sorted(), c.home!!.cases.map { it.id }.sorted())
        assertEquals(first.cases.map { it.id }, c.home!!.cases.take(30).map { it.id })
    }

    @Test
    fun aLockedStepSaysWhichStepToFinishFirst(): Unit = runComposeUiTest {
        val case = runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        val reason = case.steps.first { it.id == "submit_exit" }.lockedReason
        assertNotNull(reason)
        assertTrue(reason.contains(case.steps.first().title), reason)
        c.go(Route.Case(case.id))
        setContent { TuiluApp(c) }
        await("the case") { c.case != null }
        scrollTo(reason)
        onNodeWithText(reason).assertExists()
    }

    @Test
    fun evidenceAddedFromAFileAppearsWithItsHash(): Unit = runComposeUiTest {
        val case = runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        val file = File(vault, "IMG_0001.png")
        renderPng(file, wDp = 60, hDp = 100) { androidx.compose.material3.Text("退会申请已提交") }
        val sha = MessageDigest.getInstance("SHA-256").digest(file.readBytes()).joinToString("") { "%02x".format(it) }
        effects.picks.addLast(listOf(PickedFile(file.path, file.name, "image/png")))
        c.go(Route.Evidence(case.id, "submit_exit", "提交退会申请"))
        setContent { TuiluApp(c, thumbnail = ::desktopThumbnail) }
        waitFor("从相册添加")
        onNodeWithText("从相册添加").performClick()
        waitFor("SHA-256 ${sha.take(12)}")
        onNodeWithText("IMG_0001.png").assertExists()
        assertEquals(sha, c.evidence!!.items.single().sha256)
        // Export first says what the bundle holds (the guild answers are private: left out),
        // then goes to the share sheet.
        onNodeWithText(Strings.of(Language.ZH).exportBundle).performClick()
        waitFor("证据包将包含 1 份证据", substring = true)
        onNodeWithText("你和公会的合同已经到期或已经解除了吗？").assertExists()
        assertTrue(c.exportPreview!!.facts.isEmpty(), "${c.exportPreview}")
        onNodeWithTag("include-private").performClick()
        await("the preview with the private answers") { c.exportPreview?.includePrivate == true }
        assertTrue(c.exportPreview!!.withheldFacts.isEmpty(), "${c.exportPreview}")
        onNodeWithText(Strings.of(Language.ZH).exportAndShare).performClick()
        await("the bundle in the share sheet") { effects.shared.isNotEmpty() }
        assertTrue(File(effects.shared.single().first).length() > 0)
    }

    @Test
    fun flaggingARuleShowsTheMark(): Unit = runComposeUiTest {
        val case = runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        assertNull(case.steps.first().flag)
        c.go(Route.Case(case.id))
        setContent { TuiluApp(c) }
        waitFor("出处")
        onAllNodesWithText("出处").onFirst().performClick()
        waitFor("这条规则的出处")
        onNodeWithText("标记为可能过时").performClick()
        await("the flag on the first step") { c.case!!.steps.first().flag != null }
        val mark = c.case!!.steps.first().flag!!.text
        assertTrue(mark.startsWith("⚑"), mark)
        waitFor(mark)
    }
    @Test
    fun aLetterAsksForWhatItLacksThenCopiesPrintsAndIsMarkedSent(): Unit = runComposeUiTest {
        val case = runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        val s = Strings.of(Language.ZH)
        c.go(Route.Letters(case.id))
        setContent { TuiluApp(c) }
        waitFor("与公会协商退出的消息", substring = true)
        // Not needed for this case: the reason names the step by its title.
        val report = c.letters!!.letters.first { it.id == "obstruction_report" }
        waitFor(report.reason!!)
        onNodeWithText("与公会协商退出的消息", substring = true).performClick()
        // The questions come first; answered in place, the letter appears.
        await("the letter to the guild") { c.letter?.id == "guild_negotiation_message" }
        waitFor(c.letter!!.missingText!!)
        c.answerForLetter(mapOf("guild_name" to "星河传媒公会", "account_name" to "晓华的日常", "contract_penalty" to "no"))
        await("the letter complete") { c.letter?.complete == true }
        waitFor("星河传媒公会负责人：")
        onNodeWithText(s.copyLetter).performClick()
        await("the letter copied") { effects.copied.isNotEmpty() }
        assertTrue(effects.copied.single().startsWith("与公会协商退出的消息\n\n星河传媒公会负责人："))
        onNodeWithText(s.printLetter).performClick()
        await("the letter printed") { effects.printed.isNotEmpty() }
        assertTrue(effects.printed.single().second.contains("@page { size: A4;"))
        onNodeWithText(s.markSent).performClick()
        await("the letter marked sent") { c.letter!!.sent.isNotEmpty() }
        waitFor(c.letter!!.sent.single().text)
        val kept = runBlocking { screens.evidence(case.id, "read_contract_and_negotiate") }
        assertTrue(kept.items.any { it.fileName.startsWith("与公会协商退出的消息") })
    }

    private fun ComposeUiTest.waitForTag(tag: String) =
        await("the node tagged $tag") { onAllNodes(hasTestTag(tag)).fetchSemanticsNodes().isNotEmpty() }

    @Test
    fun aWeakPassphraseKeepsCreateOffThenAStrongOneMakesABackupAndTheSectionDatesIt(): Unit = runComposeUiTest {
        runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        c.go(Route.Settings)
        setContent { TuiluApp(c) }
        await("the backup section") { c.backup != null }
        val before = c.backup!!
        assertEquals("还没有备份过", before.lastBackupText)
        assertTrue(before.due)
        waitFor(before.dueText)
        onNodeWithText(before.createLabel).performClick()
        // The default is a recovery code: create waits until it is written down.
        waitForTag("recovery-code")
        onNodeWithTag("create-backup").assertIsNotEnabled()
        onNodeWithTag("code-written").performClick()
        onNodeWithTag("create-backup").assertIsEnabled()
        onNodeWithTag("own-passphrase").performClick()
        waitForTag("passphrase")

        // A weak passphrase: the core's label and advice show, create stays off.
        val weak = "5201314"
        val hint = screens.passphraseHint(weak)
        assertFalse(hint.accepted)
        onNodeWithTag("passphrase").performTextInput(weak)
        onNodeWithTag("passphrase-again").performTextInput(weak)
        waitFor(hint.advice)
        onNodeWithText(hint.label).assertExists()
        onNodeWithTag("create-backup").assertIsNotEnabled()

        // A strong one, typed twice: create goes through the platform's "save as".
        val strong = "correct horse battery staple"
        assertTrue(screens.passphraseHint(strong).accepted)
        onNodeWithTag("passphrase").performTextClearance()
        onNodeWithTag("passphrase").performTextInput(strong)
        onNodeWithTag("create-backup").assertIsNotEnabled() // the second field still differs
        onNodeWithTag("passphrase-again").performTextClearance()
        onNodeWithTag("passphrase-again").performTextInput(strong)
        onNodeWithTag("create-backup").assertIsEnabled().performClick()
        await("the backup saved and dated", 60_000L) { effects.savedDocuments.isNotEmpty() && c.backup?.lastBackupAt != null }
        val file = File(effects.savedDocuments.single())
        assertEquals(before.suggestedFileName, file.name)
        assertTrue(file.length() > 0)
        val after = c.backup!!
        assertTrue(after.lastBackupText.startsWith("上次备份："), after.lastBackupText)
        assertFalse(after.due)
        waitFor(after.lastBackupText)
        waitFor(c.backupDone!!.headline)
        // A real backup: the core opens it with the passphrase and finds the case.
        assertEquals(1, runBlocking { screens.inspectBackup(file.path, strong) }.cases)
    }

    @Test
    fun restoringOverCasesShowsTheCoresWordsAndReplacesOnlyWhenAsked(): Unit = runComposeUiTest {
        runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        val file = File(Files.createTempDirectory("tuilu-ui-backup-").toFile(), "old.tuilu-backup")
        runBlocking { screens.createBackup(file.path, "correct horse battery staple", workFactor = 10) }
        effects.documents.addLast(PickedFile(file.path, file.name, "application/octet-stream"))
        val s = Strings.of(Language.ZH)
        c.go(Route.Settings)
        setContent { TuiluApp(c) }
        await("the backup section") { c.backup != null }
        onNodeWithText(c.backup!!.restoreLabel).performClick()
        waitForTag("restore-passphrase")
        onNodeWithTag("restore-passphrase").performTextInput("correct horse battery staple")
        onNodeWithText(s.checkBackup).performClick()
        await("the backup checked") { (c.backupDialog as? BackupDialog.Restore)?.checked != null }
        val checked = (c.backupDialog as BackupDialog.Restore).checked!!
        waitFor(checked.headline)
        onAllNodesWithText(checked.contentsText).onFirst().assertExists()
        // This phone has a case: the core refuses, the dialog says so and offers replacing.
        onNodeWithTag("restore-confirm").performClick()
        await("the question whether to replace") { (c.backupDialog as? BackupDialog.Restore)?.replaceAsk != null }
        waitFor((c.backupDialog as BackupDialog.Restore).replaceAsk!!)
        assertNull(c.backupDone)
        onNodeWithText(s.replaceData).performClick()
        await("the restore done") { c.backupDone != null }
        assertTrue(c.backupDone!!.replaced)
        // The core leads home after a restore, and the outcome is said there.
        await("home after the restore") { c.route == Route.Home }
        waitFor(c.backupDone!!.headline)
    }

    @Test
    fun aScreenshotSharedFromAnotherAppIsFiledUnderTheStepTheUserOpens(): Unit = runComposeUiTest {
        val case = runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        val file = File(vault, "微信图片_20261001.png")
        renderPng(file, wDp = 60, hDp = 100) { androidx.compose.material3.Text("公会拒绝退出") }
        val s = Strings.of(Language.ZH)
        setContent { TuiluApp(c, thumbnail = ::desktopThumbnail) }
        await("home") { c.home != null }
        // ACTION_SEND from WeChat: the app asks where it belongs.
        runOnUiThread { c.importShared(listOf(PickedFile(file.path, file.name, "image/png"))) }
        waitFor(s.importBanner(1))
        val card = c.home!!.cases.single()
        onNodeWithText(card.title).performClick()
        await("the case") { c.case?.id == case.id }
        val step = c.case!!.steps.first { it.id == "read_contract_and_negotiate" }
        clickOnStep(step.id, "${s.evidence} · 0")
        // Opening the step's evidence files the shared screenshot there, once.
        await("the shared file filed") { c.evidence?.items?.size == 1 }
        waitFor(file.name)
        assertTrue(c.pendingImport.isEmpty())
        onAllNodesWithText(s.importBanner(1)).assertCountEquals(0)
        val kept = runBlocking { screens.evidence(case.id, step.id) }.items.single()
        assertEquals(file.name, kept.fileName)
        val sha = MessageDigest.getInstance("SHA-256").digest(file.readBytes()).joinToString("") { "%02x".format(it) }
        assertEquals(sha, kept.sha256)
    }

    @Test
    fun settingsShowTheInstalledPacksAndACheckThatCannotFetchSaysSoInTheCoresWords(): Unit = runComposeUiTest {
        // A closed port on this machine: the fetch fails at once, the core records and words it.
        runBlocking { screens.setRuleUpdateSource("http://127.0.0.1:9/", false) }
        c.go(Route.Settings)
        setContent { TuiluApp(c) }
        await("the rule-update section") { c.ruleUpdates != null }
        scrollTo("尚未检查规则更新")
        scrollTo("抖音：退出公会 1.2.1 · 随应用内置", substring = true)
        scrollTo("检查规则更新")
        onNodeWithTag("check-rule-updates").performClick()
        await("the check's outcome") { c.ruleUpdateResult != null }
        assertEquals("failed", c.ruleUpdateResult!!.outcome)
        scrollTo("无法获取规则更新，未做任何更改", substring = true)
        await("the last check recorded") { c.ruleUpdates!!.lastCheckText.startsWith("上次检查：") && !c.ruleUpdates!!.lastCheckOk }
    }

    @Test
    fun settingsAskForNotificationsOpenMakersPagesSwitchQuietHoursAndLanguageAndExportTheCalendar(): Unit = runComposeUiTest {
        // A submitted exit: a deadline for reminders and for the calendar.
        var case = runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) {
            case = runBlocking { screens.act(case.id, step, StepAction.DONE) }
        }
        runBlocking { screens.act(case.id, "submit_exit", StepAction.SUBMIT, at = clock.instant()) }
        val zh = Strings.of(Language.ZH)
        val en = Strings.of(Language.EN)
        c.permissions = PermissionState(notificationsAllowed = false, exactAllowed = false)
        c.go(Route.Settings)
        setContent { TuiluApp(c) }
        await("the settings") { c.settings != null }

        // Notifications denied: the state in words, the rationale, and a way to ask.
        waitFor(zh.notificationsOff)
        waitFor(zh.notificationRationale)
        onNodeWithText(zh.allowNotifications).performClick()
        await("the permission asked") { effects.notificationRequests == 1 }
        // Exact alarms: the switch shows the permission and leads to the system's page.
        scrollTo(zh.exactAlarms)
        waitFor(zh.exactAlarmsOff)
        onNodeWithTag("exact-alarms").performClick()
        await("the exact-alarm page") { effects.opened.contains(SettingsPage.ExactAlarms) }
        // The makers' battery pages.
        val guide = zh.oemGuides.first { it.first == Oem.HUAWEI }.second
        scrollTo(guide)
        onNodeWithTag("battery-HUAWEI").performClick()
        await("the maker's battery page") { effects.opened.contains(SettingsPage.Battery(Oem.HUAWEI)) }

        // Quiet hours: the core stores the choice and says it in words.
        val quietBefore = c.settings!!.quietHoursEnabled
        scrollTo(zh.quietHours)
        onNodeWithTag("quiet-hours").performClick()
        await("quiet hours switched") { c.settings!!.quietHoursEnabled != quietBefore }
        assertEquals(!quietBefore, runBlocking { screens.settings() }.quietHoursEnabled)
        waitFor(if (c.settings!!.quietHoursEnabled) c.settings!!.quietHoursText else zh.quietOff)

        // The calendar goes to the share sheet as an .ics with the exit's deadline.
        scrollTo(zh.exportIcs)
        onNodeWithText(zh.exportIcs).performClick()
        await("the calendar shared") { effects.shared.any { it.second == "text/calendar" } }
        val ics = File(effects.shared.first { it.second == "text/calendar" }.first).readText()
        assertTrue(ics.startsWith("BEGIN:VCALENDAR"), ics.take(80))
        assertTrue(ics.contains("BEGIN:VEVENT"), ics)

        // English: the app's words and the core's words change together, and it is kept.
        scrollTo("English")
        onNodeWithText("English").performClick()
        await("English") { c.settings?.language == Language.EN && c.strings.exportIcs == en.exportIcs }
        waitFor(en.exportIcs)
        assertEquals(Language.EN, runBlocking { screens.settings() }.language)
        onAllNodesWithText(zh.exportIcs).assertCountEquals(0)
    }

    @Test
    fun aCaseThatCannotBeOpenedSaysWhyAndLeadsBack(): Unit = runComposeUiTest {
        // A link to a case that is gone (a notification tapped after a restore, say).
        c.go(Route.Case("gone0000"))
        setContent { TuiluApp(c) }
        val s = Strings.of(Language.ZH)
        // The core leads home and says why, in words (no id).
        await("the core's words") { c.message != null }
        val why = c.message!!
        assertTrue(why.contains("不存在") && !why.contains("gone0000"), why)
        await("home") { c.route == Route.Home && c.home != null }
        waitFor(why)
        waitFor(c.home!!.startLabel)
    }

    @Test
    fun theCaseMenuShowsHistoryMovesAndDeletesEvidenceAndDeletesTheCaseAfterAsking(): Unit = runComposeUiTest {
        val case = runBlocking { screens.createCase("douyin.guild-exit", Demo.guildAnswers) }
        runBlocking { screens.act(case.id, "check_account_status", StepAction.DONE) }
        val file = File(vault, "Screenshot_20261001-101500.png")
        renderPng(file, wDp = 60, hDp = 100) { androidx.compose.material3.Text("收益已结清") }
        val added = runBlocking { screens.addEvidence(case.id, "check_account_status", file.path) }
        c.go(Route.Case(case.id))
        setContent { TuiluApp(c) }
        await("the checklist") { c.case?.id == case.id }
        // History: the journal in words, newest first, with undo on the last change.
        waitForTag("case-menu")
        onNodeWithTag("case-menu").performClick()
        waitForTag("menu-HISTORY")
        onNodeWithTag("menu-HISTORY").performClick()
        await("the history") { c.history?.caseId == case.id }
        val top = c.history!!.entries.first()
        waitFor(top.text)
        assertTrue(top.text.contains("检查账号状态"), top.text)
        waitFor(c.history!!.entries.last().text)
        assertEquals("创建了案件", c.history!!.entries.last().text)
        onNodeWithContentDescription(s0.back).performClick()
        await("back on the checklist") { c.route == Route.Case(case.id) }

        // Evidence: moved to another step, then deleted after the core's question.
        c.go(Route.Evidence(case.id, "check_account_status", ""))
        await("the evidence") { c.evidence?.items?.size == 1 }
        waitForTag("move-" + added.itemId)
        onNodeWithTag("move-" + added.itemId).performClick()
        waitForTag("move-backup_data")
        onNodeWithTag("move-backup_data").performClick()
        await("moved") { c.evidence?.items?.isEmpty() == true }
        waitFor(c.result!!)
        assertTrue(c.result!!.contains("移到第 2 步"), c.result)
        c.go(Route.Evidence(case.id, "backup_data", ""))
        await("the evidence of step 2") { c.evidence?.items?.size == 1 }
        waitForTag("delete-" + added.itemId)
        onNodeWithTag("delete-" + added.itemId).performClick()
        await("the core's question") { c.confirm != null }
        waitFor(c.confirm!!.first.title)
        waitForTag("confirm-yes")
        onNodeWithTag("confirm-yes").performClick()
        await("deleted") { c.evidence?.items?.isEmpty() == true }

        // The case: delete asks first and says what goes; yes leads home.
        c.go(Route.Case(case.id))
        await("the checklist again") { c.case?.id == case.id && c.route == Route.Case(case.id) }
        waitForTag("case-menu")
        onNodeWithTag("case-menu").performClick()
        waitForTag("menu-DELETE")
        onNodeWithTag("menu-DELETE").performClick()
        await("the question") { c.confirm != null }
        assertTrue(c.confirm!!.first.text.contains("无法恢复"), c.confirm!!.first.text)
        assertTrue(runBlocking { screens.home() }.cases.isNotEmpty(), "nothing deleted before yes")
        waitForTag("confirm-yes")
        onNodeWithTag("confirm-yes").performClick()
        await("home without the case") { c.route == Route.Home && c.home?.cases?.isEmpty() == true }
        waitFor("已删除案件")
    }

    private val s0 = Strings.of(Language.ZH)
}
