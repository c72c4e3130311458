#!/usr/bin/env bash
# Remote shards under network latency (issue 18): khabar's searcher against
# shards served by xapian-tcpsrv, each behind tests/bench/netdelay (a TCP
# proxy that holds every transfer back by half the round trip).
#
#   tests/bench/remote.sh [--index DIR] [--shards "2 4"] [--rtts "0 0.5 1 5"]
#                         [--jobs "1 4"] [--queries 100] [--slow-queries 50]
#                         [--concurrent 8] [--duration 60] [--out FILE]
#                         [--work DIR] [--smoke]
#
# Input: ../shared/data/saudinewsnet/docs.jsonl.gz (30,676 Arabic news
# articles), indexed with `indexer --shards N -j 2` for each N of --shards
# into DIR/sN (--index DIR: an index already there is used as it is; without
# --index, the work folder, deleted at the end). Queries: the first --queries
# ARCD questions (../shared/data/arcd/queries.tsv); rows of 5 ms round trip
# or more use the first --slow-queries of them (they take a quarter of a
# second each with feedback).
#
# For each shard count: one xapian-tcpsrv per shard on 127.0.0.1, and
#   - local: the same shards opened directly (`searcher -d DIR/sN`), the
#     reference row;
#   - remote, for each round trip of --rtts (ms) and each -j of --jobs: a
#     netdelay per shard (delay = round trip / 2; 0 = through the proxy
#     without delay) and a stub listing them (`remote 127.0.0.1:PORT`);
#   - at 1 ms (when in --rtts): the same with `--prf-weight 0` (no feedback),
#     to show what feedback costs;
# each through `searcher --batch Q --format trec -n 10 --timing`: p50/p95/p99
# of the searcher's own per-query time, queries/s = queries / wall seconds of
# the batch process (start-up and connections included), and the round
# trips a query makes per shard: the requests counted by the proxies on all
# connections, divided by queries x shards (a connection's opening exchange
# included), and those it waits for, one after another: the requests of each
# shard's busiest connection (the stub's own, which takes part in every
# exchange; the others read documents beside it; with -j J, the J busiest:
# each thread of the searcher has connections of its own), per query,
# averaged over the shards. Before the
# rows, every ARCD question (1,395) runs locally and remotely (directly on
# the servers) and the TREC runs are compared: the table says whether they
# are identical (--smoke: its 20 questions, and a difference fails it). Before each
# measured run the same batch runs once directly on the servers, unmeasured,
# so that every row reads warm pages.
# Many clients (--concurrent N, 0 to skip): N batch searchers (-j 1 each) at
# once against the last shard count of --shards at 1 ms round trip, each
# running the questions in batches of 10 again and again for --duration
# seconds: queries done, failed runs (exit status 2 or more), total
# queries/s (over the seconds until the last batch ended).
#
# Prints one markdown table (and the command that made it) and writes it to
# tests/bench/remote.md (or --out). Not part of `ctest`: the smoke entry
# (ctest -L speed, remote_smoke) runs --smoke (300 articles, 2 shards, 0 and
# 1 ms, 20 queries, 2 clients for 3 s) and checks that every row is there and
# its figures sane (exit 1 otherwise). Needs: indexer, searcher and netdelay
# built (INDEXER, SEARCHER, NETDELAY or build/), xapian-tools, python3.
# Time on 2 cores: about 10 minutes with the defaults, indexing included.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${SHARED_DATA:-$root/../shared/data}
command_line="tests/bench/remote.sh $*"
index=
shard_counts="2 4"
rtts="0 0.5 1 5"
jobs_list="1 4"
nqueries=100
slow_queries=50
concurrent=8
duration=60
out=$here/remote.md
work=
smoke=0
while [ $# -gt 0 ]; do
    case $1 in
    --index) index=$2; shift 2 ;;
    --shards) shard_counts=$2; shift 2 ;;
    --rtts) rtts=$2; shift 2 ;;
    --jobs) jobs_list=$2; shift 2 ;;
    --queries) nqueries=$2; shift 2 ;;
    --slow-queries) slow_queries=$2; shift 2 ;;
    --concurrent) concurrent=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --smoke) smoke=1; shard_counts=2; rtts="0 1"; nqueries=20; slow_queries=20; concurrent=2; duration=3; shift ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
    *) echo "remote.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
INDEXER=${INDEXER:-$root/build/indexer/indexer}
SEARCHER=${SEARCHER:-$root/build/searcher/searcher}
NETDELAY=${NETDELAY:-$root/build/tests/bench/netdelay}
corpus=$data/saudinewsnet/docs.jsonl.gz
arcd=$data/arcd/queries.tsv
if [ ! -r "$corpus" ] || [ ! -r "$arcd" ]; then
    echo "skipped: $data/saudinewsnet or $data/arcd missing (remote.sh)"
    exit 77
fi
for tool in "$INDEXER" "$SEARCHER" "$NETDELAY"; do
    [ -x "$tool" ] || { echo "remote.sh: $tool not built" >&2; exit 2; }
done
command -v xapian-tcpsrv >/dev/null || { echo "remote.sh: xapian-tcpsrv not found (Debian: xapian-tools)" >&2; exit 2; }
if [ -z "$work" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-remote.XXXXXX") || exit 2
fi
mkdir -p "$work" || exit 2
[ -n "$index" ] || index=$work/index
mkdir -p "$index" || exit 2

log() { echo "remote.sh: $*" >&2; }

# xapian-tcpsrv runs in a session of its own: on SIGTERM it kills its whole
# process group (see tests/e2e/lib.sh), which would be this script.
servers=()
proxies=()
stop_proxies() {
    for pid in "${proxies[@]}"; do kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    proxies=()
}
cleanup() {
    stop_proxies
    for pid in "${servers[@]}"; do kill -- "-$pid" 2>/dev/null; done
    [ -n "${keep_work:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- queries ----------------------------------------------------------------
head -n "$nqueries" "$arcd" >"$work/q.tsv"
head -n "$slow_queries" "$arcd" >"$work/q-slow.tsv"

# ---- measuring helpers ----------------------------------------------------
. "$here/lib.sh" # percentiles, search

# proxies_up N RTT: a netdelay (--count) in front of each of the N servers
# of ports[]; writes the stub $work/stub.
proxies_up() {
    local n=$1 rtt=$2 k delay
    delay=$(python3 -c "print($rtt / 2)")
    : >"$work/stub"
    for k in $(seq 0 $((n - 1))); do
        : >"$work/proxy-$k.out"
        "$NETDELAY" --target "127.0.0.1:${ports[$k]}" --delay-ms "$delay" --count \
            >"$work/proxy-$k.out" 2>"$work/proxy-$k.err" &
        proxies+=($!)
        for _ in $(seq 1 100); do grep -q '^listening' "$work/proxy-$k.out" && break; sleep 0.05; done
        echo "remote $(sed -n 's/^listening //p' "$work/proxy-$k.out")" >>"$work/stub"
    done
}

# round_trips N QUERIES J, once stop_proxies has run: "ALL | WAITED", round
# trips per query per shard: the proxies' requests / (queries x shards),
# and the J busiest connections' requests / queries, averaged over the
# proxies.
round_trips() {
    local n=$1 q=$2 j=$3
    python3 - "$n" "$q" "$j" "$work"/proxy-*.err <<'PY'
import re, sys
n, q, j = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
total = busiest = 0
for path in sys.argv[4:]:
    text = open(path).read()
    total += sum(int(m) for m in re.findall(r"total: \d+ connections, (\d+) requests", text))
    busiest += sum(sorted(int(m) for m in re.findall(r"connection \d+: (\d+) requests", text))[-j:])
print("%.1f | %.1f" % (total / (n * q), busiest / (n * q)))
PY
    rm -f "$work"/proxy-*.out "$work"/proxy-*.err
}

rows=()
crow=
same=()

# ---- the runs -------------------------------------------------------------
for n in $shard_counts; do
    db=$index/s$n
    if [ ! -f "$db/XAPIANDB" ]; then
        rm -rf "$db"
        log "indexing $n shards into $db"
        if [ "$smoke" = 1 ]; then
            zcat "$corpus" | head -n 300 | gzip -1 >"$work/smoke.jsonl.gz"
            input=$work/smoke.jsonl.gz
        else
            input=$corpus
        fi
        "$INDEXER" -q -d "$db" --shards "$n" -j 2 "$input" 2>"$work/index.log" ||
            { log "indexer failed: $(cat "$work/index.log")"; exit 1; }
    fi
    ports=()
    : >"$work/direct"
    for k in $(seq 0 $((n - 1))); do
        port=$(free_port)
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$db/shard-$k" >"$work/tcpsrv-$port.log" 2>&1 &
        servers+=($!)
        for _ in $(seq 1 100); do grep -q Listening "$work/tcpsrv-$port.log" && break; sleep 0.1; done
        ports+=("$port")
        echo "remote 127.0.0.1:$port" >>"$work/direct"
    done

    # Remote search must rank exactly as local search of the same shards:
    # every ARCD question (the first --queries with --smoke), TREC compared.
    all=$arcd
    [ "$smoke" = 1 ] && all=$work/q.tsv
    "$SEARCHER" -d "$db" --batch "$all" --format trec -n 10 -j 2 >"$work/local-$n.trec" 2>/dev/null
    "$SEARCHER" -d "$work/direct" --batch "$all" --format trec -n 10 -j 2 >"$work/remote-$n.trec" 2>/dev/null
    if cmp -s "$work/local-$n.trec" "$work/remote-$n.trec" && [ -s "$work/local-$n.trec" ]; then
        same+=("$n shards: remote and local TREC runs of $(wc -l <"$all") ARCD questions are identical")
    else
        same+=("$n shards: remote and local TREC runs of $(wc -l <"$all") ARCD questions DIFFER")
    fi
    log "${same[-1]}"
    for j in $jobs_list; do
        "$SEARCHER" -d "$db" --batch "$work/q.tsv" --format trec -n 10 -j "$j" >/dev/null 2>&1
        rows+=("| local | $n | - | $j | $nqueries | $(search "$db" "$work/q.tsv" -j "$j" | awk '{print $1" | "$2" | "$3" | "$4}') | - | - |")
    done
    for rtt in $rtts; do
        q=$work/q.tsv
        python3 -c "import sys; sys.exit(0 if $rtt >= 5 else 1)" && q=$work/q-slow.tsv
        nq=$(wc -l <"$q")
        prf_rows=(default)
        [ "$rtt" = 1 ] && prf_rows+=(0)
        for prf in "${prf_rows[@]}"; do
            extra=()
            label="remote"
            if [ "$prf" = 0 ]; then
                extra=(--prf-weight 0)
                label="remote, --prf-weight 0"
            fi
            for j in $jobs_list; do
                "$SEARCHER" -d "$work/direct" --batch "$q" --format trec -n 10 -j "$j" "${extra[@]}" >/dev/null 2>&1
                proxies_up "$n" "$rtt"
                figures=$(search "$work/stub" "$q" -j "$j" "${extra[@]}")
                stop_proxies
                trips=$(round_trips "$n" "$nq" "$j")
                rows+=("| $label | $n | $rtt | $j | $nq | $(echo "$figures" | awk '{print $1" | "$2" | "$3" | "$4}') | $trips |")
                log "${rows[-1]}"
            done
        done
    done

    if [ "$n" = "${shard_counts##* }" ] && [ "$concurrent" -gt 0 ]; then
        log "$concurrent clients for $duration s, $n shards, 1 ms round trip"
        proxies_up "$n" 1
        # Batches of 10 questions, so that a client stops within a few
        # seconds of the deadline (a batch of 100 ran 100 s past it).
        split -l 10 "$work/q.tsv" "$work/q-part."
        deadline=$(($(date +%s) + duration))
        start=$(date +%s.%N)
        clients=()
        for c in $(seq 1 "$concurrent"); do
            (
                done_q=0 failed=0 first=
                while [ "$(date +%s)" -lt "$deadline" ]; do
                    for part in "$work"/q-part.*; do
                        [ "$(date +%s)" -lt "$deadline" ] || break
                        "$SEARCHER" -d "$work/stub" --batch "$part" --format trec -n 10 -j 1 \
                            >/dev/null 2>"$work/client-$c.err"
                        rc=$?
                        if [ "$rc" -ge 2 ]; then
                            failed=$((failed + 1))
                            [ -n "$first" ] || first=$(head -n 1 "$work/client-$c.err")
                        else
                            done_q=$((done_q + $(wc -l <"$part")))
                        fi
                    done
                done
                echo "$done_q $failed $first" >"$work/client-$c.result"
            ) &
            clients+=($!)
        done
        wait "${clients[@]}"
        end=$(date +%s.%N)
        stop_proxies
        total=0 failed=0 first=
        for c in $(seq 1 "$concurrent"); do
            read -r d f msg <"$work/client-$c.result"
            total=$((total + d)) failed=$((failed + f))
            [ -n "$first" ] || first=$msg
        done
        crow="| $concurrent clients (-j 1 each), $n shards, 1 ms round trip, $duration s ($(python3 -c "print('%.0f' % ($end - $start))") s with the last batches) | $total | $failed | $(python3 -c "print('%.0f' % ($total / ($end - $start)))") |"
        [ -z "$first" ] || crow+=" first error: $first"
        log "$crow"
    fi
    for pid in "${servers[@]}"; do kill -- "-$pid" 2>/dev/null; done
    servers=()
done

# ---- the table --------------------------------------------------------------
{
    echo "# Remote shards under network latency"
    echo
    echo "Written by \`$command_line\` on $(date -u +%Y-%m-%d) at $(git -C "$root" rev-parse --short HEAD 2>/dev/null);"
    echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
    echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (shared with other work: figures vary between runs)."
    echo "saudinewsnet in N shards (\`indexer --shards N -j 2\`), each served by xapian-tcpsrv on 127.0.0.1"
    echo "behind tests/bench/netdelay (round trip = 2 x its delay; 0 = through the proxy, no delay);"
    echo "\`searcher --batch --format trec -n 10 --timing -j J\`, first ARCD questions, warm."
    echo "Latency: the searcher's own per-query time; queries/s: queries / wall seconds of the batch;"
    echo "round trips: requests the proxies saw / (queries x shards), on all connections, and waited for"
    echo "(the busiest connection of each shard, the stub's own, which takes part in every exchange;"
    echo "with -j J the J busiest: each searcher thread has its own)."
    echo
    echo "| search | shards | round trip ms | -j | queries | p50 ms | p95 ms | p99 ms | queries/s | round trips / query / shard | waited for |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${rows[@]}"
    echo
    printf '%s.\n' "${same[@]}"
    if [ -n "$crow" ]; then
        echo
        echo "Many clients at once:"
        echo
        echo "| clients | queries done | failed runs | queries/s, all clients |"
        echo "| --- | ---: | ---: | ---: |"
        echo "$crow"
    fi
} >"$work/remote.md"
cat "$work/remote.md"
mkdir -p "$(dirname "$out")" && cp "$work/remote.md" "$out"

# ---- the smoke run's checks -------------------------------------------------
[ "$smoke" = 1 ] || exit 0
python3 - "$work/remote.md" <<'PY' || exit 1
import sys
rows = [[c.strip() for c in l.strip().strip("|").split("|")]
        for l in open(sys.argv[1], encoding="utf-8") if l.startswith("| ") and not l.startswith("| ---")]
bad = []
table = [r for r in rows if len(r) == 11 and r[0] != "search"]
def find(search, rtt, j):
    return [r for r in table if r[0] == search and r[2] == rtt and r[3] == j]
for search, rtt in (("local", "-"), ("remote", "0"), ("remote", "1"), ("remote, --prf-weight 0", "1")):
    for j in ("1", "4"):
        mine = find(search, rtt, j)
        if not mine:
            bad.append("no row for %s at %s ms -j %s" % (search, rtt, j))
            continue
        r = mine[0]
        try:
            p50, p95, p99, qps = (float(x) for x in r[5:9])
        except ValueError:
            bad.append("%s: a figure is not a number" % r)
            continue
        if not (0 <= p50 <= p95 <= p99) or qps <= 0:
            bad.append("%s at %s ms -j %s: p50 %s, p95 %s, p99 %s, %s queries/s" % (search, rtt, j, p50, p95, p99, qps))
        if search != "local" and not 1 <= float(r[10]) <= float(r[9]):
            bad.append("%s at %s ms -j %s: %s round trips a query, %s waited for" % (search, rtt, j, r[9], r[10]))
        # A query over a 1 ms round trip waits for one at least.
        if rtt == "1" and p50 < 1.0:
            bad.append("%s at 1 ms -j %s: p50 %s ms, under one round trip" % (search, j, p50))
clients = [r for r in rows if len(r) == 4 and r[0] != "clients"]
if not clients:
    bad.append("no row for many clients")
elif not (int(clients[0][1]) > 0 and clients[0][2] == "0" and float(clients[0][3]) > 0):
    bad.append("many clients: %s" % " | ".join(clients[0]))
text = open(sys.argv[1], encoding="utf-8").read()
if "identical" not in text or "DIFFER" in text:
    bad.append("remote and local runs are not identical")
if bad:
    sys.exit("remote.sh: smoke check failed: " + "; ".join(bad))
print("smoke check: %d rows, many clients without error, every figure sane" % len(table))
PY
