#!/usr/bin/env bash
# The searcher talks back (issue 16, items 1-3): --analyze, --explain,
# --count and --offset, on the bundled article (corpus/) and, for pages
# past the first, the Cranfield collection of the shared data.
# usage: explain.sh CASE   (INDEXER, SEARCHER, CORPUS, WORK come from CTest)
set -u
case_name=$1
# CTest gives SHARED_DATA; run by hand, the data beside the source tree.
SHARED_DATA=${SHARED_DATA:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/data}
source "$(dirname "$0")/lib.sh"
e2e_begin "explain/$case_name"

index_corpus() {
    run "$INDEXER" -q -d idx "$CORPUS"
    expect_rc 0
}

# results FILE ARGS...: the searcher's stdout for ARGS into FILE; it must find something.
results() {
    local file=$1
    shift
    run "$SEARCHER" -d idx "$@"
    expect_rc 0
    [ -s out ] || fail "searcher $*: no output"
    cp out "$file"
}

case "$case_name" in
paging)
    # --offset 10 -n 10 is ranks 11-20 of -n 20, in every format, by
    # passage and by article (feedback on: its top result is the same).
    [ -r "$SHARED_DATA/cranfield/docs.jsonl" ] || skip "no $SHARED_DATA/cranfield"
    run "$INDEXER" -q -d idx "$SHARED_DATA/cranfield/docs.jsonl"
    expect_rc 0
    for per_article in "" --per-article; do
        for format in text json trec tsv; do
            results whole -f "$format" $per_article -n 20 boundary layer
            results page -f "$format" $per_article --offset 10 -n 10 boundary layer
            if [ "$format" = text ]; then
                # The count line, then two lines a result.
                { head -1 whole && tail -n +22 whole; } >expected
            else
                tail -n +11 whole >expected
            fi
            cmp -s expected page ||
                fail "$format $per_article: --offset 10 -n 10 is not ranks 11-20: $(diff expected page | head -20)"
            [ "$(wc -l <page)" -ge 10 ] || fail "$format $per_article: page too short: $(cat page)"
            [ "$format" != text ] || grep -q '^11\. ' page ||
                fail "text ranks do not start at 11: $(head -3 page)"
        done
        # Past the last result: nothing, exit 1.
        run "$SEARCHER" -d idx $per_article --offset 1000000 boundary layer
        expect_rc 1
        [ ! -s out ] || fail "past the end: $(cat out)"
    done
    ;;
count)
    index_corpus
    # Exact below KH_COUNT_EXACT_MAX: every passage of the article names Musk.
    run "$SEARCHER" -d idx --count ماسك
    expect_rc 0
    [ "$(cat out)" = "14 passages" ] || fail "count: $(cat out)"
    run "$SEARCHER" -d idx --count --per-article ماسك
    [ "$(cat out)" = "1 article" ] || fail "per article: $(cat out)"
    run "$SEARCHER" -d idx --count -f json ماسك
    [ "$(cat out)" = '{"query":"ماسك","count":14,"exact":true}' ] || fail "json: $(cat out)"
    run "$SEARCHER" -d idx --count -f tsv '"إيلون ماسك"'
    [ "$(cat out)" = "$(printf '1\t5\texact')" ] || fail "tsv phrase: $(cat out)"
    # Nothing matches: a count of 0, exit 1 as for a search.
    run "$SEARCHER" -d idx --count zzzzqqq
    expect_rc 1
    [ "$(cat out)" = "0 passages" ] || fail "none: $(cat out)"
    # A batch: a count per query.
    printf 'a\tماسك\nb\tOpenAI\n' >queries.tsv
    run "$SEARCHER" -d idx --count -f json --batch queries.tsv
    expect_rc 0
    [ "$(sed -n 1p out)" = '{"qid":"a","count":14,"exact":true}' ] || fail "batch: $(cat out)"
    [ "$(wc -l <out)" = 2 ] || fail "batch: $(cat out)"
    # A normal search in text starts with Xapian's estimate, as quest does.
    run "$SEARCHER" -d idx -n 2 ماسك
    expect_rc 0
    [ "$(head -1 out)" = "about 14 passages" ] || fail "text total: $(head -1 out)"
    ;;
analyze)
    # No index is needed (none exists here): the analyzer is the program's.
    run "$SEARCHER" -d missing --analyze 'إيلون ماسك في the Running'
    expect_rc 0
    [ "$(sed -n 2p out)" = "ماسك  norm ماسك  term ماس  key XNAmsk  arabic" ] || fail "text: $(cat out)"
    [ "$(sed -n 3p out)" = "في  norm في  term في  arabic  stop word" ] || fail "stop: $(cat out)"
    [ "$(sed -n 5p out)" = "Running  norm running  term run  key XNLrnk  latin" ] ||
        fail "english: $(cat out)"
    [ "$(wc -l <out)" = 5 ] || fail "a line a word: $(cat out)"
    # --no-stopwords: no word is set aside.
    run "$SEARCHER" --no-stopwords --analyze في
    [ "$(cat out)" = "في  norm في  term في  arabic" ] || fail "no stop words: $(cat out)"
    # JSON: an object a word, the terms the index holds for it.
    run "$SEARCHER" --analyze -f json 'أمريكا Running'
    expect_rc 0
    sed -n 2p out | grep -qxF '{"word":"Running","start":13,"end":20,"norm":"running","terms":["run","XNLrnk"],"key":"XNLrnk","stop":false,"script":"latin"}' ||
        fail "json: $(cat out)"
    # No word: exit 1, nothing printed.
    run "$SEARCHER" --analyze '...'
    expect_rc 1
    [ ! -s out ] || fail "no word: $(cat out)"
    # Not with a batch.
    run "$SEARCHER" --analyze --batch -
    expect_rc 2
    expect_err "--analyze takes text only"
    ;;
explain)
    index_corpus
    # The parts of each score add up to it, whatever path ranked it: words,
    # a name, a phrase, a filter, a page, by article, with and without feedback.
    for query in ماسك 'ماسك في' '"إيلون ماسك"' 'OpenAI title:ماسك' 'ألتمان -نتفليكس'; do
        for args in "" "--offset 2 -n 3" "--per-article" "--prf-weight 0" "-n 20"; do
            run "$SEARCHER" -d idx --explain -f json $args "$query"
            expect_rc 0
            python3 -c '
import json, sys
plan = results = 0
for line in open("out"):
    r = json.loads(line)
    if "rank" not in r:
        plan += 1
        assert any(l.startswith("term ") for l in r["explain"]), r
        continue
    results += 1
    parts = sum(c["weight"] for c in r["explain"])
    if abs(parts - r["score"]) > 1e-6 * r["score"] + 1e-3:
        sys.exit("rank %d: score %.6f, parts %.6f: %s" % (r["rank"], r["score"], parts, r["explain"]))
if plan != 1 or not results:
    sys.exit("%d plan records, %d results" % (plan, results))
' || fail "$query $args: $(head -c 3000 out)"
        done
    done
    # Text: the plan first, the count, then after each result its parts.
    run "$SEARCHER" -d idx --explain -n 1 --prf-weight 0 ماسك
    expect_rc 0
    [ "$(head -1 out)" = "word ماسك: term ماس, key XNAmsk" ] || fail "text words: $(head -3 out)"
    expect_out "query: Query(((ماس OR 0.2999999999999999889 * XNAmsk) OR 0.5 * Sماس))"
    expect_out "term ماس: in 13 of 14 passages, weight 0.0541 (scale 1)"
    expect_out "term Sماس: in 14 of 14 passages, weight 0.0085 (scale 0.5)"
    [ "$(tail -1 out)" = "   6.322 = 4.541 ماس (wdf 84) + 1.362 XNAmsk (wdf 84) + 0.419 Sماس (wdf 49)" ] ||
        fail "text parts: $(tail -3 out)"
    # Each word of the query: a stop word, an excluded one.
    run "$SEARCHER" -d idx --explain -n 1 ماسك في -تويتر
    expect_out "word في: term في, a stop word"
    expect_out "word تويتر: term تويتر, excluded"
    # Feedback's terms are marked as such.
    run "$SEARCHER" -d idx --explain -n 1 ماسك
    expect_out "from feedback"
    grep -q '^   489\.771 = .* feedback ' out || fail "feedback parts: $(tail -1 out)"
    # Without --explain, nothing of it.
    run "$SEARCHER" -d idx -f json -n 1 ماسك
    ! grep -q explain out || fail "explain without --explain: $(cat out)"
    ;;
*)
    fail "unknown case"
    ;;
esac
exit 0
