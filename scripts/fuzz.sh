#!/usr/bin/env bash
# Runs every fuzz target (fuzz/, cargo-fuzz + libFuzzer) for SECONDS each, one after the
# other, niced, each input limited to 1 s and the process to 512 MiB. Prints per target the
# executions, exec/s, coverage (cov, ft), peak RSS and any crash, timeout or out-of-memory.
# Not part of the test command. See docs/fuzzing.md.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 60 seconds, every target)
#
# Environment: FUZZ_LOG_DIR (default fuzz/logs), FUZZ_TARGET_DIR (cargo target dir of the
# fuzz build, default fuzz/target), FUZZ_CORPUS_DIR (the growing corpus, default
# fuzz/corpus; the committed seeds in fuzz/seeds are read, never written).
# Exit status: 0 when every target ran clean, 1 when any found a problem.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

secs=${1:-60}
shift || true
log_dir=${FUZZ_LOG_DIR:-$root/fuzz/logs}
target_dir=${FUZZ_TARGET_DIR:-$root/fuzz/target}
corpus_root=${FUZZ_CORPUS_DIR:-$root/fuzz/corpus}
mkdir -p "$log_dir" "$corpus_root"

if ! command -v cargo-fuzz >/dev/null; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

# cargo-fuzz passes nightly-only flags (-Zsanitizer, -Cpasses=sancov...); the stable
# toolchain accepts them with RUSTC_BOOTSTRAP=1. No sanitizer: the core is safe Rust, and
# without ASan the targets build and run several times faster.
export RUSTC_BOOTSTRAP=1
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

echo "== building ${#targets[@]} fuzz targets"
if [ "${#targets[@]}" -eq 1 ]; then
    (cd fuzz && nice -n 10 cargo fuzz build -s none --target-dir "$target_dir" "${targets[0]}")
else
    (cd fuzz && nice -n 10 cargo fuzz build -s none --target-dir "$target_dir")
fi
bin_dir="$target_dir/x86_64-unknown-linux-gnu/release"

failed=0
summary=()
for t in "${targets[@]}"; do
    corpus="$corpus_root/$t"
    artifacts="$root/fuzz/artifacts/$t/"
    mkdir -p "$corpus" "$artifacts"
    log="$log_dir/$t.log"
    echo "== $t: ${secs}s (log $log)"
    start=$(date +%s)
    set +e
    nice -n 10 "$bin_dir/$t" "$corpus" "$root/fuzz/seeds/$t" \
        -max_total_time="$secs" -rss_limit_mb=512 -malloc_limit_mb=512 -timeout=1 \
        -print_final_stats=1 -artifact_prefix="$artifacts" >"$log" 2>&1
    rc=$?
    set -e
    took=$(($(date +%s) - start))
    stat() { grep -E "^stat::$1:" "$log" | tail -1 | awk '{print $2}'; }
    execs=$(stat number_of_executed_units)
    rate=$(stat average_exec_per_sec)
    rss=$(stat peak_rss_mb)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    units=$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/p' <<<"$last")
    problem=$(grep -E 'ERROR: libFuzzer|==[0-9]+== ERROR|panicked at|deadly signal|Test unit written' "$log" | head -3 | tr '\n' ' ' || true)
    if [ "$rc" -ne 0 ] || [ -n "$problem" ]; then
        failed=1
        verdict="CRASH (exit $rc): ${problem:-see log}"
    else
        verdict="clean"
    fi
    line=$(printf '%-14s %5ss  execs %-10s exec/s %-7s cov %-6s ft %-7s corpus %-12s peak_rss %sMB  %s' \
        "$t" "$took" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${units:-?}" "${rss:-?}" "$verdict")
    echo "$line"
    summary+=("$line")
done

echo "== summary"
printf '%s\n' "${summary[@]}" | tee "$log_dir/summary.txt"
exit "$failed"
