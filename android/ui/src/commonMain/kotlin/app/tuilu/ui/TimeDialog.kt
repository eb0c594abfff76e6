package app.tuilu.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TimePicker
import androidx.compose.material3.TimePickerState
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.Density
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.ActionViewRecord
import java.time.LocalDate
import java.time.LocalTime
import java.time.ZoneId

/**
 * When a submission or completion happened (the core's question). The day chips and their
 * bounds are the core's (`ActionViewRecord.when`: now, earlier today, yesterday, the day
 * before, each cut to when the steps before were settled); under a chip other than "now"
 * the time of day is picked on Material 3's clock (24-hour, no format letters), starting
 * where the core says, and a time outside the chip's bounds cannot be confirmed. "Now"
 * needs no time: the core takes it when it acts.
 */
@OptIn(ExperimentalMaterial3Api::class, ExperimentalLayoutApi::class)
@Composable
fun TimeDialog(
    s: Strings,
    action: ActionViewRecord,
    zone: ZoneId,
    onDismiss: () -> Unit,
    initialChoice: Int = 0,
    onConfirm: (Pair<LocalDate, LocalTime>?) -> Unit,
) {
    val choices = action.`when`?.choices.orEmpty()
    var chosen by remember { mutableStateOf(initialChoice) }
    val choice = choices.getOrNull(chosen)
    val start = choice?.defaultAt?.atZone(zone)
    val clock: TimePickerState = remember(chosen) { TimePickerState(start?.hour ?: 12, start?.minute ?: 0, true) }
    val day = start?.toLocalDate()
    val time = LocalTime.of(clock.hour, clock.minute)
    val at = day?.atTime(time)?.atZone(zone)?.toInstant()
    val tooLate = choice != null && !choice.isNow && at != null && at.isAfter(choice.latest)
    val tooEarly = choice != null && !choice.isNow && at != null && at.isBefore(choice.earliest)
    val allowed = choice != null && (choice.isNow || (at != null && !tooLate && !tooEarly))
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(action.timeQuestion ?: action.label) },
        text = {
            Column(
                Modifier.verticalScroll(rememberScrollState()).testTag("time-dialog"),
                verticalArrangement = Arrangement.spacedBy(8.dp),
                horizontalAlignment = Alignment.CenterHorizontally,
            ) {
                // As many chips a row as fit: four do not fit a phone's dialog, and at a large
                // font size one a row, none cut off and no word split.
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp, Alignment.CenterHorizontally)) {
                    choices.forEachIndexed { n, c ->
                        FilterChip(selected = chosen == n, onClick = { chosen = n }, label = { Text(c.label) })
                    }
                }
                if (choice != null && !choice.isNow) {
                    // The clock's digits are display-sized already (57 sp) and sit in boxes of
                    // a fixed size: they keep the unscaled font size, as Android's non-linear
                    // font scaling nearly does for text that large. The dial itself is 256 dp.
                    val density = LocalDensity.current
                    CompositionLocalProvider(LocalDensity provides Density(density.density, 1f)) {
                        TimePicker(clock, Modifier.testTag("time-picker"))
                    }
                }
                if (tooLate) Text(s.timeNotYet, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
                action.`when`?.boundText?.let {
                    Text(it, style = MaterialTheme.typography.bodySmall, color = if (tooEarly) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant)
                }
            }
        },
        confirmButton = {
            Button(
                onClick = { if (choice?.isNow == true) onConfirm(null) else if (day != null) onConfirm(day to time) },
                enabled = allowed,
            ) {
                Text(action.label)
            }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(s.cancel) } },
    )
}
