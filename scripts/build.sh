#!/usr/bin/env bash
# Configures (once) and builds Ladder with Ninja. LADDER_TORCH picks the LibTorch (scripts/ladder-env.sh):
#   debian  Debian's libtorch-dev (CPU), into build/ (the default without a GPU)
#   pypi    the LibTorch of PyPI's torch wheel (CUDA) in the shared venv that
#           scripts/install-deps.sh --torch pypi makes, into build-pypi/ (the default with a GPU)
# $LADDER_BUILD_DIR overrides the folder, $LADDER_BUILD_TARGETS (names separated by spaces) builds
# only those targets. Extra arguments go to CMake's configure step, e.g.
#   LADDER_TORCH=pypi scripts/build.sh -DLADDER_WITH_GUI=OFF
# Libraries unpacked into .deps/prefix by scripts/gpu-deps.sh are found when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ladder-env.sh

build_dir=$LADDER_BUILD_DIR
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

cmake_args=()
prefix_path=
if [ "$LADDER_TORCH" = pypi ]; then
    if ! "$LADDER_TORCH_PYTHON" -c 'import torch' 2>/dev/null; then
        echo "build: no PyPI torch for $LADDER_TORCH_PYTHON: run scripts/install-deps.sh --torch pypi" >&2
        echo "  (or point LADDER_TORCH_PYTHON at a Python that has torch)" >&2
        exit 1
    fi
    # The torch package folder itself (not only share/cmake under it): TorchConfig looks for c10
    # and friends with find_library, which would take Debian's libc10.so from /usr/lib otherwise.
    torch_root=$("$LADDER_TORCH_PYTHON" -c 'import os, torch; print(os.path.dirname(torch.__file__))')
    prefix_path=$torch_root
    # Torch's CMake files are those of a CUDA build: they need the CUDA toolkit's nvcc.
    if ! command -v nvcc >/dev/null; then
        nvcc=${CUDACXX:-/usr/local/cuda/bin/nvcc}
        if [ ! -x "$nvcc" ]; then
            echo "build: the PyPI LibTorch is a CUDA build and its CMake files need the CUDA toolkit" >&2
            echo "  (nvcc): install it (/usr/local/cuda) or put its bin/ on PATH" >&2
            exit 1
        fi
        cmake_args+=(-DCMAKE_CUDA_COMPILER="$nvcc")
    fi
fi
if [ -d .deps/prefix/usr ]; then
    prefix_path="${prefix_path:+$prefix_path;}$PWD/.deps/prefix/usr"
fi
if [ -n "$prefix_path" ]; then
    cmake_args+=(-DCMAKE_PREFIX_PATH="$prefix_path")
fi

if [ ! -f "$build_dir/build.ninja" ] || [ $# -gt 0 ]; then
    cmake -G Ninja -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}" "$@"
fi
targets=()
for t in ${LADDER_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j "$jobs" "${targets[@]}"
