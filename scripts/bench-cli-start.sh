#!/usr/bin/env bash
# Start-up benchmark of the CLI's main job: runs `tuilu plan <scenario>` N times on an empty
# vault and prints the median, min and max wall time of the whole process in milliseconds.
# Not a test: it prints figures for a person to compare before and after a change.
#
#   scripts/bench-cli-start.sh [path/to/tuilu] [runs]
# Default binary: target/release/tuilu (build it with `cargo build --release -p tuilu-cli`).
# WITH_VAULT=1 runs on an existing (empty) vault folder, so the run opens the application
# layer (the rule book with <vault>/packs, the calendar); otherwise no vault folder exists
# and the bundled packs are read, creating nothing.
set -euo pipefail
bin="${1:-target/release/tuilu}"
runs="${2:-30}"
scenario="${SCENARIO:-douyin.guild-exit}"
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release -p tuilu-cli)" >&2; exit 1; }
vault="$(mktemp -d)"
trap 'rm -rf "$vault"' EXIT
export TUILU_VAULT="$vault/vault"
[ "${WITH_VAULT:-0}" = 1 ] && mkdir -p "$TUILU_VAULT"
"$bin" plan "$scenario" >/dev/null # warm the file cache
python3 - "$bin" "$runs" "$scenario" <<'PY'
import statistics, subprocess, sys, time
binary, runs, scenario = sys.argv[1], int(sys.argv[2]), sys.argv[3]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run([binary, "plan", scenario], check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
import os
where = "existing vault" if os.environ.get("WITH_VAULT") == "1" else "no vault folder"
print(f"tuilu plan {scenario} ({where}): runs={runs} median={statistics.median(times):.1f} ms "
      f"min={min(times):.1f} ms max={max(times):.1f} ms ({binary})")
PY
