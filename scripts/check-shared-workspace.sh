#!/usr/bin/env bash
# Usage: scripts/check-shared-workspace.sh [N] [ctest arguments, e.g. -j2]
# The data-loss check of the window and ladder-cli on one workspace, N times in a row (default 20):
# the window annotates on the Pairs pane while ladder-cli writes a curriculum and trains 25 steps;
# afterwards the file must be intact with every annotation the window reported saved. Also runs the
# multi-process test (a reopening, annotating process beside ladder-cli) as often.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
shift || true
scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "${LADDER_BUILD_DIR:-build}" --output-on-failure --repeat "until-fail:$n" \
    -R 'SharedWorkspace' "$@"
