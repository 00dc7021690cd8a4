#!/usr/bin/env bash
# Takes the screenshots in docs/images under a virtual X server (Xvfb), from the demo workspace.
# Uses a private XDG home so it never touches your own demo workspace or settings.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${LADDER_BUILD_DIR:-build}/bin
out=docs/images
mkdir -p "$out"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export XDG_DATA_HOME=$home/data XDG_STATE_HOME=$home/state XDG_CONFIG_HOME=$home/config

shot() {  # shot FILE [ladder arguments...]
    local file=$1; shift
    xvfb-run -a -s "-screen 0 1400x900x24" "$bin/ladder" "$@" --screenshot "$out/$file" \
        --screenshot-delay 2500
}

shot main-window.png --demo
shot pairs.png --demo --pane Pairs
shot curriculum.png --demo --pane Curriculum
echo "screenshots written to $out"
