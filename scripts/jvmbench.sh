#!/usr/bin/env bash
# The JVM benchmark (issue 31): the release libtuilu_ffi.so through the generated Kotlin
# bindings and JNA, as an Android app calls it. Prints figures; asserts nothing.
#
#   scripts/jvmbench.sh [CASES] [COLD_RUNS] [RUNS]     (defaults 1000, 9, 50)
#
# Builds the release library, generates the bindings if they are missing
# (scripts/bindings.sh generate), compiles android/core/src/bench with the facade into
# build/kotlin/tuilu-jvmbench.jar, populates build/jvmbench/vaults-CASES once through the
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

# The library as the apps ship it: the cdylib alone (docs/bindings.md#size).
log "cargo rustc --release -p tuilu-ffi --lib --crate-type cdylib"
cargo rustc --quiet --release -p tuilu-ffi --lib --crate-type cdylib
[ -f "$BUILD/bindings/kotlin/app/tuilu/core/uniffi/tuilu.kt" ] || scripts/bindings.sh generate
[ -x "$KOTLINC" ] || die "kotlinc missing: run scripts/bindings.sh test once (installs build/tools)"
[ -f "$JNA_JAR" ] || die "$JNA_JAR missing: apt-get install libjna-java"

mapfile -t sources < <(find "$BUILD/bindings/kotlin" android/core/src/main/kotlin \
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
    java -Djna.library.path="$TARGET_DIR/release" \
        -cp "$JAR:$classpath:$KOTLIN_LIB/kotlin-stdlib.jar" app.tuilu.core.bench.JvmBenchKt "$@"
}

if [ ! -f "$VAULTS/.complete" ]; then
    rm -rf "$VAULTS"
    log "populating $VAULTS ($CASES cases, 500 start/undo pairs; once)"
    run populate "$VAULTS" "$CASES"
    touch "$VAULTS/.complete"
fi

log "cold start: $COLD_RUNS fresh JVMs"
cold=$(for _ in $(seq "$COLD_RUNS"); do run cold "$VAULTS"; done)
printf '%s\n' "$cold"
# Median and max of each cold figure over the runs.
for key in jvm_to_main jna dlopen checksums register open first_home main_to_home jvm_to_home; do
    grep -o " $key=[0-9.]*" <<<"$cold" | cut -d= -f2 | sort -n |
        awk -v k="$key" '{ v[NR] = $1 } END { printf "  cold %-13s median %7.1f ms  max %7.1f ms  (%d JVMs)\n", k, v[int((NR + 1) / 2)], v[NR], NR }'
done

run measure "$VAULTS" "$RUNS"
