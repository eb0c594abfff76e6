package app.tuilu.ui

import app.tuilu.core.uniffi.AppException

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
        is AppException.Cancelled -> userMessage
        is AppException.FileProblem -> userMessage
        is AppException.Backup -> userMessage
        is AppException.Storage -> userMessage
        is AppException.Internal -> userMessage
    }
