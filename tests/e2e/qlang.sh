#!/usr/bin/env bash
# The query language (issue 16, items 4 to 6): AND, OR, NOT and
# parentheses, word*, field names in any case, an unknown field searched as
# words with a note, -word and NOT leaving out whole articles, and zero
# results saying why. On a small English corpus of its own (three articles
# about boundary layers, heat and paint), on the English sample
# (tests/e2e/data/english.txt) and on the bundled article (corpus/).
# usage: qlang.sh CASE   (INDEXER, SEARCHER, CORPUS, WORK come from CTest)
set -u
case_name=$1
sample="$(cd "$(dirname "$0")" && pwd)/data/english.txt"
source "$(dirname "$0")/lib.sh"
e2e_begin "qlang/$case_name"

# a1's title says "layer", its body passage does not: NOT must leave it out whole.
index_small() {
    mkdir -p docs
    printf 'id: a1\ntitle: Boundary layer theory\nlang: en\n\nThe boundary grows downstream of the leading edge.\n' >docs/a1.txt
    printf 'id: a2\ntitle: Heat transfer\nlang: en\n\nBoundary conditions for heat in aerodynamic flows.\n' >docs/a2.txt
    printf 'id: a3\ntitle: Paint\nlang: en\n\nA layer of paint on the aerodynamics model.\n' >docs/a3.txt
    run "$INDEXER" -q -d idx docs
    expect_rc 0
}

# ids QUERY...: the passage ids of the results (TSV column 4), one a line, sorted, into ids.
ids() {
    run "$SEARCHER" -d idx --format tsv -n 100 "$@"
    cut -f4 out | sort >ids
}

# same_ids QUERY EXPECTED...: the query finds exactly these passages.
same_ids() {
    local q=$1
    shift
    ids "$q"
    local want
    want=$(printf '%s\n' "$@" | sort)
    [ "$(cat ids)" = "$want" ] || fail "'$q' found $(tr '\n' ' ' <ids), expected $*"
}

case "$case_name" in
not_excludes_articles)
    index_small
    same_ids "boundary layer" a1#0 a1#1 a2#1 a3#1
    # a1#1 lacks "layer" but its article's title has it: left out with a1.
    same_ids "boundary NOT layer" a2#1
    same_ids "boundary -layer" a2#1
    expect_rc 0
    ;;
and_or_parentheses)
    index_small
    same_ids "boundary AND heat" a2#1
    same_ids "heat OR paint" a2#0 a2#1 a3#0 a3#1
    same_ids "(heat OR paint) AND boundary" a2#1
    same_ids "boundary AND NOT (heat OR paint)" a1#0 a1#1
    # and, or, not in lower case are words (stop words here): a list as before.
    same_ids "boundary or heat" a1#0 a1#1 a2#0 a2#1
    ;;
prefix)
    index_small
    same_ids "aerodyn*" a2#1 a3#1
    [ ! -s err ] || fail "aerodyn* wrote on stderr: $(cat err)"
    # More words than the bound (100): the most common are searched, with a note.
    mkdir -p many
    {
        printf 'id: m1\nlang: en\n\n'
        for i in $(seq 0 119); do printf 'zeta%s ' "$(printf '%03d' "$i" | tr 0-9 a-j)"; done
        printf '\n'
    } >many/m1.txt
    run "$INDEXER" -q -d idx many
    expect_rc 0
    ids "zeta*"
    expect_rc 0
    [ "$(cat ids)" = "m1#1" ] || fail "zeta* found $(tr '\n' ' ' <ids)"
    grep -qF "searcher: note: zeta*: 120 words start with 'zeta'; the 100 most common searched" err ||
        fail "no note on the bound: $(cat err)"
    ;;
field_case)
    index_small
    same_ids "title:boundary" a1#0 a1#1
    same_ids "TITLE:boundary" a1#0 a1#1
    same_ids "Title:boundary" a1#0 a1#1
    # On the bundled article (an Arabic title).
    run "$INDEXER" -q -d idx "$CORPUS"
    run "$SEARCHER" -d idx --format tsv TITLE:ماسك
    expect_rc 0
    [ -s out ] || fail "TITLE:ماسك finds nothing: $(cat err)"
    ;;
unknown_field)
    index_small
    # foo:bar is two words, foo and bar, beside the other words.
    run "$SEARCHER" -d idx foo:bar boundary
    expect_rc 0
    grep -qF "searcher: note: foo:bar: no field 'foo'; searched as words" err ||
        fail "no note for foo:: $(cat err)"
    grep -q "Boundary" out || fail "'foo:bar boundary' finds nothing: $(cat out)"
    # JSON: the note on stderr, stdout results only.
    run "$SEARCHER" -d idx --format json foo:bar boundary
    expect_rc 0
    grep -qF "no field 'foo'" err || fail "no note in JSON mode: $(cat err)"
    python3 -c 'import json,sys
for line in sys.stdin: json.loads(line)' <out || fail "stdout is not JSON lines: $(cat out)"
    ! grep -q "no field" out || fail "the note went to stdout"
    ;;
zero_results_say_why)
    index_small
    run "$SEARCHER" -d idx boundaryy
    expect_rc 1
    grep -qF "searcher: no results: the index does not know 'boundaryy'" err ||
        fail "no reason for an unknown word: $(cat err)"
    grep -qF "did you mean: Boundary" err || fail "no suggestion: $(cat err)"
    run "$SEARCHER" -d idx boundary date:2031
    expect_rc 1
    grep -qF "searcher: no results: no passage has date:2031" err || fail "no reason for the date: $(cat err)"
    run "$SEARCHER" -d idx boundary lang:ar
    expect_rc 1
    grep -qF "no passage has lang:ar" err || fail "no reason for lang: $(cat err)"
    run "$SEARCHER" -d idx boundary title:paint
    expect_rc 1
    grep -qF "none passes the filters together" err || fail "no reason for the filters: $(cat err)"
    # A phrase that no passage holds has words: it is not "no word to search for".
    run "$SEARCHER" -d idx '"layer boundary paint"'
    expect_rc 1
    [ "$(cat err)" = "searcher: no results: no passage matches the query as a whole" ] ||
        fail "reason for an unmatched phrase: $(cat err)"
    # A quoted word the index does not know, alone or in a phrase, is named,
    # as is a word* that no word of the index starts with.
    for q in '"boundaryy"' '"layer boundaryy"'; do
        run "$SEARCHER" -d idx "$q"
        expect_rc 1
        [ "$(cat err)" = "searcher: no results: the index does not know 'boundaryy'" ] ||
            fail "reason for $q: $(cat err)"
    done
    run "$SEARCHER" -d idx 'boundary Zzq*'
    expect_rc 0
    run "$SEARCHER" -d idx '+boundary +Zzq*'
    expect_rc 1
    [ "$(cat err)" = "searcher: no results: no word in the index starts with 'Zzq'" ] ||
        fail "reason for a word* that nothing starts with: $(cat err)"
    # JSON: no reasons, on stdout (its did you mean record only) or stderr.
    run "$SEARCHER" -d idx --format json boundaryy
    expect_rc 1
    [ "$(cat out)" = '{"query":"boundaryy","did_you_mean":"Boundary"}' ] ||
        fail "JSON stdout of no results: $(cat out)"
    [ ! -s err ] || fail "JSON mode gave reasons on stderr: $(cat err)"
    ;;
sample)
    # The English sample: NOT changes the results, word* finds, Title: works.
    run "$INDEXER" -q -d idx "$sample"
    expect_rc 0
    ids archive
    all=$(cat ids)
    ids archive NOT newsroom
    [ "$(cat ids)" != "$all" ] || fail "'archive NOT newsroom' = 'archive': $all"
    ! grep -qxF "en-newsroom-1#1" ids || fail "archive NOT newsroom kept a newsroom article's passage"
    ids "arch*"
    expect_rc 0
    [ -s ids ] || fail "arch* finds nothing: $(cat err)"
    ids Title:newsroom
    expect_rc 0
    [ -s ids ] || fail "Title:newsroom finds nothing: $(cat err)"
    ;;
*)
    fail "unknown case"
    ;;
esac
exit 0
