package app.tuilu.ui

import androidx.compose.runtime.Composable
import app.tuilu.core.uniffi.Language
import java.io.File
import java.nio.file.Files

/** One screen as a user sees it, with the demo's data: [name] is `<screen>` in `<screen>-<lang>.png`. */
class Shot(val name: String, val content: @Composable () -> Unit)

/**
 * Every screen of the app, filled through the real core from fresh vaults (the demo's
 * cases, evidence that looks like phone screenshots, a letter, a backup): what
 * `scripts/screens.sh` renders and what the accessibility test walks at large font sizes.
 */
class ScreenCatalog private constructor(
    private val vault: File,
    private val empty: File,
    private val backedUp: File,
    private val cases: Demo.Cases,
    private val thumbs: Map<String, String>,
) {
    private val clock = MovableClock(Demo.now)

    companion object {
        suspend fun build(): ScreenCatalog {
            val vault = Files.createTempDirectory("tuilu-screens-").toFile()
            val cases = Demo.build(vault.path)
            val thumbs = HashMap<String, String>()
            Demo.screens(vault.path, Language.ZH, MovableClock(Demo.now)).use { t ->
                for (f in DemoEvidence.files(File(vault, "shots"))) {
                    val added = t.addEvidence(cases.guild.id, "submit_exit", f.path)
                    thumbs[added.list.items.first { it.id == added.itemId }.sha256] = f.path
                }
            }
            val backedUp = Files.createTempDirectory("tuilu-backed-up-").toFile()
            Demo.build(backedUp.path)
            return ScreenCatalog(vault, Files.createTempDirectory("tuilu-empty-").toFile(), backedUp, cases, thumbs)
        }
    }

    /** The screens in [lang], in the order a user meets them. */
    suspend fun shots(lang: Language): List<Shot> {
        val s = Strings.of(lang)
        val out = mutableListOf<Shot>()
        fun shot(name: String, content: @Composable () -> Unit) { out += Shot(name, content) }
        Demo.screens(vault.path, lang, clock).use { sc ->
            val home = sc.home()
            shot("home") { HomeScreen(home, s, {}, {}, {}) }
            // The end of a list longer than its page (30 cards): here the first card of the
            // demo's three, and the row that shows the rest.
            val paged = sc.homeShowing(1)
            shot("home-more") { HomeScreen(paged, s, {}, {}, {}) }
            val emptyHome = Demo.screens(empty.path, lang, clock).use { it.home() }
            shot("home-empty") { HomeScreen(emptyHome, s, {}, {}, {}) }
            val picker = sc.scenarioPicker()
            shot("picker") { PickerScreen(picker, home.startLabel, s, {}, {}) }
            // Question 2 as the user meets it: nothing chosen yet, so nothing in red.
            val q = sc.questionnaire("douyin.guild-exit", mapOf("has_unsettled_earnings" to "否"))
            shot("questionnaire") { QuestionScreen(q, 1, s, {}, { _, _ -> }, {}, {}) }
            val blocked = sc.questionnaire("douyin.guild-exit", mapOf("has_unsettled_earnings" to "是", "has_violation_record" to "否", "contract_ended" to "否"))
            shot("preview") { PreviewScreen(blocked, s, {}, {}) }
            val guild = sc.caseScreen(cases.guild.id)
            shot("checklist") { ChecklistScreen(guild, s, Demo.zone, true, {}, {}, {}, {}, { _, _ -> }) }
            val refund = sc.caseScreen(cases.refund.id)
            shot("checklist-refund") { ChecklistScreen(refund, s, Demo.zone, false, {}, {}, {}, {}, { _, _ -> }) }
            val ks = sc.caseScreen(cases.kuaishou.id)
            shot("checklist-kuaishou") { ChecklistScreen(ks, s, Demo.zone, false, {}, {}, {}, {}, { _, _ -> }) }
            val sourced = guild.steps.first { it.source != null && it.id == "submit_exit" }
            shot("source") {
                ChecklistScreen(guild, s, Demo.zone, false, {}, {}, {}, {}, { _, _ -> })
                SourceDialog(sourced, s, {}, {})
            }
            val asksTime = guild.steps.flatMap { it.actions }.first { it.timeQuestion != null }
            shot("time-now") {
                ChecklistScreen(guild, s, Demo.zone, false, {}, {}, {}, {}, { _, _ -> })
                TimeDialog(s, asksTime, Demo.zone, {}, initialChoice = 0) {}
            }
            shot("time-picker") {
                ChecklistScreen(guild, s, Demo.zone, false, {}, {}, {}, {}, { _, _ -> })
                TimeDialog(s, asksTime, Demo.zone, {}, initialChoice = 2) {}
            }
            val ev = sc.verifyEvidence(cases.guild.id, "submit_exit")
            shot("evidence") {
                EvidenceScreen(ev, sourced.title, s, null, ev.verifySummary, { r -> thumbs[r.sha256]?.let(::desktopThumbnail) }, {}, {}, {}, {}, {}, {})
            }
            // Letters, in a vault of their own (the facts they need would show on the checklist shots).
            Demo.screens(Files.createTempDirectory("tuilu-letters-").toFile().path, lang, clock).use { ls ->
                val answers = mapOf("has_unsettled_earnings" to "否", "has_violation_record" to "否", "contract_ended" to "是", "contract_penalty" to "yes")
                val case = ls.createCase("douyin.guild-exit", answers)
                val list = ls.letters(case.id)
                shot("letters") { LettersScreen(list, s, {}, {}) }
                val asking = ls.letter(case.id, "guild_negotiation_message")
                shot("letter-questions") { LetterScreen(asking, s, null, {}, {}, {}, {}, {}, {}) }
                ls.setFacts(case.id, mapOf("guild_name" to "星河传媒公会", "account_name" to "晓华的日常", "contract_date" to "2025-01-10"))
                val done = ls.letter(case.id, "guild_negotiation_message")
                shot("letter") { LetterScreen(done, s, null, {}, {}, {}, {}, {}, {}) }
            }
            val settings = sc.settingsView()
            val perms = PermissionState(notificationsAllowed = false, exactAllowed = false)
            val section = sc.backupSection()
            shot("settings") {
                SettingsScreen(settings, perms, s, {}, {}, {}, {}, {}, {}, {}, backup = { BackupSection(section, s, null, null, {}, {}, {}) })
            }
            // The default: a recovery code to write down. (The screens are composed after the
            // vault is closed: the core's answers are fetched now.)
            val code = sc.newRecoveryCode()
            val hints = listOf("", "tuilu2026").associateWith { sc.passphraseHint(it) }
            val hint: (String) -> app.tuilu.core.uniffi.PassphraseHintRecord = { hints[it] ?: hints.getValue("") }
            shot("backup-code") {
                SettingsScreen(settings, perms, s, {}, {}, {}, {}, {}, {}, {}, backup = { BackupSection(section, s, null, null, {}, {}, {}) })
                CreateBackupDialog(section, s, null, hint, { code }, {}, {})
            }
            // Choosing a passphrase instead: a weak one, as the core rates it.
            shot("backup-passphrase") {
                SettingsScreen(settings, perms, s, {}, {}, {}, {}, {}, {}, {}, backup = { BackupSection(section, s, null, null, {}, {}, {}) })
                CreateBackupDialog(section, s, null, hint, { code }, {}, {}, initial = "tuilu2026" to "tuilu2026", ownPassphrase = true)
            }
            shot("backup-progress") {
                SettingsScreen(settings, perms, s, {}, {}, {}, {}, {}, {}, {}, backup = { BackupSection(section, s, Busy(s.backingUp, 0.4f), null, {}, {}, {}) })
            }
        }
        // After a backup: the section says when, and the core's account of it.
        Demo.screens(backedUp.path, lang, clock).use { sc ->
            val done = sc.createBackup(File(Files.createTempDirectory("tuilu-backup-out-").toFile(), "b.tuilu-backup").path, "correct horse battery staple")
            val settings = sc.settingsView()
            val section = sc.backupSection()
            shot("settings-backed-up") {
                SettingsScreen(settings, PermissionState(notificationsAllowed = true, exactAllowed = false), s, {}, {}, {}, {}, {}, {}, {}, backup = {
                    BackupSection(section, s, null, done, {}, {}, {})
                })
            }
        }
        return out
    }
}
