#!/usr/bin/env bash
# Index size after re-indexing part of an index (issue 17, item 5): the
# figures behind the indexer's compaction policy (indexer/pipeline.h,
# KH_PIPELINE_COMPACT_SHARE; README, "Compaction").
#
#   tests/bench/reindex.sh [--articles N] [--shares "1 5 10 25 50 100"] [--work DIR]
#
# Input: the first N articles (default 3000; 0: all 30,676) of
# ../shared/data/saudinewsnet/docs.jsonl.gz. A base index of them is built
# (compacted, as a new index is), then for each share S (in percent of the
# articles) a copy of it gets the first S% re-indexed with --no-compact
# (replaced, as a feed that sends an article again), and the same run is
# made again with the indexer's own policy; a last row adds S=10% new
# articles (ids suffixed -new) to a copy: an append. Prints one markdown
# table: passages replaced, the index size after, its ratio to the base,
# the run's time without and with the policy, and what the policy did.
# Needs: indexer built (INDEXER or build/indexer/indexer), python3. The work
# folder (default: a temporary one) must be outside the repository.
set -u
here=$(cd "$(dirname "$0")" && pwd)
INDEXER=${INDEXER:-$here/../../build/indexer/indexer}
data=${SHARED_DATA:-$here/../../../shared/data}/saudinewsnet/docs.jsonl.gz
articles=3000 shares="1 5 10 25 50 100" work=""
while [ $# -gt 0 ]; do
    case $1 in
    --articles) articles=$2; shift 2 ;;
    --shares) shares=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: $0 [--articles N] [--shares LIST] [--work DIR]" >&2; exit 2 ;;
    esac
done
[ -f "$data" ] || { echo "skipped: $data is missing" >&2; exit 77; }
[ -n "$work" ] || work=$(mktemp -d)
mkdir -p "$work" && cd "$work" || exit 1
if [ "$articles" -gt 0 ]; then zcat "$data" | head -n "$articles" >in.jsonl
else zcat "$data" >in.jsonl; fi
total=$(wc -l <in.jsonl)
mb() { du -sk "$1" | awk '{printf "%.1f", $1 / 1000}'; }
secs() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$@"; }
now() { date +%s.%N; }
rm -rf base && "$INDEXER" -q -d base in.jsonl 2>base.err || { cat base.err; exit 1; }
base=$(mb base)
base_passages=$(grep -oE '[0-9]+ passages;' base.err | cut -d' ' -f1)
echo "| run on $total articles (base: $base MB, compacted) | passages removed | size, no compaction | ratio | time | with the policy | size | time |"
echo "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
row() { # LABEL FILE
    rm -rf plain auto && cp -r base plain && cp -r base auto
    t0=$(now); "$INDEXER" -q -d plain --no-compact "$2" 2>plain.err; t1=$(now)
    "$INDEXER" -q -d auto "$2" 2>auto.err; t2=$(now)
    # Passages removed: those the run wrote again (the same articles give
    # the same passages), as a share of the base's.
    written=$(grep -oE '[0-9]+ passages;' plain.err | cut -d' ' -f1)
    removed=$(python3 -c "print(0 if '$1'.startswith('append') else round(100 * $written / $base_passages))")
    did=$(grep -q '; compacted' auto.err && echo compacted || echo "not compacted")
    size=$(mb plain)
    echo "| $1 | $removed% | $size MB | $(python3 -c "print('%.2f' % ($size / $base))") | $(secs "$t0" "$t1") s | $did | $(mb auto) MB | $(secs "$t1" "$t2") s |"
}
for s in $shares; do
    head -n $(( (total * s + 99) / 100 )) in.jsonl >part.jsonl
    row "re-index $s%" part.jsonl
done
head -n $(( (total + 9) / 10 )) in.jsonl | sed 's/"id": *"\([^"]*\)"/"id": "\1-new"/' >new.jsonl
row "append 10% new" new.jsonl
