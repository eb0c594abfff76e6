package app.tuilu.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.unit.Density
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.StepAction
import java.io.File
import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.jetbrains.skia.EncodedImageFormat

/** Phone size: 412×915 dp at density 2.625 (1082×2402 px). */
private const val DENSITY = 2.625f
private const val W_DP = 412
private const val H_DP = 915

fun renderPng(out: File, dark: Boolean = false, wDp: Int = W_DP, hDp: Int = H_DP, content: @Composable () -> Unit) {
    val scene = ImageComposeScene((wDp * DENSITY).toInt(), (hDp * DENSITY).toInt(), Density(DENSITY)) {
        TuiluTheme(dark) { content() }
    }
    try {
        scene.render() // the first frame lays out; the second draws settled state
        val image = scene.render(100_000_000L)
        out.parentFile.mkdirs()
        out.writeBytes(image.encodeToData(EncodedImageFormat.PNG)!!.bytes)
    } finally {
        scene.close()
    }
}

/** A stand-in "screenshot" the demo adds as evidence: a real PNG file with real bytes. */
private fun fakeChatScreenshot(file: File, lines: List<String>) {
    renderPng(file, wDp = 200, hDp = 360) {
        Column(Modifier.fillMaxSize().background(Color(0xFFEDEDED)).padding(8.dp)) {
            lines.forEach {
                Box(Modifier.padding(vertical = 4.dp).background(Color.White).padding(6.dp)) { Text(it, fontSize = 9.sp) }
            }
        }
    }
}

/**
 * Renders every screen from a fresh vault built through the real core:
 * build/screenshots/<screen>-<lang>.png (and -dark for home and the checklist).
 */
fun main(args: Array<String>) = runBlocking {
    val out = File(args.firstOrNull() ?: "build/screenshots")
    out.mkdirs()
    val vault = Files.createTempDirectory("tuilu-screens-").toFile()
    val cases = Demo.build(vault.path)
    val clock = MovableClock(Demo.now)
    val shots = File(vault, "shots").apply { mkdirs() }
    val thumbs = HashMap<String, String>()
    Demo.screens(vault.path, Language.ZH, clock).use { t ->
        val a = File(shots, "IMG_20261009_143012.png")
        fakeChatScreenshot(a, listOf("公会运营：退会申请已收到", "我们会在 3 个工作日内处理", "请保持账号正常开播"))
        val b = File(shots, "Screenshot_退会申请提交成功.png")
        fakeChatScreenshot(b, listOf("退会申请提交成功", "申请编号 20261009-1842", "预计 1–3 个工作日内处理"))
        for (f in listOf(a, b)) {
            val added = t.addEvidence(cases.guild.id, "submit_exit", f.path)
            thumbs[added.list.items.first { it.id == added.itemId }.sha256] = f.path
        }
    }
    val empty = Files.createTempDirectory("tuilu-empty-").toFile()
    for (lang in listOf(Language.ZH, Language.EN)) {
        val l = if (lang == Language.ZH) "zh" else "en"
        val s = Strings.of(lang)
        Demo.screens(vault.path, lang, clock).use { sc ->
            val home = sc.home()
            for (dark in listOf(false, true)) {
                renderPng(File(out, "home${if (dark) "-dark" else ""}-$l.png"), dark) { HomeScreen(home, s, {}, {}, {}) }
            }
            Demo.screens(empty.path, lang, clock).use { e ->
                val h = e.home()
                renderPng(File(out, "home-empty-$l.png")) { HomeScreen(h, s, {}, {}, {}) }
            }
            val picker = sc.scenarioPicker()
            renderPng(File(out, "picker-$l.png")) { PickerScreen(picker, home.startLabel, s, {}, {}) }
            // Question 2 as the user meets it: nothing chosen yet, so nothing in red.
            val q = sc.questionnaire("douyin.guild-exit", mapOf("has_unsettled_earnings" to "否"))
            renderPng(File(out, "questionnaire-$l.png")) { QuestionScreen(q, 1, s, {}, { _, _ -> }, {}, {}) }
            val blocked = sc.questionnaire("douyin.guild-exit", mapOf("has_unsettled_earnings" to "是", "has_violation_record" to "否", "contract_ended" to "否"))
            renderPng(File(out, "preview-$l.png")) { PreviewScreen(blocked, s, {}, {}) }
            val guild = sc.caseScreen(cases.guild.id)
            for (dark in listOf(false, true)) {
                renderPng(File(out, "checklist${if (dark) "-dark" else ""}-$l.png"), dark) {
                    ChecklistScreen(guild, s, Demo.zone, true, {}, {}, {}, {}, { _, _ -> })
                }
            }
            val refund = sc.caseScreen(cases.refund.id)
            renderPng(File(out, "checklist-refund-$l.png")) { ChecklistScreen(refund, s, Demo.zone, false, {}, {}, {}, {}, { _, _ -> }) }
            val ks = sc.caseScreen(cases.kuaishou.id)
            renderPng(File(out, "checklist-kuaishou-$l.png")) { ChecklistScreen(ks, s, Demo.zone, false, {}, {}, {}, {}, { _, _ -> }) }
            val sourced = guild.steps.first { it.source != null && it.id == "submit_exit" }
            renderPng(File(out, "source-$l.png")) {
                ChecklistScreen(guild, s, Demo.zone, false, {}, {}, {}, {}, { _, _ -> })
                SourceDialog(sourced, s, {}, {})
            }
            renderPng(File(out, "time-picker-$l.png")) {
                ChecklistScreen(guild, s, Demo.zone, false, {}, {}, {}, {}, { _, _ -> })
                TimeDialog(s, guild.steps.flatMap { it.actions }.first { it.timeQuestion != null }, Demo.zone, {}, {})
            }
            val ev = sc.verifyEvidence(cases.guild.id, "submit_exit")
            renderPng(File(out, "evidence-$l.png")) {
                EvidenceScreen(ev, sourced.title, s, null, ev.verifySummary, { r -> thumbs[r.sha256]?.let(::desktopThumbnail) }, {}, {}, {}, {}, {}, {})
            }
            // Letters, in a vault of their own (the facts they need would show on the checklist shots).
            Demo.screens(Files.createTempDirectory("tuilu-letters-").toFile().path, lang, clock).use { ls ->
                val answers = mapOf("has_unsettled_earnings" to "否", "has_violation_record" to "否", "contract_ended" to "是", "contract_penalty" to "yes")
                val case = ls.createCase("douyin.guild-exit", answers)
                val list = ls.letters(case.id)
                renderPng(File(out, "letters-$l.png")) { LettersScreen(list, s, {}, {}) }
                val asking = ls.letter(case.id, "guild_negotiation_message")
                renderPng(File(out, "letter-questions-$l.png")) { LetterScreen(asking, s, null, {}, {}, {}, {}, {}, {}) }
                ls.setFacts(case.id, mapOf("guild_name" to "星河传媒公会", "account_name" to "晓华的日常", "contract_date" to "2025-01-10"))
                val done = ls.letter(case.id, "guild_negotiation_message")
                renderPng(File(out, "letter-$l.png")) { LetterScreen(done, s, null, {}, {}, {}, {}, {}, {}) }
            }
            val settings = sc.settingsView()
            val perms = PermissionState(notificationsAllowed = false, exactAllowed = false)
            val section = sc.backupSection()
            renderPng(File(out, "settings-$l.png")) {
                SettingsScreen(settings, perms, s, {}, {}, {}, {}, {}, {}, {}, backup = { BackupSection(section, s, null, null, {}, {}, {}) })
            }
            // The default: a recovery code to write down.
            renderPng(File(out, "backup-code-$l.png")) {
                SettingsScreen(settings, perms, s, {}, {}, {}, {}, {}, {}, {}, backup = { BackupSection(section, s, null, null, {}, {}, {}) })
                CreateBackupDialog(section, s, null, sc::passphraseHint, sc::newRecoveryCode, {}, {})
            }
            // Choosing a passphrase instead: a weak one, as the core rates it.
            renderPng(File(out, "backup-passphrase-$l.png")) {
                SettingsScreen(settings, perms, s, {}, {}, {}, {}, {}, {}, {}, backup = { BackupSection(section, s, null, null, {}, {}, {}) })
                CreateBackupDialog(section, s, null, sc::passphraseHint, sc::newRecoveryCode, {}, {}, initial = "tuilu2026" to "tuilu2026", ownPassphrase = true)
            }
            renderPng(File(out, "backup-progress-$l.png")) {
                SettingsScreen(settings, perms, s, {}, {}, {}, {}, {}, {}, {}, backup = { BackupSection(section, s, Busy(s.backingUp, 0.4f), null, {}, {}, {}) })
            }
        }
    }
    // After a backup: the section says when, and the core's account of it.
    val backedUp = Files.createTempDirectory("tuilu-backed-up-").toFile()
    Demo.build(backedUp.path)
    for (lang in listOf(Language.ZH, Language.EN)) {
        val l = if (lang == Language.ZH) "zh" else "en"
        val s = Strings.of(lang)
        Demo.screens(backedUp.path, lang, clock).use { sc ->
            val done = sc.createBackup(File(Files.createTempDirectory("tuilu-backup-out-").toFile(), "b.tuilu-backup").path, "correct horse battery staple")
            val settings = sc.settingsView()
            val section = sc.backupSection()
            renderPng(File(out, "settings-backed-up-$l.png")) {
                SettingsScreen(settings, PermissionState(notificationsAllowed = true, exactAllowed = false), s, {}, {}, {}, {}, {}, {}, {}, backup = {
                    BackupSection(section, s, null, done, {}, {}, {})
                })
            }
        }
    }
    println("screenshots in $out: " + out.listFiles()!!.filter { it.name.endsWith(".png") }.size)
}
