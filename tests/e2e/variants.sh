#!/usr/bin/env bash
# A name's Arabic spellings one consonant apart find each other (issue 15,
# item 3), below the spelling typed, on the bundled article (corpus/), which
# writes Zuckerberg both زوكربيرغ (key skrbrk) and زوكبيرغ (skbrk), each in
# one passage.
# usage: variants.sh CASE   (INDEXER, SEARCHER, CORPUS, WORK come from CTest)
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "variants/$case_name"

# highlights: the highlighted words of each JSON result in out, a line per result.
highlights() {
    python3 -c 'import json,sys
for line in sys.stdin:
    r = json.loads(line)
    if "rank" in r:
        t = r["text"].encode()
        print(" ".join(t[s:e].decode() for s, e in r["highlights"]))' <out
}

# finds_both TYPED OTHER: the first result highlights TYPED, the second OTHER.
finds_both() {
    run "$SEARCHER" -d idx --format json -n 5 "$1"
    expect_rc 0
    [ "$(highlights | head -n 2 | tr '\n' '|')" = "$1|$2|" ] ||
        fail "'$1': expected $1 first, then $2; got: $(highlights | tr '\n' '|')"
}

case "$case_name" in
one_consonant_apart)
    run "$INDEXER" -q -d idx "$CORPUS"
    expect_rc 0
    finds_both زوكبيرغ زوكربيرغ
    finds_both زوكربيرغ زوكبيرغ
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok $case_name"
