package app.tuilu.core

import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.HttpURLConnection
import java.net.URL

/**
 * Fetches one file of a rule-pack release (docs/rule-updates.md): its bytes, or null when
 * the server says 404. Throws [IOException] for anything else; the core records and words it.
 * The core does no networking; it checks what this hands over (the signature, not the
 * transport, makes a release trusted).
 */
fun interface ReleaseFetch {
    @Throws(IOException::class)
    fun get(url: String): ByteArray?
}

/**
 * [ReleaseFetch] with the platform's HTTP client: no redirect is followed (a 3xx is
 * refused), each request has [timeoutMs], a body past [maxBytes] is cut there (the core
 * then refuses it as too large).
 */
class HttpReleaseFetch(
    private val timeoutMs: Int = 30_000,
    private val maxBytes: Int = (1 shl 20) + 1,
) : ReleaseFetch {
    override fun get(url: String): ByteArray? {
        val c = URL(url).openConnection() as HttpURLConnection
        try {
            c.instanceFollowRedirects = false
            c.connectTimeout = timeoutMs
            c.readTimeout = timeoutMs
            val code = c.responseCode
            if (code == 404) return null
            if (code in 300..399) throw IOException("HTTP $code: redirect refused ($url)")
            if (code != 200) throw IOException("HTTP $code ($url)")
            c.inputStream.use { input ->
                val out = ByteArrayOutputStream()
                val buf = ByteArray(16 * 1024)
                while (out.size() < maxBytes) {
                    val n = input.read(buf, 0, minOf(buf.size, maxBytes - out.size()))
                    if (n < 0) break
                    out.write(buf, 0, n)
                }
                return out.toByteArray()
            }
        } finally {
            c.disconnect()
        }
    }
}
