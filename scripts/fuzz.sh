#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) in build-fuzz/ and runs each for
# the given seconds (default 60) from the seed files in fuzz/corpus/, printing the executions
# reached. Findings (crash-*, timeout-*, oom-*) are written to build-fuzz/findings/<target>/.
# Usage: scripts/fuzz.sh [seconds] [target...]   (targets: tokenizer safetensors_header
#        model_config run_config importers curriculum chat_template; all by default).
# LADDER_FUZZ_RUNS=N stops each target after N executions instead (the seconds still cap it);
# each target runs as one process (-jobs=1), so a run takes one core.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(tokenizer safetensors_header model_config run_config importers curriculum
             chat_template)
fi
build_dir=${LADDER_FUZZ_BUILD_DIR:-build-fuzz}

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
if [ ! -f "$build_dir/build.ninja" ]; then
    # Only the fuzz targets are built here; the rest is configured but never compiled.
    cmake -G Ninja -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DLADDER_FUZZ=ON \
        -DLADDER_WITH_GUI=OFF -DLADDER_BUILD_TESTS=OFF -DLADDER_BUILD_BENCH=OFF \
        -DLADDER_BUILD_PLUGINS=OFF
fi
cmake --build "$build_dir" -j "${LADDER_JOBS:-$(nproc)}" --target ladder_fuzzers

status=0
for target in "${targets[@]}"; do
    binary="$build_dir/fuzz/fuzz_$target"
    seeds="fuzz/corpus/$target"
    [ -x "$binary" ] || { echo "no fuzz target $target" >&2; exit 2; }
    # The seeds stay as they are; what the run learns goes to a corpus of its own.
    corpus="$build_dir/corpus/$target"
    findings="$build_dir/findings/$target"
    mkdir -p "$corpus" "$findings"
    log="$build_dir/fuzz_$target.log"
    dict=fuzz/json.dict
    [ "$target" = chat_template ] && dict=fuzz/jinja.dict
    runs_limit=()
    [ -n "${LADDER_FUZZ_RUNS:-}" ] && runs_limit=(-runs="$LADDER_FUZZ_RUNS")
    echo "== $target: ${seconds} s${LADDER_FUZZ_RUNS:+ or $LADDER_FUZZ_RUNS executions}"
    # -timeout: a single input taking 10 s is a hang; -rss_limit_mb: 2 GB is exhaustion.
    if "$binary" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -dict="$dict" "${runs_limit[@]}" -print_final_stats=1 \
        -artifact_prefix="$findings/" >"$log" 2>&1; then
        result=ok
    else
        result="FOUND SOMETHING (see $log and $findings)"
        status=1
    fi
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
    echo "   ${runs:-0} executions (${rate:-0}/s): $result"
done
exit $status
