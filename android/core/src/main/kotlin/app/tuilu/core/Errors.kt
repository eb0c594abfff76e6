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
        is ApiException.NotFound -> if (zh) "找不到该文件或记录。" else "The file or record was not found."
        is ApiException.Conflict -> if (zh) "与当前状态冲突，请刷新后重试。" else "This conflicts with the current state. Refresh and try again."
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
