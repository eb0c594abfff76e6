package app.tuilu.core

import app.tuilu.core.uniffi.CaseRecord
import app.tuilu.core.uniffi.StepAction
import java.time.Instant

/** The Douyin guild-exit scenario the vault tests run on, and fixed times. */
object Guild {
    const val SCENARIO = "douyin.guild-exit"

    /** The three steps `submit_exit` depends on. */
    val prerequisites = listOf("check_account_status", "backup_data", "read_contract_and_negotiate")

    /** Facts that clear every blocker (no earnings pending, no violation, contract ended). */
    val facts = listOf(
        fact("has_unsettled_earnings", false),
        fact("has_violation_record", false),
        fact("contract_ended", true),
    )

    val created: Instant = Instant.parse("2026-09-29T08:00:00Z")

    /** The eve of National Day: 1–3 working days from here end on 2026-10-10. */
    val submitted: Instant = Instant.parse("2026-09-30T09:00:00Z")

    val during: Instant = Instant.parse("2026-10-01T06:00:00Z")

    /** A new case with `submit_exit` submitted at [at] (default [submitted]). */
    suspend fun submittedCase(tuilu: Tuilu, at: Instant = submitted): CaseRecord {
        val createdAt = if (at == submitted) created else at.minusSeconds(3600)
        val case = tuilu.createCase(SCENARIO, facts, now = createdAt)
        for (step in prerequisites) tuilu.transition(case.id, step, StepAction.DONE, now = createdAt)
        tuilu.transition(case.id, "submit_exit", StepAction.SUBMIT, now = at)
        return tuilu.case(case.id, now = if (at == submitted) during else at)
    }
}
