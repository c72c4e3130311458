#!/usr/bin/env bash
# -word and NOT word leave out whole articles (issue 16, item 5), however
# common the word: no passage of an article that holds it in its title, a
# passage or a related headline is returned, -n N still gives N results,
# --offset pages and --count agree. A filler article of 2,100 paragraphs
# makes the word common (the searcher used to widen the exclusion to
# articles only below 2,000 passages, and left the other passages of the
# word's articles in past that). On a small English index of its own and on
# the bundled article (corpus/).
# usage: exclude.sh CASE   (INDEXER, SEARCHER, CORPUS, WORK come from CTest)
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "exclude/$case_name"

# filler FILE WORD: one article whose 2,100 paragraphs hold WORD.
filler() {
    awk -v w="$2" 'BEGIN {
        printf "{\"id\": \"filler\", \"title\": \"Filler\", \"lang\": \"en\", \"body\": \"";
        for (i = 0; i < 2100; i++) printf "%s filler %d.\\n", w, i;
        printf "\"}\n" }' >"$1"
}

# o1-o4 say oil most and hold "common" in another passage, h1 in a related
# headline only; c1-c3 say oil once and are clean; g1 says gas and common.
index_small() {
    mkdir -p docs
    for i in 1 2 3 4; do
        printf '{"id": "o%s", "title": "Report %s", "lang": "en", "body": "Oil oil oil exports rise.\\nA common market."}\n' "$i" "$i"
    done >docs/a.jsonl
    printf '{"id": "h1", "title": "Weekly", "lang": "en", "body": "Oil oil oil tankers wait.", "related": ["Common sense prevails"]}\n' >>docs/a.jsonl
    for i in 1 2 3; do
        printf '{"id": "c%s", "title": "Clean %s", "lang": "en", "body": "Oil prices in the region were steady this week, traders said number %s."}\n' "$i" "$i" "$i"
    done >>docs/a.jsonl
    printf '{"id": "g1", "title": "Fuel", "lang": "en", "body": "Gas prices fall.\\nA common view."}\n' >>docs/a.jsonl
    filler docs/filler.jsonl common
    run "$INDEXER" -q -d idx docs
    expect_rc 0
}

# ids ARGS...: the passage ids of the results (TSV column 4), one a line, in rank order, into ids.
ids() {
    run "$SEARCHER" -d idx --format tsv "$@"
    cut -f4 out >ids
}

# articles_are ARGS... = EXPECTED...: the results' articles, sorted and distinct, are these.
articles_are() {
    local args=()
    while [ "$1" != = ]; do
        args+=("$1")
        shift
    done
    shift
    ids "${args[@]}"
    local got want
    got=$(sed 's/#.*//' ids | sort -u | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
    [ "$got" = "$want" ] || fail "'${args[*]}' found articles $got, expected $want"
}

case "$case_name" in
common_word)
    index_small
    # The word's articles are out whole: o1-o4 by a passage, h1 by a related headline.
    articles_are -n 100 oil -common = c1 c2 c3
    expect_rc 0
    [ ! -s err ] || fail "stderr: $(cat err)"
    articles_are -n 100 oil NOT common = c1 c2 c3
    articles_are -n 100 oil AND NOT common = c1 c2 c3
    articles_are -n 100 --per-article oil -common = c1 c2 c3
    [ "$(wc -l <ids)" -eq 3 ] || fail "--per-article gave $(wc -l <ids) results"
    # Exclusions alone: every passage outside the word's articles.
    articles_are -n 100 -- -common = c1 c2 c3
    # A phrase query takes the other path through the ranking: the same articles out.
    articles_are -n 100 '"oil prices"' -common = c1 c2 c3
    ;;
pages)
    index_small
    # Ranked first, the excluded articles' passages make way for the next ones: -n N gives N.
    ids -n 2 oil -common
    [ "$(wc -l <ids)" -eq 2 ] || fail "-n 2 gave $(wc -l <ids) results"
    ! grep -qv '^c' ids || fail "-n 2 kept an excluded article: $(tr '\n' ' ' <ids)"
    ids -n 3 oil -common
    sed -n '2,3p' ids >ranks23
    ids --offset 1 -n 2 oil -common
    expect_same ids ranks23 "--offset 1 -n 2 is not ranks 2-3 of -n 3"
    # The count: every match's article checked, so exact.
    run "$SEARCHER" -d idx --count oil -common
    expect_rc 0
    [ "$(cat out)" = "3 passages" ] || fail "--count said $(cat out)"
    run "$SEARCHER" -d idx --count --per-article oil -common
    [ "$(cat out)" = "3 articles" ] || fail "--count --per-article said $(cat out)"
    # The text format's first line says the same.
    run "$SEARCHER" -d idx oil -common
    [ "$(head -n 1 out)" = "3 passages" ] || fail "text output starts $(head -n 1 out)"
    ;;
groups)
    index_small
    # Inside one side of OR the exclusion is that side's: g1's gas passage stays.
    articles_are -n 100 "(oil -common) OR gas" = c1 c2 c3 g1
    grep -qx 'g1#1' ids || fail "(oil -common) OR gas lost g1's gas passage: $(tr '\n' ' ' <ids)"
    ! grep -q '^g1#2' ids || fail "g1's common passage matched: $(tr '\n' ' ' <ids)"
    # A side of AND binds the whole query; so does an excluded group.
    articles_are -n 100 "oil AND (prices -common)" = c1 c2 c3
    articles_are -n 100 "oil -(common OR fuel)" = c1 c2 c3
    articles_are -n 100 "(oil OR gas) -common" = c1 c2 c3
    # Every result of a required group (+) must match it, its exclusion with it.
    articles_are -n 100 "+(oil -common) prices" = c1 c2 c3
    run "$SEARCHER" -d idx gas -common
    expect_rc 1
    ;;
corpus)
    # The bundled article holds تويتر in a related headline only (and in
    # one passage); OpenAI in others. With تويتر in 2,100 passages more,
    # the article is still left out whole.
    run "$INDEXER" -q -d idx "$CORPUS"
    expect_rc 0
    # A rare word (widened in Xapian's query) gives the same reason for no results.
    run "$SEARCHER" -d idx OpenAI -تويتر
    expect_rc 1
    expect_err "searcher: no results: passages match, but each is in an article that holds an excluded word"
    filler filler.jsonl تويتر
    run "$INDEXER" -q -d idx filler.jsonl
    expect_rc 0
    run "$SEARCHER" -d idx --format tsv OpenAI
    expect_rc 0
    [ -s out ] || fail "OpenAI finds nothing"
    run "$SEARCHER" -d idx --format tsv OpenAI -تويتر
    expect_rc 1
    [ ! -s out ] || fail "OpenAI -تويتر kept passages of an article holding تويتر: $(cut -f4 out | tr '\n' ' ')"
    run "$SEARCHER" -d idx --format tsv --per-article ماسك NOT تويتر
    expect_rc 1
    [ ! -s out ] || fail "ماسك NOT تويتر kept: $(cut -f4 out | tr '\n' ' ')"
    # Text output says why nothing is left.
    run "$SEARCHER" -d idx OpenAI -تويتر
    expect_rc 1
    expect_err "searcher: no results: passages match, but each is in an article that holds an excluded word"
    ;;
remote)
    # Over remote shards (the articles read from the passages' data, at
    # once) the same results as over one database.
    command -v xapian-tcpsrv >/dev/null || skip "xapian-tcpsrv (xapian-tools) not installed"
    trap stop_servers EXIT
    index_small
    mv idx one
    run "$INDEXER" -q -d idx --shards 2 docs
    expect_rc 0
    serve_shards remote idx/shard-0 idx/shard-1
    for q in "oil -common" "(oil -common) OR gas" '"oil prices" -common' -common; do
        ranked one.trec -d one -n 5 -- "$q"
        ranked remote.trec -d remote -n 5 -- "$q"
        expect_same one.trec remote.trec "'$q': remote shards rank differently"
    done
    run "$SEARCHER" -d remote --count oil -common
    [ "$(cat out)" = "3 passages" ] || fail "remote --count said $(cat out)"
    ;;
*)
    fail "unknown case"
    ;;
esac
exit 0
