#!/usr/bin/env bash
# Phrase benchmark (issue 12, item 5): quoted phrases of common words, before
# and after the bound on the phrase check, in the same run on this machine.
#
#   tests/bench/phrases.sh [--index DIR] [--before SEARCHER | --before-rev REV]
#                          [--runs N] [--work DIR] [--out FILE]
#
# Index: --index DIR, else ../shared/data/saudinewsnet/docs.jsonl.gz (30,676
# Arabic news articles, 99 MB of text) indexed into the work folder with the
# indexer of this build (about 40 s).
# After: $SEARCHER, else build/searcher/searcher. Before: --before SEARCHER,
# else the searcher of --before-rev REV (default e99b554, the last commit
# without the bound), built from `git archive REV` in the work folder.
#
# Queries (written to WORK/queries.tsv): pairs of the commonest Arabic words
# in both orders ("في من", 87,795 passages hold both words, 36 the phrase),
# common real phrases ("من خلال", "ولي العهد"), a required and an excluded
# phrase beside words, a 1,000-word phrase ("في من" 500 times), 6 KB queries
# of one phrase repeated and of 420 different ones, and a pasted paragraph.
# Each query runs in a process of its own, `searcher -d INDEX --timing
# --format trec -n 10 --batch ONE-LINE` (latency: the searcher's own time for
# the query, search and output, without start-up); before once, after --runs
# times (default 5) after one unmeasured run of all. Prints a markdown table
# (one row a query: before and after milliseconds, results, whether the top
# 10 is the same, the note of a bound) and p50/p95/p99/max over all queries,
# and writes it to --out (default WORK/phrases.md). Not part of ctest.
# Time: about 10 minutes, most of it the before run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${SHARED_DATA:-$root/../shared/data}
index=
before=
before_rev=e99b554
runs=5
work=${TMPDIR:-/tmp}/khabar-phrases
out=
while [ $# -gt 0 ]; do
    case $1 in
    --index) index=$2; shift 2 ;;
    --before) before=$2; shift 2 ;;
    --before-rev) before_rev=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
    *) echo "phrases.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
die() { echo "phrases.sh: $*" >&2; exit 2; }
mkdir -p "$work" || die "cannot create $work"
work=$(cd "$work" && pwd)
out=${out:-$work/phrases.md}
after=${SEARCHER:-$root/build/searcher/searcher}
indexer=${INDEXER:-$root/build/indexer/indexer}
[ -x "$after" ] || die "no searcher at $after (build first, or set SEARCHER)"
corpus=$data/saudinewsnet/docs.jsonl.gz

if [ -z "$index" ]; then
    [ -r "$corpus" ] || { echo "skipped: $corpus missing" >&2; exit 77; }
    index=$work/idx
    if [ ! -e "$index" ]; then
        echo "indexing $corpus into $index" >&2
        "$indexer" -q -d "$index" "$corpus" || die "indexing failed"
    fi
fi
if [ -z "$before" ]; then
    before=$work/before-$before_rev/build/searcher/searcher
    if [ ! -x "$before" ]; then
        echo "building the searcher of $before_rev in $work/before-$before_rev" >&2
        rm -rf "$work/before-$before_rev" && mkdir -p "$work/before-$before_rev/src" || exit 2
        git -C "$root" archive "$before_rev" | tar -x -C "$work/before-$before_rev/src" ||
            die "cannot export $before_rev"
        (cmake -S "$work/before-$before_rev/src" -B "$work/before-$before_rev/build" \
            -DKH_BUILD_TESTS=OFF >/dev/null &&
            cmake --build "$work/before-$before_rev/build" -j2 --target searcher >/dev/null) ||
            die "cannot build $before_rev"
    fi
fi

# The queries, one "QID<TAB>QUERY" line each.
python3 - "$corpus" >"$work/queries.tsv" <<'PY' || die "cannot write the queries"
import gzip, itertools, json, sys
common = ["في", "من", "على", "إلى", "أن", "عن", "مع", "التي"]
rows = []
for a, b in [("في", "من"), ("على", "في"), ("إلى", "من"), ("أن", "في"), ("عن", "من"),
             ("مع", "في"), ("التي", "في"), ("من", "على")]:
    rows.append('"%s %s"' % (a, b))
    rows.append('"%s %s"' % (b, a))
rows += ['"في المملكة"', '"من خلال"', '"أكثر من"', '"على أن"', '"ولي العهد"',
         '"خادم الحرمين الشريفين"', '"وزارة الصحة"', '"كرة القدم"',
         '+"في من" الرياض', 'السعودية -"من في"', '"في من" "من في" "على في"',
         '"' + " ".join(["في من"] * 500) + '"',
         " ".join(['"في من"'] * 600)]
words = ["في", "من", "على", "إلى", "أن", "عن", "مع", "التي", "الذي", "هذا", "ما", "كان",
         "بين", "هذه", "أو", "لا", "قد", "كما", "بعد", "عام", "خلال", "ذلك", "كل", "حيث",
         "وزارة", "المملكة", "الملك", "عبدالله", "محمد", "السعودية"]
rows.append(" ".join('"%s %s"' % p for p in list(itertools.permutations(words, 2))[:420]))
try:
    with gzip.open(sys.argv[1], "rt", encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            body = article.get("body") or article.get("text") or ""
            if len(body.split()) >= 200:
                rows.append('"' + " ".join(body.split()[:200]).replace('"', " ") + '"')
                break
except OSError:
    pass
for i, q in enumerate(rows, 1):
    print("p%02d\t%s" % (i, q))
PY

# run SEARCHER QID QUERY-LINE-FILE OUT-PREFIX: one query in a process of its own.
run_one() {
    timeout -k 5 900 "$1" -d "$index" --timing --format trec -n 10 --batch "$3" \
        >"$4.trec" 2>"$4.err"
}

cat "$index"/* >/dev/null 2>&1 # the index in the page cache
mkdir -p "$work/runs"
while IFS=$'\t' read -r qid query; do
    printf '%s\t%s\n' "$qid" "$query" >"$work/runs/$qid.tsv"
done <"$work/queries.tsv"
echo "after: one unmeasured run, then $runs" >&2
for r in $(seq 0 "$runs"); do
    for f in "$work"/runs/p*.tsv; do
        q=$(basename "$f" .tsv)
        run_one "$after" "$q" "$f" "$work/runs/$q.after$r"
    done
done
echo "before: $before" >&2
for f in "$work"/runs/p*.tsv; do
    q=$(basename "$f" .tsv)
    run_one "$before" "$q" "$f" "$work/runs/$q.before"
done

python3 - "$work" "$runs" "$before" "$after" "$index" >"$out" <<'PY'
import glob, os, re, statistics, sys
work, runs, before, after, index = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

def timing(path):
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("timing\t"):
            return float(line.split("\t")[2]) / 1000.0
    return None

def trec(path):
    return [l.split()[2] for l in open(path) if l.strip()]

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))]

queries = [l.rstrip("\n").split("\t", 1) for l in open(os.path.join(work, "queries.tsv"), encoding="utf-8")]
rows, all_before, all_after = [], [], []
for qid, query in queries:
    base = os.path.join(work, "runs", qid)
    tb = timing(base + ".before.err")
    ta = [timing("%s.after%d.err" % (base, r)) for r in range(1, runs + 1)]
    ta = [t for t in ta if t is not None]
    rb, ra = trec(base + ".before.trec"), trec(base + ".after1.trec")
    err = open(base + ".after1.err", encoding="utf-8").read()
    note = []
    if "phrase check stopped" in err:
        note.append("cut at %s passages" % re.search(r"after (\d+) candidate", err).group(1))
    m = re.search(r"(\d+) phrases? after the first", err)
    if m:
        note.append("%s phrases ignored" % m.group(1))
    shown = query if len(query) <= 40 else "%s... (%d bytes)" % (query[:30], len(query.encode()))
    if tb is not None:
        all_before.append(tb)
    all_after.extend(ta)
    rows.append("| %s | %s | %s | %s | %d | %d | %s | %s |" % (
        qid, shown.replace("|", "\\|"),
        "%.1f" % tb if tb is not None else "-",
        "%.1f" % statistics.median(ta) if ta else "-",
        len(rb), len(ra), "yes" if rb == ra else "no", "; ".join(note)))

print("# Phrase benchmark (tests/bench/phrases.sh)\n")
print("Machine: %d cores, load %s; index %s; before %s; after %s; after: median of %d runs.\n" % (
    os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3]), index, before, after, runs))
print("| qid | query | before ms | after ms | results before | results after | same top 10 | bound |")
print("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |")
print("\n".join(rows))
print("\n| all queries | p50 ms | p95 ms | p99 ms | max ms |")
print("| --- | ---: | ---: | ---: | ---: |")
for name, v in (("before", all_before), ("after", all_after)):
    if v:
        print("| %s | %.1f | %.1f | %.1f | %.1f |" % (name, pct(v, 50), pct(v, 95), pct(v, 99), max(v)))
PY
cat "$out"
