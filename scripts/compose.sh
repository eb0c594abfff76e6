#!/usr/bin/env bash
# The Compose screens of android/ui on the desktop JVM: compiled with kotlinc's Compose
# plugin against Compose Multiplatform 1.7.3 from Maven Central, run against the real
# libtuilu_ffi through JNA. See docs/android-ui.md.
#
#   scripts/compose.sh deps      fonts (apt) + the Maven classpath into build/compose/lib (cached)
#   scripts/compose.sh build     generate bindings, compile core facade + android/ui (cached by digest)
#   scripts/compose.sh screens   render every screen to build/screenshots/<screen>-<lang>[-dark][-font2].png
#   scripts/compose.sh test      UI tests + reminder logic tests; prints "compose: N passed, N failed"
#
# SKIP_GENERATE=1 reuses build/bindings; CORE_JAR=<jar> reuses a compiled bindings + facade jar.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BUILD="$ROOT/build/compose"
LIB="$BUILD/lib"
POM="android/ui/desktop/pom.xml"
K="$ROOT/build/tools/node_modules/kotlin-compiler"
KOTLINC="$K/bin/kotlinc"
JAVA_SHARE=/usr/share/java
JUNIT_CONSOLE="$JAVA_SHARE/junit-platform-console-standalone.jar"

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

deps() {
    local pkgs=() p
    for p in fonts-noto-cjk libgl1 fontconfig maven libjna-java junit5; do
        dpkg -s "$p" >/dev/null 2>&1 || pkgs+=("$p")
    done
    if [ "${#pkgs[@]}" -gt 0 ]; then
        log "installing ${pkgs[*]} (apt)"
        as_root apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2
    fi
    local stamp="$LIB/.pom.sha256" digest
    digest=$(sha256sum "$POM" | cut -c1-64)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
        log "resolving the Compose Desktop classpath from Maven Central into build/compose/lib"
        rm -rf "$LIB"
        mkdir -p "$LIB"
        mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$LIB" >&2
        echo "$digest" >"$stamp"
    fi
    # kotlinc (npm) comes with scripts/bindings.sh's tools.
    [ -x "$KOTLINC" ] || die "kotlinc missing: run scripts/bindings.sh test (or generate + tools) first"
}

# Compose's jars; Kotlin's own stdlib/coroutines come from kotlinc 2.4 (newer than the poms').
compose_cp() {
    local IFS=:
    local jars=()
    mapfile -t jars < <(ls "$LIB"/*.jar | grep -v -e '/kotlin-stdlib' -e '/kotlinx-coroutines-core')
    jars+=("$JAVA_SHARE/jna.jar" "$K/lib/kotlinx-coroutines-core-jvm.jar")
    echo "${jars[*]}"
}

# kotlinc with a cache: recompiles only when the sources or the classpath changed.
compile() {
    local jar="$1" cp="$2" plugin="$3"
    shift 3
    local digest
    digest=$({ echo "$cp $plugin"; cat "$@"; } | sha256sum | cut -c1-64)
    if [ -f "$jar" ] && [ "$(cat "$jar.sha256" 2>/dev/null)" = "$digest" ]; then
        return 0
    fi
    rm -f "$jar" "$jar.sha256"
    local args=(-nowarn -jvm-target 17 -classpath "$cp" -d "$jar")
    [ -z "$plugin" ] || args+=("-Xplugin=$K/lib/compose-compiler-plugin.jar")
    timed "kotlinc $(basename "$jar")" "$KOTLINC" "${args[@]}" "$@"
    echo "$digest" >"$jar.sha256"
}

build() {
    deps
    [ -n "${SKIP_GENERATE:-}" ] || scripts/bindings.sh generate >&2
    local core_src=() ui_src=() test_src=()
    mapfile -t core_src < <(find build/bindings/kotlin android/core/src/main/kotlin -name '*.kt' | sort)
    mapfile -t ui_src < <(find android/ui/src/commonMain android/ui/src/desktopMain -name '*.kt' | sort)
    mapfile -t test_src < <(find android/ui/src/desktopTest -name '*.kt' | sort)
    local cp
    cp=$(compose_cp)
    if [ -n "${CORE_JAR:-}" ]; then
        # scripts/test-all.sh passes the jar scripts/bindings.sh test just compiled (the same
        # generated bindings + facade, plus its tests): no second kotlinc run of the bindings.
        cp "$CORE_JAR" "$BUILD/core.jar"
    else
        compile "$BUILD/core.jar" "$cp" "" "${core_src[@]}"
    fi
    compile "$BUILD/ui.jar" "$cp:$BUILD/core.jar" compose "${ui_src[@]}"
    compile "$BUILD/ui-tests.jar" "$cp:$BUILD/core.jar:$BUILD/ui.jar:$JAVA_SHARE/junit-jupiter-api.jar:$JAVA_SHARE/apiguardian-api.jar:$JAVA_SHARE/opentest4j.jar:$K/lib/kotlin-test.jar" \
        compose "${test_src[@]}"
}

run_cp() { echo "$BUILD/core.jar:$BUILD/ui.jar:$(compose_cp):$K/lib/kotlin-stdlib.jar"; }

java_opts=(-Djava.awt.headless=true -Dskiko.renderApi=SOFTWARE)

screens() {
    build
    local out="$ROOT/build/screenshots"
    rm -rf "$out"
    timed "render" java "${java_opts[@]}" -Djna.library.path="$TARGET_DIR/debug" \
        -cp "$(run_cp)" app.tuilu.ui.ScreenshotsKt "$out"
}

run_tests() {
    build
    local out status=0
    out=$(java "${java_opts[@]}" -Djna.library.path="$TARGET_DIR/debug" -Dtuilu.repo="$ROOT" \
        -jar "$JUNIT_CONSOLE" --disable-banner --details=tree --disable-ansi-colors \
        --class-path "$BUILD/ui-tests.jar:$(run_cp):$K/lib/kotlin-test.jar:$K/lib/kotlin-test-junit5.jar:$JAVA_SHARE/junit-jupiter-api.jar:$JAVA_SHARE/apiguardian-api.jar:$JAVA_SHARE/opentest4j.jar" \
        --scan-classpath "$BUILD/ui-tests.jar" --fail-if-no-tests 2>&1) || status=$?
    local passed failed declared
    passed=$(grep -Eo '\[ *[0-9]+ tests successful' <<<"$out" | grep -Eo '[0-9]+' || echo 0)
    local skipped
    skipped=$(grep -Eo '\[ *[0-9]+ tests skipped' <<<"$out" | grep -Eo '[0-9]+' || echo 0)
    failed=$(grep -Eo '\[ *[0-9]+ tests failed' <<<"$out" | grep -Eo '[0-9]+' || echo 0)
    declared=$(find android/ui/src/desktopTest -name '*.kt' -exec cat {} + | grep -c '@Test' || true)
    declared=$((declared - skipped))
    if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$((passed + failed))" -ne "$declared" ]; then
        printf '%s\n' "$out"
        [ "$((passed + failed))" -eq "$declared" ] || echo "compose: $declared @Test methods but $((passed + failed)) ran"
        echo "compose: $passed passed, $((failed > 0 ? failed : 1)) failed"
        exit 1
    fi
    [ -z "${VERBOSE:-}" ] || printf '%s\n' "$out"
    echo "compose: $passed passed, $failed failed"
}

case "${1:-test}" in
deps) deps ;;
build) build ;;
screens) screens ;;
test) run_tests ;;
*) die "usage: $0 [deps|build|screens|test]" ;;
esac
