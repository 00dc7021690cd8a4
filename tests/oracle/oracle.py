"""What every oracle script shares: its arguments, skipping, and running ladder-cli.

An oracle script compares Ladder with the tool it imitates and exits 0 when they agree, 1 when they
differ (after printing the first differences), and 77 when it cannot run (CTest counts 77 as
skipped); the reason is printed either way.
"""
import argparse
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def skip(reason):
    print(f"SKIPPED: {reason}")
    sys.exit(SKIP)


def arguments(description, extra=None):
    """--ladder-cli and --shared, which CMake passes to every oracle script, plus the script's own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--ladder-cli", required=True, help="the ladder-cli executable")
    parser.add_argument("--shared", default="", help="../shared (test data); skip when absent")
    if extra:
        extra(parser)
    args = parser.parse_args()
    # Like the C++ tests: $LADDER_SHARED_DIR wins over the folder configured at build time.
    args.shared = os.environ.get("LADDER_SHARED_DIR") or args.shared
    # ladder-cli runs with a home of its own: no user plugins, logs or settings.
    args.home = tempfile.mkdtemp(prefix="ladder-oracle-")
    atexit.register(shutil.rmtree, args.home, ignore_errors=True)
    return args


def shared_path(args, relative):
    """A path inside ../shared, or a skip naming what is absent."""
    path = os.path.join(args.shared, relative)
    if not args.shared or not os.path.exists(path):
        skip(f"shared data {relative} is absent (../shared)")
    return path


def ladder_cli(args, *words, stdin=""):
    """Runs ladder-cli in the script's own home and returns its stdout; exits 1 when it fails."""
    home = args.home
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_STATE_HOME=os.path.join(home, "state"),
               XDG_CONFIG_HOME=os.path.join(home, "config"), LADDER_WORKSPACE="")
    result = subprocess.run([args.ladder_cli, "--quiet", *words], input=stdin.encode("utf-8"),
                            capture_output=True, env=env, check=False)
    if result.returncode != 0:
        print(f"ladder-cli {' '.join(words)} failed ({result.returncode}):\n"
              f"{result.stderr.decode('utf-8', 'replace')}")
        sys.exit(1)
    return result.stdout.decode("utf-8")
