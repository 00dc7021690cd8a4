#!/usr/bin/env bash
# Builds the unit tests with sanitizers and runs them: ASan + UBSan in build-asan/ (preset asan),
# TSan in build-tsan/ (preset tsan), both with clang, and the LibTorch-linked unit tests under
# ASan + UBSan with GCC in build-asan/torch/ (preset asan-torch). A sanitizer's report fails the
# test program (UBSan does not recover, ASan and TSan exit non-zero); the script prints each
# program's tests, time and result, and counts the reports in the logs under <build>/sanitize-logs/.
# Usage: scripts/sanitize.sh [asan|tsan|asan-torch|all]...   (all by default; LADDER_JOBS=N
#        builds with N jobs).
#
# Which programs, and why only those:
# - asan: every unit test program that does not link LibTorch (common, chat, tokenizer, data,
#   curriculum, pairs, pair review, demo, format, store, plugin places), LeakSanitizer on.
# - asan-torch: train_loss_tests (losses, run configs, LR schedule, the event queue with a
#   producer thread, memory estimate, train step) with GCC, because clang 14 cannot compile the
#   LibTorch 1.13 headers as C++20 (std::vector<c10::IValue> of an incomplete type). LibTorch
#   itself is uninstrumented (ASan sees Ladder's memory, not LibTorch's); leaks are checked, with
#   the suppressions in scripts/sanitize/lsan.supp (each says why). The other LibTorch programs
#   (model, trainer, eval, padding, gpu) are left out for time: they rebuild ladder::model,
#   ladder::train and ladder::eval once more (176 steps for train_loss_tests alone: 44 minutes
#   with two jobs on a busy two-core machine), and trainer_tests runs for minutes even without
#   ASan.
# - tsan: the programs with threads of their own or processes sharing a workspace that do not link
#   LibTorch: store_tests (MetricsWriter with a reader in another thread and in another process,
#   the workspace locks), tokenizer_tests (one tokenizer encoding in four threads at once) and
#   shared_workspace_tests (ladder-cli writing while another process annotates). The training job
#   (core/train, a std::thread with the event queue) and the run queue (ui/bridge, Qt) are left
#   out: the first links LibTorch, which clang cannot compile here (see asan-torch) and whose
#   thread pools TSan cannot see synchronise (uninstrumented: every report there would be a false
#   one), the second runs under Qt's event loop, whose locks (futexes inside Qt) TSan cannot see
#   either.
# - Tests that run ladder-cli run the normal build's (build/bin/ladder-cli, LADDER_TEST_BINARY_DIR)
#   because ladder-cli links LibTorch: build it first (scripts/build.sh). Their child processes
#   (metrics_writer_child, annotating_child) are this build's, instrumented.
# Last run (2 cores, shared): asan 308 tests in 11 programs (build 30 min with one job, run 24 s),
# tsan 106 tests in 3 programs (build 10 min, run 34 s), asan-torch 71 tests (build 44 min with
# two jobs, run 4 s): no sanitizer report, no suppression used.
set -euo pipefail
cd "$(dirname "$0")/.."

kinds=("$@")
if [ ${#kinds[@]} -eq 0 ] || [ "${kinds[0]}" = all ]; then kinds=(asan tsan asan-torch); fi
jobs=${LADDER_JOBS:-$(nproc)}
normal_build=${LADDER_BUILD_DIR:-build}
if [ ! -x "$normal_build/bin/ladder-cli" ]; then
    echo "sanitize: $normal_build/bin/ladder-cli is missing: the tests that run ladder-cli need" \
         "it (scripts/build.sh builds it)" >&2
    exit 2
fi

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
export LADDER_TEST_BINARY_DIR="$PWD/$normal_build"
# halt_on_error: the first report ends the program with a failure; detect_leaks: LSan after it.
asan_options=halt_on_error=1:detect_leaks=1:strict_string_checks=1
asan_options+=:detect_stack_use_after_return=1:check_initialization_order=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-$asan_options}
lsan_options=suppressions=$PWD/scripts/sanitize/lsan.supp:print_suppressions=0
export LSAN_OPTIONS=${LSAN_OPTIONS:-$lsan_options}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1:history_size=4}

status=0
for kind in "${kinds[@]}"; do
    case "$kind" in
        asan) programs=(common_tests chat_tests tokenizer_tests ladder_data_tests
                        ladder_curriculum_tests ladder_pairs_tests ladder_pair_review_tests
                        ladder_demo_tests format_tests store_tests plugin_places_tests) ;;
        tsan) programs=(store_tests tokenizer_tests shared_workspace_tests) ;;
        asan-torch) programs=(train_loss_tests) ;;
        *) echo "usage: scripts/sanitize.sh [asan|tsan|asan-torch|all]..." >&2; exit 2 ;;
    esac
    dir="build-$kind"
    [ "$kind" = asan-torch ] && dir=build-asan/torch
    start=$(date +%s)
    [ -f "$dir/build.ninja" ] || cmake --preset "$kind" >/dev/null
    cmake --build --preset "$kind" -j "$jobs"
    built=$(date +%s)
    logs="$dir/sanitize-logs"
    rm -rf "$logs"
    mkdir -p "$logs"
    echo "== $kind: built in $((built - start)) s"
    for program in "${programs[@]}"; do
        binary="$PWD/$dir/bin/$program"
        # Run where CTest runs it: the test folder of its module.
        workdir=$(dirname "$(grep -rl --include=CTestTestfile.cmake "${program}\[" "$dir/tests" |
                             head -1)")
        log="$logs/$program.log"
        t0=$(date +%s)
        if (cd "$workdir" && "$binary" --gtest_color=no) >"$log" 2>&1; then
            result=ok
        else
            result="FAILED (exit $?)"
            status=1
        fi
        ran=$(sed -n 's/^\[==========\] \([0-9]*\) tests\? from .* ran.*/\1/p' "$log" | tail -1)
        skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) tests\?.*/\1/p' "$log" | tail -1)
        pattern="ERROR: (Address|Leak)Sanitizer|runtime error:|WARNING: ThreadSanitizer"
        reports=$(grep -cE "$pattern" "$log" || true)
        [ "$reports" -gt 0 ] && status=1
        printf '   %-26s %4s tests (%s skipped), %3s s, %s sanitizer reports: %s\n' \
            "$program" "${ran:-0}" "${skipped:-0}" "$(($(date +%s) - t0))" "$reports" "$result"
    done
    echo "   $kind: $(($(date +%s) - built)) s to run; logs in $logs"
done
exit $status
