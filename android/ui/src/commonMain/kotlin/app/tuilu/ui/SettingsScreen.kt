package app.tuilu.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Switch
import androidx.compose.ui.platform.testTag
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.SettingsViewRecord

/**
 * Reminders (permission, exact alarms, the makers' battery managers) and settings. The
 * data on this phone and its encrypted backup come first ([backup] draws the section).
 */
@Composable
fun SettingsScreen(
    view: SettingsViewRecord,
    perms: PermissionState,
    s: Strings,
    onBack: () -> Unit,
    onAllowNotifications: () -> Unit,
    onExact: (Boolean) -> Unit,
    onOpen: (SettingsPage) -> Unit,
    onQuietHours: (Boolean) -> Unit,
    onLanguage: (Language) -> Unit,
    onExportIcs: () -> Unit,
    backup: @Composable () -> Unit = {},
    /** The rule-update section's title (the core's words) and its content ([RuleUpdatesSection]). */
    ruleUpdatesTitle: String? = null,
    ruleUpdates: @Composable () -> Unit = {},
    /** Why reminders may not come as planned (the core's words). */
    reminderNotice: String? = null,
) {
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column {
            Bar(s.settings, onBack, s.back)
            LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                item {
                    SectionTitle(s.backupTitle)
                    backup()
                    Text(s.backupNote, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant, modifier = Modifier.padding(top = 4.dp))
                    view.packProblems.forEach { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error) }
                }
                item {
                    SectionTitle(s.notifications)
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                            Text(
                                if (perms.notificationsAllowed) s.notificationsOn else s.notificationsOff,
                                color = if (perms.notificationsAllowed) MaterialTheme.colorScheme.onSurface else MaterialTheme.colorScheme.error,
                                fontWeight = FontWeight.SemiBold,
                            )
                            if (!perms.notificationsAllowed) {
                                Text(s.notificationRationale, style = MaterialTheme.typography.bodySmall)
                                Button(onClick = onAllowNotifications) { Text(s.allowNotifications) }
                            }
                            Row(verticalAlignment = Alignment.CenterVertically) {
                                Column(Modifier.weight(1f)) {
                                    Text(s.exactAlarms, style = MaterialTheme.typography.bodyLarge)
                                    Text(
                                        if (perms.exactAllowed) s.exactAlarmsOn else s.exactAlarmsOff,
                                        style = MaterialTheme.typography.bodySmall,
                                    )
                                }
                                // The permission is the switch: Android grants it in its own settings page.
                                Switch(
                                    checked = perms.exactAllowed,
                                    onCheckedChange = onExact,
                                    // A screen reader names the switch by the line beside it.
                                    modifier = Modifier.testTag("exact-alarms").semantics { contentDescription = s.exactAlarms },
                                )
                            }
                            reminderNotice?.let { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error) }
                        }
                    }
                }
                item {
                    SectionTitle(s.batteryGuide)
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
                            Text(s.batteryIntro, style = MaterialTheme.typography.bodySmall)
                            s.oemGuides.forEach { (oem, text) ->
                                Text(text, style = MaterialTheme.typography.bodyMedium)
                                TextButton(onClick = { onOpen(SettingsPage.Battery(oem)) }, modifier = Modifier.testTag("battery-" + oem.name)) { Text(s.openSystemSettings) }
                            }
                        }
                    }
                }
                item {
                    SectionTitle(s.quietHours)
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
                            Row(verticalAlignment = Alignment.CenterVertically) {
                                Text(
                                    if (view.quietHoursEnabled) view.quietHoursText else s.quietOff,
                                    style = MaterialTheme.typography.bodyLarge,
                                    modifier = Modifier.weight(1f),
                                )
                                Switch(
                                    checked = view.quietHoursEnabled,
                                    onCheckedChange = onQuietHours,
                                    modifier = Modifier.testTag("quiet-hours").semantics { contentDescription = s.quietHours },
                                )
                            }
                            Text(s.labelled(s.reminderTime, view.preferredTime), style = MaterialTheme.typography.bodyMedium)
                            Text(s.labelled(s.timeZone, view.timeZone), style = MaterialTheme.typography.bodyMedium)
                        }
                    }
                }
                item {
                    SectionTitle(s.language)
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        FilterChip(view.language == Language.ZH, { onLanguage(Language.ZH) }, label = { Text("简体中文") })
                        FilterChip(view.language == Language.EN, { onLanguage(Language.EN) }, label = { Text("English") })
                    }
                }
                if (ruleUpdatesTitle != null) {
                    item {
                        SectionTitle(ruleUpdatesTitle)
                        ruleUpdates()
                    }
                }
                item {
                    SectionTitle(s.calendar)
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                            view.calendarYears.forEach { y ->
                                Text(y.text, style = MaterialTheme.typography.bodyMedium, color = if (y.estimated) MaterialTheme.colorScheme.tertiary else MaterialTheme.colorScheme.onSurface)
                            }
                            view.calendarWarnings.forEach { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.tertiary) }
                            OutlinedButton(onClick = onExportIcs) { Text(s.exportIcs) }
                        }
                    }
                }
            }
        }
    }
}
