#!/usr/bin/env bash
# The JVM benchmark (issue 31): the release libtuilu_ffi.so through the generated Kotlin
# bindings and JNA, as an Android app calls it. Prints figures; asserts nothing.
#
#   scripts/jvmbench.sh [CASES] [COLD_RUNS] [RUNS]     (defaults 1000, 9, 50)
#
# Builds the release library and measures a stripped copy of it (what an app ships),
# generates the release flavour of the Kotlin bindings (bindings/uniffi-jvm-release.toml:
# no per-function checksums at start-up, as the Android copy), compiles
# android/core/src/bench with them and the facade into build/kotlin/tuilu-jvmbench.jar, populates build/jvmbench/vaults-CASES once through the
# public API (kept between runs: delete it to start over), then runs COLD_RUNS fresh JVMs
# for the cold start and one JVM for the warm figures. Figures: docs/performance.md.
# On a shared machine run it as root with `chrt -f 50` for steadier figures.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CASES="${1:-1000}"
COLD_RUNS="${2:-9}"
RUNS="${3:-50}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BUILD="$ROOT/build"
KOTLIN_LIB="$BUILD/tools/node_modules/kotlin-compiler/lib"
KOTLINC="$BUILD/tools/node_modules/kotlin-compiler/bin/kotlinc"
JNA_JAR="/usr/share/java/jna.jar"
JAR="$BUILD/kotlin/tuilu-jvmbench.jar"
VAULTS="$BUILD/jvmbench/vaults-$CASES"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

LIB_DIR="$BUILD/jvmbench/lib"
BINDINGS="$BUILD/jvmbench/kotlin-release"

# The library as the apps ship it: the cdylib alone (docs/bindings.md#size), stripped.
log "cargo rustc --release -p tuilu-ffi --lib --crate-type cdylib; cargo build -p tuilu-ffi -p uniffi-bindgen"
cargo rustc --quiet --release -p tuilu-ffi --lib --crate-type cdylib
cargo build --quiet -p tuilu-ffi -p uniffi-bindgen
[ -x "$KOTLINC" ] || die "kotlinc missing: run scripts/bindings.sh test once (installs build/tools)"
[ -f "$JNA_JAR" ] || die "$JNA_JAR missing: apt-get install libjna-java"
# The shipped library is stripped (scripts/bindings.sh size strips the same way).
mkdir -p "$LIB_DIR"
strip -o "$LIB_DIR/libtuilu_ffi.so" "$TARGET_DIR/release/libtuilu_ffi.so"
rm -rf "$BINDINGS"
"$TARGET_DIR/debug/uniffi-bindgen" generate "$TARGET_DIR/debug/libtuilu_ffi.so" --no-format \
    --language kotlin --out-dir "$BINDINGS" --config bindings/uniffi-jvm-release.toml >/dev/null
grep -q 'uniffiCheckApiChecksums(' "$BINDINGS/app/tuilu/core/uniffi/tuilu.kt" &&
    die "the release bindings still check every function's checksum"

mapfile -t sources < <(find "$BINDINGS" android/core/src/main/kotlin \
    android/core/src/bench/kotlin -name '*.kt' | sort)
classpath="$JNA_JAR:$KOTLIN_LIB/kotlinx-coroutines-core-jvm.jar"
digest=$(cat "${sources[@]}" | sha256sum | cut -c1-64)
if [ ! -f "$JAR" ] || [ "$(cat "$JAR.sha256" 2>/dev/null)" != "$digest" ]; then
    log "kotlinc (${#sources[@]} files)"
    mkdir -p "$(dirname "$JAR")"
    rm -f "$JAR" "$JAR.sha256"
    "$KOTLINC" -nowarn -jvm-target 17 -classpath "$classpath" -d "$JAR" "${sources[@]}"
    echo "$digest" >"$JAR.sha256"
fi

run() {
    # shellcheck disable=SC2086 # JAVA_OPTS_EXTRA holds separate options
    java ${JAVA_OPTS_EXTRA:-} -Djna.library.path="$LIB_DIR" \
        -cp "$JAR:$classpath:$KOTLIN_LIB/kotlin-stdlib.jar" app.tuilu.core.bench.JvmBenchKt "$@"
}

if [ ! -f "$VAULTS/.complete" ]; then
    rm -rf "$VAULTS"
    log "populating $VAULTS ($CASES cases, 500 start/undo pairs; once)"
    run populate "$VAULTS" "$CASES"
    touch "$VAULTS/.complete"
fi

# Cold start twice: in a bare JVM, and with an application class-data archive (AppCDS:
# the JVM's classes, JNA's, Kotlin's and the bindings' loaded and verified ahead of time, as
# a packaged desktop JVM app ships them; on a phone, ART's ahead-of-time compilation and the
# zygote's preloaded classes play that part). The archive is made by one training run of
# the same command, whenever the jar changes.
CDS="$JAR.jsa"
if [ ! -f "$CDS" ] || [ "$CDS" -ot "$JAR" ]; then
    log "class-data archive: one training run"
    rm -f "$CDS"
    JAVA_OPTS_EXTRA="-XX:ArchiveClassesAtExit=$CDS -Xlog:cds=off" run cold "$VAULTS" >/dev/null
fi
cold_series() {
    local label="$1" cold key
    log "cold start, $label: $COLD_RUNS fresh JVMs"
    cold=$(for _ in $(seq "$COLD_RUNS"); do run cold "$VAULTS"; done)
    printf '%s\n' "$cold"
    # Median and max of each cold figure over the runs.
    for key in jvm_to_main jna dlopen checksums register open home_call home_lift main_to_home jvm_to_home; do
        grep -o " $key=[0-9.]*" <<<"$cold" | cut -d= -f2 | sort -n |
            awk -v k="$key" -v l="$label" '{ v[NR] = $1 } END { printf "  cold (%s) %-13s median %7.1f ms  max %7.1f ms  (%d JVMs)\n", l, k, v[int((NR + 1) / 2)], v[NR], NR }'
    done
}
JAVA_OPTS_EXTRA="" cold_series "bare JVM"
JAVA_OPTS_EXTRA="-XX:SharedArchiveFile=$CDS -Xlog:cds=off" cold_series "AppCDS"

run measure "$VAULTS" "$RUNS"
