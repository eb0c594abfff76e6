package app.tuilu.android

import android.app.Activity
import android.content.Intent
import android.os.Build
import androidx.compose.ui.test.ComposeTimeoutException
import androidx.compose.ui.test.hasAnyAncestor
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.createEmptyComposeRule
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.printToString
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import androidx.lifecycle.ViewModelProvider
import androidx.test.core.app.ActivityScenario
import app.tuilu.core.uniffi.Language
import app.tuilu.ui.Route
import app.tuilu.ui.Strings
import java.io.File
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Before
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotSame
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowActivity

/**
 * MainActivity itself on the real framework: the real Compose Android artifacts (1.7.6),
 * the app's and the libraries' merged manifest and resources, the real core. What a user
 * sees on opening the app, sharing a screenshot into it, and turning the phone mid-pick.
 */
@RunWith(RobolectricTestRunner::class)
// A phone of 412×915 dp set to Simplified Chinese: the app and the core speak it.
@Config(sdk = [26, 33, 35], qualifiers = "zh-rCN-w412dp-h915dp")
class MainActivityTest {
    @get:Rule
    val compose = createEmptyComposeRule()

    private val zh = Strings.of(Language.ZH)
    private val bytes = SharingAppProvider.bytes()
    private var scenario: ActivityScenario<MainActivity>? = null

    /**
     * Robolectric 4.17 on SDK 33: the first request for the audio service (ViewRootImpl's
     * constructor asks AudioManager) fails while Robolectric builds its binder proxy and
     * reads ShadowBluetoothDevice's SDK 34 methods (NoClassDefFoundError:
     * BluetoothDevice$BluetoothAddress); the next request succeeds. Asked once here,
     * before the Activity starts.
     */
    @Before
    fun askForTheAudioServiceOnceOnSdk33() {
        if (Build.VERSION.SDK_INT != 33) return
        runCatching { Class.forName("android.os.ServiceManager").getMethod("getService", String::class.java).invoke(null, "audio") }
    }

    @After
    fun close() {
        scenario?.close()
    }

    private fun launch(intent: Intent? = null): ActivityScenario<MainActivity> {
        val app = app()
        val i = (intent ?: Intent()).setClass(app, MainActivity::class.java)
        return ActivityScenario.launch<MainActivity>(i).also { scenario = it }
    }

    private fun viewModel(s: ActivityScenario<MainActivity>): AppViewModel {
        var vm: AppViewModel? = null
        s.onActivity { vm = ViewModelProvider(it)[AppViewModel::class.java] }
        return vm!!
    }

    /**
     * Waits for [condition], running the main looper in between (Robolectric's paused looper:
     * coroutines resumed on the main thread run only when it is idled); on timeout says what
     * it waited for and what is on screen.
     */
    private fun await(what: String, condition: () -> Boolean) {
        try {
            compose.waitUntil(WAIT) { compose.waitForIdle(); condition() }
        } catch (e: ComposeTimeoutException) {
            val screen = runCatching { compose.onRoot(useUnmergedTree = false).printToString() }.getOrElse { "($it)" }
            val route = runCatching { scenario?.let { viewModel(it).controller.route } }.getOrNull()
            throw AssertionError("timed out waiting for $what; route $route; on screen:\n$screen", e)
        }
    }

    private fun waitForText(text: String) = await("\"$text\" on screen") {
        compose.onAllNodesWithText(text, substring = true).fetchSemanticsNodes().isNotEmpty()
    }

    private fun sharedFile(): File =
        File.createTempFile("shot", ".png").apply { writeBytes(bytes); deleteOnExit() }.also { SharingAppProvider.file = it }

    @Test
    fun theHomeScreenShowsTheCasesTheCoreHolds() {
        val app = app()
        submittedGuildExit(app)
        val card = runBlocking { app.screens.home() }.cases.single()
        launch()
        // The core's card, in its words: the case, its progress and the deadline it counts down to.
        waitForText(card.title)
        waitForText(card.progressText)
        waitForText(checkNotNull(card.nextDeadline) { "a submitted exit has a deadline" }.headline)
    }

    @Test
    fun aScreenshotSharedFromAnotherAppIsFiledUnderTheStepTheUserOpens() {
        sharedFile()
        Robolectric.setupContentProvider(SharingAppProvider::class.java, SharingAppProvider.AUTHORITY)
        val app = app()
        val caseId = runBlocking { app.screens.createCase("douyin.guild-exit", guildAnswers) }.id
        val card = runBlocking { app.screens.home() }.cases.single()
        val s = launch(Intent(Intent.ACTION_SEND).setType("image/png").putExtra(Intent.EXTRA_STREAM, SharingAppProvider.URI))
        // The app asks where the shared file belongs.
        waitForText(zh.importBanner(1))
        compose.onNodeWithText(card.title).performClick()
        val vm = viewModel(s)
        await("the case") { vm.controller.case != null }
        assertEquals(caseId, vm.controller.case!!.id)
        val step = "read_contract_and_negotiate"
        val evidence = hasText("${zh.evidence} · 0") and hasAnyAncestor(hasTestTag("step-$step"))
        compose.onAllNodes(hasScrollAction()).onFirst().performScrollToNode(evidence)
        compose.onAllNodes(evidence).onFirst().performClick()
        // Opening the step's evidence files the shared screenshot there, once, with its hash.
        await("the shared file filed") { vm.controller.evidence?.items?.size == 1 }
        waitForText(SharingAppProvider.NAME)
        val kept = runBlocking { app.screens.evidence(caseId, step) }.items.single()
        assertEquals(SharingAppProvider.NAME, kept.fileName)
        assertEquals(sha256(bytes), kept.sha256)
        assertTrue(vm.controller.pendingImport.isEmpty())
    }

    @Test
    fun aPhotoPickedWhileTheActivityIsRecreatedIsStillFiled() {
        sharedFile()
        Robolectric.setupContentProvider(SharingAppProvider::class.java, SharingAppProvider.AUTHORITY)
        val app = app()
        val caseId = submittedGuildExit(app)
        val s = launch()
        val vm = viewModel(s)
        compose.runOnUiThread { vm.controller.go(Route.Evidence(caseId, "submit_exit", "提交退会申请")) }
        waitForText("从相册添加")
        compose.onNodeWithText("从相册添加").performClick()
        // The system photo picker opens (an activity for a result)...
        var requestCode = -1
        await("the photo picker started") {
            var started: ShadowActivity.IntentForResult? = null
            s.onActivity { started = shadowOf(it).nextStartedActivityForResult }
            started?.let { requestCode = it.requestCode }
            started != null
        }
        // ...the phone turns while it is open: the Activity is destroyed and created again.
        var before: MainActivity? = null
        s.onActivity { before = it }
        s.recreate()
        s.onActivity { assertNotSame("a new Activity", before, it) }
        // The picker answers the new Activity.
        s.onActivity {
            it.activityResultRegistry.dispatchResult(requestCode, Activity.RESULT_OK, Intent().setData(SharingAppProvider.URI))
        }
        // (The core is not asked from the main thread while the import reports its progress there.)
        await("the picked file filed") { vm.controller.evidence?.items?.isNotEmpty() == true && vm.controller.busy == null }
        val kept = runBlocking { app.screens.evidence(caseId, "submit_exit") }.items.single()
        assertEquals(SharingAppProvider.NAME, kept.fileName)
        assertEquals(sha256(bytes), kept.sha256)
        waitForText(SharingAppProvider.NAME)
        assertEquals(vm, viewModel(s))
    }

    private companion object {
        const val WAIT = 30_000L
    }
}
