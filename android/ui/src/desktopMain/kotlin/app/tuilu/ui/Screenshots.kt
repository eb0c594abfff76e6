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

fun renderPng(out: File, dark: Boolean = false, wDp: Int = W_DP, hDp: Int = H_DP, fontScale: Float = 1f, content: @Composable () -> Unit) {
    val scene = ImageComposeScene((wDp * DENSITY).toInt(), (hDp * DENSITY).toInt(), Density(DENSITY, fontScale)) {
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

/**
 * Renders every screen of [ScreenCatalog] in zh and en, light and dark, at font scale 1.0
 * and 2.0 (the largest a phone's settings offer): build/screenshots/<screen>-<lang>[-dark][-font2].png.
 * `TUILU_SCREENS=checklist,evidence` renders only the screens named.
 */
fun main(args: Array<String>) = runBlocking {
    val out = File(args.firstOrNull() ?: "build/screenshots")
    out.mkdirs()
    val only = System.getenv("TUILU_SCREENS")?.split(',')?.map { it.trim() }?.filter { it.isNotEmpty() }?.toSet()
    val catalog = ScreenCatalog.build()
    for (lang in listOf(Language.ZH, Language.EN)) {
        val l = if (lang == Language.ZH) "zh" else "en"
        for (shot in catalog.shots(lang)) {
            if (only != null && shot.name !in only) continue
            for (dark in listOf(false, true)) for (font in listOf(1f, 2f)) {
                val name = "${shot.name}-$l${if (dark) "-dark" else ""}${if (font > 1f) "-font2" else ""}.png"
                renderPng(File(out, name), dark, fontScale = font) { shot.content() }
            }
        }
    }
    println("screenshots in $out: " + out.listFiles()!!.filter { it.name.endsWith(".png") }.size)
}
