#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Ladder builds and runs with, only those that are missing.
# Idempotent; runs apt-get as root or through sudo; never downloads anything else.
#   scripts/install-deps.sh            everything: window, tests, benchmarks
#   scripts/install-deps.sh --no-gui   core, ladder-cli and core tests only (a GPU server)
set -euo pipefail

gui=1
for arg in "$@"; do
    case "$arg" in
        --no-gui) gui=0 ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
    esac
done

packages=(
    # toolchain
    cmake ninja-build g++ ccache dpkg-dev file
    # LibTorch (CPU) and a fast BLAS: without libopenblas0-openmp LibTorch falls back to the
    # reference BLAS and a training step is about 18x slower
    libtorch-dev libopenblas0-openmp
    # storage, logging, JSON, text
    libsqlite3-dev libspdlog-dev nlohmann-json3-dev libpcre2-dev libutf8proc-dev libxxhash-dev
    libcli11-dev
    # tests
    libgtest-dev
    # reference computations and the DPO benchmark's Python side (Debian's python3 + torch)
    python3-torch
)
if [ "$gui" = 1 ]; then
    packages+=(
        qt6-base-dev qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6
        # screenshots under a virtual X server, desktop/AppStream metadata checks
        xvfb xauth desktop-file-utils appstream
    )
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages are installed"
    exit 0
fi

if ! command -v apt-get >/dev/null; then
    echo "install-deps: apt-get not found. Install these packages with your package manager:" >&2
    echo "  ${missing[*]}" >&2
    exit 1
fi

run_root=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        run_root=(sudo)
    else
        echo "install-deps: need root to install: ${missing[*]}" >&2
        echo "  run this script as root, or install sudo" >&2
        exit 1
    fi
fi

echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${run_root[@]}" apt-get update -q
"${run_root[@]}" apt-get install -y -q "${missing[@]}"
echo "install-deps: done"
