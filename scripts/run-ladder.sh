#!/usr/bin/env bash
# Installs what is missing, builds, and opens Ladder on its demo workspace. LADDER_TORCH picks the
# LibTorch (scripts/build.sh: Debian's, or PyPI's where nvidia-smi lists a GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ladder-env.sh
scripts/install-deps.sh
scripts/build.sh
exec "$LADDER_BUILD_DIR/bin/ladder" --demo "$@"
