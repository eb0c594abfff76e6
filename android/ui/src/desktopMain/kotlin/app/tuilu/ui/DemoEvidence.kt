package app.tuilu.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import java.io.ByteArrayOutputStream
import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.time.LocalDateTime
import java.time.format.DateTimeFormatter
import java.util.zip.CRC32

/**
 * Evidence for the demo that reads as what users really file: phone screenshots of a chat
 * with the guild and of the platform's "request submitted" page, in Chinese, named as the
 * phones name them (Android: `Screenshot_20261009-143012_Douyin.png`; iPhone:
 * `IMG_0123.PNG`) and carrying their capture time (EXIF `DateTimeOriginal` with the
 * +08:00 offset, in a PNG eXIf chunk, as an iPhone writes it), so the evidence screen shows
 * thumbnails and times as it would for a user. Rendered at build time, never committed.
 */
object DemoEvidence {
    private class Capture(val name: String, val at: LocalDateTime, val content: @Composable () -> Unit)

    private val captures = listOf(
        Capture("Screenshot_20261009-143012_Douyin.png", LocalDateTime.of(2026, 10, 9, 14, 30, 12)) {
            Phone("14:30", "抖音 · 星河传媒公会运营") {
                Bubble("你好，我想申请退出公会，合同已经到期了。", mine = true)
                Bubble("收到。退会申请请在抖音App里提交：我 → 设置 → 主播中心 → 公会 → 申请退会。", mine = false)
                Bubble("已经提交了，申请编号 20261009-1842。", mine = true)
                Bubble("好的，我们会在 3 个工作日内处理，请保持账号正常开播。", mine = false)
            }
        },
        Capture("IMG_0123.PNG", LocalDateTime.of(2026, 10, 9, 14, 31, 5)) {
            Phone("14:31", "申请退出公会") {
                Column(Modifier.fillMaxWidth().background(Color.White, RoundedCornerShape(12.dp)).padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Box(Modifier.size(40.dp).background(Color(0xFF2DBE60), CircleShape))
                    Text("退会申请提交成功", fontSize = 17.sp, fontWeight = FontWeight.Bold, color = Color(0xFF161823))
                    Text("申请编号：20261009-1842", fontSize = 13.sp, color = Color(0xFF57585D))
                    Text("提交时间：2026-10-09 14:30", fontSize = 13.sp, color = Color(0xFF57585D))
                    Text("公会：星河传媒公会", fontSize = 13.sp, color = Color(0xFF57585D))
                    Text("公会将在 3 个工作日内处理；逾期未处理的，平台将自动审核。", fontSize = 13.sp, color = Color(0xFF161823))
                }
            }
        },
    )

    /** Renders the captures into [dir] and returns them, oldest first. */
    fun files(dir: File): List<File> {
        dir.mkdirs()
        return captures.map { c ->
            val f = File(dir, c.name)
            renderPng(f, wDp = 360, hDp = 780) { c.content() }
            f.writeBytes(withCaptureTime(f.readBytes(), c.at))
            f
        }
    }

    @Composable
    private fun Phone(clock: String, title: String, body: @Composable () -> Unit) {
        Column(Modifier.fillMaxSize().background(Color(0xFFF2F2F5))) {
            Row(Modifier.fillMaxWidth().background(Color.White).padding(horizontal = 16.dp, vertical = 6.dp)) {
                Text(clock, fontSize = 13.sp, fontWeight = FontWeight.SemiBold, color = Color.Black)
                Spacer(Modifier.weight(1f))
                Text("5G  86%", fontSize = 12.sp, color = Color.Black)
            }
            Box(Modifier.fillMaxWidth().background(Color.White).padding(14.dp), contentAlignment = Alignment.Center) {
                Text(title, fontSize = 16.sp, fontWeight = FontWeight.SemiBold, color = Color(0xFF161823))
            }
            Column(Modifier.fillMaxWidth().padding(12.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) { body() }
            Spacer(Modifier.weight(1f))
            Box(Modifier.fillMaxWidth().height(48.dp).background(Color.White).padding(10.dp)) {
                Box(Modifier.fillMaxSize().background(Color(0xFFF0F0F2), RoundedCornerShape(16.dp)))
            }
        }
    }

    @Composable
    private fun Bubble(text: String, mine: Boolean) {
        Row(Modifier.fillMaxWidth(), horizontalArrangement = if (mine) Arrangement.End else Arrangement.Start) {
            Box(
                Modifier.widthIn(max = 250.dp)
                    .background(if (mine) Color(0xFFFE2C55) else Color.White, RoundedCornerShape(14.dp))
                    .padding(horizontal = 12.dp, vertical = 8.dp),
            ) {
                Text(text, fontSize = 14.sp, color = if (mine) Color.White else Color(0xFF161823))
            }
        }
    }

    /** [png] with an eXIf chunk (before the first IDAT) holding DateTimeOriginal and +08:00. */
    fun withCaptureTime(png: ByteArray, at: LocalDateTime): ByteArray {
        val exif = exif(at.format(DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss")), "+08:00")
        val chunk = ByteBuffer.allocate(12 + exif.size).order(ByteOrder.BIG_ENDIAN)
        chunk.putInt(exif.size)
        val typeAndData = "eXIf".toByteArray(Charsets.US_ASCII) + exif
        chunk.put(typeAndData)
        chunk.putInt(CRC32().apply { update(typeAndData) }.value.toInt())
        // After the signature (8 bytes) and IHDR (4 + 4 + 13 + 4 bytes).
        val at0 = 8 + 25
        return png.copyOfRange(0, at0) + chunk.array() + png.copyOfRange(at0, png.size)
    }

    /** A big-endian TIFF: IFD0 pointing to an Exif IFD with DateTimeOriginal and OffsetTimeOriginal. */
    private fun exif(dateTime: String, offset: String): ByteArray {
        val dt = (dateTime + "\u0000").toByteArray(Charsets.US_ASCII) // 20 bytes
        val off = (offset + "\u0000").toByteArray(Charsets.US_ASCII) // 7 bytes
        val out = ByteArrayOutputStream()
        val b = ByteBuffer.allocate(256).order(ByteOrder.BIG_ENDIAN)
        b.put("MM".toByteArray()).putShort(42).putInt(8)
        // IFD0 at 8: one entry (ExifIFDPointer), then next-IFD 0. 2 + 12 + 4 = 18 -> Exif IFD at 26.
        b.putShort(1)
        b.putShort(0x8769.toShort()).putShort(4).putInt(1).putInt(26)
        b.putInt(0)
        // Exif IFD at 26: two entries. 2 + 24 + 4 = 30 -> data at 56.
        b.putShort(2)
        b.putShort(0x9003.toShort()).putShort(2).putInt(dt.size).putInt(56)
        b.putShort(0x9011.toShort()).putShort(2).putInt(off.size).putInt(56 + dt.size)
        b.putInt(0)
        b.put(dt).put(off)
        out.write(b.array(), 0, b.position())
        return out.toByteArray()
    }
}
