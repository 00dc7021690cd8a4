#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds core, ladder-cli, the GPU tests and the GPU benchmark
# against the LibTorch of PyPI's torch wheel (LADDER_TORCH=pypi: the shared venv of
# scripts/install-deps.sh --torch pypi, into build-pypi/, no Qt), runs the tests labelled gpu, then
# a DPO step of a ~0.5B-parameter Llama-shaped model (random init, bf16 autocast, seq 1024), printing
# tokens/s and MFU. Libraries other than LibTorch come from the system's packages, or from
# .deps/prefix where there are none (scripts/gpu-deps.sh makes it on a machine with apt).
# On a server that has PyTorch already and no network, LADDER_TORCH_PYTHON names its Python: the
# build uses that torch (any version from 2.1) and nothing is installed.
#   scripts/gpu-check.sh [bench arguments, e.g. --pairs 8 --seq 1024]
#   LADDER_TORCH_PYTHON=/opt/torch/bin/python3 scripts/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export LADDER_TORCH=pypi
own_torch=${LADDER_TORCH_PYTHON:-}
source scripts/ladder-env.sh
SECONDS=0
stage() { printf '== %s (%d s)\n' "$1" "$SECONDS"; }

if [ -d .deps/prefix/usr ]; then
    [ -n "$own_torch" ] || scripts/install-deps.sh --torch pypi --no-gui --no-apt
    export LD_LIBRARY_PATH="$PWD/.deps/prefix/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu):${LD_LIBRARY_PATH:-}"
elif [ -z "$own_torch" ]; then
    scripts/install-deps.sh --torch pypi --no-gui
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
"$LADDER_TORCH_PYTHON" -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "GPU:", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")'

configure=()
[ -f "$LADDER_BUILD_DIR/CMakeCache.txt" ] || configure=(-DLADDER_WITH_GUI=OFF
    -DCMAKE_DISABLE_FIND_PACKAGE_Qt6=ON -DCMAKE_DISABLE_FIND_PACKAGE_QCustomPlotQt6=ON)
stage "build"
LADDER_BUILD_TARGETS="ladder_cli gpu_tests bench_dpo_gpu" scripts/build.sh "${configure[@]}"

stage "GPU tests"
status=0
ctest --test-dir "$LADDER_BUILD_DIR" -L gpu --output-on-failure || status=$?

stage "DPO step of a ~0.5B Llama-shaped model"
"$LADDER_BUILD_DIR/bin/bench_dpo_gpu" "$@" || status=$?
stage "done (status $status)"
exit "$status"
