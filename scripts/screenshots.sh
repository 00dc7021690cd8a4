#!/usr/bin/env bash
# Takes the screenshots in docs/images under a virtual X server (Xvfb), from the demo workspace.
# Uses a private XDG home so it never touches your own demo workspace or settings.
# The run panes need runs: an SFT run and a DPO run started from it (easy then hard) are trained
# with ladder-cli; LADDER_SHOT_STEPS (default 150) sets their length (minutes on a CPU), and the
# live plots (plots-live.png) are taken once the DPO run has trained LADDER_SHOT_LIVE_STEP steps
# (default half of them: its reference pass comes before step 1, so a fixed wait could show no
# points at all), as `ladder-cli runs` counts them.
# LADDER_SHOT_WORKSPACE=FILE.ladder takes the shots from a copy of a demo workspace whose runs have
# finished (its checkpoints folder beside it) instead of training new ones; no live shot then.
# Each pane is taken twice: at the window's default size in docs/images and at 1000x700 in
# docs/images/1000x700, the smallest window every pane must be usable in.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${LADDER_BUILD_DIR:-build}/bin
out=docs/images
steps=${LADDER_SHOT_STEPS:-150}
small=$out/1000x700
mkdir -p "$out" "$small"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export XDG_DATA_HOME=$home/data XDG_STATE_HOME=$home/state XDG_CONFIG_HOME=$home/config

shot() {  # shot FILE [ladder arguments...]: full size, then 1000x700
    local file=$1; shift
    xvfb-run -a -s "-screen 0 1400x900x24" "$bin/ladder" "$@" --screenshot "$out/$file" \
        --screenshot-delay 2500
    xvfb-run -a -s "-screen 0 1400x900x24" "$bin/ladder" "$@" --size 1000x700 \
        --screenshot "$small/$file" --screenshot-delay 2500
}

demo=$XDG_DATA_HOME/ladder/demo.ladder
if [ -n "${LADDER_SHOT_WORKSPACE:-}" ]; then
    mkdir -p "$(dirname "$demo")"
    cp "$LADDER_SHOT_WORKSPACE" "$demo"
    cp -r "${LADDER_SHOT_WORKSPACE%.ladder}.checkpoints" "${demo%.ladder}.checkpoints"
fi

shot main-window.png --demo  # makes the demo workspace on first use
shot pairs.png --demo --pane Pairs
shot curriculum.png --demo --pane Curriculum

if [ -z "${LADDER_SHOT_WORKSPACE:-}" ]; then
    "$bin/ladder-cli" --quiet train --workspace "$demo" --config resources/presets/demo-sft.json \
        --steps "$steps"
    # The DPO run trains in another process while the window follows it live (through the file).
    "$bin/ladder-cli" --quiet train --workspace "$demo" \
        --config resources/presets/demo-dpo-curriculum.json --steps "$steps" &
    trainer=$!
    live_step=${LADDER_SHOT_LIVE_STEP:-$((steps / 2))}
    dpo_step() {  # the step the newest DPO run has reached (0 before it exists)
        local step
        step=$("$bin/ladder-cli" runs --workspace "$demo" 2>/dev/null |
            awk '{ for (i = 2; i < NF; ++i) if ($i == "dpo") { split($(i + 1), s, "/"); print s[1]; exit } }') || true
        echo "${step:-0}"
    }
    while [ "$(dpo_step)" -lt "$live_step" ]; do
        if ! kill -0 "$trainer" 2>/dev/null; then
            echo "screenshots: the DPO run ended before step $live_step" >&2
            exit 1
        fi
        sleep 5
    done
    shot plots-live.png --demo --pane Plots
    wait "$trainer"
fi

# A study's data from the window: an answers file (made here, with one bad row) in the import
# dialog, the sources, and the ladder editor with its preflight report.
answers=$home/new-model.json
python3 - "$answers" <<'PY'
import json, sys
rows = [{"instruction": f"Explain topic {i} to a new student.", "generator": "new-model",
         "output": f"Topic {i} in three steps: first the idea, then an example, then a check."}
        for i in range(12)]
rows[4]["output"] = 42  # a bad row: the dialog lists it and offers to leave it out
json.dump(rows, open(sys.argv[1], "w"), indent=1)
PY
shot import.png --demo --open "import=$answers"
shot sources.png --demo --pane Sources
shot build-pairs.png --demo --open build-pairs
shot pair-learning.png --demo --open pair-learning
shot chat.png --demo --open "chat=Name three fruits."

shot launcher.png --demo --pane Launcher
shot plots.png --demo --pane Plots
shot runs.png --demo --pane Runs
shot compare.png --demo --pane Compare
echo "screenshots written to $out"
