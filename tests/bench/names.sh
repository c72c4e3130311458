#!/usr/bin/env bash
# names.sh - names across scripts and spellings (issue 15), on the news corpus.
#
# usage: tests/bench/names.sh [--index DIR] [--work DIR] [--data FILE]
#
# Builds the names set at run time (never copied into the repository; the
# same input gives the same set). Pairs of an Arabic and a Latin word come
# from three sources: the news corpus's "Arabic (Latin)" glosses (one to
# three Latin words in brackets after as many Arabic ones, aligned word by
# word); the news corpus's Latin words written right after an Arabic word
# (أندرويد Android), kept when seen in a quarter of that Latin word's such
# places and in 2 articles, or in 1 when the Arabic word transliterated by
# ICU (`uconv -x 'Arabic-Latin; Latin-ASCII'`, icu-devtools) has the Latin
# word's consonants, or all but one in three (a check of its own, not the
# searcher's phonetic key); and the glosses of the Wikipedia sets
# ../shared/data/arcd and kaiflematha. The Latin word has at least 4
# letters and is not in capitals (acronyms). The Arabic word loses a
# proclitic or the article when the news corpus holds it more often without;
# then it must occur in the news, in fewer than 1% of the articles, not start
# with ال, and take the article in fewer than half as many articles as it has
# without (a plain word glossed, e.g. مميزات (Features): المميزات is common;
# a foreign name seldom takes the article). Arabic words glossed with the
# same Latin word are its spellings. Halves are fixed by the Latin word
# alone, crc32(word) even: A, odd: B (a name keeps its half when the set
# grows): tune on A, report both.
#
# An article names the entity when it holds the Latin word (any case) or
# one of its Arabic spellings as a word (after و ف ب ل ك and ال). Per query
# (`searcher --batch --per-article -n 100 --format trec`): precision@10, the
# share of the first 10 articles that name it, and recall@100, for the Latin
# word, for each Arabic spelling, and for the Latin word quoted. Prints one
# markdown table, the mean over each half.
#
#   --index DIR  the index of the corpus to search (default: builds one in --work)
#   --work DIR   where the set, runs and (if built) the index go (default: a temporary folder)
#   --data FILE  the corpus (default: ../shared/data/saudinewsnet/docs.jsonl.gz)
# Environment: INDEXER, SEARCHER (default build/indexer/indexer, build/searcher/searcher).
# Exit status 0; 2 on an error; 77 when the corpus is missing.
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=$root/../shared/data
data=$shared/saudinewsnet/docs.jsonl.gz
index=
work=
while [ $# -gt 0 ]; do
    case $1 in
    --index) index=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
    *) echo "names.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -r "$data" ] || { echo "skipped: no corpus at $data" >&2; exit 77; }
command -v uconv >/dev/null || { echo "names.sh: needs uconv (Debian: icu-devtools)" >&2; exit 2; }
indexer=${INDEXER:-$root/build/indexer/indexer}
searcher=${SEARCHER:-$root/build/searcher/searcher}
[ -x "$searcher" ] || { echo "names.sh: no searcher at $searcher" >&2; exit 2; }
if [ -z "$work" ]; then
    work=$(mktemp -d) || exit 2
    trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work" || exit 2
if [ -z "$index" ]; then
    index=$work/index
    "$indexer" -q -d "$index" "$data" || { echo "names.sh: indexing failed" >&2; exit 2; }
fi

python3 - "$data" "$work" "$shared/arcd/docs.jsonl" "$shared/kaiflematha/docs.jsonl" <<'PY' || exit 2
import collections, gzip, json, os, re, subprocess, sys, zlib
data, work, wiki = sys.argv[1], sys.argv[2], [f for f in sys.argv[3:] if os.path.exists(f)]
AR = "\u0621-\u064A"
ARTICLE = "\u0627\u0644"
gloss = re.compile(r"((?:[%s]+\s+){0,2}[%s]+)\s*\(\s*([A-Za-z][A-Za-z' ]{2,40}?)\s*\)" % (AR, AR))
adjacent = re.compile(r"([%s]+)[\s\-:\u00ab\u00bb\"'(]{1,4}([A-Z][a-z]{3,})\b" % AR)
word = re.compile(r"[%s]+|[A-Za-z]+" % AR)
pairs = set()
def glosses(text):
    for m in gloss.finditer(text):
        aw, lw = m.group(1).split(), m.group(2).split()
        if len(lw) > len(aw):
            continue
        for a, l in zip(aw[-len(lw):], lw):
            if len(l) >= 4 and not l.isupper():
                pairs.add((a, l.lower()))
arts = []
after = collections.defaultdict(set)  # (arabic, latin) -> articles where latin follows arabic
follows = collections.Counter()       # latin -> times it follows an Arabic word
for line in gzip.open(data, "rt", encoding="utf-8"):
    d = json.loads(line)
    text = d.get("title", "") + "\n" + d.get("text", "")
    arts.append((d["id"], text))
    glosses(text)
    for m in adjacent.finditer(text):
        after[(m.group(1), m.group(2).lower())].add(d["id"])
        follows[m.group(2).lower()] += 1
for f in wiki:
    for line in open(f, encoding="utf-8"):
        d = json.loads(line)
        glosses(d.get("title", "") + "\n" + d.get("text", ""))
# Seen in 1 article only, a pair is kept when the Arabic word, transliterated
# by ICU (uconv), sounds like the Latin one: a check independent of the
# searcher's phonetic key, so the set does not favour what the key handles.
# Of the 78 names it adds, 76 are a name or word and its spelling (by eye).
PROCLITICS = (ARTICLE, "\u0644\u0644", "\u0648", "\u0641", "\u0628", "\u0644", "\u0643")
once = []
for (a, l), ids in sorted(after.items()):
    if len(ids) >= 0.25 * follows[l]:
        if len(ids) >= 2:
            pairs.add((a, l))
        else:
            once.append((a, l))
arabic = sorted({a[len(p):] for a, _ in once for p in ("",) + PROCLITICS if a.startswith(p)})
latin = dict(zip(arabic, subprocess.run(["uconv", "-x", "Arabic-Latin; Latin-ASCII"], input="\n".join(arabic) + "\n",
                                        capture_output=True, text=True, check=True).stdout.splitlines()))
def skeleton(w):
    # Consonants only, a doubled one once: ICU writes long vowels as w y and
    # digraphs with h (zwkrbyrgh, Zuckerberg: zkrbrg, zckrbrg).
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z]|[aeiouwyh]", "", w.lower().replace("x", "ks")))
def distance(x, y):
    row = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        prev, row[0] = row[0], i
        for j, cy in enumerate(y, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (cx != cy))
    return row[-1]
def sounds_alike(a, l):
    # The same skeleton, or one consonant apart in three (a Latin c for a k).
    x, y = skeleton(latin[a]), skeleton(l)
    d, short = distance(x, y), min(len(x), len(y))
    return short >= 2 and (d == 0 or (short >= 3 and 3 * d <= max(len(x), len(y))))
alike = set()
with open(work + "/once.tsv", "w") as f:  # for a look by eye
    for a, l in once:
        if sounds_alike(a, l):
            alike.add((a, l))
        f.write("%s\t%s\t%s\t%s\n" % ("kept" if (a, l) in alike else "no", a, l, latin[a]))
pairs |= alike
# Article frequency of every word, to drop glosses of plain Arabic words.
df = collections.Counter()
words_of = []
for _, text in arts:
    ws = set(w.lower() for w in word.findall(text))
    words_of.append(ws)
    df.update(ws)
def bare(a):
    # Without its proclitic or article when the corpus holds that form more often.
    for p in PROCLITICS:
        if a.startswith(p) and len(a) - len(p) >= 3 and df[a[len(p):]] > df[a]:
            return a[len(p):]
    return a
limit = 0.01 * len(arts)
names = collections.defaultdict(set)
dropped = collections.Counter()
for a, l in sorted(pairs):
    # A pair seen once keeps its proclitic when without it the word sounds
    # otherwise (بلوك Block: لوك is more common).
    a = bare(a) if (a, l) not in alike or sounds_alike(bare(a), l) else a
    if a.startswith(ARTICLE):
        dropped["article"] += 1
    elif not 0 < df[a] < limit:
        dropped["not in the news, or in 1% of it"] += 1
    elif df[ARTICLE + a] * 2 > df[a]:
        dropped["takes the article"] += 1
    else:
        names[l].add(a)
def forms(a):
    out = {a}
    for p in ("\u0648", "\u0641", "\u0628", "\u0644", "\u0643"):  # و ف ب ل ك
        out.add(p + a)
    for f in list(out):
        out.add(ARTICLE + a)
    return out
with open(work + "/names.tsv", "w") as f, open(work + "/queries.tsv", "w") as q, open(work + "/qrels.txt", "w") as r:
    for i, l in enumerate(sorted(names)):
        half = "AB"[zlib.crc32(l.encode()) % 2]
        spellings = sorted(names[l])
        want = set()
        for a in spellings:
            want |= forms(a)
        rel = [arts[k][0] for k, ws in enumerate(words_of) if l in ws or ws & want]
        f.write("%s\t%s\t%s\n" % (half, l, " ".join(spellings)))
        qs = [("latin", l), ("quoted", '"%s"' % l)] + [("arabic", a) for a in spellings]
        for j, (kind, text) in enumerate(qs):
            qid = "%s-%d-%s-%d" % (half, i, kind, j)
            q.write("%s\t%s\n" % (qid, text))
            for doc in rel:
                r.write("%s 0 %s 1\n" % (qid, doc))
print("names: %d from %d pairs (%d of %d seen once kept); dropped: %s; with 2+ Arabic spellings: %d"
      % (len(names), len(pairs), len(alike), len(once),
      ", ".join("%s %d" % kv for kv in sorted(dropped.items())),
      sum(len(v) > 1 for v in names.values())), file=sys.stderr)
PY

"$searcher" -d "$index" --batch "$work/queries.tsv" --per-article -n 100 --format trec >"$work/run.trec" 2>"$work/run.err"
rc=$?
[ $rc -le 1 ] || { echo "names.sh: searcher exit $rc: $(head -3 "$work/run.err")" >&2; exit 2; }

python3 - "$work" <<'PY'
import collections, sys
work = sys.argv[1]
rel = collections.defaultdict(set)
for line in open(work + "/qrels.txt"):
    qid, _, doc, _ = line.split()
    rel[qid].add(doc)
run = collections.defaultdict(list)
for line in open(work + "/run.trec"):
    qid, _, doc, rank = line.split()[:4]
    run[qid].append((int(rank), doc.split("#")[0]))
rows = collections.defaultdict(list)
for line in open(work + "/queries.tsv"):
    qid = line.split("\t")[0]
    half, _, kind, _ = qid.split("-")
    got = [d for _, d in sorted(run.get(qid, []))]
    p10 = sum(d in rel[qid] for d in got[:10]) / 10.0
    r100 = len(set(got[:100]) & rel[qid]) / len(rel[qid]) if rel[qid] else 0.0
    rows[(half, kind)].append((p10, r100))
names = collections.Counter(l.split("\t")[0] for l in open(work + "/names.tsv"))
print("| half | names | queries | kind | P@10 | R@100 |")
print("| --- | ---: | ---: | --- | ---: | ---: |")
for half in "AB":
    for kind in ("latin", "arabic", "quoted"):
        v = rows[(half, kind)]
        if v:
            print("| %s | %d | %d | %s | %.3f | %.3f |" % (half, names[half], len(v), kind,
                  sum(p for p, _ in v) / len(v), sum(r for _, r in v) / len(v)))
PY
