# Sourced by the scripts (not run): which LibTorch a build uses, its build folder, and the cache
# folder shared by every clone and CI run on a machine (the PyPI torch venv and pip's downloads).
#   LADDER_TORCH      debian (Debian's libtorch-dev, CPU) or pypi (the torch wheel's LibTorch, CUDA);
#                     default pypi where nvidia-smi lists a GPU, debian elsewhere
#   LADDER_BUILD_DIR  default build/ (debian) or build-pypi/ (pypi)
#   LADDER_CACHE_DIR  default ${XDG_CACHE_HOME:-~/.cache}/ladder
#   LADDER_PYTHON     the Python that creates the venv (default python3; the pins are for 3.11)
#   LADDER_TORCH_PYTHON  a Python whose torch a pypi build uses instead of the venv's (a GPU server's
#                     own PyTorch, any version from 2.1 on, where nothing can be installed)

ladder_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ladder_requirements=$ladder_root/scripts/requirements

LADDER_TORCH_VERSION=$(sed -n 's/^torch==//p' "$ladder_requirements/torch.txt")
LADDER_CACHE_DIR=${LADDER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ladder}
# The venv is named by the torch version so that a branch pinning another one gets its own.
LADDER_VENV=$LADDER_CACHE_DIR/venv-torch-$LADDER_TORCH_VERSION
# The Python whose torch package a pypi build compiles against.
LADDER_TORCH_PYTHON=${LADDER_TORCH_PYTHON:-$LADDER_VENV/bin/python}

# The stamp that a finished pip install of these requirement files leaves in the venv.
ladder_venv_stamp() {
    echo "$LADDER_VENV/.ladder-installed-$(cat "$@" | sha256sum | cut -c1-16)"
}
ladder_oracle_requirements=("$ladder_requirements/torch.txt" "$ladder_requirements/oracle.txt")

ladder_has_gpu() {
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '
}

if [ -z "${LADDER_TORCH:-}" ]; then
    if ladder_has_gpu; then LADDER_TORCH=pypi; else LADDER_TORCH=debian; fi
fi
case "$LADDER_TORCH" in
    debian) ladder_default_build_dir=build ;;
    pypi) ladder_default_build_dir=build-pypi ;;
    *) echo "LADDER_TORCH must be debian or pypi, not '$LADDER_TORCH'" >&2; exit 2 ;;
esac
LADDER_BUILD_DIR=${LADDER_BUILD_DIR:-$ladder_default_build_dir}
export LADDER_TORCH LADDER_CACHE_DIR LADDER_BUILD_DIR LADDER_TORCH_PYTHON
