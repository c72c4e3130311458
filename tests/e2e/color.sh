#!/usr/bin/env bash
# Colour, title highlights and batch headers (issue 16, item 7), on the
# bundled article (corpus/), whose title names "إيلون ماسك": --color=always
# colours even into a pipe, never and NO_COLOR under auto do not; the
# title's matched words are marked like the text's (colour, JSON
# title_highlights); a batch in text gives each query a header line.
# usage: color.sh CASE   (INDEXER, SEARCHER, CORPUS, WORK come from CTest)
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "color/$case_name"

ESC=$'\033'
MATCH="${ESC}[1;31m"

run "$INDEXER" -q -d idx "$CORPUS"
expect_rc 0

# coloured / plain: whether out holds an escape sequence.
coloured() { grep -q "$ESC\[" out || fail "no colour in: $(head -c 300 out)"; }
plain() { ! grep -q "$ESC" out || fail "colour codes in: $(head -c 300 out | cat -v)"; }

case $case_name in
always_into_pipe)
    # stdout is a file here, and lib.sh sets NO_COLOR=1: always wins over both.
    run "$SEARCHER" -d idx -n 1 --color=always ماسك
    expect_rc 0
    coloured
    expect_out "${MATCH}ماسك${ESC}[0m"
    # --color alone means always, as grep's.
    run "$SEARCHER" -d idx -n 1 --color ماسك
    expect_rc 0
    coloured
    # Only the text format is coloured.
    run "$SEARCHER" -d idx -n 1 --color=always --format json ماسك
    expect_rc 0
    plain
    ;;
never_and_no_color)
    run "$SEARCHER" -d idx -n 1 --color=never ماسك
    expect_rc 0
    plain
    run env NO_COLOR=1 "$SEARCHER" -d idx -n 1 --color=auto ماسك
    expect_rc 0
    plain
    # auto into a pipe: plain even without NO_COLOR.
    run env -u NO_COLOR "$SEARCHER" -d idx -n 1 ماسك
    expect_rc 0
    plain
    # auto on a terminal: coloured, unless NO_COLOR is set (script(1) gives a terminal).
    command -v script >/dev/null || skip "no script(1) for a terminal"
    NO_COLOR= script -qec "$SEARCHER -d idx -n 1 ماسك" /dev/null >out 2>err
    coloured
    NO_COLOR=1 script -qec "$SEARCHER -d idx -n 1 ماسك" /dev/null >out 2>err
    plain
    ;;
bad_value)
    run "$SEARCHER" -d idx --color=sometimes ماسك
    expect_rc 2
    [ ! -s out ] || fail "stdout: $(cat out)"
    [ "$(cat err)" = "searcher: --color wants auto, always or never, not 'sometimes'" ] ||
        fail "stderr: $(cat err)"
    run "$SEARCHER" -d idx --color= ماسك
    expect_rc 2
    expect_err "--color wants auto, always or never, not ''"
    ;;
title_highlights)
    # The title's ماسك in colour, the bold title resumed after it.
    run "$SEARCHER" -d idx -n 1 --color=always ماسك
    expect_rc 0
    # (line 1 is the count, "about N passages")
    sed -n 2p out | grep -qF "${MATCH}ماسك${ESC}[0m${ESC}[1m" ||
        fail "title line: $(sed -n 2p out | cat -v)"
    # JSON: title_highlights, byte spans into title, hold exactly the matched words.
    run "$SEARCHER" -d idx -n 1 --format json ماسك
    expect_rc 0
    marked=$(python3 -c 'import json,sys
r = json.loads(sys.stdin.readline())
t = r["title"].encode()
print(" ".join(t[s:e].decode() for s, e in r["title_highlights"]))' <out)
    [ "$marked" = "ماسك" ] || fail "title_highlights mark '$marked', expected ماسك"
    # A word the title lacks: an empty list, not a missing field.
    run "$SEARCHER" -d idx -n 1 --format json OpenAI
    expect_rc 0
    grep -qF '"title_highlights":[]' out || fail "no empty title_highlights: $(head -c 400 out)"
    ;;
batch_headers)
    printf 'q1\tماسك\nq2\tzzzqqqxx\nq3\tOpenAI\n' >queries.tsv
    run "$SEARCHER" -d idx -n 2 --batch queries.tsv
    expect_rc 0
    grep -n '^query ' out >headers.txt
    printf '1:query q1: ماسك\n7:query q2: zzzqqqxx\n8:query q3: OpenAI\n' >expected.txt
    expect_same headers.txt expected.txt "batch headers (line:header)"
    [ "$(grep -c '^[0-9]*\. ' out)" -eq 4 ] || fail "expected 4 results: $(cat out)"
    # A query id with a control character is shown safely.
    printf 'q\033[2J\tماسك\n' >controls.tsv
    run "$SEARCHER" -d idx -n 1 --batch controls.tsv
    expect_rc 0
    plain
    expect_out "query q"
    # Other formats: no header, the same lines as before.
    for format in json tsv trec; do
        run "$SEARCHER" -d idx -n 2 --format "$format" --batch queries.tsv
        expect_rc 0
        ! grep -q '^query ' out || fail "$format has a header line: $(head -n 2 out)"
    done
    ;;
completion)
    # --color=<TAB> offers its values (bash splits the word at '=').
    [ -r "${COMPLETION:-}" ] || skip "no completion script (COMPLETION)"
    offered=$(bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
                       _khabar_searcher; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" \
        searcher --color = a | tr '\n' ' ')
    [ "$offered" = "auto always " ] || fail "'searcher --color=a<TAB>' offered: $offered"
    offered=$(bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
                       _khabar_searcher; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" \
        searcher --color = | tr '\n' ' ')
    [ "$offered" = "auto always never " ] || fail "'searcher --color=<TAB>' offered: $offered"
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok [$case_name]"
