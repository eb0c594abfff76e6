// Tuilu Android: `:core` is a plain JVM module (generated bindings + Kotlin facade + state
// holders, tested against the host library), `:app` the Compose app (needs the Android SDK).
// See docs/bindings.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "tuilu"
include(":core", ":app")
