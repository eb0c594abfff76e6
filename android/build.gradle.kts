// Plugin versions for all modules. Kotlin matches the compiler the build machine uses
// (npm kotlin-compiler@2.4.20, scripts/bindings.sh). Android's Kotlin support table asks,
// for Kotlin 2.4, AGP 8.5.2+ and R8 9.1.29+: AGP 8.13.2 (compileSdk/targetSdk 36) with R8
// pinned below (AGP 8.13 bundles R8 8.13, which predates Kotlin 2.4's
// metadata).
buildscript {
    repositories {
        google()
        mavenCentral()
    }
    // R8 for Kotlin 2.4 class files, overriding the one AGP bundles (only the minified
    // release build runs it).
    dependencies {
        classpath("com.android.tools:r8:9.1.29")
    }
}

plugins {
    id("com.android.application") version "8.13.2" apply false
    kotlin("jvm") version "2.4.20" apply false
    kotlin("android") version "2.4.20" apply false
    kotlin("plugin.compose") version "2.4.20" apply false
}
