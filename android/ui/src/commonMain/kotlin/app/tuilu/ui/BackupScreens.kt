package app.tuilu.ui

import androidx.compose.foundation.verticalScroll
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.Checkbox
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import app.tuilu.core.uniffi.BackupRecord
import app.tuilu.core.uniffi.BackupSectionRecord
import app.tuilu.core.uniffi.PassphraseHintRecord
import app.tuilu.core.uniffi.RecoveryCodeRecord

/** A backup dialog that is open: choosing a passphrase, or restoring a picked file. */
sealed interface BackupDialog {
    data object Create : BackupDialog

    /**
     * Restoring [file]: [checked] once the core inspected it with [passphrase];
     * [replaceAsk] holds the core's words when the vault has cases and replacing must be asked.
     */
    data class Restore(
        val file: PickedFile,
        val passphrase: String = "",
        val checked: BackupRecord? = null,
        val replaceAsk: String? = null,
    ) : BackupDialog
}

/** The settings section: the core's last-backup line, its nudge, what a backup holds, and the two actions. */
@Composable
fun BackupSection(
    view: BackupSectionRecord,
    s: Strings,
    busy: Busy?,
    done: BackupRecord?,
    onCreate: () -> Unit,
    onRestore: () -> Unit,
    onCancel: () -> Unit,
) {
    Card(Modifier.fillMaxWidth().testTag("backup-section")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(view.lastBackupText, style = MaterialTheme.typography.bodyLarge, fontWeight = FontWeight.SemiBold)
            if (view.due) {
                Card(
                    colors = CardDefaults.cardColors(
                        containerColor = MaterialTheme.colorScheme.tertiaryContainer,
                        contentColor = MaterialTheme.colorScheme.onTertiaryContainer,
                    ),
                    modifier = Modifier.fillMaxWidth(),
                ) {
                    Text(view.dueText, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(12.dp))
                }
            }
            Text(view.contentsText, style = MaterialTheme.typography.bodyMedium)
            Text(view.explanation, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            done?.let { d ->
                Column(Modifier.testTag("backup-done")) {
                    Text(d.headline, style = MaterialTheme.typography.bodyMedium, fontWeight = FontWeight.SemiBold, color = MaterialTheme.colorScheme.primary)
                    Text(d.contentsText, style = MaterialTheme.typography.bodySmall)
                    if (d.sizeText.isNotEmpty()) Text(d.sizeText, style = MaterialTheme.typography.bodySmall)
                }
            }
            if (busy != null) {
                Text(busy.label, style = MaterialTheme.typography.bodyMedium)
                if (busy.fraction != null) {
                    LinearProgressIndicator(progress = { busy.fraction }, modifier = Modifier.fillMaxWidth())
                } else {
                    LinearProgressIndicator(Modifier.fillMaxWidth())
                }
                TextButton(onClick = onCancel) { Text(s.cancel) }
            } else {
                // One above the other: the core's labels run long in English.
                Button(onClick = onCreate, modifier = Modifier.fillMaxWidth()) { Text(view.createLabel) }
                OutlinedButton(onClick = onRestore, modifier = Modifier.fillMaxWidth()) { Text(view.restoreLabel) }
            }
        }
    }
}

/** A masked passphrase field. */
@Composable
private fun PassphraseField(value: String, onChange: (String) -> Unit, label: String, tag: String) {
    OutlinedTextField(
        value,
        onChange,
        label = { Text(label) },
        singleLine = true,
        visualTransformation = PasswordVisualTransformation(),
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Password),
        modifier = Modifier.fillMaxWidth().testTag(tag),
    )
}

/**
 * Choosing the passphrase of a new backup: the core's meter, label and advice follow every
 * keystroke; create is enabled when the core accepts it and both fields match.
 */
@Composable
fun CreateBackupDialog(
    section: BackupSectionRecord,
    s: Strings,
    error: String?,
    hint: (String) -> PassphraseHintRecord,
    newCode: () -> RecoveryCodeRecord,
    onDismiss: () -> Unit,
    onCreate: (String) -> Unit,
    initial: Pair<String, String> = "" to "",
    ownPassphrase: Boolean = false,
) {
    // The default is a recovery code the core generates; a chosen passphrase is the way out.
    var own by remember { mutableStateOf(ownPassphrase) }
    val code = remember { newCode() }
    var written by remember { mutableStateOf(false) }
    var first by remember { mutableStateOf(initial.first) }
    var second by remember { mutableStateOf(initial.second) }
    val h = remember(first) { hint(first) }
    val matches = first == second
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(section.createLabel) },
        text = {
            // Scrolls when a large font size makes it taller than the screen.
            Column(Modifier.verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(section.explanation, style = MaterialTheme.typography.bodySmall)
                if (!own) {
                    Text(code.code, style = MaterialTheme.typography.titleLarge, fontFamily = FontFamily.Monospace, modifier = Modifier.testTag("recovery-code"))
                    Text(code.instruction, style = MaterialTheme.typography.bodySmall)
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Checkbox(written, { written = it }, modifier = Modifier.testTag("code-written").semantics { contentDescription = code.confirmLabel })
                        Text(code.confirmLabel, style = MaterialTheme.typography.bodyMedium)
                    }
                    TextButton(onClick = { own = true }, modifier = Modifier.testTag("own-passphrase")) { Text(code.ownPassphraseLabel) }
                } else {
                    PassphraseField(first, { first = it }, s.passphrase, "passphrase")
                    LinearProgressIndicator(
                        progress = { h.meter / 3f },
                        color = if (h.accepted) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.error,
                        modifier = Modifier.fillMaxWidth().testTag("passphrase-meter"),
                    )
                    Text(h.label, style = MaterialTheme.typography.labelLarge, color = if (h.accepted) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.error)
                    if (h.advice.isNotEmpty()) Text(h.advice, style = MaterialTheme.typography.bodySmall)
                    PassphraseField(second, { second = it }, s.passphraseAgain, "passphrase-again")
                    if (second.isNotEmpty() && !matches) {
                        Text(s.passphraseMismatch, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error)
                    }
                }
                error?.let { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error) }
            }
        },
        confirmButton = {
            val ready = if (own) h.accepted && matches else written
            TextButton(onClick = { onCreate(if (own) first else code.code) }, enabled = ready, modifier = Modifier.testTag("create-backup")) {
                Text(section.createLabel)
            }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(s.cancel) } },
    )
}

/**
 * Restoring a picked backup: the passphrase, then the core's inspection (headline, what it
 * holds), then restore. When the core refuses because this phone has cases, its words are
 * shown and replacing is a separate, explicit button.
 */
@Composable
fun RestoreBackupDialog(
    dialog: BackupDialog.Restore,
    section: BackupSectionRecord,
    s: Strings,
    error: String?,
    onDismiss: () -> Unit,
    onCheck: (String) -> Unit,
    onRestore: (replace: Boolean) -> Unit,
) {
    var passphrase by remember(dialog.file) { mutableStateOf(dialog.passphrase) }
    val checked = dialog.checked
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(section.restoreLabel) },
        text = {
            Column(Modifier.verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(dialog.file.name, style = MaterialTheme.typography.bodyMedium, fontWeight = FontWeight.SemiBold)
                if (checked == null) {
                    PassphraseField(passphrase, { passphrase = it }, s.passphrase, "restore-passphrase")
                } else {
                    Text(checked.headline, style = MaterialTheme.typography.bodyLarge, color = MaterialTheme.colorScheme.primary)
                    Text(checked.createdText, style = MaterialTheme.typography.bodySmall)
                    Text(checked.contentsText, style = MaterialTheme.typography.bodyMedium)
                    if (checked.sizeText.isNotEmpty()) Text(checked.sizeText, style = MaterialTheme.typography.bodySmall)
                }
                dialog.replaceAsk?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error) }
                error?.let { Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error) }
            }
        },
        confirmButton = {
            when {
                checked == null -> TextButton(onClick = { onCheck(passphrase) }, enabled = passphrase.isNotEmpty()) { Text(s.checkBackup) }
                dialog.replaceAsk != null -> TextButton(onClick = { onRestore(true) }) { Text(s.replaceData, color = MaterialTheme.colorScheme.error) }
                else -> TextButton(onClick = { onRestore(false) }, modifier = Modifier.testTag("restore-confirm")) { Text(section.restoreLabel) }
            }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(s.cancel) } },
    )
}
