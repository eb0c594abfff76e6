package app.tuilu.core.bench

import app.tuilu.core.JavaTimeZoneRules
import app.tuilu.core.uniffi.AnswerRecord
import app.tuilu.core.uniffi.IntegrityCheckingUniffiLib
import app.tuilu.core.uniffi.Language
import app.tuilu.core.uniffi.beijingTimeZone
import app.tuilu.core.uniffi.UniffiRustCallStatus
import app.tuilu.core.uniffi.FfiConverterTypeViewContextRecord
import app.tuilu.core.uniffi.FfiConverterTypeHomeViewRecord
import app.tuilu.core.uniffi.StepAction
import app.tuilu.core.uniffi.TuiluApp
import app.tuilu.core.uniffi.UniffiLib
import app.tuilu.core.uniffi.ViewContextRecord
import java.io.File
import java.lang.management.ManagementFactory
import java.time.Instant
import java.time.ZoneId
import kotlin.system.exitProcess

/**
 * The JVM benchmark of issue 31: the real library (`-Djna.library.path`, release build)
 * through the generated UniFFI Kotlin bindings and JNA, as an Android app calls it. Run by
 * `scripts/jvmbench.sh`, which builds, populates once and runs the modes below:
 *
 * - `populate DIR [CASES]`: DIR/cases (CASES guild-exit cases, every third one with its
 *   submission handed in so its review clock runs: 334 clocks for 1,000), DIR/journal-0 (one
 *   case, three steps done) and DIR/journal-500 (the same after 500 start/undo pairs).
 *   Made through the public API, every write committed as a phone would.
 * - `cold DIR`: what a fresh process pays before the first home screen over DIR/cases; one
 *   `cold_ms ...` line (the script runs it in several JVMs).
 * - `measure DIR [RUNS]`: warm figures (wall median, p99, min, max; thread CPU median).
 *
 * Prints figures; it asserts nothing about time (that is for the reader and docs/performance.md).
 *
 * The cold-start phases and the home split reach into the generated bindings' `internal`
 * parts (`IntegrityCheckingUniffiLib`, `UniffiLib`, `callWithHandle`, the converters); they
 * compile because the script builds the bindings and this file as one Kotlin module, and a
 * UniFFI upgrade may rename them.
 */
private val zone: ZoneId = ZoneId.of("Asia/Shanghai")
private val rules = JavaTimeZoneRules(zone)
private val created: Instant = Instant.parse("2026-09-29T08:00:00Z")
/** When the views are measured: six days after creation, with the review clocks running. */
private val measuredAt: Instant = Instant.parse("2026-10-05T02:00:00Z")
private const val SCENARIO = "douyin.guild-exit"
private val answers = listOf(
    AnswerRecord("has_unsettled_earnings", "否"),
    AnswerRecord("has_violation_record", "否"),
    AnswerRecord("contract_ended", "是"),
)
private val beforeSubmit = listOf("check_account_status", "backup_data", "read_contract_and_negotiate")

private fun ctx(now: Instant) = ViewContextRecord(Language.ZH, rules, now)

fun main(args: Array<String>) {
    val mode = args.getOrNull(0)
    val dir = args.getOrNull(1)?.let(::File)
    if (mode == null || dir == null) usage()
    when (mode) {
        "populate" -> populate(dir, args.getOrNull(2)?.toInt() ?: 1000)
        "cold" -> cold(dir)
        "measure" -> measure(dir, args.getOrNull(2)?.toInt() ?: 50)
        else -> usage()
    }
}

private fun usage(): Nothing {
    System.err.println("usage: JvmBench populate DIR [CASES] | cold DIR | measure DIR [RUNS]")
    exitProcess(2)
}

// ---------------------------------------------------------------------------------------------
// populate

private fun populate(dir: File, cases: Int) {
    val start = System.nanoTime()
    val casesDir = File(dir, "cases").apply { mkdirs() }
    var clocks = 0
    TuiluApp(casesDir.path).use { app ->
        for (i in 0 until cases) {
            val now = created.plusSeconds(60L * i)
            val case = app.createCase(ctx(now), SCENARIO, answers)
            when (i % 3) {
                0 -> {
                    for (step in beforeSubmit) app.stepAction(ctx(now), case.id, step, StepAction.DONE, null, null, null)
                    app.stepAction(ctx(now), case.id, "submit_exit", StepAction.SUBMIT, null, null, null)
                    clocks++
                }
                1 -> app.stepAction(ctx(now), case.id, beforeSubmit[0], StepAction.DONE, null, null, null)
                else -> {}
            }
            if ((i + 1) % 100 == 0) System.err.println("  ${i + 1} cases")
        }
    }
    for (pairs in listOf(0, 500)) {
        TuiluApp(File(dir, "journal-$pairs").apply { mkdirs() }.path).use { app ->
            val now = created
            val case = app.createCase(ctx(now), SCENARIO, answers)
            for (step in beforeSubmit) app.stepAction(ctx(now), case.id, step, StepAction.DONE, null, null, null)
            repeat(pairs) {
                app.stepAction(ctx(now), case.id, "submit_exit", StepAction.START, null, null, null)
                app.undoLast(ctx(now), case.id)
            }
        }
    }
    println("populated $dir: $cases cases ($clocks with a running review clock), journal-0, journal-500 " +
        "in ${(System.nanoTime() - start) / 1_000_000_000} s")
}

// ---------------------------------------------------------------------------------------------
// cold start

private fun cold(dir: File) {
    val mainAt = System.nanoTime()
    // JVM start to main: the runtime's own start and class loading (the JVM gives ms).
    val jvmToMain = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().startTime
    val marks = mutableListOf<Pair<String, Long>>()
    fun mark(name: String) = marks.add(name to System.nanoTime())
    // JNA's own native part (libjnidispatch) loads with its Native class.
    Class.forName("com.sun.jna.Native")
    mark("jna")
    // dlopen of libtuilu_ffi.so (the bindings' own load then finds it mapped in the process).
    com.sun.jna.NativeLibrary.getInstance("tuilu_ffi")
    mark("dlopen")
    // UniFFI's contract version: the release bindings (omit_checksums, as the Android copy,
    // bindings/uniffi-jvm-release.toml) skip the checksum of every exported function.
    IntegrityCheckingUniffiLib.ensureInitialized()
    mark("checksums")
    // Direct mapping of every FFI function, callback interfaces' vtables.
    UniffiLib.ensureInitialized()
    mark("register")
    // The vault: SQLite open, schema checked, bundled packs inflated and loaded.
    val app = TuiluApp(File(dir, "cases").path)
    mark("open")
    // The first home screen in its two steps (as `homeSplit` below): the view built in Rust
    // (the vault's digests parsed once, the first page worded, serialized), then lifted
    // into Kotlin records (cold code, record classes loading).
    val status = UniffiRustCallStatus()
    val buf = app.callWithHandle { handle ->
        UniffiLib.uniffi_tuilu_ffi_fn_method_tuiluapp_home(handle, FfiConverterTypeViewContextRecord.lower(ctx(measuredAt)), status)
    }
    check(status.isSuccess()) { "home failed: $status" }
    mark("home_call")
    val home = FfiConverterTypeHomeViewRecord.lift(buf)
    mark("home_lift")
    app.close()
    var last = mainAt
    val parts = marks.joinToString(" ") { (name, at) -> "$name=${"%.1f".format((at - last) / 1e6)}".also { last = at } }
    val mainToHome = (marks.last().second - mainAt) / 1e6
    println(
        "cold_ms jvm_to_main=$jvmToMain $parts main_to_home=${"%.1f".format(mainToHome)} " +
            "jvm_to_home=${"%.1f".format(jvmToMain + mainToHome)} cards=${home.cases.size} open_cases=${home.openCount}",
    )
}

// ---------------------------------------------------------------------------------------------
// warm figures

private val threads = ManagementFactory.getThreadMXBean()

private class Runs(val wallNs: LongArray, val cpuNs: LongArray)

private fun <T> time(runs: Int, warmup: Int = 5, f: () -> T): Runs {
    repeat(warmup) { f() }
    val wall = LongArray(runs)
    val cpu = LongArray(runs)
    for (i in 0 until runs) {
        val c = threads.currentThreadCpuTime
        val w = System.nanoTime()
        f()
        wall[i] = System.nanoTime() - w
        cpu[i] = threads.currentThreadCpuTime - c
    }
    return Runs(wall, cpu)
}

/** Nearest-rank percentile of sorted values. */
private fun LongArray.pct(p: Double): Long = this[(Math.ceil(p / 100.0 * size).toInt() - 1).coerceIn(0, size - 1)]

private fun ms(ns: Long) = "%.2f".format(ns / 1e6)

private fun report(label: String, r: Runs): Double {
    val w = r.wallNs.sortedArray()
    val c = r.cpuNs.sortedArray()
    println(
        "  %-44s wall median %s / p99 %s / min %s / max %s ms   cpu median %s ms  (%d runs)".format(
            label, ms(w.pct(50.0)), ms(w.pct(99.0)), ms(w.first()), ms(w.last()), ms(c.pct(50.0)), w.size,
        ),
    )
    return w.pct(50.0) / 1e6
}

private fun measure(dir: File, runs: Int) {
    println("JVM benchmark (release library through JNA), ${Runtime.getRuntime().availableProcessors()} cores, " +
        "java ${System.getProperty("java.version")}")
    TuiluApp(File(dir, "cases").path).use { app ->
        val c = ctx(measuredAt)
        val home = app.home(c)
        println("vault ${File(dir, "cases")}: ${home.openCount} open cases, the first ${home.cases.size} as cards")
        report("home (first page: ${home.cases.size} of ${home.openCount})", time(runs) { app.home(c) })
        homeSplit(app, c, runs)
        // The whole list as cards, as home was before it came in pages (and as a user who
        // scrolled to the end has it).
        val all = home.openCount.toInt()
        report("home, all $all cards", time(runs) { app.homeShowing(c, all) })
        // The same call with the zone implemented in Rust (no JNA up-call per zone question).
        val rustZone = ViewContextRecord(Language.ZH, beijingTimeZone(), measuredAt)
        report("home, zone rules in Rust (beijingTimeZone)", time(runs) { app.home(rustZone) })

        val first = app.reminderSync(c, emptyList())
        val scheduled = first.schedule.map { it.token } + first.keep
        println("reminder sync: ${first.schedule.size} to schedule from nothing (budget ${first.budget})")
        report("reminderSync, nothing scheduled", time(runs) { app.reminderSync(c, emptyList()) })
        val steady = app.reminderSync(c, scheduled)
        println("reminder sync, steady: ${steady.schedule.size} schedule / ${steady.cancel.size} cancel / ${steady.keep.size} keep")
        report("reminderSync, all scheduled (steady)", time(runs) { app.reminderSync(c, scheduled) })

        val busiest = home.cases.first().id
        report("case view (${home.openCount}-case vault)", time(runs) { app.caseScreen(c, busiest) })
    }
    val journal = listOf(0, 500).map { pairs ->
        TuiluApp(File(dir, "journal-$pairs").path).use { app ->
            val c = ctx(measuredAt)
            val id = app.home(c).cases.single().id
            report("case view, $pairs start/undo pairs", time(runs) { app.caseScreen(c, id) })
        }
    }
    println("  case view ratio 500 pairs / fresh: %.2fx (target 1.5x)".format(journal[1] / journal[0]))
}

/**
 * Where a home call's time goes: the native call (the view built in Rust, serialized into a
 * RustBuffer, the zone's up-calls into [JavaTimeZoneRules]) and the lift (the buffer read
 * into Kotlin records: strings decoded, lists and objects allocated). The bindings' own
 * `home` is exactly these two steps.
 */
private fun homeSplit(app: TuiluApp, c: ViewContextRecord, runs: Int) {
    val call = Runs(LongArray(runs), LongArray(runs))
    val lift = Runs(LongArray(runs), LongArray(runs))
    var bytes = 0L
    for (i in -5 until runs) {
        val c0 = threads.currentThreadCpuTime
        val t0 = System.nanoTime()
        val status = UniffiRustCallStatus()
        val buf = app.callWithHandle { handle ->
            UniffiLib.uniffi_tuilu_ffi_fn_method_tuiluapp_home(handle, FfiConverterTypeViewContextRecord.lower(c), status)
        }
        check(status.isSuccess()) { "home failed: $status" }
        val c1 = threads.currentThreadCpuTime
        val t1 = System.nanoTime()
        bytes = buf.len
        FfiConverterTypeHomeViewRecord.lift(buf)
        val c2 = threads.currentThreadCpuTime
        val t2 = System.nanoTime()
        if (i >= 0) {
            call.wallNs[i] = t1 - t0; call.cpuNs[i] = c1 - c0
            lift.wallNs[i] = t2 - t1; lift.cpuNs[i] = c2 - c1
        }
    }
    report("home: native call (view, serialize, zone)", call)
    report("home: lift (${bytes / 1024} KiB into records)", lift)
}
