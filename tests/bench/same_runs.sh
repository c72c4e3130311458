#!/usr/bin/env bash
# same_runs.sh - whether two builds give byte-identical search results
# (issue 14: a refactoring must not change behaviour).
#
# usage: tests/bench/same_runs.sh OLD_BUILD NEW_BUILD [--data DIR] [--keep DIR]
#
# OLD_BUILD and NEW_BUILD are CMake build trees (each with indexer/indexer
# and searcher/searcher), e.g. one of the previous commit made with
#   git worktree add /tmp/old HEAD~1 && cmake -S /tmp/old -B /tmp/old/build
#   && cmake --build /tmp/old/build -j2
# Each build indexes ../shared/data/arcd/docs.jsonl with its own indexer
# and answers all 1,395 ARCD questions with its own searcher, as
#   --batch --format trec --per-article -n 100   (the quality benchmark's run)
#   --batch --format trec -n 100                 (passages)
#   --batch --format json -n 10                  (text, highlights, scores)
#   --batch --format trec -n 100 --prf-weight 0  (no feedback)
# and the two indexes' sizes on disk are printed. The golden queries'
# every format is checked by tests/golden/golden.sh, run with each build.
#
# Prints one table row per run (identical or the first differing line) and
# exits 0 when every run is identical, 1 when one differs, 77 when the
# data is missing, 2 on an error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
die() { echo "same_runs.sh: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: same_runs.sh OLD_BUILD NEW_BUILD [--data DIR] [--keep DIR]"
old=$(cd "$1" && pwd) || die "no build tree $1"
new=$(cd "$2" && pwd) || die "no build tree $2"
shift 2
data=$root/../shared/data
keep=
while [ $# -gt 0 ]; do
    case $1 in
    --data) data=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
    esac
done
for b in "$old" "$new"; do
    [ -x "$b/indexer/indexer" ] && [ -x "$b/searcher/searcher" ] || die "$b: no indexer or searcher (build first)"
done
if [ ! -f "$data/arcd/docs.jsonl" ] || [ ! -f "$data/arcd/queries.tsv" ]; then
    echo "skipped: $data/arcd missing"
    exit 77
fi
if [ -n "$keep" ]; then
    mkdir -p "$keep" || die "cannot create $keep"
    work=$(cd "$keep" && pwd)
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-same.XXXXXX") || die "cannot create a work folder"
    trap 'rm -rf "$work"' EXIT
fi

runs=("trec-article:--format trec --per-article -n 100"
    "trec-passage:--format trec -n 100"
    "json:--format json -n 10"
    "trec-no-feedback:--format trec -n 100 --prf-weight 0")

for side in old new; do
    b=$old
    [ $side = new ] && b=$new
    rm -rf "${work:?}/$side" && mkdir -p "$work/$side" || die "cannot write $work/$side"
    "$b/indexer/indexer" -q -d "$work/$side/index" "$data/arcd/docs.jsonl" 2>"$work/$side/index.err" ||
        die "$side: indexer failed: $(tail -3 "$work/$side/index.err")"
    for r in "${runs[@]}"; do
        name=${r%%:*}
        read -r -a flags <<<"${r#*:}"
        NO_COLOR=1 "$b/searcher/searcher" -d "$work/$side/index" "${flags[@]}" \
            --batch "$data/arcd/queries.tsv" >"$work/$side/$name.out" 2>"$work/$side/$name.err"
        rc=$?
        [ $rc -le 1 ] || die "$side: searcher ${r#*:} failed (exit $rc): $(tail -3 "$work/$side/$name.err")"
    done
done

echo "| run | lines | identical |"
echo "| --- | --- | --- |"
status=0
for r in "${runs[@]}"; do
    name=${r%%:*}
    lines=$(wc -l <"$work/new/$name.out")
    if cmp -s "$work/old/$name.out" "$work/new/$name.out"; then
        echo "| \`${r#*:}\` | $lines | yes |"
    else
        first=$(cmp "$work/old/$name.out" "$work/new/$name.out" 2>&1 | head -1)
        echo "| \`${r#*:}\` | $lines | NO: $first |"
        status=1
    fi
done
echo
echo "Index sizes (du -sk): old $(du -sk "$work/old/index" | cut -f1) KB, new $(du -sk "$work/new/index" | cut -f1) KB."
exit $status
