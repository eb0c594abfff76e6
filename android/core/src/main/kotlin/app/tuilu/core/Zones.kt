package app.tuilu.core

import app.tuilu.core.uniffi.TimeZoneRules
import java.time.Instant
import java.time.LocalDateTime
import java.time.ZoneId

/**
 * The core's [TimeZoneRules] over java.time: offsets come from the platform's tz database
 * (updated with the OS), so the native library carries none. Thread-safe ([ZoneId] and its
 * rules are immutable); the core calls it from its worker threads while it plans.
 */
class JavaTimeZoneRules(val zone: ZoneId) : TimeZoneRules {
    private val rules = zone.rules

    override fun id(): String = zone.id

    override fun offsetSecondsAt(utc: Instant): Int = rules.getOffset(utc).totalSeconds

    /** None in a gap, two in an overlap (the offset before the change first). */
    override fun offsetsSecondsForLocal(local: String): List<Int> =
        rules.getValidOffsets(LocalDateTime.parse(local)).map { it.totalSeconds }
}
