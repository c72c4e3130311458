#!/usr/bin/env bash
# golden.sh - the searcher's whole output, compared byte for byte with the
# expected files of tests/golden/expected.
#
# usage: tests/golden/golden.sh [--regenerate]
#
# Indexes corpus/ into a fresh index, runs each query of
# tests/golden/queries.tsv in each output format (text without colour, tsv,
# trec, json) and compares stdout with expected/NAME.FORMAT; each search
# must exit 0 with nothing on stderr. No timing is printed in any of these
# formats, so the output does not depend on the machine.
#
# --regenerate writes the expected files instead (after an intended change
# of the output: review `git diff tests/golden` before committing them).
#
# Environment: INDEXER, SEARCHER (default build/indexer/indexer,
# build/searcher/searcher), CORPUS (default corpus/), WORK (default a
# temporary folder). Exit status: 0 all equal (or regenerated), 1 a
# difference (shown as a diff), 2 an error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
INDEXER=${INDEXER:-$root/build/indexer/indexer}
SEARCHER=${SEARCHER:-$root/build/searcher/searcher}
CORPUS=${CORPUS:-$root/corpus}
regenerate=0
case ${1:-} in
--regenerate) regenerate=1 ;;
"") ;;
*) echo "golden.sh: unknown argument $1 (usage: golden.sh [--regenerate])" >&2; exit 2 ;;
esac

if [ -n "${WORK:-}" ]; then
    work=$WORK/golden
    rm -rf "$work" && mkdir -p "$work" || exit 2
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-golden.XXXXXX") || exit 2
    trap 'rm -rf "$work"' EXIT
fi
export NO_COLOR=1
unset KHABAR_INDEX

"$INDEXER" -q -d "$work/idx" "$CORPUS" 2>"$work/index.err" ||
    { echo "golden.sh: indexing $CORPUS failed: $(cat "$work/index.err")" >&2; exit 2; }

failed=0
cases=0
while IFS=$'\t' read -r name options query; do
    case $name in '' | \#*) continue ;; esac
    opts=()
    [ "$options" = - ] || read -r -a opts <<<"$options"
    for format in text tsv trec json; do
        expected=$here/expected/$name.$format
        got=$work/$name.$format
        "$SEARCHER" -d "$work/idx" --format "$format" "${opts[@]}" -- "$query" >"$got" 2>"$work/err"
        rc=$?
        cases=$((cases + 1))
        if [ "$rc" -ne 0 ] || [ -s "$work/err" ] || [ ! -s "$got" ]; then
            echo "FAIL $name.$format: '$query' exit status $rc (0 and results wanted): $(head -n 3 "$work/err")"
            failed=1
        elif [ "$regenerate" = 1 ]; then
            cp "$got" "$expected" || exit 2
        elif [ ! -f "$expected" ]; then
            echo "FAIL $name.$format: no $expected (tests/golden/golden.sh --regenerate writes it)"
            failed=1
        elif ! cmp -s "$expected" "$got"; then
            shown=$query
            [ "$options" = - ] || shown="$options $query"
            echo "FAIL $name.$format: '$shown' differs from $expected:"
            diff "$expected" "$got" | head -n 20
            failed=1
        fi
    done
done <"$here/queries.tsv"

[ "$cases" -gt 0 ] || { echo "golden.sh: no query in $here/queries.tsv" >&2; exit 2; }
if [ "$regenerate" = 1 ] && [ "$failed" = 0 ]; then
    echo "golden.sh: $cases expected files written; review them with: git diff $here"
    exit 0
fi
[ "$failed" = 0 ] || exit 1
echo "golden.sh: $cases outputs equal to the expected files"
