# tests/bench/lib.sh - what the benchmarks measure the same way, sourced by
# speed.sh and remote.sh (not run on its own). The caller defines work (a
# scratch folder), SEARCHER (the searcher binary) and log MESSAGE (prints
# to stderr with the script's name).

# percentiles FILE: "p50 p95 p99" in ms of the timing lines of FILE.
percentiles() {
    python3 - "$1" <<'PY'
import sys
t = sorted(float(l.split("\t")[2]) for l in open(sys.argv[1]) if l.startswith("timing\t"))
if not t:
    print("- - -"); sys.exit()
q = lambda p: t[min(len(t) - 1, int(round(p / 100 * (len(t) - 1))))] / 1000
print("%.1f %.1f %.1f" % (q(50), q(95), q(99)))
PY
}

# timed_batch QUERIES CMD...: runs CMD once, a batch over the file QUERIES
# writing a "timing" line per query to stderr (kept in $work/timing.log);
# prints "p50 p95 p99 queries/s" (queries/s over the wall seconds of the
# whole process, start-up included) and returns CMD's status.
timed_batch() {
    local n start end rc
    n=$(wc -l <"$1")
    shift
    start=$(date +%s.%N)
    "$@" >/dev/null 2>"$work/timing.log"
    rc=$?
    end=$(date +%s.%N)
    echo "$(percentiles "$work/timing.log") $(python3 -c "print('%.0f' % ($n / max($end - $start, 0.001)))")"
    return "$rc"
}

# search DB QUERIES ARGS...: "p50 p95 p99 queries/s" of one batch run of the
# searcher (TREC, top 10); exits when the searcher fails (status 2 or more).
search() {
    local db=$1 q=$2 figures rc
    shift 2
    figures=$(timed_batch "$q" "$SEARCHER" -d "$db" --batch "$q" --format trec -n 10 --timing "$@")
    rc=$?
    if [ "$rc" -ge 2 ]; then
        log "searcher -d $db --batch $q $* failed (status $rc): $(grep -v '^timing' "$work/timing.log" | head -n 3)"
        exit 1
    fi
    echo "$figures"
}
