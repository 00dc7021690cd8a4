#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Ladder builds and runs with, only those that are missing, and
# with --torch pypi or --oracle the pinned Python packages (scripts/requirements/) into one venv in
# the cache folder that every clone and CI run on the machine share (scripts/ladder-env.sh).
# Idempotent; runs apt-get as root or through sudo; downloads nothing it has downloaded before.
#   scripts/install-deps.sh               everything: window, tests, benchmarks
#   scripts/install-deps.sh --no-gui      core, ladder-cli and core tests only (a GPU server)
#   scripts/install-deps.sh --torch pypi  LibTorch from PyPI's torch wheel (CUDA) instead of Debian's;
#                                         the default where nvidia-smi lists a GPU ($LADDER_TORCH)
#   scripts/install-deps.sh --oracle      also transformers, trl, peft, tokenizers, ... (the oracles
#                                         the tests compare against) on that torch, in the same venv
#   scripts/install-deps.sh --no-apt      no Debian packages, only the venv (a GPU server whose
#                                         libraries come from .deps/prefix: scripts/gpu-deps.sh)
set -euo pipefail
source "$(dirname "$0")/ladder-env.sh"

gui=1
oracle=0
apt=1
while [ $# -gt 0 ]; do
    case "$1" in
        --no-gui) gui=0 ;;
        --torch) LADDER_TORCH=${2:-}; shift ;;
        --torch=*) LADDER_TORCH=${1#--torch=} ;;
        --oracle) oracle=1 ;;
        --no-apt) apt=0 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "install-deps: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
case "$LADDER_TORCH" in
    debian|pypi) ;;
    *) echo "install-deps: --torch takes debian or pypi, not '$LADDER_TORCH'" >&2; exit 2 ;;
esac

packages=(
    # toolchain
    cmake ninja-build g++ ccache dpkg-dev file
    # storage, logging, JSON, text
    libsqlite3-dev libspdlog-dev nlohmann-json3-dev libpcre2-dev libutf8proc-dev libxxhash-dev
    libcli11-dev
    # the headers of LibTorch's Gloo process group (data-parallel training: Debian's and PyPI's)
    libgloo-dev
    # tests
    libgtest-dev
    # reference computations and the DPO benchmark's Python side (Debian's python3 + torch)
    python3-torch
)
if [ "$LADDER_TORCH" = debian ]; then
    # LibTorch (CPU) and a fast BLAS: without libopenblas0-openmp LibTorch falls back to the
    # reference BLAS and a training step is about 18x slower
    packages+=(libtorch-dev libopenblas0-openmp)
fi
if [ "$LADDER_TORCH" = pypi ] || [ "$oracle" = 1 ]; then
    packages+=(python3-venv)  # the venv (the pins are for Python 3.11, Debian 12's)
fi
if [ "$gui" = 1 ]; then
    packages+=(
        qt6-base-dev qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6
        # screenshots under a virtual X server, desktop/AppStream metadata checks
        xvfb xauth desktop-file-utils appstream
    )
fi

install_packages() {
    missing=()
    for p in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done

    if [ ${#missing[@]} -eq 0 ]; then
        echo "install-deps: all ${#packages[@]} packages are installed"
        return 0
    fi

    if ! command -v apt-get >/dev/null; then
        echo "install-deps: apt-get not found. Install these packages with your package manager:" >&2
        echo "  ${missing[*]}" >&2
        return 1
    fi

    run_root=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null; then
            run_root=(sudo)
        else
            echo "install-deps: need root to install: ${missing[*]}" >&2
            echo "  run this script as root, or install sudo" >&2
            return 1
        fi
    fi

    echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${run_root[@]}" apt-get update -q
    "${run_root[@]}" apt-get install -y -q "${missing[@]}"
    echo "install-deps: done"
}

# pip install -r <files> into $LADDER_VENV, once per content of those files: a stamp named by their
# hash records a finished install. The wheels are kept in $LADDER_CACHE_DIR/wheels (the package index
# sends no caching headers, so pip's own cache keeps nothing): a new venv or a changed pin downloads
# only what is not there yet. A lock keeps two clones from installing at the same time.
install_venv() {
    local python=${LADDER_PYTHON:-python3}
    local stamp f args=()
    mkdir -p "$LADDER_CACHE_DIR"
    stamp=$(ladder_venv_stamp "$@")
    [ -f "$stamp" ] && { echo "install-deps: $LADDER_VENV is up to date"; return 0; }
    exec 9>"$LADDER_VENV.lock"
    flock 9
    if [ ! -f "$stamp" ]; then
        if [ ! -x "$LADDER_VENV/bin/python" ]; then
            echo "install-deps: creating $LADDER_VENV with $("$python" --version 2>&1)"
            "$python" -m venv "$LADDER_VENV"
        fi
        for f in "$@"; do args+=(-r "$f"); done
        echo "install-deps: pip install ${args[*]#"$ladder_root/"} into $LADDER_VENV"
        export PIP_CACHE_DIR=$LADDER_CACHE_DIR/pip PIP_DISABLE_PIP_VERSION_CHECK=1
        "$LADDER_VENV/bin/python" -m pip download -q --only-binary=:all: \
            -d "$LADDER_CACHE_DIR/wheels" "${args[@]}"
        "$LADDER_VENV/bin/python" -m pip install -q --no-index \
            --find-links "$LADDER_CACHE_DIR/wheels" "${args[@]}"
        touch "$stamp"
    fi
    exec 9>&-
}

if [ "$apt" = 1 ]; then
    install_packages
fi
if [ "$oracle" = 1 ]; then
    install_venv "${ladder_oracle_requirements[@]}"
elif [ "$LADDER_TORCH" = pypi ]; then
    install_venv "$ladder_requirements/torch.txt"
fi
