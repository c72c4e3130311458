#!/usr/bin/env bash
# Speed, memory and size benchmark (issues 5 and 7): khabar beside raw Xapian.
#
#   tests/bench/speed.sh [--sizes "10 100 400"] [--shards-at 100] [--out FILE]
#                        [--work DIR] [--keep] [--smoke]
#
# Input: ../shared/data/saudinewsnet/docs.jsonl.gz (30,676 Arabic news
# articles, 100.7 MB of JSON Lines, 99 MB of text), read through the
# indexer's own .gz support, at each size of --sizes, in percent of the
# corpus: 10 = the first 3,068 articles; 100 = all of it; 400 = the corpus
# four times, the copies' ids suffixed -r2, -r3, -r4 (so 122,704 distinct
# articles, about 400 MB: generated as .jsonl.gz into the work folder and
# deleted afterwards unless --keep).
#
# For each size:
#   - khabar: `indexer` with its defaults (one database, one analysis thread
#     per core); wall seconds, CPU seconds, MB/s of input, passages/s, peak
#     RSS (/usr/bin/time), index size on disk (du) and its ratio to the input;
#     the same index after xapian-compact, for the record;
#   - raw Xapian: tests/bench/xapian_ref.cc (compiled here with g++; see its
#     header), same input, same figures;
#   - search, warm (each batch runs once unmeasured first): p50/p95/p99
#     latency and queries/s over the first 200 ARCD questions (the issue's
#     reference batch; also with -j 1), the 1,395 ARCD questions
#     (../shared/data/arcd/queries.tsv) and over 1-, 2- and 5-word queries
#     drawn from their words (fixed seed), through `searcher --batch --timing
#     --format trec -n 10` (latency: the searcher's own per-query time, search
#     + output; queries/s: queries / wall seconds of the batch process,
#     start-up included; the first 200 also as JSON Lines, with the passages'
#     text and highlights) and through xapian_ref search.
# At --shards-at (a size in --sizes; default 100; "" to skip): indexing with
# --shards 2 -j 2 and --shards 4 against the one-database run, and search
# latency over 1, 2 and 4 shards, local and remote (one xapian-tcpsrv per
# shard on 127.0.0.1, a stub listing them).
#
# Prints one markdown table (machine: cores, memory, load) and writes it to
# tests/bench/speed.md (or --out). Not part of `ctest`: the smoke entry
# (ctest -L speed) runs --smoke, a few hundred articles, to check the script
# works (and that its figures are sane: every engine's rows there, no zero
# or missing figure; exit 1 otherwise), and writes to the build tree. Needs: indexer and searcher built
# (INDEXER/SEARCHER or build/), g++, libxapian-dev, xapian-tools, python3.
# Time: about 25 minutes for "10 100 400" on 2 cores; disk: about 3 GB.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${SHARED_DATA:-$root/../shared/data}
sizes="10 100 400"
shards_at=100
out=$here/speed.md
work=
keep=0
smoke=0
while [ $# -gt 0 ]; do
    case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --shards-at) shards_at=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --smoke) smoke=1; sizes=1; shards_at=1; shift ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
    *) echo "speed.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
INDEXER=${INDEXER:-$root/build/indexer/indexer}
SEARCHER=${SEARCHER:-$root/build/searcher/searcher}
corpus=$data/saudinewsnet/docs.jsonl.gz
arcd=$data/arcd/queries.tsv
if [ ! -r "$corpus" ] || [ ! -r "$arcd" ]; then
    echo "skipped: $data/saudinewsnet or $data/arcd missing (speed.sh)"
    exit 77
fi
for tool in "$INDEXER" "$SEARCHER"; do
    [ -x "$tool" ] || { echo "speed.sh: $tool not built" >&2; exit 2; }
done
if [ -z "$work" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-speed.XXXXXX") || exit 2
fi
mkdir -p "$work" || exit 2
servers=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null; done
    [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

ref=$work/xapian_ref
g++ -O2 -std=c++17 "$here/xapian_ref.cc" -o "$ref" \
    $(pkg-config --cflags --libs xapian-core jansson zlib) || exit 2

log() { echo "speed.sh: $*" >&2; }

# ---- inputs ---------------------------------------------------------------
total_articles=$(zcat "$corpus" | wc -l)
make_input() { # SIZE -> path of a .jsonl.gz holding SIZE% of the corpus
    local size=$1 path=$work/in-$1.jsonl.gz
    if [ "$size" = 100 ]; then
        echo "$corpus"
        return
    fi
    if [ ! -s "$path" ]; then
        if [ "$size" -le 100 ]; then
            zcat "$corpus" | head -n $((total_articles * size / 100)) | gzip -1 >"$path"
        else
            local copies=$((size / 100))
            for r in $(seq 1 "$copies"); do
                if [ "$r" = 1 ]; then
                    zcat "$corpus"
                else
                    zcat "$corpus" | sed "s/^{\"id\": \"\\([^\"]*\\)\"/{\"id\": \"\\1-r$r\"/"
                fi
            done | gzip -1 >"$path"
        fi
    fi
    echo "$path"
}

# ---- queries --------------------------------------------------------------
python3 - "$arcd" "$work" <<'PY' || exit 2
import random, re, sys
arcd, work = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t", 1) for l in open(arcd, encoding="utf-8") if "\t" in l]
open(work + "/q-arcd.tsv", "w", encoding="utf-8").writelines("%s\t%s\n" % tuple(r) for r in rows)
# The issue's reference batch: the first 200 questions.
open(work + "/q-arcd200.tsv", "w", encoding="utf-8").writelines("%s\t%s\n" % tuple(r) for r in rows[:200])
words = [w for _, q in rows for w in re.findall(r"\w+", q) if len(w) > 1]
rng = random.Random(5)
for k in (1, 2, 5):
    with open(work + "/q-%dw.tsv" % k, "w", encoding="utf-8") as f:
        for i in range(len(rows)):
            f.write("w%d-%d\t%s\n" % (k, i, " ".join(rng.choice(words) for _ in range(k))))
PY
query_sets="arcd200 arcd 1w 2w 5w"
[ "$smoke" = 1 ] && for s in $query_sets; do head -n 50 "$work/q-$s.tsv" >"$work/q.tmp" && mv "$work/q.tmp" "$work/q-$s.tsv"; done

# ---- measuring helpers ----------------------------------------------------
# timed OUT CMD...: runs CMD with /usr/bin/time; OUT gets "wall user sys maxrss_kb".
timed() {
    local outf=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$outf" "$@"
}

. "$here/lib.sh" # percentiles, timed_batch, search

# search_khabar INDEX SET [ARGS]: "p50 p95 p99 qps" (warm: one unmeasured run first).
search_khabar() {
    local db=$1 q=$work/q-$2.tsv
    shift 2
    "$SEARCHER" -d "$db" --batch "$q" --format trec -n 10 "$@" >/dev/null 2>&1
    search "$db" "$q" "$@"
}

search_ref() {
    local q=$work/q-$2.tsv
    "$ref" search "$1" "$q" >/dev/null 2>&1
    timed_batch "$q" "$ref" search "$1" "$q"
}

mb() { python3 -c "print('%.1f' % ($1 / 1e6))"; }
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }

rows=()     # indexing table rows
srows=()    # search table rows
shrows=()   # shard table rows

# index_row ENGINE SIZE INPUT_BYTES TIMEFILE PASSAGES DB [COMPACT_BYTES]
index_row() {
    local engine=$1 size=$2 bytes=$3 passages=$5 db=$6 compact=${7:-}
    read -r wall user sys rss <"$4"
    local disk
    disk=$(du -sb "$db" | cut -f1)
    local cpu
    cpu=$(python3 -c "print('%.1f' % ($user + $sys))")
    local row="| $engine | $size% | $(mb "$bytes") | $wall | $cpu | $(python3 -c "print('%.2f' % ($bytes / 1e6 / max($wall, 0.01)))")"
    row+=" | $(python3 -c "print('%.0f' % ($passages / max($wall, 0.01)))") | $((rss / 1024))"
    row+=" | $(mb "$disk") ($(ratio "$disk" "$bytes")x)"
    if [ -n "$compact" ]; then
        row+=" | $(mb "$compact") ($(ratio "$compact" "$bytes")x) |"
    else
        row+=" | - |"
    fi
    rows+=("$row")
}

compact_size() { # DB -> bytes after xapian-compact (a copy; DB untouched)
    rm -rf "$work/compacted"
    xapian-compact "$1" "$work/compacted" >/dev/null 2>&1 || { echo 0; return; }
    du -sb "$work/compacted" | cut -f1
    rm -rf "$work/compacted"
}

# ---- the runs -------------------------------------------------------------
for size in $sizes; do
    if [ "$smoke" = 1 ]; then
        input=$work/in-smoke.jsonl.gz
        zcat "$corpus" | head -n 300 | gzip -1 >"$input"
    else
        input=$(make_input "$size")
    fi
    bytes=$(zcat "$input" | wc -c)
    articles=$(zcat "$input" | wc -l)
    log "size $size%: $articles articles, $(mb "$bytes") MB; load $(cut -d' ' -f1-3 /proc/loadavg)"

    db=$work/khabar-$size
    rm -rf "$db"
    timed "$work/t.index" "$INDEXER" -q -d "$db" "$input" 2>"$work/index.log" ||
        { log "indexer failed: $(cat "$work/index.log")"; exit 1; }
    passages=$(sed -n 's/.*; \([0-9]*\) passages;.*/\1/p' "$work/index.log" | tail -n 1)
    index_row "khabar" "$size" "$bytes" "$work/t.index" "$passages" "$db" "$(compact_size "$db")"
    log "khabar: $(cat "$work/t.index") (wall user sys KB)"

    refdb=$work/xapian-$size
    rm -rf "$refdb"
    timed "$work/t.ref" "$ref" index "$refdb" "$input" >/dev/null || { log "xapian_ref failed"; exit 1; }
    index_row "raw Xapian" "$size" "$bytes" "$work/t.ref" "$articles" "$refdb" "$(compact_size "$refdb")"
    log "raw Xapian: $(cat "$work/t.ref")"

    for set in $query_sets; do
        srows+=("| khabar | $size% | $set | $(search_khabar "$db" "$set" | awk '{print $1" | "$2" | "$3" | "$4}') |")
        if [ "$set" = arcd200 ]; then
            srows+=("| khabar -j 1 | $size% | $set | $(search_khabar "$db" "$set" -j 1 | awk '{print $1" | "$2" | "$3" | "$4}') |")
            srows+=("| khabar JSON | $size% | $set | $(search_khabar "$db" "$set" --format json | awk '{print $1" | "$2" | "$3" | "$4}') |")
        fi
        srows+=("| raw Xapian | $size% | $set | $(search_ref "$refdb" "$set" | awk '{print $1" | "$2" | "$3" | "$4}') |")
    done
    log "search done"

    if [ "$size" = "$shards_at" ]; then
        read -r one_wall _ <"$work/t.index"
        shrows+=("| 1 (default) | $one_wall | $(python3 -c "print('%.2f' % ($bytes / 1e6 / max($one_wall, 0.01)))") | $(awk '{print int($4/1024)}' "$work/t.index") | $(search_khabar "$db" arcd | awk '{print $1" / "$3}') | - |")
        for n in 2 4; do
            sdb=$work/khabar-$size-s$n
            rm -rf "$sdb"
            timed "$work/t.shards" "$INDEXER" -q -d "$sdb" --shards "$n" -j 2 "$input" 2>/dev/null
            read -r swall _ _ srss <"$work/t.shards"
            # Remote: one xapian-tcpsrv per shard (own session: see tests/e2e/shards.sh).
            : >"$work/remote-$n"
            for k in $(seq 0 $((n - 1))); do
                port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
                setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$sdb/shard-$k" >"$work/tcpsrv-$port.log" 2>&1 &
                servers+=($!)
                for _ in $(seq 1 100); do grep -q Listening "$work/tcpsrv-$port.log" && break; sleep 0.1; done
                echo "remote 127.0.0.1:$port" >>"$work/remote-$n"
            done
            local_lat=$(search_khabar "$sdb" arcd | awk '{print $1" / "$3}')
            remote_lat=$(search_khabar "$work/remote-$n" arcd | awk '{print $1" / "$3" ("$4" q/s)"}')
            for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null; done
            servers=()
            shrows+=("| $n (-j 2) | $swall | $(python3 -c "print('%.2f' % ($bytes / 1e6 / max($swall, 0.01)))") | $((srss / 1024)) | $local_lat | $remote_lat |")
            [ "$keep" = 1 ] || rm -rf "$sdb"
        done
    fi
    [ "$keep" = 1 ] || rm -rf "$db" "$refdb"
    [ "$keep" = 1 ] || [ "$size" -le 100 ] || rm -f "$input"
done

# ---- the table --------------------------------------------------------------
{
    echo "# Speed, memory and index size"
    echo
    echo "Written by \`tests/bench/speed.sh --sizes \"$sizes\"\` on $(date -u +%Y-%m-%d);"
    echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
    echo "$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) memory, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Input: saudinewsnet JSON Lines read from .gz (400% = the corpus four times, ids suffixed)."
    echo "MB/s = MB of input (uncompressed JSON Lines) per wall second; CPU s = user + system."
    echo
    echo "| engine | size | input MB | index wall s | CPU s | MB/s | passages/s (raw Xapian: articles/s) | peak RSS MB | index MB (x input) | after xapian-compact |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Search, warm, top 10 (khabar: passages, TREC output (ids and scores: no text read but what the"
    echo "ranking needs), \`--batch\` on every core (-j $(nproc)); \"khabar -j 1\" on one; \"khabar JSON\": JSON Lines"
    echo "with each passage's text, title, url and highlighted words; raw Xapian: articles, data read, one"
    echo "thread). arcd200 = the first 200 ARCD questions (42 of them end with a stray \"ال\"):"
    echo
    echo "| engine | size | queries | p50 ms | p95 ms | p99 ms | queries/s |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${srows[@]}"
    if [ ${#shrows[@]} -gt 0 ]; then
        echo
        echo "Shards at $shards_at%: indexing, and ARCD search latency p50 / p99 ms (remote: one xapian-tcpsrv per shard on 127.0.0.1):"
        echo
        echo "| shards | index wall s | MB/s | peak RSS MB | local p50 / p99 ms | remote p50 / p99 ms |"
        echo "| --- | --- | --- | --- | --- | --- |"
        printf '%s\n' "${shrows[@]}"
    fi
} >"$work/speed.md"
cat "$work/speed.md"
mkdir -p "$(dirname "$out")" && cp "$work/speed.md" "$out"

# ---- the smoke run's checks -------------------------------------------------
# A table of zeros or dashes (an engine that failed, a summary line the
# script no longer parses) must fail the smoke test, not pass it.
[ "$smoke" = 1 ] || exit 0
python3 - "$work/speed.md" <<'PY' || exit 1
import re, sys
rows = [[c.strip() for c in l.strip().strip("|").split("|")]
        for l in open(sys.argv[1], encoding="utf-8") if l.startswith("| ") and not l.startswith("| ---")]
bad = []
def number(text, what, positive=True):
    """A figure, above zero unless a latency (0.0 ms is a fast search on 300 articles)."""
    m = re.match(r"[0-9]+(\.[0-9]+)?", text)
    if not m or (positive and float(m.group()) <= 0):
        bad.append("%s: '%s'" % (what, text))
index = {r[0]: r for r in rows if len(r) == 10 and r[0] != "engine"}
search = [r for r in rows if len(r) == 7 and r[0] != "engine"]
shards = [r for r in rows if len(r) == 6 and r[0] != "shards"]
for engine in ("khabar", "raw Xapian"):
    if engine not in index:
        bad.append("no indexing row for %s" % engine)
        continue
    r = index[engine]
    for k, what in ((2, "input MB"), (3, "index wall s"), (5, "MB/s"), (6, "passages/s"), (7, "peak RSS MB"),
                    (8, "index MB"), (9, "after xapian-compact")):
        number(r[k], "%s %s" % (engine, what))
for engine in ("khabar", "khabar -j 1", "khabar JSON", "raw Xapian"):
    mine = [r for r in search if r[0] == engine]
    if not mine:
        bad.append("no search row for %s" % engine)
    for r in mine:
        for k, what in ((3, "p50 ms"), (4, "p95 ms"), (5, "p99 ms"), (6, "queries/s")):
            number(r[k], "%s %s %s" % (engine, r[2], what), what == "queries/s")
for name in ("1 (default)", "2 (-j 2)", "4 (-j 2)"):
    mine = [r for r in shards if r[0] == name]
    if not mine:
        bad.append("no shards row for %s" % name)
    for r in mine:
        for k, what in ((1, "index wall s"), (2, "MB/s"), (4, "local p50 / p99"), (5, "remote p50 / p99")):
            if k == 5 and name.startswith("1 "):
                continue
            number(r[k], "%s shards %s" % (name, what), "p50" not in what)
if bad:
    sys.exit("speed.sh: smoke check failed: " + "; ".join(bad))
print("smoke check: %d indexing, %d search and %d shard rows, every figure above zero" %
      (len(index), len(search), len(shards)))
PY
