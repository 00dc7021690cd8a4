#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) in build-fuzz/ and runs each for
# the given seconds (default 60) from the seed files in fuzz/corpus/, printing the executions
# reached. Findings (crash-*, timeout-*, oom-*) are written to build-fuzz/findings/<target>/.
# Usage: scripts/fuzz.sh [seconds] [target...]   (targets: tokenizer safetensors_header
#        model_config run_config; all by default).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(tokenizer safetensors_header model_config run_config)
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
    echo "== $target: ${seconds} s"
    # -timeout: a single input taking 10 s is a hang; -rss_limit_mb: 2 GB is exhaustion.
    if "$binary" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -dict=fuzz/json.dict -print_final_stats=1 \
        -artifact_prefix="$findings/" >"$log" 2>&1; then
        result=ok
    else
        result="FOUND SOMETHING (see $log and $findings)"
        status=1
    fi
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    echo "   ${runs:-0} executions: $result"
done
exit $status
