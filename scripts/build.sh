#!/usr/bin/env bash
# Configures (once) and builds Ladder with Ninja into build/ (or $LADDER_BUILD_DIR).
# Extra arguments go to CMake's configure step, e.g. scripts/build.sh -DLADDER_WITH_GUI=OFF
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${LADDER_BUILD_DIR:-build}
# Two compile jobs: each LibTorch translation unit takes about 1 GB of memory and the
# development machines have 2 cores. Override with LADDER_JOBS.
jobs=${LADDER_JOBS:-$(nproc)}

# The LibTorch translation units use a precompiled header; ccache caches them only with these
# sloppiness settings (without them a rebuild from a clean folder compiles them all again: about
# 4 minutes instead of 35 seconds for core/model alone). They relax ccache's checks of header
# timestamps; a header edited while it compiles may need one more build. Builds that call cmake
# directly get no caching of those units unless CCACHE_SLOPPINESS is set the same way.
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
# Paths under the checkout are hashed relative to it, so that another clone of the same commit (CI
# builds in a fresh clone in another folder each time) hits the cache instead of compiling it all.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

if [ ! -f "$build_dir/build.ninja" ] || [ $# -gt 0 ]; then
    cmake -G Ninja -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@"
fi
cmake --build "$build_dir" -j "$jobs"
