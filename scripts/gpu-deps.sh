#!/usr/bin/env bash
# Prepares .deps/prefix: the C/C++ libraries that core and ladder-cli need besides LibTorch (SQLite,
# spdlog and fmt, nlohmann-json, PCRE2, utf8proc, xxHash, CLI11, GoogleTest), unpacked from the
# distribution's packages with `apt-get download` + `dpkg -x` (no root, nothing installed system-wide).
#
# For a GPU server that has a CUDA LibTorch (a PyTorch installation) but none of these packages,
# maybe no network: run this on a Debian/Ubuntu machine of the same architecture that has apt and a
# network, then copy the repository with its .deps folder over. scripts/gpu-check.sh (and CMake,
# through CMAKE_PREFIX_PATH=$PWD/.deps/prefix/usr) picks it up.
set -euo pipefail
cd "$(dirname "$0")/.."

dev_packages=(libsqlite3-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libpcre2-dev
              libutf8proc-dev libxxhash-dev libcli11-dev libgtest-dev)

command -v apt-get >/dev/null || { echo "gpu-deps: needs apt-get (Debian or Ubuntu)" >&2; exit 1; }

# Each -dev package and the shared libraries it depends on (not libc/libstdc++: the server has
# its own).
packages=()
for p in "${dev_packages[@]}"; do
    packages+=("$p")
    while read -r dep; do
        case "$dep" in
            libc6|libstdc++6|libgcc-s1|libc6-dev|"") ;;
            lib*) packages+=("$dep") ;;
        esac
    done < <(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
                 --no-replaces --no-enhances "$p" 2>/dev/null | awk '/Depends: lib/ {print $2}')
done
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)

rm -rf .deps/debs .deps/prefix
mkdir -p .deps/debs .deps/prefix
echo "gpu-deps: downloading ${#packages[@]} packages: ${packages[*]}"
(cd .deps/debs && apt-get download "${packages[@]}")
for deb in .deps/debs/*.deb; do dpkg -x "$deb" .deps/prefix; done
echo "gpu-deps: unpacked into .deps/prefix ($(du -sh .deps/prefix | cut -f1));"
echo "  build with -DCMAKE_PREFIX_PATH=\"<torch cmake prefix>;$PWD/.deps/prefix/usr\""
