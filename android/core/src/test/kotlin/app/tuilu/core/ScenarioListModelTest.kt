package app.tuilu.core

import java.util.Locale
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test

class ScenarioListModelTest {
    private val tuilu = Tuilu()

    @AfterEach
    fun tearDown() = tuilu.close()

    @Test
    fun listsPacksInChineseAndSkipsBrokenOnes() = runBlocking {
        val model = ScenarioListModel(tuilu, Locale.SIMPLIFIED_CHINESE)
        assertEquals(ScenarioListState.Loading, model.state.value)
        model.load(listOf(TestFiles.xingtuPack(), "not = [a pack"))
        val loaded = assertIs<ScenarioListState.Loaded>(model.state.value)
        assertEquals(1, loaded.failed)
        val item = loaded.scenarios.single()
        assertEquals("douyin.xingtu-task-cancel", item.id)
        assertEquals("抖音星图：取消品牌任务", item.title)
        assertEquals(true, item.stepCount > 0)
    }

    @Test
    fun englishLocaleShowsEnglish() = runBlocking {
        val model = ScenarioListModel(tuilu, Locale.ENGLISH)
        model.load(listOf(TestFiles.xingtuPack()))
        val loaded = assertIs<ScenarioListState.Loaded>(model.state.value)
        assertEquals("Douyin Xingtu: cancel a brand task", loaded.scenarios.single().title)
    }
}
