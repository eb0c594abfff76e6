package app.tuilu.core

import app.tuilu.core.uniffi.AmountRecord
import app.tuilu.core.uniffi.Fact
import app.tuilu.core.uniffi.FactValue
import app.tuilu.core.uniffi.LocalizedText
import app.tuilu.core.uniffi.PlanRecord
import app.tuilu.core.uniffi.PlanStepRecord
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.util.Locale

// Builders for the answers given to Tuilu.plan. Typed values are checked against the fact's
// type, bounds and choices; answer() parses text typed by a person (是/否, ¥1,280.50, ...).

fun fact(id: String, value: Boolean) = Fact(id, FactValue.Bool(value))

fun fact(id: String, value: Long) = Fact(id, FactValue.Integer(value))

fun fact(id: String, value: Int) = Fact(id, FactValue.Integer(value.toLong()))

fun fact(id: String, value: LocalDate) = Fact(id, FactValue.Date(value))

fun fact(id: String, value: Instant) = Fact(id, FactValue.Datetime(value))

/** A money fact in yuan (at most two decimals): `money("task_amount", "3000")`. */
fun money(id: String, yuan: String) = Fact(id, FactValue.Money(yuan))

fun money(id: String, yuan: BigDecimal) = Fact(id, FactValue.Money(yuan.toPlainString()))

/** An enum fact: one of its choices' `value`. */
fun choice(id: String, value: String) = Fact(id, FactValue.Choice(value))

fun text(id: String, value: String) = Fact(id, FactValue.Text(value))

/** Text typed by a person, parsed for the fact's type. */
fun answer(id: String, typed: String) = Fact(id, FactValue.Raw(typed))

/** The text in [locale]'s language (Chinese unless English), falling back to the other. */
fun LocalizedText.get(locale: Locale = Locale.getDefault()): String {
    val english = locale.language == "en"
    return when {
        english && en.isNotBlank() -> en
        !english && zh.isNotBlank() -> zh
        else -> zh.ifBlank { en }
    }
}

fun PlanRecord.amount(id: String): AmountRecord? = amounts.firstOrNull { it.id == id }

fun PlanRecord.step(id: String): PlanStepRecord? = steps.firstOrNull { it.id == id }
