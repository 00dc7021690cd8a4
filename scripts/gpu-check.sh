#!/usr/bin/env bash
# On a machine with an NVIDIA GPU and a CUDA PyTorch: builds core, ladder-cli, the GPU tests and the
# GPU benchmark against PyTorch's LibTorch (no Qt, no window), runs the tests labelled gpu, then a
# DPO step of a ~0.5B-parameter Llama-shaped model (random init, bf16 autocast, seq 1024), printing
# tokens/s and MFU. Libraries other than LibTorch come from the system or from .deps/prefix
# (scripts/gpu-deps.sh makes it on a machine with apt and a network).
#   scripts/gpu-check.sh [bench arguments, e.g. --pairs 8 --seq 1024]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
build=${LADDER_GPU_BUILD_DIR:-build-gpu}

torch_prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')
"$python" -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "GPU:", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")'
prefix_path=$torch_prefix
if [ -d .deps/prefix/usr ]; then
    prefix_path="$prefix_path;$PWD/.deps/prefix/usr"
    export LD_LIBRARY_PATH="$PWD/.deps/prefix/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu):${LD_LIBRARY_PATH:-}"
fi

cmake -G Ninja -B "$build" -DCMAKE_BUILD_TYPE=Release -DLADDER_WITH_GUI=OFF \
      -DCMAKE_PREFIX_PATH="$prefix_path" -DLADDER_BUILD_PLUGINS=ON
cmake --build "$build" -j "$(nproc)" --target ladder_cli gpu_tests bench_dpo_gpu

echo "== GPU tests"
ctest --test-dir "$build" -L gpu --output-on-failure

echo "== DPO step of a ~0.5B Llama-shaped model"
"$build/bin/bench_dpo_gpu" "$@"
