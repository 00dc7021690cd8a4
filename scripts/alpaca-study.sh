#!/usr/bin/env bash
# The AlpacaEval tier study (resources/studies/alpaca-tiers.json) on the shared AlpacaEval data:
# imports the four models' answers and the GPT-4 judge's annotations into a new workspace, sets
# the ladder GPT-4 > ChatGPT > text-davinci-003 > text-davinci-001, builds pairs with 20% of the
# prompts held out, prints the judge's agreement per tier, then runs the study and prints its table.
#   scripts/alpaca-study.sh [WORKSPACE] (default /tmp/ladder-alpaca/alpaca.ladder)
# LADDER_SHARED_DIR points at ../shared when it is elsewhere. Run again: the study continues.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${LADDER_BUILD_DIR:-build}/bin
shared=${LADDER_SHARED_DIR:-../shared}
data=$shared/data/alpaca_eval
workspace=${1:-/tmp/ladder-alpaca/alpaca.ladder}
if [ ! -f "$data/gpt4.model_outputs.json" ]; then
    echo "alpaca-study: $data has no AlpacaEval answers (set LADDER_SHARED_DIR)" >&2
    exit 2
fi
cli() { "$bin/ladder-cli" "$@"; }
if [ ! -f "$workspace" ]; then
    mkdir -p "$(dirname "$workspace")"
    cli init "$workspace"
    cli --quiet import -w "$workspace" "$data"/gpt4.model_outputs.json \
        "$data"/gpt-3.5-turbo-0301.model_outputs.json "$data"/text_davinci_003.model_outputs.json \
        "$data"/text_davinci_001.model_outputs.json \
        "$data"/gpt-3.5-turbo-0301.annotations_gpt4_judge.json \
        "$data"/text_davinci_001.annotations_gpt4_judge.json
    cli ladder set -w "$workspace" main gpt4 gpt-3.5-turbo-0301 text_davinci_003 text_davinci_001
    cli pairs build -w "$workspace" --ladder main --heldout 0.2
fi
cli pairs stats -w "$workspace"
cli study run resources/studies/alpaca-tiers.json -w "$workspace" "${@:2}"
