#!/usr/bin/env bash
# Soak: one long DPO training run of ladder-cli on the CPU (one thread, the demo's tiny model, with
# held-out evaluations, checkpoints and win rates) while the window follows it live on the Plots
# pane under a virtual X server. Every SAMPLE seconds the resident memory and the open files of
# both processes are written to soak.csv; at the end the run is stopped with Ctrl+C (a checkpoint,
# then exit), the window closed, and the figures summed up: each process's memory after the
# warm-up (mean of the samples of its last minute) against its highest and last value after it,
# and its open files. It fails when memory rose more than 5% above that level or files were
# left open.
# Usage: scripts/soak.sh [minutes, default 130] [warm-up minutes, default 10] [out folder]
# Environment: LADDER_BUILD_DIR (default build), SOAK_SAMPLE_S (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-130}
warmup=${2:-10}
out=${3:-$(mktemp -d /tmp/ladder-soak.XXXXXX)}
sample=${SOAK_SAMPLE_S:-30}
bin=$PWD/${LADDER_BUILD_DIR:-build}/bin
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -x "$bin/ladder-cli" ] && [ -x "$bin/ladder" ] || {
    echo "soak: build first (scripts/build.sh): $bin/ladder-cli and $bin/ladder are needed" >&2
    exit 2
}
command -v Xvfb >/dev/null || { echo "soak: Xvfb is needed (apt install xvfb)" >&2; exit 2; }

export HOME=$out/home XDG_DATA_HOME=$out/home/data XDG_CONFIG_HOME=$out/home/config
mkdir -p "$HOME"
workspace=$out/soak.ladder
"$bin/ladder-cli" --quiet demo init "$workspace" >/dev/null
# DPO from the tiny model, easy then hard, for longer than the soak lasts: stopped by Ctrl+C.
python3 - "$PWD/resources/presets/demo-dpo-curriculum.json" "$out/soak.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c.update(name="soak", threads=1, max_steps=1000000, model={"kind": "tiny"})
c["eval"] = {"every": 100, "pairs": 128}
c["checkpoint"] = {"every": 250, "keep": 2}
c["win_rate"].update(every=500, prompts=16, max_new_tokens=32)
json.dump(c, open(sys.argv[2], "w"), indent=1)
EOF

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$bin/ladder-cli" train --workspace "$workspace" --config "$out/soak.json" >"$out/train.log" 2>&1 &
trainer=$!
pids+=("$trainer")
display=:$((90 + RANDOM % 400))
Xvfb "$display" -screen 0 1400x1000x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
pids+=($!)
sleep 5
DISPLAY=$display "$bin/ladder" "$workspace" --pane Plots >"$out/window.log" 2>&1 &
window=$!
pids+=("$window")

rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
echo "seconds,trainer_rss_kib,window_rss_kib,trainer_fds,window_fds,step" >"$out/soak.csv"
echo "soak: $minutes min (warm-up $warmup), figures in $out/soak.csv"
start=$(date +%s)
while :; do
    now=$(($(date +%s) - start))
    [ "$now" -ge $((minutes * 60)) ] && break
    for p in "$trainer" "$window"; do
        kill -0 "$p" 2>/dev/null || { echo "soak: process $p ended early (see $out/*.log)" >&2; exit 1; }
    done
    step=$(grep -o 'step [0-9]*' "$out/train.log" | tail -1 | cut -d' ' -f2 || true)
    echo "$now,$(rss "$trainer"),$(rss "$window"),$(fds "$trainer"),$(fds "$window"),${step:-0}" \
        >>"$out/soak.csv"
    sleep "$sample"
done

kill -INT "$trainer"
wait "$trainer" || true
kill "$window" 2>/dev/null || true
wait "$window" 2>/dev/null || true
tail -3 "$out/train.log"

python3 - "$out/soak.csv" "$warmup" <<'EOF'
import csv, sys
rows = [{k: int(v) for k, v in r.items()} for r in csv.DictReader(open(sys.argv[1]))]
warm = int(sys.argv[2]) * 60
ok = True
print(f"{len(rows)} samples over {rows[-1]['seconds'] / 60:.0f} min, last step {rows[-1]['step']}")
for who in ("trainer", "window"):
    level_rows = [r for r in rows if warm - 60 <= r["seconds"] <= warm]
    after = [r for r in rows if r["seconds"] > warm]
    if not level_rows or not after:
        print(f"{who}: too short to tell (needs samples before and after {warm // 60} min)")
        ok = False
        continue
    level = sum(r[f"{who}_rss_kib"] for r in level_rows) / len(level_rows)
    high = max(r[f"{who}_rss_kib"] for r in after)
    last = after[-1][f"{who}_rss_kib"]
    f0 = level_rows[-1][f"{who}_fds"]
    fmax = max(r[f"{who}_fds"] for r in after)
    grow = 100 * (high - level) / level
    print(f"{who}: {level / 1024:.1f} MiB at {warm // 60} min, highest after {high / 1024:.1f} MiB "
          f"({grow:+.1f}%), last {last / 1024:.1f} MiB ({100 * (last - level) / level:+.1f}%); "
          f"open files {f0} at {warm // 60} min, at most {fmax} after")
    if grow > 5 or fmax > f0 + 2:
        ok = False
print("soak: PASS" if ok else "soak: FAIL")
sys.exit(0 if ok else 1)
EOF
