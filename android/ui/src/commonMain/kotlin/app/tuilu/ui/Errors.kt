package app.tuilu.ui

import app.tuilu.core.uniffi.ApiException
import app.tuilu.core.uniffi.AppException
import app.tuilu.core.uniffi.Language
import app.tuilu.core.userMessage
import java.util.Locale

/** The core's words for an application error (every variant carries them). */
val AppException.text: String
    get() = when (this) {
        is AppException.NotFound -> userMessage
        is AppException.DependencyNotDone -> userMessage
        is AppException.BlockedBy -> userMessage
        is AppException.InvalidFact -> userMessage
        is AppException.InvalidTransition -> userMessage
        is AppException.NothingToUndo -> userMessage
        is AppException.VaultFromNewerVersion -> userMessage
        is AppException.Refused -> userMessage
        is AppException.Busy -> userMessage
        is AppException.Storage -> userMessage
        is AppException.Internal -> userMessage
    }

/** Evidence and export calls fail with [ApiException]; the facade words them. */
fun ApiException.text(language: Language): String =
    userMessage(if (language == Language.ZH) Locale.SIMPLIFIED_CHINESE else Locale.ENGLISH)
