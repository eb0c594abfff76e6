// The JVM module: UniFFI's generated Kotlin (JVM flavour, from build/bindings/kotlin) plus
// the hand-written facade, tested with JUnit 5 against the host build of libtuilu_ffi.
// On the build machine the same sources are compiled with kotlinc by scripts/bindings.sh.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    kotlin("jvm")
}

val repoRoot: File = rootDir.parentFile
val generatedKotlin = File(repoRoot, "build/bindings/kotlin")

kotlin {
    jvmToolchain(17)
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
    sourceSets["main"].kotlin.srcDir(generatedKotlin)
}

dependencies {
    implementation("net.java.dev.jna:jna:5.18.1")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.8.0")

    testImplementation(kotlin("test"))
    testImplementation("org.junit.jupiter:junit-jupiter:5.9.2")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

// Builds the Rust library (debug) and regenerates the bindings before compiling.
val generateBindings by tasks.registering(Exec::class) {
    description = "Builds tuilu-ffi and generates the Kotlin bindings (scripts/bindings.sh generate)."
    workingDir = repoRoot
    commandLine("bash", "scripts/bindings.sh", "generate")
    inputs.dir(File(repoRoot, "core/src"))
    inputs.dir(File(repoRoot, "bindings/ffi/src"))
    inputs.file(File(repoRoot, "bindings/ffi/uniffi.toml"))
    outputs.dir(generatedKotlin)
}

tasks.named("compileKotlin") { dependsOn(generateBindings) }

tasks.test {
    useJUnitPlatform()
    val targetDir = System.getenv("CARGO_TARGET_DIR") ?: File(repoRoot, "target").path
    systemProperty("jna.library.path", File(targetDir, "debug").path)
    systemProperty("tuilu.repo", repoRoot.path)
}
