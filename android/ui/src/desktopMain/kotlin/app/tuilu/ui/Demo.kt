package app.tuilu.ui

import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.CaseScreenRecord
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.StepAction
import java.time.Clock
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset

/** A clock the demo moves forward, so cases have a history. */
class MovableClock(var now: Instant) : Clock() {
    override fun getZone(): ZoneId = ZoneOffset.UTC
    override fun withZone(zone: ZoneId?): Clock = this
    override fun instant(): Instant = now
}

/**
 * Real cases in a fresh vault, built through the core as a user would (answers, then
 * steps done and submitted at given times): a guild exit mid-way, an overdue refund and a
 * Kuaishou wind-down. Used by the screenshot renderer and the UI tests.
 */
object Demo {
    val zone: ZoneId = ZoneId.of("Asia/Shanghai")
    /** 2026-10-12 10:00 Beijing time. */
    val now: Instant = Instant.parse("2026-10-12T02:00:00Z")

    val guildAnswers = mapOf(
        "has_unsettled_earnings" to "否",
        "has_violation_record" to "否",
        "contract_ended" to "是",
    )

    class Cases(val guild: CaseScreenRecord, val refund: CaseScreenRecord, val kuaishou: CaseScreenRecord)

    fun screens(vault: String, language: Language, clock: Clock): TuiluScreens =
        TuiluScreens(vault, language, zone, clock)

    /** Marks [done] steps done, then submits [submit] at [submitAt], as a user would. */
    private suspend fun advance(
        s: TuiluScreens, start: CaseScreenRecord, done: List<String>, submit: String?, submitAt: Instant,
        doneAt: Instant? = null,
    ): CaseScreenRecord {
        var case = start
        for (step in done) case = s.act(case.id, step, StepAction.DONE, at = doneAt)
        if (submit != null) case = s.act(case.id, submit, StepAction.SUBMIT, at = submitAt)
        return case
    }

    suspend fun build(vault: String): Cases {
        val clock = MovableClock(Instant.parse("2026-08-18T02:00:00Z"))
        TuiluScreens(vault, Language.ZH, zone, clock).use { s ->
            var refund = s.createCase(
                "douyin.recharge-refund",
                mapOf(
                    "recharge_amount" to "648",
                    "refund_reason" to "mistaken",
                ),
            )
            clock.now = Instant.parse("2026-08-20T04:00:00Z")
            refund = advance(
                s, refund, listOf("screenshot_recharge", "prepare_request_details"),
                null, clock.now,
                // The screenshot and the details come before the request.
                doneAt = Instant.parse("2026-08-20T02:00:00Z"),
            )
            // Applying on the order has no answer of its own (the core offers "done", not
            // "submit"): the request is done at 03:00.
            refund = s.act(refund.id, "apply_on_order", StepAction.DONE, at = Instant.parse("2026-08-20T03:00:00Z"))
            // The wait for the decision runs from the request; the platform's 15 working days are long past.
            val wait = refund.steps.first { it.id == "await_decision" }
            val start = wait.actions.firstOrNull { it.action == StepAction.SUBMIT } ?: wait.actions.firstOrNull { it.action == StepAction.START }
            if (start != null) refund = s.act(refund.id, wait.id, start.action, at = if (start.asksTime) Instant.parse("2026-08-20T03:00:00Z") else null)

            clock.now = Instant.parse("2026-09-28T02:00:00Z")
            var guild = s.createCase("douyin.guild-exit", guildAnswers)
            clock.now = Instant.parse("2026-10-09T07:00:00Z")
            guild = advance(
                s, guild, listOf("check_account_status", "backup_data", "read_contract_and_negotiate"),
                "submit_exit", Instant.parse("2026-10-09T06:30:00Z"),
                // The checks come before the request (the core refuses a step before the steps it depends on).
                doneAt = Instant.parse("2026-10-09T06:00:00Z"),
            )

            clock.now = Instant.parse("2026-10-10T02:00:00Z")
            var ks = s.createCase("kuaishou.live-exit", mapOf("fans" to "1.2万", "balance" to "350"))
            ks = advance(s, ks, ks.steps.take(2).map { it.id }, null, clock.now)
            return Cases(guild, refund, ks)
        }
    }
}
