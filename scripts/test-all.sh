#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, Rust tests (core, CLI, integration),
# and the bindings: Kotlin (JUnit), Python (pytest), Swift substitutes (C header, parse,
# the iOS app's symbol check against the generated Swift, project.yml and String Catalog),
# then the Compose screens' UI tests and reminder logic on the desktop JVM (scripts/compose.sh),
# then android/app on the Android framework: Robolectric on SDK 26, 33 and 35 against the
# real core, the API-26 check and the 16 KB check (scripts/android.sh).
# Prints one closing line "total: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Tools the Rust tests call: headless Chromium renders the evidence bundle's index.html to
# PNG and PDF, poppler-utils reads the PDF back, the Noto CJK fonts draw its Chinese text.
# Installed only when missing.
pkgs=()
command -v chromium >/dev/null || pkgs+=(chromium)
# The backup interoperability test (cli/tests/backup_cli.rs) decrypts with an independent
# age implementation: the Go `age` tool from the Debian package.
command -v age >/dev/null || pkgs+=(age)
command -v pdftotext >/dev/null || pkgs+=(poppler-utils)
# The rule-update interoperability tests (cli/tests/rule_updates_cli.rs) sign and verify
# releases with the reference minisign tool.
command -v minisign >/dev/null || pkgs+=(minisign)
grep -q "Noto Sans CJK" <(fc-list 2>/dev/null) || pkgs+=(fonts-noto-cjk)
if [ "${#pkgs[@]}" -gt 0 ]; then
    echo "== installing ${pkgs[*]} (apt)"
    as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

echo "== cargo test"
set +e
cargo test --workspace --no-fail-fast 2>&1 | tee -a "$log"
rust_status=${PIPESTATUS[0]}
set -e

echo "== bindings: generate Kotlin/Swift/Python, run JUnit, pytest, C-header, Swift-parse, Swift-symbol and iOS-project checks"
set +e
scripts/bindings.sh test 2>&1 | tee -a "$log"
bindings_status=${PIPESTATUS[0]}
set -e

echo "== compose: the Android screens on the desktop JVM (UI tests, reminder scheduler and receivers)"
set +e
SKIP_GENERATE=1 CORE_JAR=build/kotlin/tuilu-core-tests.jar scripts/compose.sh test 2>&1 | tee -a "$log"
compose_status=${PIPESTATUS[0]}
set -e

echo "== android: android/app on the Android framework (Robolectric on SDK 26, 33, 35), API-26 and 16 KB checks"
set +e
SKIP_GENERATE=1 scripts/android.sh test 2>&1 | tee -a "$log"
android_status=${PIPESTATUS[0]}
set -e

# Sum cargo's "test result" lines and the bindings' "<lang>: N passed, N failed" lines.
read -r passed failed < <(awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
  /^[a-z-]+: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
  /^(=+ )?[0-9]+ (passed|failed).* in [0-9.]+s/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed,?$/) p += $(i-1); if ($(i) ~ /^failed,?$/) f += $(i-1) } }
  END { print p + 0, f + 0 }' "$log")

echo "total: ${passed} passed, ${failed} failed"
if [ "$rust_status" -ne 0 ] || [ "$bindings_status" -ne 0 ] || [ "$compose_status" -ne 0 ] || [ "$android_status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
