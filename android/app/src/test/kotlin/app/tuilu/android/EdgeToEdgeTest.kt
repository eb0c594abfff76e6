package app.tuilu.android

import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import android.graphics.RectF
import android.graphics.Typeface
import android.content.Intent
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.test.ComposeTimeoutException
import androidx.compose.ui.test.junit4.createEmptyComposeRule
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.printToString
import androidx.compose.ui.test.performClick
import androidx.core.graphics.Insets
import androidx.core.view.WindowInsetsCompat
import androidx.lifecycle.ViewModelProvider
import androidx.test.core.app.ActivityScenario
import app.tuilu.core.uniffi.Language
import app.tuilu.ui.Route
import app.tuilu.ui.Strings
import java.io.File
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/**
 * Edge to edge at targetSdk 35+: on a 412×915 dp phone with a status bar, a navigation bar
 * and the keyboard open over a letter's question, the top bar sits below the status bar and
 * the focused text field above the keyboard. Drawn with Robolectric's native graphics into
 * build/screenshots/android-edge-to-edge-zh.png, with the system's bars and keyboard painted
 * where the insets the app was given put them.
 */
@RunWith(RobolectricTestRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
@Config(sdk = [35], qualifiers = "zh-rCN-w412dp-h915dp-xxhdpi")
class EdgeToEdgeTest {
    @get:Rule
    val compose = createEmptyComposeRule()

    private var scenario: ActivityScenario<MainActivity>? = null

    @After
    fun close() {
        scenario?.close()
    }

    private fun await(what: String, condition: () -> Boolean) {
        try {
            compose.waitUntil(30_000) { compose.waitForIdle(); condition() }
        } catch (e: ComposeTimeoutException) {
            val screen = runCatching { compose.onRoot().printToString() }.getOrElse { "($it)" }
            throw AssertionError("timed out waiting for $what; on screen:\n$screen", e)
        }
    }

    @Test
    fun theStatusBarAndTheKeyboardHideNothing() {
        val app = app()
        val zh = Strings.of(Language.ZH)
        val caseId = runBlocking { app.screens.createCase("douyin.guild-exit", guildAnswers) }.id
        val s = ActivityScenario.launch<MainActivity>(Intent(app, MainActivity::class.java)).also { scenario = it }
        var vm: AppViewModel? = null
        s.onActivity { vm = ViewModelProvider(it)[AppViewModel::class.java] }
        // A letter that asks for what it lacks: text fields down the screen.
        compose.runOnUiThread { vm!!.controller.go(Route.Letter(caseId, "guild_negotiation_message")) }
        await("the letter's questions") { vm!!.controller.letter?.missing?.isNotEmpty() == true }
        val field = vm!!.controller.letter!!.missing.last { it.options.isEmpty() }.id
        val density = app.resources.displayMetrics.density
        val statusBar = (24 * density).toInt()
        val navBar = (24 * density).toInt()
        val keyboard = (320 * density).toInt()
        // The system's bars, then the keyboard, as WindowInsets dispatched to the window.
        val bars = WindowInsetsCompat.Builder()
            .setInsets(WindowInsetsCompat.Type.statusBars(), Insets.of(0, statusBar, 0, 0))
            .setInsets(WindowInsetsCompat.Type.navigationBars(), Insets.of(0, 0, 0, navBar))
        s.onActivity { it.window.decorView.dispatchApplyWindowInsets(bars.build().toWindowInsets()) }
        compose.waitForIdle()
        compose.onNodeWithTag("answer-$field").performClick()
        s.onActivity {
            val withKeyboard = bars.setInsets(WindowInsetsCompat.Type.ime(), Insets.of(0, 0, 0, keyboard))
                .setVisible(WindowInsetsCompat.Type.ime(), true).build()
            it.window.decorView.dispatchApplyWindowInsets(withKeyboard.toWindowInsets())
        }
        compose.waitForIdle()
        // The field has the focus and sits above the keyboard; the back button below the status bar.
        var height = 0
        s.onActivity { height = it.window.decorView.height }
        val node = compose.onNodeWithTag("answer-$field").fetchSemanticsNode()
        val focused = node.config.getOrElse(SemanticsProperties.Focused) { false }
        val back = compose.onNodeWithContentDescription(zh.back).fetchSemanticsNode().boundsInWindow
        val fieldBounds = node.boundsInWindow
        assertTrue("the field has the focus", focused)
        assertTrue("the top bar ($back) is below the status bar ($statusBar px)", back.top >= statusBar)
        assertTrue("the field ($fieldBounds) is above the keyboard (from ${height - keyboard} px)", fieldBounds.bottom <= height - keyboard)
        // The screen was resized to the space above the keyboard: its list ends where the keyboard starts.
        val list = compose.onAllNodes(hasScrollAction()).onFirst().fetchSemanticsNode().boundsInWindow
        assertTrue("the list ($list) ends above the keyboard (from ${height - keyboard} px)", list.bottom <= height - keyboard)
        assertTrue("the screen is not empty", compose.onAllNodesWithText(vm!!.controller.letter!!.title, substring = true).fetchSemanticsNodes().isNotEmpty())
        // The picture: the app's window, then the status bar and the keyboard drawn over it.
        var shot: Bitmap? = null
        s.onActivity { a ->
            val v = a.window.decorView
            val bmp = Bitmap.createBitmap(v.width, v.height, Bitmap.Config.ARGB_8888)
            v.draw(Canvas(bmp))
            paintSystemUi(Canvas(bmp), v.width, v.height, statusBar, navBar, keyboard, density)
            shot = bmp
        }
        assertEquals(412 * density, shot!!.width.toFloat(), 1f)
        val out = File(System.getProperty("tuilu.repo") ?: ".", "build/screenshots/android-edge-to-edge-zh.png")
        out.parentFile.mkdirs()
        out.outputStream().use { shot!!.compress(Bitmap.CompressFormat.PNG, 100, it) }
        assertTrue(out.length() > 0)
    }

    /** A status bar (time, battery), a gesture bar and a keyboard, where the insets put them. */
    private fun paintSystemUi(c: Canvas, w: Int, h: Int, statusBar: Int, navBar: Int, keyboard: Int, d: Float) {
        val p = Paint(Paint.ANTI_ALIAS_FLAG)
        p.color = Color.argb(0x33, 0, 0, 0)
        c.drawRect(0f, 0f, w.toFloat(), statusBar.toFloat(), p)
        p.color = Color.BLACK
        p.textSize = 14 * d
        p.typeface = Typeface.DEFAULT_BOLD
        c.drawText("14:30", 16 * d, statusBar - 6 * d, p)
        c.drawRoundRect(RectF(w - 40 * d, 6 * d, w - 16 * d, statusBar - 6 * d), 2 * d, 2 * d, p)
        // The keyboard: rows of keys on grey, with the gesture bar under it.
        val top = (h - keyboard).toFloat()
        p.color = Color.rgb(0xE3, 0xE6, 0xEA)
        c.drawRect(0f, top, w.toFloat(), h.toFloat(), p)
        p.color = Color.WHITE
        val rows = 4
        val keyH = (keyboard - navBar - 16 * d) / rows
        for (r in 0 until rows) {
            val keys = if (r == 3) 3 else 10 - r
            val keyW = (w - 8 * d) / keys
            for (k in 0 until keys) {
                val l = 4 * d + k * keyW
                val t = top + 8 * d + r * keyH
                c.drawRoundRect(RectF(l + 3 * d, t + 4 * d, l + keyW - 3 * d, t + keyH - 4 * d), 6 * d, 6 * d, p)
            }
        }
        p.color = Color.DKGRAY
        c.drawRoundRect(RectF(w / 2 - 54 * d, h - navBar / 2f - 2 * d, w / 2 + 54 * d, h - navBar / 2f + 2 * d), 2 * d, 2 * d, p)
    }
}
