package app.tuilu.ui

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import app.tuilu.core.Progress
import app.tuilu.core.TuiluScreens
import app.tuilu.core.uniffi.AppException
import app.tuilu.core.uniffi.BackupErrorKind
import app.tuilu.core.uniffi.BackupRecord
import app.tuilu.core.uniffi.BackupSectionRecord
import app.tuilu.core.uniffi.BundlePreviewRecord
import app.tuilu.core.uniffi.RecoveryCodeRecord
import app.tuilu.core.uniffi.RuleUpdateResultRecord
import app.tuilu.core.uniffi.RuleUpdatesViewRecord
import app.tuilu.core.uniffi.PassphraseHintRecord
import app.tuilu.core.uniffi.CaseScreenRecord
import app.tuilu.core.uniffi.EvidenceListRecord
import app.tuilu.core.uniffi.HomeViewRecord
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.LetterViewRecord
import app.tuilu.core.uniffi.LettersViewRecord
import app.tuilu.core.uniffi.QuestionnaireRecord
import app.tuilu.core.uniffi.ScenarioPickerRecord
import app.tuilu.core.uniffi.SettingsViewRecord
import app.tuilu.core.uniffi.StepRowRecord
import app.tuilu.core.uniffi.AnswerRecord
import app.tuilu.core.uniffi.EventRecord
import app.tuilu.core.uniffi.RouteRecord
import app.tuilu.core.uniffi.ScreenRecord
import app.tuilu.core.uniffi.UpdateRecord
import app.tuilu.ui.reminders.ReminderEvents
import app.tuilu.core.uniffi.CaseMenuAction
import app.tuilu.core.uniffi.ConfirmViewRecord
import app.tuilu.core.uniffi.HistoryViewRecord
import app.tuilu.core.uniffi.UpgradeViewRecord
import java.time.Clock
import java.time.Instant
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/** Where the user is. */
sealed interface Route {
    data object Home : Route
    data object Picker : Route
    data class Questions(val scenario: String) : Route
    data class Preview(val scenario: String) : Route
    data class Case(val id: String) : Route
    data class Evidence(val caseId: String, val stepId: String?, val title: String) : Route
    data class Letters(val caseId: String) : Route
    data class Letter(val caseId: String, val letterId: String) : Route
    data object Settings : Route
    data class History(val caseId: String) : Route
    data class Upgrade(val caseId: String) : Route
}

/** The core's route for a screen of this shell (the questionnaire's two pages are one route). */
fun coreRoute(to: Route): RouteRecord = when (to) {
    Route.Home -> RouteRecord.Home(false)
    Route.Picker -> RouteRecord.NewCase
    is Route.Questions -> RouteRecord.Questionnaire(to.scenario)
    is Route.Preview -> RouteRecord.Questionnaire(to.scenario)
    is Route.Case -> RouteRecord.Case(to.id)
    is Route.Evidence -> RouteRecord.Evidence(to.caseId, to.stepId)
    is Route.Letters -> RouteRecord.Letters(to.caseId)
    is Route.Letter -> RouteRecord.Letter(to.caseId, to.letterId)
    Route.Settings -> RouteRecord.Settings
    is Route.History -> RouteRecord.History(to.caseId)
    is Route.Upgrade -> RouteRecord.Upgrade(to.caseId)
}

/**
 * The app's state: the route and the view record it shows. Every record comes from the
 * core; events go to the core and the answer replaces the record. Errors show the core's
 * `userMessage`. Long work (import, verify, export) is a cancellable [Job] that outlives
 * the screen (on Android this object lives in a ViewModel, so it survives rotation).
 */
class TuiluController(
    val screens: TuiluScreens,
    val effects: PlatformEffects,
    private val scope: CoroutineScope,
    private val clock: Clock = Clock.systemUTC(),
    permissions: PermissionState = PermissionState(notificationsAllowed = true, exactAllowed = false),
) {
    var route by mutableStateOf<Route>(Route.Home)
        private set
    var strings by mutableStateOf(Strings.of(screens.language))
        private set
    var home by mutableStateOf<HomeViewRecord?>(null)
        private set
    var picker by mutableStateOf<ScenarioPickerRecord?>(null)
        private set
    var questionnaire by mutableStateOf<QuestionnaireRecord?>(null)
        private set
    var questionIndex by mutableStateOf(0)
    var answers by mutableStateOf<Map<String, String>>(emptyMap())
        private set
    var case by mutableStateOf<CaseScreenRecord?>(null)
        private set
    var showUndo by mutableStateOf(false)
        private set
    var evidence by mutableStateOf<EvidenceListRecord?>(null)
        private set
    var settings by mutableStateOf<SettingsViewRecord?>(null)
        private set
    var letters by mutableStateOf<LettersViewRecord?>(null)
        private set
    var backup by mutableStateOf<BackupSectionRecord?>(null)
        private set
    var backupDialog by mutableStateOf<BackupDialog?>(null)
        private set
    /** What the dispute bundle will carry, shown before it is written (the core's preview). */
    var exportPreview by mutableStateOf<BundlePreviewRecord?>(null)
        private set
    /** The core's account of the last backup made, checked or restored here. */
    var backupDone by mutableStateOf<BackupRecord?>(null)
        private set
    var letter by mutableStateOf<LetterViewRecord?>(null)
        private set
    /** The rule-update section of Settings, and the outcome of the check made here. */
    var ruleUpdates by mutableStateOf<RuleUpdatesViewRecord?>(null)
        private set
    var ruleUpdateResult by mutableStateOf<RuleUpdateResultRecord?>(null)
        private set
    var checkingRules by mutableStateOf(false)
        private set
    var permissions by mutableStateOf(permissions)
    var busy by mutableStateOf<Busy?>(null)
        private set
    var result by mutableStateOf<String?>(null)
        private set
    /** The last error, in the core's words. */
    var message by mutableStateOf<String?>(null)
    /** Files another app shared (ACTION_SEND), waiting for the user to pick a case and step. */
    var pendingImport by mutableStateOf<List<PickedFile>>(emptyList())
        private set
    var history by mutableStateOf<HistoryViewRecord?>(null)
        private set
    var upgrade by mutableStateOf<UpgradeViewRecord?>(null)
        private set
    /** The core's question before a destructive event, and the event to send on yes. */
    var confirm by mutableStateOf<Pair<ConfirmViewRecord, EventRecord>?>(null)
        private set

    /** Why reminders may not come as planned (the core's words), shown in Settings. */
    var reminderNotice by mutableStateOf<String?>(null)
        private set
    private var work: Job? = null
    private val thumbnails = HashMap<String, String>()
    private val events = ReminderEvents(screens, effects::performEffects, effects::platformState)
    private val order = Mutex()

    /**
     * Events reach the core in the order they were sent (the calls run on IO threads, where
     * a later `Open` could otherwise overtake an earlier one and leave the core's back stack
     * on the wrong screen).
     */
    private suspend fun <T> inOrder(block: suspend () -> T): T = order.withLock { block() }

    /**
     * Sends [event] to the core: its effects are performed (alarms, notifications), its
     * message shown, and what it asks of the platform requested. One call per tap.
     */
    private suspend fun send(event: EventRecord): UpdateRecord {
        val u = inOrder { events.on(event, inForeground = true) }
        u.message?.let { m -> if (m.isError) message = m.text else result = m.text }
        reminderNotice = u.reminderNotice ?: reminderNotice
        confirm = u.confirm?.let { c -> u.confirmEvent?.let { c to it } }
        if (u.permissionRequest != null) effects.requestNotifications()
        show(u.screen)
        // Where the core leads: home when the case is gone (deleted, archived, or a route to
        // a case deleted elsewhere), the new case after creating it. An answer to an older
        // `Open` never pulls the screen back to where the user was.
        val asked = (event as? EventRecord.Open)?.route
        when (val r = u.route) {
            is RouteRecord.Home -> if (route !is Route.Home && asked !is RouteRecord.Home && u.confirm == null) route = Route.Home
            is RouteRecord.Case -> if (event is EventRecord.CreateCase) route = Route.Case(r.caseId)
            else -> {}
        }
        return u
    }

    /** Keeps the record the core's screen carries. */
    private fun show(screen: ScreenRecord?) {
        when (screen) {
            is ScreenRecord.Home -> home = screen.view
            is ScreenRecord.NewCase -> picker = screen.view
            is ScreenRecord.Questionnaire -> questionnaire = screen.view
            is ScreenRecord.Case -> case = screen.view
            is ScreenRecord.Evidence -> evidence = screen.view
            is ScreenRecord.Letters -> letters = screen.view
            is ScreenRecord.Letter -> letter = screen.view
            is ScreenRecord.Settings -> settings = screen.view
            is ScreenRecord.Failed -> message = screen.message
            is ScreenRecord.History -> history = screen.view
            is ScreenRecord.Upgrade -> upgrade = screen.view
            null -> {}
        }
    }

    private fun answerRecords() = answers.map { (k, v) -> AnswerRecord(k, v) }

    private fun launch(block: suspend () -> Unit) = scope.launch {
        try {
            block()
        } catch (e: AppException) {
            message = e.text
        }
    }

    fun go(to: Route) {
        message = null
        result = null
        backupDone = null
        backupDialog = null
        exportPreview = null
        showUndo = false
        route = to
        launch {
            load(to)
            // Shared files go to the step the user opened.
            if (to is Route.Evidence && pendingImport.isNotEmpty()) {
                val files = pendingImport
                pendingImport = emptyList()
                addFiles(files)
            }
        }
    }

    /**
     * When the app opens: checks for rule updates if the core says a check is due (none in 24
     * hours), on Wi-Fi unless the user allowed mobile data. Quiet: the outcome shows in Settings.
     */
    fun checkRuleUpdatesIfDue() = scope.launch {
        try {
            val view = screens.ruleUpdates()
            if (view.checkDue && (view.allowMobileData || effects.onUnmeteredNetwork())) {
                screens.checkRuleUpdates()
                ruleUpdates = screens.ruleUpdates()
            }
        } catch (_: AppException) {
        }
    }

    /** "检查规则更新": the facade fetches, the core checks, installs or refuses, and words it. */
    fun checkRuleUpdates() = launch {
        checkingRules = true
        try {
            ruleUpdateResult = screens.checkRuleUpdates()
            ruleUpdates = screens.ruleUpdates()
        } finally {
            checkingRules = false
        }
    }

    /** Files shared from another app: ask which case and step (the home list, then a step's evidence). */
    fun importShared(files: List<PickedFile>) {
        if (files.isEmpty()) return
        pendingImport = files
        go(Route.Home)
    }

    fun cancelImport() {
        pendingImport = emptyList()
    }

    /** Opens [to] in the core (its back stack follows) and shows the screen it answers with. */
    suspend fun load(to: Route = route) {
        send(
            when (to) {
                is Route.Questions -> EventRecord.AnswersChanged(to.scenario, answerRecords(), null)
                is Route.Preview -> EventRecord.AnswersChanged(to.scenario, answerRecords(), null)
                else -> EventRecord.Open(coreRoute(to))
            },
        )
        if (to == Route.Settings) {
            backup = screens.backupSection()
            ruleUpdates = screens.ruleUpdates()
        }
    }

    /** Loads the current route's record again; an error shows in the core's words. */
    suspend fun reload() {
        try {
            load()
        } catch (e: AppException) {
            message = e.text
        }
    }

    /** The end of the home list was reached, or its "显示更多" tapped: the core shows a page more. */
    fun showMoreCases() = launch { send(EventRecord.ShowMoreCases) }

    /** Back follows the core's back stack; the questionnaire's preview goes back to its questions. */
    fun back() {
        val r = route
        if (r is Route.Preview) return go(Route.Questions(r.scenario))
        launch {
            val u = inOrder { events.on(EventRecord.Back, inForeground = true) }
            go(
                when (val to = u.route) {
                    is RouteRecord.Home -> Route.Home
                    RouteRecord.NewCase -> Route.Picker
                    is RouteRecord.Questionnaire -> Route.Questions(to.scenario)
                    is RouteRecord.Case -> Route.Case(to.caseId)
                    is RouteRecord.Evidence -> Route.Evidence(to.caseId, to.stepId, "")
                    is RouteRecord.Letters -> Route.Letters(to.caseId)
                    is RouteRecord.Letter -> Route.Letter(to.caseId, to.letterId)
                    RouteRecord.Settings -> Route.Settings
                    is RouteRecord.History -> Route.History(to.caseId)
                    is RouteRecord.Upgrade -> Route.Upgrade(to.caseId)
                },
            )
        }
    }

    fun pick(scenario: String) {
        answers = emptyMap()
        questionIndex = 0
        go(Route.Questions(scenario))
    }

    fun answer(questionId: String, value: String) = launch {
        val scenario = (route as? Route.Questions)?.scenario ?: return@launch
        answers = answers + (questionId to value)
        val q = screens.questionnaire(scenario, answers)
        questionnaire = q
        // An accepted answer moves on to the next question; a refused one stays with its error.
        val n = q.questions.indexOfFirst { it.id == questionId }
        if (n >= 0 && q.questions[n].error == null && n < q.questions.size - 1) questionIndex = n + 1
    }

    /**
     * 下一题 on question [n]: the core answers with the questionnaire, where a question that
     * still needs an answer says so; only a question without that error is left behind.
     */
    fun goOn(n: Int) = launch {
        val scenario = (route as? Route.Questions)?.scenario ?: return@launch
        val from = questionnaire?.questions?.getOrNull(n) ?: return@launch
        send(EventRecord.AnswersChanged(scenario, answerRecords(), from.id))
        val q = questionnaire ?: return@launch
        if (q.questions.getOrNull(n)?.error == null && n < q.questions.size - 1) questionIndex = n + 1
    }

    /** An open question answered on the checklist: the core re-plans the case with it. */
    fun answerOnCase(questionId: String, value: String) = launch {
        val id = (route as? Route.Case)?.id ?: return@launch
        send(EventRecord.CaseAnswered(id, listOf(AnswerRecord(questionId, value))))
    }

    fun create() = launch {
        val scenario = (route as? Route.Preview)?.scenario ?: return@launch
        send(EventRecord.CreateCase(scenario, answerRecords()))
    }

    fun act(req: StepRequest) = launch {
        val id = (route as? Route.Case)?.id ?: return@launch
        val at = req.at?.let { (d, t) -> d.atTime(t).atZone(screens.zone).toInstant() }
        val u = send(EventRecord.StepAction(id, req.stepId, req.action, at, null, req.route))
        showUndo = u.message?.isError != true
    }

    /** An entry of the case's menu: each is a route or an event of the core. */
    fun menu(action: CaseMenuAction) {
        val id = (route as? Route.Case)?.id ?: return
        when (action) {
            CaseMenuAction.HISTORY -> go(Route.History(id))
            CaseMenuAction.UPGRADE -> go(Route.Upgrade(id))
            CaseMenuAction.ARCHIVE -> launch { send(EventRecord.SetArchived(id, true)) }
            CaseMenuAction.UNARCHIVE -> launch { send(EventRecord.SetArchived(id, false)) }
            CaseMenuAction.DELETE -> launch { send(EventRecord.DeleteCase(id, false)) }
        }
    }

    /** "Yes" on the core's question: the event it named is sent. */
    fun confirmYes() = launch {
        val event = confirm?.second ?: return@launch
        confirm = null
        send(event)
    }

    fun confirmNo() {
        confirm = null
    }

    fun dismissResult() {
        result = null
    }

    fun undoStep(stepId: String) = launch {
        val id = (route as? Route.History)?.caseId ?: return@launch
        send(EventRecord.Undo(id, stepId))
    }

    fun applyUpgrade() = launch {
        val id = (route as? Route.Upgrade)?.caseId ?: return@launch
        send(EventRecord.UpgradeCase(id))
    }

    fun deleteEvidence(itemId: String) = launch { send(EventRecord.DeleteEvidence(itemId, false)) }

    fun moveEvidence(itemId: String, stepId: String) = launch { send(EventRecord.MoveEvidence(itemId, stepId)) }

    fun undo() = launch {
        val id = (route as? Route.Case)?.id ?: return@launch
        send(EventRecord.Undo(id, null))
        showUndo = false
    }

    fun flag(step: StepRowRecord, note: String) = launch {
        val id = (route as? Route.Case)?.id ?: return@launch
        case = screens.flagRule(id, step.id, note)
    }

    /** Adds files (from the picker, the camera or another app's share) to the current step. */
    fun addFiles(files: List<PickedFile>) {
        val r = route as? Route.Evidence ?: return
        long(strings.working) { progress ->
            for ((n, f) in files.withIndex()) {
                val label = "${strings.working} ${n + 1}/${files.size}"
                busy = Busy(label, null)
                val onProgress = { p: Progress -> progress(label, p.fraction.toFloat()) }
                val open = f.open
                val added = if (open != null) {
                    // Another app's file, read by the core through a descriptor. One that can
                    // no longer be opened (the sharing app withdrew it) goes to the core as a
                    // stream that fails, so the core says in words which file it could not read.
                    val fd = try {
                        open()
                    } catch (e: java.io.IOException) {
                        null
                    } catch (e: SecurityException) {
                        null
                    }
                    if (fd != null) {
                        screens.addEvidenceFd(r.caseId, r.stepId, fd, f.name, f.size, captured = f.captured, onProgress = onProgress)
                    } else {
                        screens.addEvidenceStream(r.caseId, r.stepId, Unopenable, f.name, captured = f.captured, onProgress = onProgress)
                    }
                } else {
                    screens.addEvidence(r.caseId, r.stepId, f.path, captured = f.captured, onProgress = onProgress)
                }
                added.list.items.firstOrNull { it.id == added.itemId }?.let { thumbnails[it.sha256] = f.path }
                evidence = added.list
                result = added.notice
            }
        }
    }

    /** A file that could not be opened, for the core to report as unreadable. */
    private object Unopenable : java.io.InputStream() {
        override fun read(): Int = throw java.io.IOException("the file could not be opened")
    }

    fun pickMedia() = scope.launch { addFiles(effects.pickMedia()) }

    fun takePhoto() = scope.launch { effects.takePhoto()?.let { addFiles(listOf(it)) } }

    fun verify() {
        val r = route as? Route.Evidence ?: return
        long(strings.verify) { progress ->
            val list = screens.verifyEvidence(r.caseId, r.stepId) { p -> progress(strings.verify, p.fraction.toFloat()) }
            evidence = list
            result = list.verifySummary
        }
    }

    /** Shows what the bundle will carry (private facts and notes left out) before writing it. */
    fun export() {
        val r = route as? Route.Evidence ?: return
        launch { exportPreview = screens.bundlePreview(r.caseId, includePrivate = false) }
    }

    /** The user's switch for private facts and notes: the core recomputes the preview. */
    fun includePrivate(on: Boolean) {
        val r = route as? Route.Evidence ?: return
        launch { exportPreview = screens.bundlePreview(r.caseId, includePrivate = on) }
    }

    fun closeExportPreview() {
        exportPreview = null
    }

    /** Writes the bundle the preview showed and hands it to the share sheet. */
    fun confirmExport() {
        val r = route as? Route.Evidence ?: return
        val includePrivate = exportPreview?.includePrivate ?: false
        exportPreview = null
        long(strings.exportBundle) { progress ->
            val out = effects.exportPath("tuilu-${r.caseId}-${clock.instant().epochSecond}.zip")
            val done = screens.exportBundle(r.caseId, out, includePrivate) { p -> progress(strings.exportBundle, p.fraction.toFloat()) }
            result = done.notice
            effects.shareFile(done.path, "application/zip")
        }
    }

    /** The core's hint for a passphrase being typed (cheap; called on every keystroke). */
    fun passphraseHint(passphrase: String): PassphraseHintRecord = screens.passphraseHint(passphrase)

    /** A fresh recovery code for the create dialog (the default way to protect a backup). */
    fun newRecoveryCode(): RecoveryCodeRecord = screens.newRecoveryCode()

    fun openCreateBackup() {
        message = null
        backupDone = null
        backupDialog = BackupDialog.Create
    }

    fun closeBackupDialog() {
        message = null
        backupDialog = null
    }

    /** The platform picks where (Android `CreateDocument`), the core writes, the platform publishes. */
    fun createBackup(passphrase: String) {
        val section = backup ?: return
        backupDialog = null
        message = null
        scope.launch {
            val target = effects.createDocument(section.suggestedFileName, section.mimeType) ?: return@launch
            long(strings.backingUp) { progress ->
                val done = try {
                    screens.createBackup(target.path, passphrase) { p -> progress(strings.backingUp, p.fraction.toFloat()) }
                } catch (e: Throwable) {
                    target.discard()
                    throw e
                }
                try {
                    target.publish()
                } catch (e: Throwable) {
                    // The file never reached the chosen place: the core forgets this backup.
                    target.discard()
                    backup = screens.backupNotKept()
                    throw e
                }
                backupDone = done
                backup = screens.backupSection()
            }
        }
    }

    /** Restore starts with the system picker (Android `OpenDocument`); nothing changes yet. */
    fun pickBackupToRestore() = scope.launch {
        message = null
        backupDone = null
        val file = effects.openDocument(backup?.mimeType ?: "application/octet-stream") ?: return@launch
        backupDialog = BackupDialog.Restore(file)
    }

    /** The core opens the backup with [passphrase] and says what it holds, before any restore. */
    fun checkBackup(passphrase: String) {
        val d = backupDialog as? BackupDialog.Restore ?: return
        message = null
        long(strings.checkingBackup) { progress ->
            val checked = screens.inspectBackup(d.file.path, passphrase) { p -> progress(strings.checkingBackup, p.fraction.toFloat()) }
            backupDialog = d.copy(passphrase = passphrase, checked = checked, replaceAsk = null)
        }
    }

    /**
     * Restores the checked backup. If the core refuses because this phone has cases, its
     * words are kept and the dialog offers replacing explicitly ([replace] = true).
     */
    fun restoreBackup(replace: Boolean) {
        val d = backupDialog as? BackupDialog.Restore ?: return
        if (d.checked == null) return
        message = null
        long(strings.restoring) { progress ->
            val done = try {
                screens.restoreBackup(d.file.path, d.passphrase, replace) { p -> progress(strings.restoring, p.fraction.toFloat()) }
            } catch (e: AppException.Backup) {
                if (e.kind != BackupErrorKind.VAULT_HAS_CASES) throw e
                backupDialog = d.copy(replaceAsk = e.userMessage)
                return@long
            }
            backupDialog = null
            backupDone = done
            backup = screens.backupSection()
            // The core re-plans every reminder of the restored vault and leads home.
            resync(EventRecord.VaultReplaced)
            result = done.headline
        }
    }

    /** Long work with a progress bar; [cancelWork] stops it (the core cleans up first). */
    private fun long(label: String, block: suspend (progress: (String, Float) -> Unit) -> Unit) {
        work = scope.launch {
            try {
                busy = Busy(label, null)
                block { l, f -> busy = Busy(l, f) }
            } catch (e: AppException) {
                message = e.text
            } finally {
                busy = null
            }
        }
    }

    /** Answers the questions a letter still needs; the letter comes back filled. */
    fun answerForLetter(answers: Map<String, String>) = launch {
        val r = route as? Route.Letter ?: return@launch
        screens.setFacts(r.caseId, answers.filterValues { it.isNotBlank() })
        letter = screens.letter(r.caseId, r.letterId)
    }

    fun copyLetter() {
        val l = letter ?: return
        effects.copyText(l.title, l.plainText)
        result = strings.copied
    }

    fun shareLetter() {
        val l = letter ?: return
        effects.shareText(l.title, l.plainText)
    }

    fun printLetter() = launch {
        val r = route as? Route.Letter ?: return@launch
        val l = letter ?: return@launch
        effects.printHtml(l.title, screens.letterHtml(r.caseId, r.letterId))
    }

    /** Records the letter as sent now: the core keeps it as evidence of its step. */
    fun markLetterSent() = launch {
        val r = route as? Route.Letter ?: return@launch
        letter = screens.markLetterSent(r.caseId, r.letterId, clock.instant())
        letter?.sent?.lastOrNull()?.let { result = it.text }
    }

    fun cancelWork() {
        work?.cancel()
        busy = null
    }

    /** Re-plans reminders after a change the core did not see as an event (a restore, the settings). */
    suspend fun resync(event: EventRecord = EventRecord.SettingsChanged) {
        send(event)
    }

    fun setLanguage(language: Language) = launch {
        screens.language = language
        screens.saveSettings(screens.settings().copy(language = language))
        strings = Strings.of(language)
        load()
    }

    fun setQuietHours(on: Boolean) = launch {
        screens.saveSettings(screens.settings().copy(quietHoursEnabled = on))
        settings = screens.settingsView()
        resync()
    }

    fun exportIcs() = launch {
        val done = screens.exportCalendar(effects.exportPath("tuilu.ics"))
        effects.shareFile(done.path, "text/calendar")
    }

    fun thumbnailPath(sha256: String): String? = thumbnails[sha256]

    /** The current route's record is loaded (else the screen has nothing to draw yet);
     *  the one test of whether a screen can be drawn. */
    fun hasRecord(): Boolean = when (val r = route) {
        Route.Home -> home != null
        Route.Picker -> picker != null
        is Route.Questions -> questionnaire?.scenario == r.scenario
        is Route.Preview -> questionnaire != null
        is Route.Case -> case?.id == r.id
        is Route.Evidence -> evidence != null
        Route.Settings -> settings != null
        is Route.Letters -> letters?.caseId == r.caseId
        is Route.Letter -> letter?.let { it.id == r.letterId && it.caseId == r.caseId } == true
        is Route.History -> history?.caseId == r.caseId
        is Route.Upgrade -> upgrade?.caseId == r.caseId
    }
}

/** The whole app: the screen for the route, the core's error text below it. */
@Composable
fun TuiluApp(c: TuiluController, dark: Boolean = false, thumbnail: (String) -> androidx.compose.ui.graphics.ImageBitmap? = { null }) {
    val s = c.strings
    LaunchedEffect(Unit) {
        c.reload()
        c.checkRuleUpdatesIfDue()
    }
    TuiluTheme(dark) {
        Column(Modifier.fillMaxSize()) {
            // Shared files wait above the screen, never over it: every card stays tappable.
            if (c.pendingImport.isNotEmpty()) {
                Surface(
                    color = MaterialTheme.colorScheme.primaryContainer,
                    contentColor = MaterialTheme.colorScheme.onPrimaryContainer,
                    modifier = Modifier.fillMaxWidth(),
                ) {
                    Row(Modifier.padding(start = 16.dp), verticalAlignment = Alignment.CenterVertically) {
                        Text(s.importBanner(c.pendingImport.size), modifier = Modifier.weight(1f).padding(vertical = 12.dp))
                        TextButton(onClick = c::cancelImport) { Text(s.cancel) }
                    }
                }
            }
            Box(Modifier.fillMaxWidth().weight(1f)) {
                // A screen that could not load says why and leads on: try again, or back.
                c.message?.takeIf { !c.hasRecord() }?.let { m ->
                    LoadFailed(m, s, onRetry = { c.go(c.route) }, onBack = c::back)
                }
                when (val r = c.route) {
                    Route.Home -> c.home?.let { HomeScreen(it, s, onOpenCase = { id -> c.go(Route.Case(id)) }, onStart = { c.go(Route.Picker) }, onSettings = { c.go(Route.Settings) }, onMore = c::showMoreCases) }
                    Route.Picker -> c.picker?.let { PickerScreen(it, c.home?.startLabel ?: s.appName, s, onBack = c::back, onPick = c::pick) }
                    is Route.Questions -> c.questionnaire?.takeIf { c.hasRecord() }?.let {
                        QuestionScreen(it, c.questionIndex, s, onBack = c::back, onAnswer = c::answer, onGoTo = { n -> c.questionIndex = n }, onPreview = { c.go(Route.Preview(r.scenario)) }, onNext = { n -> c.goOn(n) })
                    }
                    is Route.Preview -> c.questionnaire?.let { PreviewScreen(it, s, onBack = c::back, onCreate = { c.create() }) }
                    is Route.Case -> c.case?.takeIf { c.hasRecord() }?.let {
                        ChecklistScreen(
                            it, s, c.screens.zone, c.showUndo,
                            onBack = c::back, onAct = { req -> c.act(req) }, onUndo = { c.undo() },
                            onEvidence = { step -> c.go(Route.Evidence(r.id, step.id, step.title)) },
                            onFlag = { step, note -> c.flag(step, note) },
                            onLetters = { c.go(Route.Letters(r.id)) },
                            onMenu = c::menu,
                            onAnswer = c::answerOnCase,
                            importing = c.pendingImport.isNotEmpty(),
                        )
                    }
                    is Route.History -> c.history?.takeIf { c.hasRecord() }?.let {
                        HistoryScreen(it, s, onBack = c::back, onUndo = { step -> c.undoStep(step) })
                    }
                    is Route.Upgrade -> c.upgrade?.takeIf { c.hasRecord() }?.let {
                        UpgradeScreen(it, s, onBack = c::back, onApply = { c.applyUpgrade() })
                    }
                    is Route.Letters -> c.letters?.takeIf { c.hasRecord() }?.let {
                        LettersScreen(it, s, onBack = c::back, onOpen = { id -> c.go(Route.Letter(r.caseId, id)) })
                    }
                    is Route.Letter -> c.letter?.takeIf { c.hasRecord() }?.let {
                        LetterScreen(
                            it, s, c.result, onBack = c::back, onAnswers = { a -> c.answerForLetter(a) },
                            onCopy = c::copyLetter, onShare = c::shareLetter, onPrint = { c.printLetter() },
                            onMarkSent = { c.markLetterSent() },
                        )
                    }
                    is Route.Evidence -> c.evidence?.let {
                        EvidenceScreen(
                            it, r.title, s, c.busy, c.result,
                            thumbnail = { row -> c.thumbnailPath(row.sha256)?.let(thumbnail) },
                            onBack = c::back, onPick = { c.pickMedia() }, onCamera = { c.takePhoto() },
                            onVerify = c::verify, onExport = c::export, onCancel = c::cancelWork,
                            onDelete = { id -> c.deleteEvidence(id) }, onMove = { id, step -> c.moveEvidence(id, step) },
                        )
                        c.exportPreview?.takeIf { c.busy == null }?.let { p ->
                            BundlePreviewDialog(
                                p, s, onIncludePrivate = c::includePrivate,
                                onDismiss = c::closeExportPreview, onExport = c::confirmExport,
                            )
                        }
                    }
                    Route.Settings -> c.settings?.let {
                        SettingsScreen(
                            it, c.permissions, s, onBack = c::back,
                            onAllowNotifications = c.effects::requestNotifications,
                            onExact = { c.effects.openSettings(SettingsPage.ExactAlarms) },
                            reminderNotice = c.reminderNotice,
                            onOpen = c.effects::openSettings,
                            onQuietHours = { on -> c.setQuietHours(on) },
                            onLanguage = { l -> c.setLanguage(l) },
                            onExportIcs = { c.exportIcs() },
                            backup = {
                                c.backup?.let { b ->
                                    BackupSection(b, s, c.busy, c.backupDone, onCreate = c::openCreateBackup, onRestore = { c.pickBackupToRestore() }, onCancel = c::cancelWork)
                                }
                            },
                            ruleUpdatesTitle = c.ruleUpdates?.title,
                            ruleUpdates = {
                                c.ruleUpdates?.let { r -> RuleUpdatesSection(r, c.ruleUpdateResult, c.checkingRules, onCheck = { c.checkRuleUpdates() }) }
                            },
                        )
                        // Hidden while the core works; errors show inside the dialog.
                        val b = c.backup
                        if (b != null && c.busy == null) {
                            when (val d = c.backupDialog) {
                                BackupDialog.Create -> CreateBackupDialog(b, s, c.message, c::passphraseHint, c::newRecoveryCode, onDismiss = c::closeBackupDialog, onCreate = c::createBackup)
                                is BackupDialog.Restore -> RestoreBackupDialog(d, b, s, c.message, onDismiss = c::closeBackupDialog, onCheck = c::checkBackup, onRestore = c::restoreBackup)
                                null -> {}
                            }
                        }
                    }
                }
            }
            c.confirm?.let { (q, _) -> ConfirmDialog(q, onConfirm = { c.confirmYes() }, onDismiss = c::confirmNo) }
            // The core's words for what an event did (archived, deleted, moved, restored), where
            // the screen has no place of its own for them.
            c.result?.takeIf { c.message == null && c.route !is Route.Evidence && c.route !is Route.Letter }?.let { r ->
                Surface(
                    color = MaterialTheme.colorScheme.secondaryContainer,
                    contentColor = MaterialTheme.colorScheme.onSecondaryContainer,
                    shape = MaterialTheme.shapes.small,
                    modifier = Modifier.padding(12.dp).fillMaxWidth(),
                ) {
                    Box(Modifier.padding(start = 16.dp)) {
                        Text(r, modifier = Modifier.align(Alignment.CenterStart).padding(end = 72.dp, top = 12.dp, bottom = 12.dp))
                        TextButton(onClick = { c.dismissResult() }, modifier = Modifier.align(Alignment.CenterEnd)) { Text(s.close) }
                    }
                }
            }
            // The core's words for the last error, below the screen, not over its last card.
            c.message?.takeIf { c.hasRecord() }?.let { m ->
                Surface(
                    color = MaterialTheme.colorScheme.errorContainer,
                    contentColor = MaterialTheme.colorScheme.onErrorContainer,
                    shape = MaterialTheme.shapes.small,
                    modifier = Modifier.padding(12.dp).fillMaxWidth(),
                ) {
                    Box(Modifier.padding(start = 16.dp)) {
                        Text(m, modifier = Modifier.align(Alignment.CenterStart).padding(end = 72.dp, top = 12.dp, bottom = 12.dp))
                        TextButton(onClick = { c.message = null }, modifier = Modifier.align(Alignment.CenterEnd)) { Text(s.close) }
                    }
                }
            }
        }
    }
}

/** In place of a screen whose record could not be loaded: the core's words, try again, back. */
@Composable
private fun LoadFailed(message: String, s: Strings, onRetry: () -> Unit, onBack: () -> Unit) {
    Column(Modifier.fillMaxWidth().padding(24.dp)) {
        Text(message, style = MaterialTheme.typography.bodyLarge, color = MaterialTheme.colorScheme.error)
        Row(Modifier.padding(top = 16.dp)) {
            Button(onClick = onRetry) { Text(s.retry) }
            TextButton(onClick = onBack, modifier = Modifier.padding(start = 8.dp)) { Text(s.back) }
        }
    }
}
