#!/usr/bin/env bash
# The SIGKILL campaign of issue 17: ladder-cli killed at random moments, ROUNDS times each (default
# 20), during an import, a pairs build, training (anywhere, inside a checkpoint write, inside the
# reference-cache pass), an eval's answer generation and generate-source's new source; after each
# kill the workspace is checked (integrity, committed rows, no half-written checkpoint) and the
# command resumed to the results of an uninterrupted run. The suite runs the same test with 2
# rounds each.
# Usage: scripts/kill-campaign.sh [rounds] [seed]   (LADDER_BUILD_DIR: default build)
set -euo pipefail
cd "$(dirname "$0")/.."
export LADDER_KILL_ROUNDS=${1:-20}
[ -n "${2:-}" ] && export LADDER_KILL_SEED=$2
build=${LADDER_BUILD_DIR:-build}
cmake --build "$build" --target kill_campaign_tests ladder_cli ladder_importers_plugin
start=$(date +%s)
"$build/bin/kill_campaign_tests" 2>&1 | tee "$build/kill-campaign.log" |
    grep -E '^(kill campaign|import|pairs build|training|eval|generate-source|  round|\[  (PASSED|FAILED) |\[==========\])'
status=${PIPESTATUS[0]}
echo "kill campaign: $LADDER_KILL_ROUNDS rounds of each kind in $(( $(date +%s) - start )) s" \
    "(full log: $build/kill-campaign.log)"
exit "$status"
