package app.tuilu.core

import app.tuilu.core.uniffi.AppException
import app.tuilu.core.uniffi.ErrorKind
import app.tuilu.core.uniffi.MissingKind
import app.tuilu.core.uniffi.ChangeKind
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.QuestionKind
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.StepStatus
import app.tuilu.core.uniffi.TimeSense
import java.time.Clock
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import org.junit.jupiter.api.Test

/** A whole case through the view models, from the questionnaire to a finished case. */
class ScreensTest {
    private fun screens(now: String, lang: Language = Language.ZH) = TuiluScreens(
        TestFiles.vault(), lang, ZoneId.of("Asia/Shanghai"),
        Clock.fixed(Instant.parse(now), ZoneOffset.UTC),
    )

    private val answers = mapOf(
        "has_unsettled_earnings" to "否",
        "has_violation_record" to "否",
        "contract_ended" to "是",
    )

    @Test
    fun questionnaireToFinishedCaseWithUndoObserverAndTypedErrors(): Unit = runBlocking {
        val s = screens("2026-09-29T08:00:00Z")
        s.use {
            val home = s.home()
            assertTrue(home.cases.isEmpty())
            assertEquals("开始一个退出流程", home.startLabel)

            val changes = async(Dispatchers.Default) { s.changes().take(3).toList() }
            yield()
            Thread.sleep(100)

            val q = s.questionnaire("douyin.guild-exit", answers + ("has_dispute" to "也许"))
            val yesNo = q.questions.first { it.id == "has_unsettled_earnings" }
            assertEquals(QuestionKind.YES_NO, yesNo.kind)
            assertEquals(listOf("是", "否"), yesNo.options.map { it.label })
            assertTrue(yesNo.options[1].selected)
            assertNotNull(q.questions.first { it.id == "has_dispute" }.error)
            assertFalse(q.complete)

            var case = s.createCase("douyin.guild-exit", answers)
            val submit = case.steps.first { it.id == "submit_exit" }
            assertTrue(submit.lockedReason!!.startsWith("需先完成第 "))
            assertTrue(submit.actions.none { it.action == StepAction.SUBMIT })

            // The typed error names both steps by title, in the app's language.
            val e = assertFailsWith<AppException.DependencyNotDone> {
                s.act(case.id, "submit_exit", StepAction.SUBMIT)
            }
            assertEquals("check_account_status", e.dependency)
            assertTrue(e.userMessage.startsWith("请先完成第 1 步「"), e.userMessage)

            for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) {
                case = s.act(case.id, step, StepAction.DONE)
            }
            case = s.act(case.id, "submit_exit", StepAction.SUBMIT, at = Instant.parse("2026-09-29T08:00:00Z"))
            val deadline = case.steps.first { it.id == "submit_exit" }.deadline!!
            assertEquals(TimeSense.DEADLINE, deadline.sense)
            assertTrue(deadline.text.contains("北京时间"), deadline.text)
            assertFalse(deadline.overdue)
            assertTrue(case.undo!!.label.startsWith("撤销「已提交："))

            case = s.undo(case.id)
            assertEquals(StepStatus.TODO, case.steps.first { it.id == "submit_exit" }.status)

            val seen = changes.await()
            assertEquals(listOf(ChangeKind.CASE_CREATED, ChangeKind.CASE_CHANGED, ChangeKind.CASE_CHANGED), seen.map { it.kind })
            assertTrue(seen.all { it.caseId == case.id })

            // Finish every step that is left: the case ends settled.
            while (true) {
                val next = case.steps.firstOrNull { row -> row.actions.any { it.action == StepAction.DONE } } ?: break
                case = s.act(case.id, next.id, StepAction.DONE)
            }
            assertEquals(case.total, case.settled, case.steps.joinToString { "${it.id}:${it.status}" })
            assertTrue(s.home().cases.single().progressText.contains("${case.total}/${case.total}"))
        }
    }

    @Test
    fun unknownStepsAndCasesSayWhatWasNotFound(): Unit = runBlocking {
        screens("2026-09-29T08:00:00Z", Language.EN).use { s ->
            val e = assertFailsWith<AppException.NotFound> { s.caseScreen("zzzzzzzz") }
            assertEquals(MissingKind.CASE, e.what)
            assertEquals("No case “zzzzzzzz” was found", e.userMessage)
            val case = s.createCase("douyin.guild-exit", answers)
            val e2 = assertFailsWith<AppException.NotFound> { s.act(case.id, "nope", StepAction.DONE) }
            assertEquals(MissingKind.STEP, e2.what)
            assertNull(case.undo)
            assertFailsWith<AppException.NothingToUndo> { s.undo(case.id) }
        }
    }

    @Test
    fun reminderSyncGivesCategoriesActionsAndABudget(): Unit = runBlocking {
        screens("2026-09-30T09:00:00Z").use { s ->
            var case = s.createCase("douyin.guild-exit", answers)
            for (step in listOf("check_account_status", "backup_data", "read_contract_and_negotiate")) {
                case = s.act(case.id, step, StepAction.DONE)
            }
            s.act(case.id, "submit_exit", StepAction.SUBMIT)
            val sync = s.reminderSync(emptyList())
            assertEquals(60, sync.budget)
            assertTrue(sync.schedule.isNotEmpty())
            assertTrue(sync.schedule.all { it.actions.any { a -> a.id == "snooze" && a.label == "稍后提醒" } })
            val again = s.reminderSync(sync.schedule.map { it.token })
            assertTrue(again.schedule.isEmpty())
            assertEquals(sync.schedule.size, again.keep.size)
        }
    }
    @Test
    fun lettersAreListedAskForWhatTheyLackAndAreKeptAsEvidenceWhenSent(): Unit = runBlocking {
        val s = screens("2026-10-03T03:00:00Z")
        s.use {
            val case = s.createCase("douyin.guild-exit", answers)
            val list = s.letters(case.id)
            assertEquals(listOf(1, 2, 3), list.letters.map { it.number })
            val message = list.letters.first { it.id == "guild_negotiation_message" }
            assertTrue(message.available)
            // The report is only for a guild that obstructs: the reason says so in words.
            val report = list.letters.first { it.id == "obstruction_report" }
            assertFalse(report.available)
            assertTrue(report.reason!!.contains("「通过举报中心举报公会阻拦」"), report.reason)

            // Missing facts come back as questions, and the letter has no body.
            var letter = s.letter(case.id, "guild_negotiation_message")
            assertFalse(letter.complete)
            // A sentence resting on an unanswered fact (the penalty clause) is asked too.
            assertEquals(listOf("guild_name", "account_name", "contract_penalty"), letter.missing.map { it.id })
            assertTrue(letter.paragraphs.isEmpty())
            assertEquals("", letter.plainText)
            val e = assertFailsWith<AppException.Refused> {
                s.markLetterSent(case.id, "guild_negotiation_message")
            }
            assertEquals(ErrorKind.LETTER_NOT_READY, e.code)

            s.setFacts(case.id, mapOf("guild_name" to "星河传媒公会", "account_name" to "晓华的日常", "contract_penalty" to "没有"))
            letter = s.letter(case.id, "2")
            assertTrue(letter.complete)
            assertEquals("星河传媒公会负责人", letter.recipient)
            assertTrue(letter.plainText.startsWith("与公会协商退出的消息\n\n星河传媒公会负责人："), letter.plainText)
            assertTrue(letter.demands.first().startsWith("书面或电子确认同意我退出公会"))
            assertNull(letter.translationNote)
            assertTrue(s.letterHtml(case.id, "2").contains("@page { size: A4;"))

            val sent = s.markLetterSent(case.id, "2", Instant.parse("2026-10-03T02:00:00Z"))
            assertEquals(1, sent.sent.size)
            assertTrue(sent.sent[0].text.startsWith("已于 2026-10-03 10:00 发送"), sent.sent[0].text)
            val evidence = s.evidence(case.id, "read_contract_and_negotiate")
            assertTrue(evidence.items.any { it.fileName == "与公会协商退出的消息（2026年10月3日发送）.txt" })

            s.language = Language.EN
            val en = s.letter(case.id, "2")
            assertTrue(en.translationNote!!.contains("for your understanding only"))
        }
    }
}
