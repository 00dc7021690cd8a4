#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit, ui, e2e, slow, oracle; gpu
# tests skip themselves where CUDA is absent). The oracle tests run in a Python environment with
# transformers, trl, peft, tokenizers, ... that is set up once per machine in the shared cache
# (scripts/install-deps.sh --oracle; without it they skip). LADDER_TORCH picks the LibTorch
# (scripts/build.sh). Extra arguments go to ctest, e.g. -L unit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ladder-env.sh
scripts/install-deps.sh
if ! scripts/install-deps.sh --oracle; then
    echo "run-tests: the oracle environment could not be set up: the oracle tests will skip" >&2
fi
scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$LADDER_BUILD_DIR" --output-on-failure -j "$(nproc)" "$@"
