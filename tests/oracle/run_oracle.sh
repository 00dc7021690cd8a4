#!/usr/bin/env bash
# Runs an oracle script (tests/oracle/*.py) with the oracle environment's Python, or exits 77 (CTest:
# skipped) saying why when there is none. Usage: run_oracle.sh SCRIPT [ARGS...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! python=$("$here/../../scripts/oracle-python" 2>&1); then
    echo "SKIPPED: $python"
    exit 77
fi
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
exec "$python" "$@"
