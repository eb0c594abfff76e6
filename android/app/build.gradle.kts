// The Compose app (screens from android/ui). Built on a workstation with the Android SDK (not on the build machine).
// It compiles the same facade sources as :core, but over the Android flavour of the
// generated bindings (android = true, build/bindings/kotlin-android) and JNA's AAR, with
// libtuilu_ffi.so per ABI from cargo-ndk. See docs/bindings.md.
plugins {
    id("com.android.application")
    kotlin("android")
    kotlin("plugin.compose")
}

val repoRoot: File = rootDir.parentFile
// libtuilu_ffi.so per ABI, written by `scripts/bindings.sh android-libs` (cargo-ndk).
val jniLibsDir = File(repoRoot, "build/jniLibs")

android {
    namespace = "app.tuilu.android"
    compileSdk = 36

    defaultConfig {
        applicationId = "app.tuilu"
        minSdk = 26
        // Google Play requires API 36 for new apps and updates since 31 August 2026.
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildFeatures { compose = true }

    sourceSets["main"].apply {
        // The facade and state holders from :core, the Android flavour of the bindings.
        java.srcDirs(
            File(repoRoot, "android/core/src/main/kotlin"),
            File(repoRoot, "build/bindings/kotlin-android"),
            // The screens: common Compose code, the same sources the desktop tests and
            // screenshots compile (scripts/compose.sh). desktopMain/desktopTest stay out.
            File(repoRoot, "android/ui/src/commonMain/kotlin"),
        )
        jniLibs.srcDir(jniLibsDir)
    }
}

kotlin { jvmToolchain(17) }

dependencies {
    implementation("net.java.dev.jna:jna:5.18.1@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.8.0")
    implementation("androidx.annotation:annotation:1.9.1")
    implementation("androidx.activity:activity-compose:1.9.3")
    implementation("androidx.lifecycle:lifecycle-viewmodel-compose:2.8.7")
    implementation("androidx.lifecycle:lifecycle-runtime-compose:2.8.7")
    implementation(platform("androidx.compose:compose-bom:2024.12.01"))
    implementation("androidx.compose.ui:ui")
    implementation("androidx.compose.material3:material3")
    implementation("androidx.compose.material:material-icons-core")
    implementation("androidx.core:core-ktx:1.15.0")
    debugImplementation("androidx.compose.ui:ui-tooling")
    implementation("androidx.compose.ui:ui-tooling-preview")
}

// libtuilu_ffi.so for each ABI, with cargo-ndk (`cargo install cargo-ndk`, NDK installed).
val cargoNdk by tasks.registering(Exec::class) {
    description = "Builds libtuilu_ffi.so for the app's ABIs (scripts/bindings.sh android-libs)."
    workingDir = repoRoot
    commandLine("bash", "scripts/bindings.sh", "android-libs")
    inputs.dir(File(repoRoot, "core/src"))
    inputs.dir(File(repoRoot, "bindings/ffi/src"))
    outputs.dir(jniLibsDir)
}

// Generates both Kotlin flavours (the Android one with bindings/uniffi-android.toml).
val generateBindings by tasks.registering(Exec::class) {
    description = "Generates the Kotlin bindings (scripts/bindings.sh generate)."
    workingDir = repoRoot
    commandLine("bash", "scripts/bindings.sh", "generate")
    inputs.dir(File(repoRoot, "bindings/ffi/src"))
    inputs.file(File(repoRoot, "bindings/ffi/uniffi.toml"))
    inputs.file(File(repoRoot, "bindings/uniffi-android.toml"))
    outputs.dir(File(repoRoot, "build/bindings/kotlin-android"))
}

tasks.named("preBuild") { dependsOn(generateBindings, cargoNdk) }
