// Plugin versions for all modules. Kotlin matches the compiler the build machine uses
// (npm kotlin-compiler@2.4.20, scripts/bindings.sh).
plugins {
    id("com.android.application") version "8.7.3" apply false
    kotlin("jvm") version "2.4.20" apply false
    kotlin("android") version "2.4.20" apply false
    kotlin("plugin.compose") version "2.4.20" apply false
}
