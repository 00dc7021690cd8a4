#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit, ui, e2e, slow; gpu tests
# skip themselves where CUDA is absent). Extra arguments go to ctest, e.g. -L unit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "${LADDER_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" "$@"
