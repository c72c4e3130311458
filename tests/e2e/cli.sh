#!/usr/bin/env bash
# What a first-day user reaches for beside the programs (issue 17): the
# version, the manual pages and bash completion, kept in step with --help,
# and a mistyped option answered in one line.
# usage: cli.sh CASE   (INDEXER, SEARCHER, WORK, MAN_DIR (the configured
# pages), COMPLETION (the bash completion script) come from CTest)
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "cli/$case_name"

# help_options PROGRAM: every option --help names (--long and -x), one a line.
help_options() {
    "$1" --help >help.txt 2>&1 || fail "$1 --help exited $?"
    grep -E '^ +-' help.txt | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,[]*//' | sort -u >options.txt
    [ "$(wc -l <options.txt)" -ge 10 ] || fail "found only $(wc -l <options.txt) options in $1 --help"
}

for program in indexer searcher; do
    binary=$INDEXER
    [ $program = indexer ] || binary=$SEARCHER
    case $case_name in
    version)
        run "$binary" --version
        expect_rc 0
        grep -qE "^$program \(khabar\) [0-9]+\.[0-9]+\.[0-9]+" out ||
            fail "$program --version printed: $(cat out)"
        expect_out "index schema 4"
        [ ! -s err ] || fail "stderr: $(cat err)"
        run "$binary" -V
        expect_rc 0
        ;;
    page_has_every_option)
        page=$MAN_DIR/$program.1
        [ -r "$page" ] || fail "no manual page $page"
        help_options "$binary"
        # The page as a reader sees it, without its hyphenation and bold/underline overstrikes.
        MANWIDTH=1000 man -l "$page" 2>/dev/null | col -b >page.txt
        [ -s page.txt ] || fail "$page renders empty"
        while read -r option; do
            grep -qE -- "(^|[^a-zA-Z-])$option([^a-zA-Z-]|$)" page.txt ||
                fail "$program --help names $option, its manual page does not"
        done <options.txt
        ;;
    page_renders_cleanly)
        page=$MAN_DIR/$program.1
        LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >page.txt 2>warnings.txt
        [ ! -s warnings.txt ] || fail "man -l $page warns: $(cat warnings.txt)"
        grep -q "^NAME" page.txt || fail "$page has no NAME section"
        grep -q "^EXIT STATUS" page.txt || fail "$page has no EXIT STATUS section"
        ;;
    completion)
        help_options "$binary"
        # complete WORDS...: what bash completion offers for the last word.
        complete_words() {
            bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
                     _khabar_'$program'; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@"
        }
        offered=$(complete_words $program --fo) || fail "completion failed"
        [ "$offered" = "--format" ] || fail "'$program --fo<TAB>' offered: $offered"
        complete_words $program - | sort -u >completed.txt
        while read -r option; do
            grep -qxF -- "$option" completed.txt || fail "completion of '$program -' lacks $option"
        done <options.txt
        while read -r option; do
            grep -qxF -- "$option" options.txt || fail "completion offers $option, --help does not"
        done <completed.txt
        mkdir -p idx.d other.d && touch file.txt
        offered=$(complete_words $program -d '') || fail "completion failed"
        [ "$(echo "$offered" | sort | tr '\n' ' ')" = "idx.d other.d " ] ||
            fail "'$program -d <TAB>' should offer folders only, offered: $offered"
        if [ $program = searcher ]; then
            offered=$(complete_words searcher --format j)
            [ "$offered" = "json" ] || fail "'searcher --format j<TAB>' offered: $offered"
        else
            offered=$(complete_words indexer fi)
            [ "$offered" = "file.txt" ] || fail "'indexer fi<TAB>' offered: $offered"
        fi
        ;;
    unknown_option)
        run "$binary" --formt json x
        expect_rc 2
        [ "$(cat err)" = "$program: unknown option '--formt'; did you mean --format?
$program: try '$program --help'" ] || fail "$program --formt printed: $(cat err)"
        [ ! -s out ] || fail "stdout: $(cat out)"
        run "$binary" --frobnicate x
        expect_rc 2
        [ "$(head -n 1 err)" = "$program: unknown option '--frobnicate'" ] ||
            fail "$program --frobnicate printed: $(cat err)"
        [ "$(wc -l <err)" -eq 2 ] || fail "$program --frobnicate printed more than two lines: $(cat err)"
        ;;
    snippet_highlights)
        # JSON's highlights are byte spans into text, snippet_highlights into
        # snippet: both mark the words that matched.
        [ $program = searcher ] || continue
        run "$INDEXER" -q -d idx "$CORPUS"
        expect_rc 0
        run "$SEARCHER" -d idx --format json -n 3 ماسك
        expect_rc 0
        command -v jq >/dev/null || skip "jq is not installed (apt-get install jq)"
        while read -r line; do
            words=$(jq '.snippet_highlights | length' <<<"$line")
            [ "$words" -ge 1 ] || fail "no snippet_highlights in: $line"
            # Cut the spans out of the snippet's bytes: each is the word typed.
            jq -j '.snippet' <<<"$line" >snippet.bin
            jq -r '.snippet_highlights[] | "\(.[0]) \(.[1])"' <<<"$line" >spans.txt
            while read -r start end; do
                word=$(head -c "$end" snippet.bin | tail -c $((end - start)))
                [ "$word" = "ماسك" ] || fail "snippet span $start-$end is '$word', not ماسك"
            done <spans.txt
        done <out
        ;;
    tour)
        # README's five-minute tour, as written there: index, search, batch, evaluate.
        [ $program = searcher ] || continue
        mkdir news && cp "$CORPUS"/*.txt news/
        run "$INDEXER" -d news-index news/
        expect_rc 0
        expect_err "1 added, 0 replaced, 0 deleted, 0 skipped; 14 passages"
        run "$SEARCHER" -d news-index -n 3 ماسك OpenAI
        expect_rc 0
        printf 'q1\tماسك OpenAI\nq2\tزوكربيرغ\n' >queries.tsv
        run "$SEARCHER" -d news-index --batch queries.tsv --format trec -n 100
        expect_rc 0
        mv out run.trec
        printf 'q1 0 000_39aec0ce4e52fe5b#3 1\nq1 0 000_39aec0ce4e52fe5b#1 1\nq2 0 000_39aec0ce4e52fe5b#12 1\n' >qrels.txt
        run "$EVALUATE" --per-query qrels.txt run.trec
        expect_rc 0
        [ "$(cat out)" = "q1 rank=1 relevant=2 mrr10=1.0000 ndcg10=0.9197 recall10=1.0000 recall100=1.0000
q2 rank=1 relevant=1 mrr10=1.0000 ndcg10=1.0000 recall10=1.0000 recall100=1.0000
all queries=2 mrr10=1.0000 ndcg10=0.9599 recall10=1.0000 recall100=1.0000" ] ||
            fail "the tour's evaluation differs from README's: $(cat out)"
        ;;
    missing_index_hint)
        [ $program = searcher ] || continue
        run "$SEARCHER" -d no-such-index ماسك
        expect_rc 2
        expect_err "searcher: no-such-index: no database at this path"
        expect_err "searcher: to create an index there: indexer -d no-such-index FILES..."
        ;;
    *)
        fail "unknown case"
        ;;
    esac
done
echo "ok [$case_name]"
