#!/usr/bin/env bash
# android/app on the real Android framework, without Gradle or the Android SDK: kotlinc
# compiles the app (with the facade, android/ui's common code and the Android flavour of
# the generated bindings) against Robolectric's android-all jar and the AndroidX AARs of
# android/app/pom.xml; aapt2 (from the Maven registry) compiles and links the resources;
# Robolectric 4.17 runs android/app/src/test on SDK 26, 33 and 35, against the real core
# (JNA loads the host libtuilu_ffi.so). See docs/android-ui.md.
#
#   scripts/android.sh deps    fetch everything (Maven, apt, kotlinc); cached
#   scripts/android.sh build   resources, app classes, test classes (cached by digest)
#   scripts/android.sh test    build, API-26 check, 16 KB check, Robolectric on 3 SDKs;
#                              prints "android: N passed, N failed"
#
# SKIP_GENERATE=1 reuses build/bindings. SDKS="35" limits the Robolectric run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BUILD="$ROOT/build/android"
LIB="$BUILD/lib"      # android/app/pom.xml's jars and AARs
SDK="$BUILD/sdk"      # android-all (compile) and android-all-instrumented per SDK (Robolectric)
TOOLS="$BUILD/tools"  # aapt2, JNA (jar + AAR), animal-sniffer and the API-26 signature
POM="android/app/pom.xml"
K="$ROOT/build/tools/node_modules/kotlin-compiler"
KOTLINC="$K/bin/kotlinc"
SDKS="${SDKS:-26 33 35}"

# Robolectric 4.17's framework jars: android-all to compile against, the instrumented
# one per SDK level to run on (docs/android-ui.md).
ANDROID_ALL="org.robolectric:android-all:15-robolectric-13954326"
declare -A INSTRUMENTED=(
    [26]="8.0.0_r4-robolectric-r1-i7"
    [33]="13-robolectric-9030017-i7"
    [35]="15-robolectric-13954326-i7"
)
AAPT2="com.android.tools.build:aapt2:8.7.2-12006047:jar:linux"
# JNA: 5.17+ ships 16 KB-aligned Android libraries. Keep in step with android/*/build.gradle.kts.
JNA_VERSION="5.18.1"
ANIMAL_SNIFFER="org.codehaus.mojo:animal-sniffer:1.24"
ASM="org.ow2.asm:asm:9.7.1"
API26_SIGNATURE="net.sf.androidscents.signature:android-api-level-26:8.0.0_r2:signature"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
timed() {
    local label="$1" start ms
    shift
    start=$(date +%s%N)
    "$@"
    ms=$((($(date +%s%N) - start) / 1000000))
    printf '== %s: %d.%01d s\n' "$label" $((ms / 1000)) $((ms % 1000 / 100)) >&2
}

# One Maven artifact into a folder, unless its file is there already.
fetch() {
    local artifact="$1" dir="$2" file="$3"
    [ -s "$dir/$file" ] && return 0
    mkdir -p "$dir"
    log "fetching $artifact"
    mvn -q -B dependency:copy -Dartifact="$artifact" -DoutputDirectory="$dir" >&2
    [ -s "$dir/$file" ] || die "$artifact: $file not fetched"
}

deps() {
    local pkgs=() p
    command -v mvn >/dev/null || pkgs+=(maven)
    command -v python3 >/dev/null || pkgs+=(python3)
    command -v unzip >/dev/null || pkgs+=(unzip)
    if [ "${#pkgs[@]}" -gt 0 ]; then
        log "installing ${pkgs[*]} (apt)"
        as_root apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2
    fi
    local stamp="$LIB/.pom.sha256" digest
    digest=$(sha256sum "$POM" | cut -c1-64)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
        log "resolving android/app's classpath from the Maven registry into build/android/lib"
        rm -rf "$LIB" "$BUILD/aar"
        mkdir -p "$LIB"
        mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$LIB" >&2
        echo "$digest" >"$stamp"
    fi
    fetch "$ANDROID_ALL" "$SDK" "android-all-15-robolectric-13954326.jar"
    local level
    for level in $SDKS; do
        [ -n "${INSTRUMENTED[$level]:-}" ] || die "no android-all-instrumented version for SDK $level"
        fetch "org.robolectric:android-all-instrumented:${INSTRUMENTED[$level]}" "$SDK" \
            "android-all-instrumented-${INSTRUMENTED[$level]}.jar"
    done
    fetch "$AAPT2" "$TOOLS" "aapt2-8.7.2-12006047-linux.jar"
    fetch "net.java.dev.jna:jna:$JNA_VERSION" "$TOOLS" "jna-$JNA_VERSION.jar"
    fetch "net.java.dev.jna:jna:$JNA_VERSION:aar" "$TOOLS" "jna-$JNA_VERSION.aar"
    fetch "$ANIMAL_SNIFFER" "$TOOLS" "animal-sniffer-1.24.jar"
    fetch "$ASM" "$TOOLS" "asm-9.7.1.jar"
    fetch "$API26_SIGNATURE" "$TOOLS" "android-api-level-26-8.0.0_r2.signature"
    if [ ! -x "$TOOLS/aapt2" ]; then
        unzip -q -o -d "$TOOLS" "$TOOLS/aapt2-8.7.2-12006047-linux.jar" aapt2
        chmod +x "$TOOLS/aapt2"
    fi
    # The classes of every AAR (the app's libraries, androidx.test's monitor).
    if [ ! -f "$BUILD/aar/.done" ]; then
        rm -rf "$BUILD/aar"
        mkdir -p "$BUILD/aar"
        local aar
        for aar in "$LIB"/*.aar; do
            unzip -q -p "$aar" classes.jar >"$BUILD/aar/$(basename "$aar" .aar).jar"
        done
        touch "$BUILD/aar/.done"
    fi
    # kotlinc: the same npm package (and version) as scripts/bindings.sh.
    if [ ! -x "$KOTLINC" ]; then
        local version
        version=$(sed -n 's/^KOTLIN_VERSION="\(.*\)"$/\1/p' scripts/bindings.sh)
        log "installing kotlin-compiler@$version (npm) into build/tools"
        mkdir -p build/tools
        npm install --silent --no-audit --no-fund --prefix build/tools "kotlin-compiler@$version" >&2
    fi
}

join() { local IFS=:; echo "$*"; }

# What the app compiles against (android-all first: the framework the app runs on).
compile_cp() {
    local jars=("$SDK/android-all-15-robolectric-13954326.jar")
    mapfile -t -O 1 jars < <(ls "$BUILD"/aar/*.jar "$LIB"/*.jar | grep -v -e '/kotlin-stdlib' -e '/kotlinx-coroutines-core')
    jars+=("$TOOLS/jna-$JNA_VERSION.jar" "$K/lib/kotlinx-coroutines-core-jvm.jar")
    join "${jars[@]}"
}

# kotlinc with a cache: recompiles only when the sources or the classpath changed.
compile() {
    local jar="$1" cp="$2"
    shift 2
    local digest
    digest=$({ echo "$cp"; cat "$@"; } | sha256sum | cut -c1-64)
    if [ -f "$jar" ] && [ "$(cat "$jar.sha256" 2>/dev/null)" = "$digest" ]; then
        return 0
    fi
    rm -f "$jar" "$jar.sha256"
    timed "kotlinc $(basename "$jar")" "$KOTLINC" -nowarn -jvm-target 17 \
        -Xnullability-annotations=@android.annotation:warn \
        "-Xplugin=$K/lib/compose-compiler-plugin.jar" -classpath "$cp" -d "$jar" "$@"
    echo "$digest" >"$jar.sha256"
}

# aapt2: the app's and every library's res/ and manifests into resources.ap_ and the R
# classes, as AGP does for non-namespaced libraries (Robolectric reads resources.ap_ and the
# merged manifest; launching an Activity needs the libraries' themes, strings and
# components, e.g. ui-test-manifest's ComponentActivity and androidx.startup's provider).
resources() {
    local out="$BUILD/res" digest
    digest=$({ find android/app/src/main/res android/app/src/main/AndroidManifest.xml android/app/build.gradle.kts \
        scripts/android/merge_manifest.py -type f | sort | xargs cat; cat "$LIB/.pom.sha256"; } | sha256sum | cut -c1-64)
    if [ -f "$out/r.jar" ] && [ "$(cat "$out/sha256" 2>/dev/null)" = "$digest" ]; then
        return 0
    fi
    rm -rf "$out"
    mkdir -p "$out/gen" "$out/r" "$out/config/com/android/tools" "$out/aars"
    # Each AAR's manifest, res/ and R.txt; its res/ compiled on its own (aapt2 compile --dir).
    local aar name manifests=() overlays=() packages=()
    for aar in "$LIB"/*.aar; do
        name=$(basename "$aar" .aar)
        unzip -q -o -d "$out/aars/$name" "$aar" AndroidManifest.xml 'res/*' R.txt 2>/dev/null || true
        manifests+=("$out/aars/$name/AndroidManifest.xml")
        if [ -n "$(find "$out/aars/$name/res" -type f 2>/dev/null | head -1)" ]; then
            "$TOOLS/aapt2" compile --dir "$out/aars/$name/res" -o "$out/aars/$name.zip"
            overlays+=(-R "$out/aars/$name.zip")
        fi
        # A library with resources gets its own R class (its code reads androidx.core.R...).
        if [ -s "$out/aars/$name/R.txt" ]; then
            packages+=("$(sed -n 's/.*package="\([^"]*\)".*/\1/p' "$out/aars/$name/AndroidManifest.xml" | head -1)")
        fi
    done
    # The merged manifest as Gradle writes it: the application id as package, class names
    # resolved against the namespace, minSdk and targetSdk from android/app/build.gradle.kts,
    # then the libraries' permissions and components.
    python3 scripts/android/merge_manifest.py android/app/build.gradle.kts \
        android/app/src/main/AndroidManifest.xml "${manifests[@]}" >"$out/AndroidManifest.xml"
    "$TOOLS/aapt2" compile --dir android/app/src/main/res -o "$out/res.zip"
    # Libraries first, the app's res/ last: the app's values win, as in AGP's resource merge.
    "$TOOLS/aapt2" link -I "$SDK/android-all-15-robolectric-13954326.jar" \
        --manifest "$out/AndroidManifest.xml" --custom-package app.tuilu.android \
        --extra-packages "$(IFS=:; echo "${packages[*]}")" --auto-add-overlay \
        -o "$out/resources.ap_" --java "$out/gen" "${overlays[@]}" -R "$out/res.zip"
    javac -nowarn -J-XX:TieredStopAtLevel=1 -d "$out/r" $(find "$out/gen" -name '*.java')
    (cd "$out/r" && jar cf ../r.jar .)
    cat >"$out/config/com/android/tools/test_config.properties" <<EOF
android_resource_apk=$out/resources.ap_
android_merged_manifest=$out/AndroidManifest.xml
android_custom_package=app.tuilu.android
EOF
    echo "$digest" >"$out/sha256"
}

build() {
    deps
    [ -n "${SKIP_GENERATE:-}" ] || scripts/bindings.sh generate >&2
    [ -f build/bindings/kotlin-android/app/tuilu/core/uniffi/tuilu.kt ] || die "no Android bindings: scripts/bindings.sh generate"
    timed "aapt2" resources
    local shared_src=() app_src=() test_src=() cp
    # Two jars: the shared code (bindings, facade, android/ui's screens: the long compile,
    # rarely changed) and android/app itself.
    mapfile -t shared_src < <(find build/bindings/kotlin-android android/core/src/main/kotlin \
        android/ui/src/commonMain/kotlin -name '*.kt' | sort)
    mapfile -t app_src < <(find android/app/src/main/kotlin -name '*.kt' | sort)
    mapfile -t test_src < <(find android/app/src/test -name '*.kt' | sort)
    cp="$(compile_cp):$BUILD/res/r.jar"
    compile "$BUILD/shared.jar" "$cp" "${shared_src[@]}"
    compile "$BUILD/app.jar" "$cp:$BUILD/shared.jar" "${app_src[@]}"
    compile "$BUILD/app-tests.jar" "$cp:$BUILD/shared.jar:$BUILD/app.jar:$K/lib/kotlin-test.jar:$K/lib/kotlin-test-junit.jar" "${test_src[@]}"
}

# ---------------------------------------------------------------------------------------------
# checks; each prints one "<name>: N passed, N failed" line

FAILED=()
PASSED=0
FAILS=0

# minSdk 26: every class that ships (bindings, facade, android/ui common code, the app)
# against Android API 26's signature. Calls guarded by SDK_INT sit in @RequiresApi code.
api26() {
    local checker="$BUILD/api26"
    if [ ! -f "$checker/ApiCheck.class" ] || [ scripts/android/ApiCheck.java -nt "$checker/ApiCheck.class" ]; then
        mkdir -p "$checker"
        javac -nowarn -d "$checker" -cp "$TOOLS/animal-sniffer-1.24.jar" scripts/android/ApiCheck.java
    fi
    local out status=0
    out=$(java -cp "$checker:$TOOLS/animal-sniffer-1.24.jar:$TOOLS/asm-9.7.1.jar" ApiCheck \
        "$TOOLS/android-api-level-26-8.0.0_r2.signature" "$BUILD/shared.jar:$BUILD/app.jar" \
        "$(compile_cp | sed "s#^$SDK/android-all-15-robolectric-13954326.jar:##"):$K/lib/kotlin-stdlib.jar:$BUILD/res/r.jar" 2>&1) || status=$?
    if [ "$status" -eq 0 ]; then
        echo "api26: 1 passed, 0 failed"
        PASSED=$((PASSED + 1))
    else
        printf '%s\n' "$out"
        echo "api26: 0 passed, 1 failed"
        FAILED+=(api26)
        FAILS=$((FAILS + 1))
    fi
}

# 16 KB pages: JNA's Android libraries and bindings/ffi/build.rs's link arguments.
page16k() {
    local out status=0
    out=$(python3 scripts/android/page_size_check.py "$TOOLS/jna-$JNA_VERSION.aar" bindings/ffi/build.rs 2>&1) || status=$?
    printf '%s\n' "$out" | grep -v '^16k:' >&2 || true
    local line
    line=$(grep '^16k:' <<<"$out" || echo "16k: 0 passed, 1 failed")
    echo "$line"
    PASSED=$((PASSED + $(awk '{print $2}' <<<"$line")))
    FAILS=$((FAILS + $(awk '{print $4}' <<<"$line")))
    [ "$status" -eq 0 ] || FAILED+=(16k)
}

run_cp() {
    join "$BUILD/app-tests.jar" "$BUILD/app.jar" "$BUILD/shared.jar" "$BUILD/res/r.jar" "$BUILD/res/config" "$(compile_cp)" \
        "$K/lib/kotlin-stdlib.jar" "$K/lib/kotlin-test.jar" "$K/lib/kotlin-test-junit.jar"
}

# The test classes: every class in app-tests.jar with a @Test method (JUnitCore takes names).
test_classes() {
    unzip -Z1 "$BUILD/app-tests.jar" | grep -E '^app/tuilu/android/[A-Za-z]+Test\.class$' | sed -e 's#/#.#g' -e 's#\.class$##'
}

robolectric() {
    local level="$1" out status=0 classes=()
    mapfile -t classes < <(test_classes)
    [ "${#classes[@]}" -gt 0 ] || die "no test classes in app-tests.jar"
    # One JVM per SDK: JNA's native dispatch library loads once per JVM, and each SDK has
    # its own sandbox class loader.
    # UniFFI's Android bindings free objects through android.system.SystemCleaner (SDK 33+),
    # which reaches into the JDK's jdk.internal.ref on Robolectric; Robolectric moves
    # java.io.FileDescriptor fields when a ParcelFileDescriptor closes.
    out=$(timed "robolectric sdk $level" java -Xmx2g -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
        --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
        -Drobolectric.offline=true -Drobolectric.dependency.dir="$SDK" \
        -Drobolectric.enabledSdks="$level" -Djna.library.path="$TARGET_DIR/debug" \
        -Dtuilu.repo="$ROOT" -Drobolectric.logging=stderr \
        -cp "$(run_cp)" org.junit.runner.JUnitCore "${classes[@]}" 2>&1) || status=$?
    local run failed
    if grep -qE '^OK \([0-9]+ tests?\)' <<<"$out"; then
        run=$(grep -Eo '^OK \([0-9]+' <<<"$out" | grep -Eo '[0-9]+')
        failed=0
    else
        run=$(grep -Eo '^Tests run: [0-9]+' <<<"$out" | grep -Eo '[0-9]+' || echo 0)
        failed=$(grep -Eo 'Failures: [0-9]+' <<<"$out" | grep -Eo '[0-9]+' || echo 1)
    fi
    grep -E '^== robolectric' <<<"$out" >&2 || true
    if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$run" -eq 0 ]; then
        printf '%s\n' "$out" | grep -v '^== robolectric' | head -300 || true
        FAILED+=("sdk$level")
        [ "$failed" -gt 0 ] || failed=1
    elif [ -n "${VERBOSE:-}" ]; then
        printf '%s\n' "$out"
    fi
    echo "== sdk $level: $((run - failed)) passed, $failed failed" >&2
    PASSED=$((PASSED + run - failed))
    FAILS=$((FAILS + failed))
}

run_tests() {
    build
    [ -f "$TARGET_DIR/debug/libtuilu_ffi.so" ] || die "no $TARGET_DIR/debug/libtuilu_ffi.so: scripts/bindings.sh generate"
    api26 >&2
    page16k >&2
    local level
    for level in $SDKS; do
        robolectric "$level"
    done
    [ "${#FAILED[@]}" -eq 0 ] || log "failed: ${FAILED[*]}"
    echo "android: $PASSED passed, $FAILS failed"
    [ "${#FAILED[@]}" -eq 0 ]
}

case "${1:-test}" in
deps) deps ;;
build) build ;;
api26) build && api26 ;;
16k) deps && page16k ;;
test) run_tests ;;
*) die "usage: $0 [deps|build|api26|16k|test]" ;;
esac
