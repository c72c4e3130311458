#!/usr/bin/env bash
# Fuzzing (issue 6).
#
#   tests/fuzz/run.sh [BUILD_DIR]
#       Configures a clang build with the fuzz targets in BUILD_DIR (default
#       build-fuzz, next to the sources), builds it and runs every fuzz test
#       (ctest -L fuzz, about 30 s each; KH_FUZZ_SECONDS=N to change). Needs
#       clang and libFuzzer (Debian: apt-get install clang libclang-rt-14-dev).
#       Exit status: 0 no crash, 1 a fuzzer crashed (crash-* files are in
#       BUILD_DIR/tests/fuzz/*-work/) or the build failed.
#
#   tests/fuzz/run.sh --one FUZZER SEED_DIR WORK_DIR SECONDS
#       What each CTest entry runs: the fuzzer over a copy of its seeds.
#
# To reproduce a crash: FUZZER crash-FILE. Then fix it, and add the input
# as a regression test (a seed in tests/fuzz/corpus/NAME/ is rerun by every
# fuzz test; a case in tests/e2e/reliability.sh or a unit test runs in every
# build, gcc included).
set -euo pipefail

if [ "${1:-}" = "--one" ]; then
    [ $# -eq 5 ] || { echo "usage: run.sh --one FUZZER SEED_DIR WORK_DIR SECONDS" >&2; exit 2; }
    fuzzer=$2 seeds=$3 work=$4 seconds=$5
    rm -rf "$work/corpus"
    mkdir -p "$work/corpus"
    cp "$seeds"/* "$work/corpus/"
    cd "$work"
    # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: memory
    # must stay bounded whatever the input. The seeds run first: they hold
    # the regression inputs of crashes found before.
    exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus"
fi

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${1:-$source_dir/build-fuzz}
if ! command -v clang >/dev/null || ! command -v clang++ >/dev/null; then
    echo "tests/fuzz/run.sh: clang is not installed (apt-get install clang libclang-rt-14-dev)" >&2
    exit 1
fi
CC=clang CXX=clang++ cmake -S "$source_dir" -B "$build_dir" -DKH_FUZZ=ON \
    -DKH_FUZZ_SECONDS="${KH_FUZZ_SECONDS:-30}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
grep -q '^KH_HAVE_LIBFUZZER:INTERNAL=1' "$build_dir/CMakeCache.txt" || {
    echo "tests/fuzz/run.sh: clang has no libFuzzer (apt-get install libclang-rt-14-dev)" >&2
    exit 1
}
cmake --build "$build_dir" -j"$(nproc)" --target \
    fuzz_analyzer fuzz_article_text fuzz_jsonl fuzz_query fuzz_search
ctest --test-dir "$build_dir" -L fuzz --output-on-failure
