#!/usr/bin/env bash
# Installs what is missing, builds, and opens Ladder on its demo workspace. LADDER_TORCH picks the
# LibTorch (scripts/build.sh: Debian's, or PyPI's where nvidia-smi lists a GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ladder-env.sh
scripts/install-deps.sh
# Only what opens the window: ladder and ladder-cli (which brings the plugins); the tests and
# benchmarks are scripts/run-tests.sh's to build.
LADDER_BUILD_TARGETS=${LADDER_BUILD_TARGETS:-ladder ladder_cli} scripts/build.sh
exec "$LADDER_BUILD_DIR/bin/ladder" --demo "$@"
