#!/usr/bin/env bash
# quality.sh - retrieval quality of khabar on the test collections in ../shared/data.
#
# usage: tests/bench/quality.sh [--data DIR] [--out FILE] [--sets "arcd kaiflematha cranfield"]
#                               [--check FLOORS] [--keep DIR]
#
# For each set (a folder with docs.jsonl, queries.tsv and qrels.txt): indexes
# docs.jsonl into a fresh index with the project's indexer, runs every query
# with `searcher --batch --format trec --per-article -n 100`, scores the run
# with tests/bench/evaluate (MRR@10, nDCG@10, Recall@10, Recall@100 as
# trec_eval defines them; a query without results scores 0), prints one row
# of a markdown table per set and writes the table to FILE (default
# tests/bench/quality.md).
#
#   --data DIR     the collections (default: $DATA, else ../shared/data beside the repository)
#   --out FILE     where the table goes (default: tests/bench/quality.md)
#   --sets "A B"   which sets (default: arcd kaiflematha cranfield, then any other
#                  folder of DIR with queries.tsv and qrels.txt)
#   --check FILE   floors, one "SET METRIC FLOOR" a line (METRIC: mrr10, ndcg10,
#                  recall10, recall100); exit 1 if a set is below one, or if
#                  a set with floors is missing from DIR (without --sets)
#   --keep DIR     keep each set's index, run and per-query figures in DIR/SET
#
# Environment: INDEXER, SEARCHER, EVALUATE (default: build/indexer/indexer,
# build/searcher/searcher, build/tests/bench/evaluate, the last compiled with
# ${CC:-cc} when missing); INDEXER_FLAGS and SEARCHER_FLAGS are added to every
# indexer and searcher command, for ablations, e.g.
#   SEARCHER_FLAGS="--title-weight 0" tests/bench/quality.sh --out /tmp/no-title.md
#
# Exit status: 0; 1 when --check finds a figure below its floor or a set
# with floors missing; 2 on an error; 77 when the data folder is missing
# (CTest reports the test as skipped).
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

data=${DATA:-$root/../shared/data}
out=$here/quality.md
sets=""
floors=""
keep=""

die() {
    echo "quality.sh: $*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --data | --out | --sets | --check | --keep)
        [ $# -ge 2 ] || die "$1 needs a value"
        case $1 in
        --data) data=$2 ;;
        --out) out=$2 ;;
        --sets) sets=$2 ;;
        --check) floors=$2 ;;
        --keep) keep=$2 ;;
        esac
        shift 2
        ;;
    -h | --help)
        sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
        exit 0
        ;;
    *) die "unknown argument: $1 (see --help)" ;;
    esac
done

if [ ! -d "$data" ]; then
    echo "skipped: no ../shared/data (looked for $data)"
    exit 77
fi
data=$(cd "$data" && pwd)

# The floors, read before the long part so that a typo fails at once.
floor_lines=()
if [ -n "$floors" ]; then
    [ -r "$floors" ] || die "$floors: cannot read the floors"
    lineno=0
    while read -r set metric floor rest || [ -n "${set:-}" ]; do
        lineno=$((lineno + 1))
        case ${set:-#} in \#*) continue ;; esac
        if [ -z "${floor:-}" ] || [ -n "${rest:-}" ]; then
            die "$floors:$lineno: expected SET METRIC FLOOR"
        fi
        case $metric in mrr10 | ndcg10 | recall10 | recall100) ;;
        *) die "$floors:$lineno: unknown metric '$metric' (mrr10, ndcg10, recall10, recall100)" ;;
        esac
        awk -v f="$floor" 'BEGIN { exit !(f ~ /^[0-9]*\.?[0-9]+$/) }' ||
            die "$floors:$lineno: floor '$floor' is not a number"
        floor_lines+=("$set $metric $floor")
    done <"$floors"
fi

has_set() { [ -r "$data/$1/docs.jsonl" ] && [ -r "$data/$1/queries.tsv" ] && [ -r "$data/$1/qrels.txt" ]; }

sets_given=$sets
if [ -z "$sets" ]; then
    for s in arcd kaiflematha cranfield; do
        has_set "$s" && sets+="$s "
    done
    for dir in "$data"/*/; do
        s=$(basename "$dir")
        case " $sets " in *" $s "*) continue ;; esac
        has_set "$s" && sets+="$s "
    done
    if [ -z "$sets" ]; then
        echo "skipped: no set with docs.jsonl, queries.tsv and qrels.txt in $data"
        exit 77
    fi
else
    for s in $sets; do
        has_set "$s" || die "$data/$s: no docs.jsonl, queries.tsv and qrels.txt"
    done
fi

# With the data there, a set that has floors but is missing (a folder
# renamed, a file lost) fails at once: its floors would go unchecked.
if [ -z "$sets_given" ]; then
    missing=""
    for line in "${floor_lines[@]}"; do
        read -r set _ <<<"$line"
        case " $sets $missing " in
        *" $set "*) ;;
        *)
            echo "quality.sh: missing set: $set has floors in $floors, but $data/$set has no docs.jsonl, queries.tsv and qrels.txt" >&2
            missing+="$set "
            ;;
        esac
    done
    [ -z "$missing" ] || exit 1
fi

indexer=${INDEXER:-$root/build/indexer/indexer}
searcher=${SEARCHER:-$root/build/searcher/searcher}
[ -x "$indexer" ] || die "no indexer at $indexer (build first, or set INDEXER)"
[ -x "$searcher" ] || die "no searcher at $searcher (build first, or set SEARCHER)"
read -r -a indexer_flags <<<"${INDEXER_FLAGS:-}"
read -r -a searcher_flags <<<"${SEARCHER_FLAGS:-}"

if [ -n "$keep" ]; then
    mkdir -p "$keep" || die "cannot create $keep"
    work=$(cd "$keep" && pwd)
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-quality.XXXXXX") || die "cannot create a work folder"
    trap 'rm -rf "$work"' EXIT
fi

evaluate=${EVALUATE:-$root/build/tests/bench/evaluate}
if [ ! -x "$evaluate" ]; then
    evaluate=$work/evaluate
    "${CC:-cc}" -std=c11 -O2 -Wall -Wextra -o "$evaluate" "$here/eval.c" "$here/evaluate.c" -lm ||
        die "cannot compile the evaluator"
fi

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The last lines of a command's stderr, indented, for error messages.
tail_of() { tail -n 5 "$1" | sed 's/^/    /'; }

header='| set | queries | MRR@10 | nDCG@10 | R@10 | R@100 | index s | search s |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
echo "$header"
rows=""
failed=0
declare -A figure # figure[SET.METRIC]

for s in $sets; do
    dir=$work/$s
    rm -rf "$dir"
    mkdir -p "$dir" || die "cannot create $dir"

    t0=$(now)
    "$indexer" -q -d "$dir/index" "${indexer_flags[@]}" "$data/$s/docs.jsonl" 2>"$dir/index.err"
    rc=$?
    t1=$(now)
    if [ $rc -eq 1 ]; then
        echo "quality.sh: $s: the indexer skipped some articles:" >&2
        tail_of "$dir/index.err" >&2
    elif [ $rc -ne 0 ]; then
        echo "quality.sh: $s: indexer failed (exit status $rc):" >&2
        tail_of "$dir/index.err" >&2
        failed=1
        continue
    fi

    # Exit status 1 only says that no query matched: the figures will say so too.
    # 2 with a run: searcher rejected some queries (bad syntax) and answered the
    # rest; a rejected query has no result and scores 0, as it would for a user.
    "$searcher" -d "$dir/index" --format trec --per-article -n 100 "${searcher_flags[@]}" \
        --batch "$data/$s/queries.tsv" >"$dir/run.trec" 2>"$dir/search.err"
    rc=$?
    t2=$(now)
    if [ $rc -eq 2 ] && [ -s "$dir/run.trec" ]; then
        echo "quality.sh: $s: searcher rejected $(wc -l <"$dir/search.err") queries (scored 0):" >&2
        tail_of "$dir/search.err" >&2
    elif [ $rc -gt 1 ]; then
        echo "quality.sh: $s: searcher failed (exit status $rc):" >&2
        tail_of "$dir/search.err" >&2
        failed=1
        continue
    fi

    if ! "$evaluate" --per-query --queries "$data/$s/queries.tsv" "$data/$s/qrels.txt" \
        "$dir/run.trec" >"$dir/per-query.txt" 2>"$dir/evaluate.err"; then
        echo "quality.sh: $s: cannot score the run:" >&2
        tail_of "$dir/evaluate.err" >&2
        failed=1
        continue
    fi
    # The last line: "all queries=N mrr10=X ndcg10=X recall10=X recall100=X".
    for pair in $(tail -n 1 "$dir/per-query.txt"); do
        case $pair in *=*) figure[$s.${pair%%=*}]=${pair#*=} ;; esac
    done

    row="| $s | ${figure[$s.queries]} | ${figure[$s.mrr10]} | ${figure[$s.ndcg10]} |"
    row+=" ${figure[$s.recall10]} | ${figure[$s.recall100]} | $(seconds "$t0" "$t1") |"
    row+=" $(seconds "$t1" "$t2") |"
    echo "$row"
    rows+="$row"$'\n'
done

if [ $failed -ne 0 ]; then
    echo "quality.sh: some sets failed; $out left as it was" >&2
    exit 2
fi

commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
{
    echo "# Retrieval quality"
    echo
    echo "Measured by \`tests/bench/quality.sh\` on $(date -u +%Y-%m-%d), commit $commit, $(nproc) cores;"
    echo "INDEXER_FLAGS='${INDEXER_FLAGS:-}' SEARCHER_FLAGS='${SEARCHER_FLAGS:-}'."
    echo "Searcher: \`--batch --format trec --per-article -n 100\`; figures as trec_eval defines them"
    echo "(nDCG@10 with graded gains), means over every judged query, a query without results scoring 0."
    echo "Seconds are wall-clock: indexing docs.jsonl into an empty index, and running all the queries."
    echo
    echo "$header"
    printf '%s' "$rows"
} >"$out.tmp" || die "cannot write $out.tmp"
mv "$out.tmp" "$out" || die "cannot write $out"
echo "table written to $out"

[ -n "$floors" ] || exit 0

below=0
checked=0
for line in "${floor_lines[@]}"; do
    read -r set metric floor <<<"$line"
    case " $sets " in
    *" $set "*) ;;
    *)
        echo "floor not checked: $set is not in --sets"
        continue
        ;;
    esac
    value=${figure[$set.$metric]}
    checked=$((checked + 1))
    if awk -v v="$value" -v f="$floor" 'BEGIN { exit !(v + 0 < f + 0) }'; then
        echo "below floor: $set $metric $value < $floor"
        below=1
    fi
done

if [ $below -ne 0 ]; then
    exit 1
fi
echo "floors: all $checked met"
