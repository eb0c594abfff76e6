package app.tuilu.core

import java.util.Locale
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test

class ScenarioListModelTest {
    private val tuilu = Tuilu(TestFiles.vault())

    @AfterEach
    fun tearDown() = tuilu.close()

    @Test
    fun listsTheBundledScenariosInChinese() = runBlocking {
        val model = ScenarioListModel(tuilu, Locale.SIMPLIFIED_CHINESE)
        assertEquals(ScenarioListState.Loading, model.state.value)
        model.load()
        val loaded = assertIs<ScenarioListState.Loaded>(model.state.value)
        assertEquals(7, loaded.scenarios.size)
        val item = loaded.scenarios.single { it.id == "douyin.xingtu-task-cancel" }
        assertEquals("抖音星图：取消品牌任务", item.title)
        assertEquals(true, item.stepCount > 0)
    }

    @Test
    fun englishLocaleShowsEnglish() = runBlocking {
        val model = ScenarioListModel(tuilu, Locale.ENGLISH)
        model.load()
        val loaded = assertIs<ScenarioListState.Loaded>(model.state.value)
        assertEquals(
            "Douyin Xingtu: cancel a brand task",
            loaded.scenarios.single { it.id == "douyin.xingtu-task-cancel" }.title,
        )
    }

    @Test
    fun anAddedPackJoinsTheList() = runBlocking {
        val pack = TestFiles.xingtuPack().replace("\"id\": \"douyin.xingtu-task-cancel\"", "\"id\": \"test.copy\"")
        tuilu.addPack(pack)
        val model = ScenarioListModel(tuilu, Locale.ENGLISH)
        model.load()
        val loaded = assertIs<ScenarioListState.Loaded>(model.state.value)
        assertEquals(8, loaded.scenarios.size)
        assertTrue(loaded.scenarios.any { it.id == "test.copy" })
    }
}
