package app.tuilu.core

import app.tuilu.core.uniffi.ApiException
import java.util.Locale

/**
 * Text to show for an error, in Simplified Chinese unless [locale] is not Chinese.
 * The core's own `detail` is English for logs and is never shown.
 */
fun ApiException.userMessage(locale: Locale = Locale.getDefault()): String {
    val zh = locale.language != "en"
    return when (this) {
        is ApiException.InvalidInput -> if (zh) "输入无效，请检查后重试。" else "The input is not valid. Please check it and try again."
        is ApiException.NotFound -> reasonText(detail, notFoundReasons, zh)
            ?: if (zh) "找不到要找的内容。" else "What was asked for was not found."
        is ApiException.Conflict -> reasonText(detail, conflictReasons, zh)
            ?: if (zh) "当前状态下无法完成此操作。" else "This cannot be done in the current state."
        is ApiException.Storage -> if (zh) "本地数据出错，请备份后重启应用。" else "Local data error. Back up and restart the app."
        is ApiException.Io -> if (zh) "读写文件失败，请检查存储空间和权限。" else "Could not read or write a file. Check storage space and permissions."
        is ApiException.Cancelled -> if (zh) "已取消。" else "Cancelled."
        is ApiException.Internal -> if (zh) "程序内部错误，请反馈给我们。" else "Internal error. Please report it."
    }
}

/**
 * True when the vault was written by a newer version of the app (a [ApiException.Conflict]
 * from [Tuilu.openVault] or any vault call): nothing was changed; ask the user to update.
 */
val ApiException.isVaultTooNew: Boolean
    get() = this is ApiException.Conflict && detail.startsWith("vault too new")

/** The core's English detail, safe to log (it never carries personal data). */
val ApiException.detail: String
    get() = when (this) {
        is ApiException.InvalidInput -> detail
        is ApiException.NotFound -> detail
        is ApiException.Conflict -> detail
        is ApiException.Storage -> detail
        is ApiException.Io -> detail
        is ApiException.Cancelled -> "cancelled"
        is ApiException.Internal -> detail
    }

/**
 * What happened, by the stable reason a `NotFound` or `Conflict` detail starts with (listed
 * in docs/bindings.md, "Error mapping"; the same table is in the Swift facade).
 */
private val notFoundReasons = listOf(
    "no such step" to ("这个案件中没有该步骤。" to "This case has no such step."),
    "no such case" to ("找不到这个案件，它可能已被删除。" to "The case was not found; it may have been deleted."),
    "no such reminder" to ("找不到这条提醒，它可能已经结束。" to "The reminder was not found; it may have ended."),
    "no such evidence item" to ("找不到这条证据。" to "The evidence item was not found."),
    "no scenario" to ("找不到这个场景。" to "The scenario was not found."),
    "file not found" to ("找不到该文件。" to "The file was not found."),
    "file or directory not found" to ("找不到该文件。" to "The file was not found."),
)

private val conflictReasons = listOf(
    "dependency not done" to ("请先完成这一步所依赖的前置步骤。" to "Finish the steps this one depends on first."),
    "blockers not cleared" to ("还有未解决的阻碍，解决后才能提交。" to "Some blockers are not cleared yet; resolve them before submitting."),
    "not allowed" to ("这一步当前的状态不允许这样操作。" to "The step's current status does not allow this."),
    "nothing to undo" to ("这一步没有可以撤销的操作。" to "There is nothing to undo for this step."),
    "dependent started" to ("依赖这一步的后续步骤已经开始，请先撤销后续步骤。" to "A later step that depends on this one has started; undo it first."),
    "step dropped" to ("这一步已不在当前计划中。" to "This step is no longer in the plan."),
    "case archived" to ("案件已归档，请先取消归档。" to "The case is archived; restore it first."),
    "upgrade needed" to ("规则已更新，请先更新这个案件。" to "The rules were updated; update the case first."),
    "pack downgrade" to ("当前规则比案件使用的旧，请升级应用。" to "The rules are older than the case's; update the app."),
    "vault too new" to ("数据由更新版本的退路创建，请先升级应用。" to "The data was written by a newer version of the app; update it first."),
    "vault busy" to ("数据正被占用，请稍后再试。" to "The data is in use; try again in a moment."),
    "output exists" to ("目标文件已存在，请换一个名称。" to "The file already exists; choose another name."),
    "item deleted" to ("这条证据已删除。" to "This evidence item was deleted."),
)

private fun reasonText(detail: String, reasons: List<Pair<String, Pair<String, String>>>, zh: Boolean): String? =
    reasons.firstOrNull { detail.startsWith(it.first) }?.second?.let { if (zh) it.first else it.second }

/**
 * The kind of a backup error (`wrong_passphrase`, `truncated`, `damaged`, `not_a_backup`,
 * `newer_format`, `vault_has_cases`, `no_space`, `verify_failed`, ...), or null when
 * this is not one.
 */
val ApiException.backupErrorKind: String?
    get() = detail.takeIf { it.startsWith("backup ") }
        ?.removePrefix("backup ")
        ?.substringBefore(':')

/** True when this is a backup error of [kind]. */
fun ApiException.isBackupError(kind: String): Boolean = backupErrorKind == kind
