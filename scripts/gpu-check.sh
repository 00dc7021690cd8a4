#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds core, ladder-cli, the GPU tests and the GPU benchmark
# against the LibTorch of PyPI's torch wheel (LADDER_TORCH=pypi: the shared venv of
# scripts/install-deps.sh --torch pypi, into build-pypi/, no Qt), runs the tests labelled gpu, then
# a DPO step of a ~0.5B-parameter Llama-shaped model (random init, bf16 autocast, seq 1024), printing
# tokens/s and MFU. Libraries other than LibTorch come from the system's packages, or from
# .deps/prefix where there are none (scripts/gpu-deps.sh makes it on a machine with apt).
#   scripts/gpu-check.sh [bench arguments, e.g. --pairs 8 --seq 1024]
set -euo pipefail
cd "$(dirname "$0")/.."
export LADDER_TORCH=pypi
source scripts/ladder-env.sh

if [ -d .deps/prefix/usr ]; then
    scripts/install-deps.sh --torch pypi --no-gui --no-apt
    export LD_LIBRARY_PATH="$PWD/.deps/prefix/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu):${LD_LIBRARY_PATH:-}"
else
    scripts/install-deps.sh --torch pypi --no-gui
fi
"$LADDER_VENV/bin/python" -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "GPU:", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")'

configure=()
[ -f "$LADDER_BUILD_DIR/CMakeCache.txt" ] || configure=(-DLADDER_WITH_GUI=OFF
    -DCMAKE_DISABLE_FIND_PACKAGE_Qt6=ON -DCMAKE_DISABLE_FIND_PACKAGE_QCustomPlotQt6=ON)
LADDER_BUILD_TARGETS="ladder_cli gpu_tests bench_dpo_gpu" scripts/build.sh "${configure[@]}"

echo "== GPU tests"
ctest --test-dir "$LADDER_BUILD_DIR" -L gpu --output-on-failure

echo "== DPO step of a ~0.5B Llama-shaped model"
"$LADDER_BUILD_DIR/bin/bench_dpo_gpu" "$@"
