#!/usr/bin/env bash
# Re-indexing and the end of a run (issue 17, items 5 and 6): a run that
# replaced or deleted a large share of the index compacts it at its end and
# says why; one that only adds, or changes little, does not; --no-compact
# still wins and the summary says --compact would shrink the index. The
# progress line on a terminal counts decompressed bytes for a .gz and shows
# the last phases by name. One case per CTest entry.
# usage: reindex.sh CASE   (INDEXER, CORPUS, DATA_DIR, WORK come from CTest)
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "reindex/$case_name"
export LC_ALL=C.UTF-8

# make_articles FILE N [PREFIX]: N JSON Lines articles (ids PREFIX0..), each
# three paragraphs of words of the bundled articles in a shuffled order
# (fixed seed), so that no two are alike; the bundled corpus/ articles are
# indexed beside them.
make_articles() {
    python3 - "$CORPUS" "$DATA_DIR" "$@" <<'PY' || fail "cannot make the input"
import glob, json, os, random, sys
corpus, data, out, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
prefix = sys.argv[5] if len(sys.argv) > 5 else "g"
words = []
for path in sorted(glob.glob(os.path.join(corpus, "*.txt")) + glob.glob(os.path.join(data, "*.txt"))):
    words += open(path, encoding="utf-8").read().split("\n\n", 1)[-1].split()
rng = random.Random(17)
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        text = "\n\n".join(" ".join(rng.choice(words) for _ in range(60)) for _ in range(3))
        f.write(json.dumps({"id": "%s%04d" % (prefix, i), "title": " ".join(rng.choice(words) for _ in range(8)),
                            "text": text}, ensure_ascii=False) + "\n")
PY
}

kb() { du -sk "$1" | cut -f1; }

case $case_name in
compacts_on_reindex)
    # The same articles twice: the second run replaces every passage, and
    # compacts at its end, saying why; the index stays the first run's size
    # (uncompacted, it was ~3 times as large).
    make_articles gen.jsonl 400
    run "$INDEXER" -q -d idx "$CORPUS" gen.jsonl
    expect_rc 0
    expect_err "; compacted "
    first=$(kb idx)
    run "$INDEXER" -q -d idx "$CORPUS" gen.jsonl
    expect_rc 0
    expect_err "indexer: 0 added, 401 replaced, 0 deleted, 0 skipped;"
    expect_err "; compacted "
    expect_err "(this run replaced or deleted 100% of the index's passages)"
    second=$(kb idx)
    [ "$second" -le $((first * 5 / 4)) ] ||
        fail "re-indexed index ${second} KB, more than 1.25 times the first run's ${first} KB"
    # Deleting most of it compacts too.
    ids=$(seq -f 'g%04g' 0 299)
    run "$INDEXER" -q -d idx --delete $ids
    expect_rc 0
    expect_err "0 added, 0 replaced, 300 deleted"
    expect_err "; compacted "
    echo "note [$case_name]: ${first} KB, re-indexed ${second} KB" >&2
    ;;
append_no_compact)
    # A run that only adds to a large index, or replaces a small share of it,
    # does not compact it (each run would copy the whole index).
    make_articles gen.jsonl 400
    make_articles new.jsonl 20 n
    run "$INDEXER" -q -d idx "$CORPUS" gen.jsonl
    expect_rc 0
    run "$INDEXER" -q -d idx new.jsonl
    expect_rc 0
    expect_err "indexer: 20 added, 0 replaced"
    ! grep -q "compact" err || fail "an append compacted: $(cat err)"
    head -n 20 gen.jsonl >some.jsonl
    run "$INDEXER" -q -d idx some.jsonl
    expect_rc 0
    expect_err "indexer: 0 added, 20 replaced"
    ! grep -q "compact" err || fail "replacing 5% compacted: $(cat err)"
    ;;
no_compact_hint)
    # --no-compact wins; the summary says how large the index is and that
    # --compact would shrink it.
    make_articles gen.jsonl 200
    run "$INDEXER" -q -d idx gen.jsonl
    expect_rc 0
    run "$INDEXER" -q -d idx --no-compact gen.jsonl
    expect_rc 0
    ! grep -q "; compacted" err || fail "--no-compact compacted: $(cat err)"
    grep -qE '; the index is [0-9.]+ [KM]B, this run replaced or deleted 100% of its passages: --compact would shrink it$' err ||
        fail "no hint in the summary: $(cat err)"
    ;;
progress_gz)
    # On a terminal, a .gz input's MB/s counts the text (decompressed), and
    # the last phases are named. The input compresses ~100 to 1: counting
    # compressed bytes would show a rate far below the text read per second.
    command -v script >/dev/null || skip "no script(1) to give the indexer a terminal"
    make_articles one.jsonl 8 # ~16 KB: within deflate's 32 KB window, so repeats cost nothing
    for i in $(seq 1 150); do sed "s/\"id\": \"g/\"id\": \"r$i-/" one.jsonl; done | gzip -9 >in.jsonl.gz
    text_bytes=$(zcat in.jsonl.gz | wc -c)
    gz_bytes=$(wc -c <in.jsonl.gz)
    [ "$gz_bytes" -lt $((text_bytes / 20)) ] || fail "the input compresses too little: $gz_bytes of $text_bytes"
    timeout -k 5 "$LIMIT" script -qec "'$INDEXER' -d idx in.jsonl.gz" /dev/null >tty.txt 2>&1
    rc=$?
    expect_rc 0
    tr '\r' '\n' <tty.txt >lines.txt
    grep -q "committing [0-9.]* s" lines.txt || fail "no 'committing' phase shown: $(tail -c 1500 lines.txt)"
    grep -q "compacting [0-9.]* s" lines.txt || fail "no 'compacting' phase shown: $(tail -c 1500 lines.txt)"
    grep -q "indexer: 1200 added" lines.txt || fail "no summary: $(tail -c 1500 lines.txt)"
    rate=$(grep -oE '[0-9.]+ MB/s' lines.txt | tail -n 1 | cut -d' ' -f1)
    seconds=$(grep -oE 'passages; [0-9.]+ s' lines.txt | grep -oE '[0-9.]+ s' | cut -d' ' -f1)
    [ -n "$rate" ] && [ -n "$seconds" ] || fail "no rate or time shown: $(tail -c 1500 lines.txt)"
    # The rate is of the reading, which ended before the run did: rate (up
    # to its rounding, 0.05) x the run's seconds covers at least the text
    # (half of it, to be safe). Compressed bytes would cover a hundredth.
    python3 -c "import sys; sys.exit(0 if ($rate + 0.05) * $seconds * 1e6 >= $text_bytes / 2 else 1)" ||
        fail "$rate MB/s over $seconds s is less than half the $text_bytes bytes of text read ($gz_bytes compressed)"
    echo "note [$case_name]: $rate MB/s shown, $text_bytes bytes of text ($gz_bytes compressed) in $seconds s" >&2
    ;;
*)
    fail "unknown case"
    ;;
esac
exit 0
