#!/usr/bin/env bash
# Installs what is missing, builds, and opens Ladder on its demo workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec "${LADDER_BUILD_DIR:-build}/bin/ladder" --demo "$@"
