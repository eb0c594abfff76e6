#!/usr/bin/env bash
# Builds tuilu-ffi, generates the Kotlin, Swift and Python bindings, and tests them.
#
#   scripts/bindings.sh generate   build the library (debug) + bindgen, generate into build/bindings
#   scripts/bindings.sh test       generate, install missing tools, run every language's tests
#   scripts/bindings.sh swift-checks  the Swift substitutes only (parse, symbols, iOS project)
#   scripts/bindings.sh size       release build, strip a copy, print its size (budget <= 4.5 MiB)
#   scripts/bindings.sh xcframework   (Mac with Xcode) ios/TuiluFFI.xcframework for `swift test`
#   scripts/bindings.sh android-libs  (NDK + cargo-ndk) libtuilu_ffi.so per ABI into build/jniLibs
#
# Outputs (never committed): build/bindings/{kotlin,kotlin-android,swift,python}, build/tools,
# build/venv, build/kotlin. Tools are installed only when missing, so a warm run is fast.
# See docs/bindings.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BUILD="$ROOT/build"
OUT="$BUILD/bindings"
TOOLS="$BUILD/tools"
VENV="$BUILD/venv"
LIB_NAME="libtuilu_ffi.so"

KOTLIN_VERSION="2.4.20"
TREE_SITTER_VERSION="0.26.1"
TREE_SITTER_SWIFT_VERSION="0.7.4"
PYYAML_VERSION="6.0.2"
KOTLINC="$TOOLS/node_modules/kotlin-compiler/bin/kotlinc"
KOTLIN_LIB="$TOOLS/node_modules/kotlin-compiler/lib"
JAVA_SHARE="/usr/share/java"
JNA_JAR="$JAVA_SHARE/jna.jar"
JUNIT_CONSOLE="$JAVA_SHARE/junit-platform-console-standalone.jar"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs "$@" and logs how long it took.
timed() {
    local label="$1" start ms
    shift
    start=$(date +%s%N)
    "$@"
    ms=$((($(date +%s%N) - start) / 1000000))
    printf '== %s: %d.%01d s\n' "$label" $((ms / 1000)) $((ms % 1000 / 100)) >&2
}

# ---------------------------------------------------------------------------------------------
# generate

build_debug() {
    # One cargo call for both: the library (its metadata feeds bindgen) and the bindgen binary.
    cargo build --quiet -p tuilu-ffi -p uniffi-bindgen
}

bindgen() {
    "$TARGET_DIR/debug/uniffi-bindgen" generate "$TARGET_DIR/debug/$LIB_NAME" --no-format "$@"
}

generate() {
    timed "cargo build (debug)" build_debug
    local lang
    rm -rf "$OUT"
    mkdir -p "$OUT"
    for lang in kotlin swift python; do
        bindgen --language "$lang" --out-dir "$OUT/$lang" >/dev/null
    done
    # The Android copy: android = true and omit_checksums on top of bindings/ffi/uniffi.toml.
    bindgen --language kotlin --out-dir "$OUT/kotlin-android" \
        --config bindings/uniffi-android.toml >/dev/null
    grep -q 'import android.os.Build' "$OUT/kotlin-android/app/tuilu/core/uniffi/tuilu.kt" ||
        die "Android Kotlin copy lacks android imports: is bindings/uniffi-android.toml applied?"
    if grep -q 'import android' "$OUT/kotlin/app/tuilu/core/uniffi/tuilu.kt"; then
        die "JVM Kotlin copy imports android classes"
    fi
    # Python loads the library from its own folder.
    cp "$TARGET_DIR/debug/$LIB_NAME" "$OUT/python/"
    # The Swift package takes the generated Swift as a source file (the C header and module
    # map go into the XCFramework built on a Mac, see docs/bindings.md).
    mkdir -p ios/Sources/TuiluCore/Generated
    cp "$OUT/swift/TuiluCore.swift" ios/Sources/TuiluCore/Generated/TuiluCore.swift
    log "bindings in ${OUT#"$ROOT"/}: kotlin, kotlin-android, swift, python"
}

# ---------------------------------------------------------------------------------------------
# tools (installed only when missing)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_tools() {
    if [ ! -x "$KOTLINC" ] || ! grep -q "\"version\": \"$KOTLIN_VERSION\"" \
        "$TOOLS/node_modules/kotlin-compiler/package.json" 2>/dev/null; then
        log "installing kotlin-compiler@$KOTLIN_VERSION (npm) into build/tools"
        mkdir -p "$TOOLS"
        npm install --silent --no-audit --no-fund --prefix "$TOOLS" "kotlin-compiler@$KOTLIN_VERSION" >&2
    fi
    local pkgs=()
    [ -f "$JNA_JAR" ] || pkgs+=(libjna-java)
    [ -f "$JUNIT_CONSOLE" ] || pkgs+=(junit5)
    if [ "${#pkgs[@]}" -gt 0 ]; then
        log "installing ${pkgs[*]} (apt)"
        as_root apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
            "${pkgs[@]}" >&2
    fi
    local stamp="$VENV/.tuilu-tools-$TREE_SITTER_VERSION-$TREE_SITTER_SWIFT_VERSION-$PYYAML_VERSION"
    if [ ! -f "$stamp" ]; then
        log "creating build/venv (pytest, tree-sitter $TREE_SITTER_VERSION, tree-sitter-swift $TREE_SITTER_SWIFT_VERSION, PyYAML $PYYAML_VERSION)"
        rm -rf "$VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check pytest \
            "tree-sitter==$TREE_SITTER_VERSION" "tree-sitter-swift==$TREE_SITTER_SWIFT_VERSION" \
            "PyYAML==$PYYAML_VERSION" >&2
        touch "$stamp"
    fi
}

# ---------------------------------------------------------------------------------------------
# tests; each language prints one "N passed, N failed" line

FAILED=()

test_rust() {
    local out
    if out=$(cargo test --quiet -p tuilu-ffi 2>&1); then
        grep -E '^test result:' <<<"$out" | head -1 | sed 's/^/rust-ffi: /'
    else
        printf '%s\n' "$out"
        FAILED+=(rust-ffi)
    fi
}

kotlin_classpath() {
    local jars=(
        "$JNA_JAR"
        "$KOTLIN_LIB/kotlinx-coroutines-core-jvm.jar"
        "$KOTLIN_LIB/kotlin-test.jar"
        "$KOTLIN_LIB/kotlin-test-junit5.jar"
        "$JAVA_SHARE/junit-jupiter-api.jar"
        "$JAVA_SHARE/apiguardian-api.jar"
        "$JAVA_SHARE/opentest4j.jar"
    )
    local IFS=:
    echo "${jars[*]}"
}

test_kotlin() {
    local jar="$BUILD/kotlin/tuilu-core-tests.jar" sources=()
    mapfile -t sources < <(find "$OUT/kotlin" android/core/src/main/kotlin android/core/src/test/kotlin \
        -name '*.kt' | sort)
    mkdir -p "$BUILD/kotlin"
    # Recompile only when the sources (or the compiler) changed: regenerating identical
    # bindings does not cost a kotlinc run.
    local digest
    digest=$({ echo "$KOTLIN_VERSION $(kotlin_classpath)"; cat "${sources[@]}"; } | sha256sum | cut -c1-64)
    if [ ! -f "$jar" ] || [ "$(cat "$BUILD/kotlin/sources.sha256" 2>/dev/null)" != "$digest" ]; then
        rm -f "$jar" "$BUILD/kotlin/sources.sha256"
        local status=0
        timed "kotlinc" "$KOTLINC" -nowarn -jvm-target 17 -classpath "$(kotlin_classpath)" \
            -d "$jar" "${sources[@]}" || status=$?
        if [ "$status" -ne 0 ] || [ ! -f "$jar" ]; then
            FAILED+=(kotlin)
            echo "kotlin: 0 passed, 1 failed"
            return
        fi
        echo "$digest" >"$BUILD/kotlin/sources.sha256"
    fi
    local out status=0
    out=$(java -Djna.library.path="$TARGET_DIR/debug" -Dtuilu.repo="$ROOT" \
        -jar "$JUNIT_CONSOLE" --disable-banner --details=tree --disable-ansi-colors \
        --class-path "$jar:$(kotlin_classpath):$KOTLIN_LIB/kotlin-stdlib.jar" \
        --scan-classpath "$jar" --fail-if-no-tests 2>&1) || status=$?
    local passed failed
    passed=$(grep -Eo '\[ *[0-9]+ tests successful' <<<"$out" | grep -Eo '[0-9]+' || echo 0)
    failed=$(grep -Eo '\[ *[0-9]+ tests failed' <<<"$out" | grep -Eo '[0-9]+' || echo 0)
    # JUnit silently skips a test method that returns a value (`fun t() = runBlocking { …
    # assertFailsWith<…> { … } }` returns the exception): every @Test must have run.
    local declared
    declared=$(find android/core/src/test/kotlin -name '*.kt' -exec cat {} + | grep -c '@Test' || true)
    if [ "$((passed + failed))" -ne "$declared" ]; then
        echo "kotlin: $declared @Test methods but $((passed + failed)) ran (declare ': Unit = runBlocking')"
        FAILED+=(kotlin)
    fi
    if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
        printf '%s\n' "$out"
        FAILED+=(kotlin)
    elif [ -n "${VERBOSE:-}" ]; then
        printf '%s\n' "$out"
    fi
    echo "kotlin: $passed passed, $failed failed"
}

test_python() {
    local status=0
    PYTHONPATH="$OUT/python" TUILU_REPO="$ROOT" "$VENV/bin/python" -m pytest -q -p no:cacheprovider \
        bindings/python/tests || status=$?
    [ "$status" -eq 0 ] || FAILED+=(python)
}

test_swift_substitutes() {
    # No Swift compiler here: the C header must compile, and every Swift file must parse.
    # (Included from a C file: compiled alone, gcc warns about `#pragma once`.)
    if echo '#include "tuiluFFI.h"' | gcc -std=c11 -Wall -Werror -fsyntax-only \
        -D_Nonnull= -D_Nullable= -I "$OUT/swift" -x c -; then
        echo "c-header: 1 passed, 0 failed"
    else
        echo "c-header: 0 passed, 1 failed"
        FAILED+=(c-header)
    fi
    # Generated Swift: strip the two constructs tree-sitter-swift does not know.
    local stripped="$BUILD/swift-parse"
    rm -rf "$stripped"
    mkdir -p "$stripped"
    sed -e 's/@_documentation(visibility: private)//g' -e 's/= { () }/= {}/g' \
        "$OUT/swift/TuiluCore.swift" >"$stripped/TuiluCore.generated.swift"
    local files=("$stripped/TuiluCore.generated.swift")
    # The package (facade, its tests), the app (ios/App) and the Share Extension.
    mapfile -t -O 1 files < <(find ios -name '*.swift' -not -path '*/Generated/*' \
        -not -path '*/.build/*' | sort)
    # (A loop, not `printf | grep -q`: under pipefail, grep leaving early kills printf with
    # SIGPIPE and the check fails at random.)
    local d f found
    for d in ios/Sources ios/App/Sources ios/App/Tests ios/ShareExtension; do
        found=
        for f in "${files[@]}"; do
            [[ "$f" == "$d/"* ]] && { found=1; break; }
        done
        if [ -z "$found" ]; then
            echo "swift-parse: no Swift files in $d"
            FAILED+=(swift-parse)
        fi
    done
    "$VENV/bin/python" scripts/swift_parse_check.py "${files[@]}" || FAILED+=(swift-parse)
    # Every generated name the app and the facade use exists in the bindings generated now.
    "$VENV/bin/python" scripts/swift_symbol_check.py --generated "$stripped/TuiluCore.generated.swift" \
        --sdk-names ios/sdk-names.txt "${files[@]:1}" || FAILED+=(swift-symbols)
    # project.yml, entitlements, the String Catalog.
    "$VENV/bin/python" scripts/ios_project_check.py ios || FAILED+=(ios-project)
    # The checks catch what they should (misspelled and stale names, a missing App Group).
    TUILU_SWIFT_GENERATED="$stripped/TuiluCore.generated.swift" "$VENV/bin/python" -m pytest -q \
        -p no:cacheprovider scripts/tests || FAILED+=(ios-checks)
}

# A shared library may link with undefined symbols; they fail only when first called. SQLite
# built with too many SQLITE_OMIT_* options leaves some (see .cargo/config.toml), so every
# symbol the library needs must be versioned (from libc and friends) or weak.
undefined_symbols() {
    nm -D --undefined-only "$1" | awk '$1 != "w" && $2 !~ /@/ { print $2 }'
}

test_linked() {
    local lib="$TARGET_DIR/debug/$LIB_NAME" missing
    missing=$(undefined_symbols "$lib")
    if [ -z "$missing" ]; then
        echo "undefined-symbols: 1 passed, 0 failed"
    else
        echo "undefined symbols in $LIB_NAME:" $missing
        echo "undefined-symbols: 0 passed, 1 failed"
        FAILED+=(undefined-symbols)
    fi
}

run_tests() {
    timed "generate" generate
    timed "linked" test_linked
    timed "tools" install_tools
    timed "rust" test_rust
    timed "kotlin" test_kotlin
    timed "python" test_python
    timed "swift substitutes" test_swift_substitutes
    if [ "${#FAILED[@]}" -gt 0 ]; then
        die "failed: ${FAILED[*]}"
    fi
    log "all bindings tests passed"
}

# ---------------------------------------------------------------------------------------------
# size

# The library as the apps ship it: tuilu-ffi's one shipped crate type alone (`cdylib`, or
# `staticlib` for Apple). The crate also declares `lib` for its Rust tests, and a build of
# all three types keeps every Rust function exported from the LTO module (an rlib's
# interface): nothing is internalised, every call goes through the GOT and less is inlined
# or dropped. Built alone, only the FFI's `extern "C"` symbols stay exported, the same
# ones (docs/bindings.md#size: -768 KB stripped).
release_lib() {
    local type="$1"
    shift
    cargo rustc --quiet --release -p tuilu-ffi --lib --crate-type "$type" "$@"
}

size() {
    timed "cargo rustc --release --crate-type cdylib" release_lib cdylib
    local lib="$TARGET_DIR/release/$LIB_NAME" copy="$BUILD/size/$LIB_NAME"
    # The release profile keeps symbols (strip = "debuginfo"), so bindgen still finds the
    # metadata in it; the shipped copy is stripped.
    mkdir -p "$BUILD/size"
    "$TARGET_DIR/debug/uniffi-bindgen" generate "$lib" --no-format --language python \
        --out-dir "$BUILD/size/check" >/dev/null 2>&1 ||
        log "note: bindgen could not read the release library (build 'generate' first?)"
    local missing
    missing=$(undefined_symbols "$lib")
    [ -z "$missing" ] || die "undefined symbols in the release library:" $missing
    cp "$lib" "$copy"
    strip "$copy"
    local bytes
    bytes=$(stat -c %s "$copy")
    # The budget for the stripped library: 4.5 MiB (docs/adr/0003-panic-unwind-and-library-size.md).
    local target=4718592
    echo "stripped release $LIB_NAME (x86_64): $bytes bytes" \
        "($(awk "BEGIN { printf \"%.2f\", $bytes / 1048576 }") MiB; budget $target bytes," \
        "4.5 MiB); before strip: $(stat -c %s "$lib") bytes"
    [ "$bytes" -le "$target" ] ||
        die "over the 4.5 MiB budget by $((bytes - target)) bytes (docs/bindings.md#size)"
}

# ---------------------------------------------------------------------------------------------
# workstation builds (not possible on the build machine: no Xcode, no Android NDK)

xcframework() {
    [ "$(uname -s)" = Darwin ] || die "xcframework needs macOS with Xcode"
    generate
    local targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
        aarch64-apple-darwin x86_64-apple-darwin) t
    rustup target add "${targets[@]}"
    for t in "${targets[@]}"; do
        release_lib staticlib --target "$t"
    done
    local work="$BUILD/xcframework" lib=libtuilu_ffi.a
    rm -rf "$work" ios/TuiluFFI.xcframework
    mkdir -p "$work/headers" "$work/ios-sim" "$work/macos"
    cp "$OUT/swift/tuiluFFI.h" "$work/headers/"
    cp "$OUT/swift/tuiluFFI.modulemap" "$work/headers/module.modulemap"
    lipo -create "$TARGET_DIR/aarch64-apple-ios-sim/release/$lib" \
        "$TARGET_DIR/x86_64-apple-ios/release/$lib" -output "$work/ios-sim/$lib"
    lipo -create "$TARGET_DIR/aarch64-apple-darwin/release/$lib" \
        "$TARGET_DIR/x86_64-apple-darwin/release/$lib" -output "$work/macos/$lib"
    xcodebuild -create-xcframework \
        -library "$TARGET_DIR/aarch64-apple-ios/release/$lib" -headers "$work/headers" \
        -library "$work/ios-sim/$lib" -headers "$work/headers" \
        -library "$work/macos/$lib" -headers "$work/headers" \
        -output ios/TuiluFFI.xcframework
    log "ios/TuiluFFI.xcframework ready: cd ios && swift test"
}

android_libs() {
    command -v cargo-ndk >/dev/null || die "cargo-ndk missing: cargo install cargo-ndk"
    rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
    cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$BUILD/jniLibs" \
        rustc --release -p tuilu-ffi --lib --crate-type cdylib
    log "build/jniLibs/<abi>/$LIB_NAME ready"
}

# The Swift substitutes alone, on the bindings generated last (iOS work without a rebuild).
swift_checks() {
    [ -f "$OUT/swift/TuiluCore.swift" ] || generate
    install_tools
    test_swift_substitutes
    [ "${#FAILED[@]}" -eq 0 ] || die "failed: ${FAILED[*]}"
}

case "${1:-generate}" in
generate) generate ;;
test) run_tests ;;
swift-checks) swift_checks ;;
size) size ;;
xcframework) xcframework ;;
android-libs) android_libs ;;
*) die "usage: $0 [generate|test|swift-checks|size|xcframework|android-libs]" ;;
esac
