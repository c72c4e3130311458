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
        run "$binary" --colour x
        expect_rc 2
        [ "$(head -n 1 err)" = "$program: unknown option '--colour'" ] ||
            fail "$program --colour printed: $(cat err)"
        [ "$(wc -l <err)" -eq 2 ] || fail "$program --colour printed more than two lines: $(cat err)"
        ;;
    *)
        fail "unknown case"
        ;;
    esac
done
echo "ok [$case_name]"
