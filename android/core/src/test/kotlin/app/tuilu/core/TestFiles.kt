package app.tuilu.core

import java.io.File
import java.nio.file.Files
import java.security.MessageDigest
import kotlin.random.Random

/** Temporary files and the repository's fixtures for the tests. */
object TestFiles {
    val tempDir: File = Files.createTempDirectory("tuilu-kotlin-").toFile().apply { deleteOnExit() }

    /** The repository root: `-Dtuilu.repo=...` (set by scripts/bindings.sh), else the working dir. */
    val repo: File = File(System.getProperty("tuilu.repo") ?: System.getenv("TUILU_REPO") ?: ".")

    /**
     * The Xingtu pack in its compiled JSON form, the form the library reads (a reviewed golden
     * file that the CLI tests check against `tuilu rules compile`).
     */
    fun xingtuPack(): String =
        File(repo, "tests/golden/packs/douyin.xingtu-task-cancel.json").readText()

    /** The same pack in its authoring form (TOML), which the library does not read. */
    fun xingtuPackToml(): String =
        File(repo, "core/rules/douyin.xingtu-task-cancel.toml").readText()

    /** A fresh, empty vault directory. */
    fun vault(): String =
        Files.createTempDirectory(tempDir.toPath(), "vault-").toFile().apply { deleteOnExit() }.path

    /** The Xingtu pack with two mistakes: a dependency on a missing step, an unknown fact. */
    fun brokenXingtuPack(): String =
        xingtuPack()
            .replace("\"depends_on\": [\n        \"record_task_state\"", "\"depends_on\": [\n        \"nope\"")
            .replace("task_amount * 0.5", "task_amont * 0.5")

    fun write(name: String, bytes: ByteArray): File =
        File(tempDir, name).apply {
            writeBytes(bytes)
            deleteOnExit()
        }

    fun random(name: String, size: Int, seed: Int = size): File = write(name, Random(seed).nextBytes(size))

    fun sha256(bytes: ByteArray): String =
        MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }
}
