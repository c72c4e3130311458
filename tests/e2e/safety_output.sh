#!/usr/bin/env bash
# What the searcher prints must be safe whatever the articles hold (issue
# 12, items 3, 4, 8, 9, 12): no control character from the data on a
# terminal or in TSV, TREC rows of six columns, options that end at the
# query, number options and dates checked. One case per CTest entry.
# usage: safety_output.sh CASE   (INDEXER, SEARCHER, WORK come from CTest)
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "safety_output/$case_name"

# no_controls FILE [tab]: FILE holds no C0 control but LF (and tab when
# asked), no DEL, no C1 control (U+0080-009F), no bidi embedding, override
# or isolate (U+202A-202E, U+2066-2069), and is valid UTF-8.
no_controls() {
    python3 - "$@" <<'PY' || fail "$1 carries what a terminal would act on: $(cat -v "$1" | head -c 1500)"
import re, sys
data = open(sys.argv[1], "rb").read()
allowed = "\n\t" if len(sys.argv) > 2 else "\n"
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    print("invalid UTF-8 at byte %d" % e.start, file=sys.stderr)
    sys.exit(1)
bad = [c for c in text if (ord(c) < 0x20 and c not in allowed) or 0x7F <= ord(c) <= 0x9F
       or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]
if bad:
    print("found %s" % ", ".join("U+%04X" % ord(c) for c in bad[:10]), file=sys.stderr)
    sys.exit(1)
PY
}

# columns FILE SEPARATOR N: every line of FILE has exactly N columns.
columns() {
    local sep=$2
    [ "$sep" = tab ] && sep=$'\t'
    awk -F"$sep" -v n="$3" '{ if ($0 == "" || NF != n) { print NR": "NF" columns: "$0; bad = 1 } }
        END { exit bad }' "$1" >columns.err ||
        fail "$1: a row without $3 columns: $(cat -v columns.err | head -n 5)"
    [ -s "$1" ] || fail "$1 is empty"
}

# hostile.jsonl: titles, bodies, related headlines with terminal escapes,
# C1 controls and bidi controls; every article says "oilfield".
hostile_input() {
    python3 - <<'PY' || fail "cannot make the input"
import json
rows = [
    {"id": "esc", "title": "Evil \x1b]52;c;aGVsbG8=\x07 title \x1b[2J",
     "text": "oilfield story \x1b[31mred\x1b[0m bell \x07 bs \x08 del \x7f csi \u009b2J end",
     "related": ["oilfield headline \x1b[2J\u0085next"]},
    {"id": "bidi", "title": "عنوان \u202eevil\u202c \u2067iso",
     "text": "oilfield نص\u200e عربي\u200f \u061cرقم ز\u200dو\u200cج \u202bembed\u202c \u2066iso",
     "related": ["oilfield \u202eheadline"]},
    {"id": "tabs", "title": "tab\there", "text": "oilfield with\ttabs and\u2028breaks too"},
]
with open("hostile.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
    run "$INDEXER" -q -d idx hostile.jsonl
    expect_rc 0
}

case "$case_name" in
text_controls)
    hostile_input
    run "$SEARCHER" -d idx -n 20 oilfield
    expect_rc 0
    no_controls out
    expect_out "Evil �]52;c;aGVsbG8=� title �[2J"
    expect_out "oilfield story �[31mred�[0m bell � bs � del � csi �2J end"
    expect_out "oilfield headline �[2J next" # NEL, a line break: a space
    expect_out "oilfield with tabs and breaks too"
    # The same on a terminal, in colour: only the searcher's own escapes.
    if command -v script >/dev/null; then
        NO_COLOR= TERM=xterm script -qec "'$SEARCHER' -d idx -n 20 oilfield" /dev/null </dev/null >tty.out 2>&1
        grep -q $'\033\\[1;31m' tty.out || fail "no colour on a terminal: $(cat -v tty.out | head -n 3)"
        ! grep -aq $'\033\\]52\|\033\\[2J\|\033\\[31m\|\xc2\x9b\|\a' tty.out ||
            fail "an escape of the data reached the terminal: $(cat -v tty.out | head -n 5)"
    fi
    ;;
tsv_controls)
    hostile_input
    run "$SEARCHER" -d idx -n 20 --format tsv oilfield
    expect_rc 0
    no_controls out tab
    columns out tab 5
    expect_out $'\tesc#1\toilfield story �[31mred�[0m bell � bs � del � csi �2J end'
    expect_out $'\ttabs#1\toilfield with tabs and breaks too'
    ;;
bidi_controls)
    hostile_input
    for format in text tsv; do
        run "$SEARCHER" -d idx -n 20 --format $format oilfield
        expect_rc 0
        no_controls out tab
        # The marks Arabic text renders with stay (LRM, RLM, ALM, ZWJ, ZWNJ).
        expect_out $'oilfield نص\u200e عربي\u200f \u061cرقم ز\u200dو\u200cج embed iso'
    done
    run "$SEARCHER" -d idx -n 20 oilfield
    expect_out "عنوان evil iso"
    expect_out "oilfield headline"
    ;;
json_controls)
    hostile_input
    run "$SEARCHER" -d idx -n 20 --format json oilfield
    expect_rc 0
    no_controls out
    expect_out '\u009b2J'
    expect_out '\u202eevil\u202c'
    # The values are the data, exactly.
    python3 - <<'PY' || fail "JSON values differ from the input: $(head -c 1500 out)"
import json
got = {r["passage_id"]: r for r in map(json.loads, open("out", encoding="utf-8"))}
want = {json.loads(l)["id"]: json.loads(l) for l in open("hostile.jsonl", encoding="utf-8")}
assert got["esc#1"]["title"] == want["esc"]["title"], got["esc#1"]["title"]
assert got["esc#1"]["text"] == want["esc"]["text"], got["esc#1"]["text"]
assert got["bidi#1"]["text"] == want["bidi"]["text"], got["bidi#1"]["text"]
PY
    ;;
trec_ids)
    # Ids with spaces: from a file name, from JSON, one of spaces only, one with '%'.
    mkdir in
    printf 'title: Harbour news\n\nThe oilfield near the harbour.\n' >"in/my file.txt"
    {
        echo '{"id": "a b", "title": "spaced", "text": "oilfield spaced"}'
        echo '{"id": "   ", "title": "blank", "text": "oilfield blank"}'
        echo '{"id": "50% off", "title": "percent", "text": "oilfield percent"}'
        echo '{"id": "x\u00a0y\u3000z", "title": "unicode spaces", "text": "oilfield unicode"}'
        echo '{"id": "\u202edi", "title": "override", "text": "oilfield override"}'
    } >in/b.jsonl
    run "$INDEXER" -q -d idx in
    expect_rc 0
    for per in "" --per-article; do
        run "$SEARCHER" -d idx -n 50 --format trec $per --tag "my run" oilfield
        expect_rc 0
        columns out ' ' 6
        no_controls out
    done
    run "$SEARCHER" -d idx -n 50 --format trec oilfield
    expect_out "1 Q0 my%20file#1 "
    expect_out "1 Q0 a%20b#1 "
    expect_out "1 Q0 %20%20%20#1 "
    expect_out "1 Q0 50%25%20off#1 "
    expect_out "1 Q0 x%C2%A0y%E3%80%80z#1 "
    expect_out "1 Q0 %E2%80%AEdi#1 "
    run "$SEARCHER" -d idx -n 50 --format tsv oilfield
    columns out tab 5
    expect_out $'\tmy%20file#1\t'
    # JSON keeps the ids as indexed.
    run "$SEARCHER" -d idx -n 50 --format json oilfield
    expect_out '"article_id":"my file"'
    expect_out '"article_id":"   "'
    ;;
batch_qids)
    hostile_input
    printf 'q 1\toilfield\n\toilfield\n\033]52;c;aGk=\007\toilfield\n   \toilfield\nq\xc2\x9b5\toilfield\nlast\toilfield\n' >queries.tsv
    for j in 1 3; do
        run "$SEARCHER" -d idx -j $j -n 2 --format trec --batch queries.tsv
        expect_rc 2
        columns out ' ' 6
        no_controls out
        no_controls err
        expect_out "q%201 Q0 "
        expect_out "%1B]52;c;aGk=%07 Q0 "
        expect_out "q%C2%9B5 Q0 "
        expect_out "last Q0 "
        expect_err "searcher: queries.tsv:2: empty query id before the tab"
        expect_err "searcher: queries.tsv:4: empty query id before the tab"
        mv out trec.$j
    done
    cmp -s trec.1 trec.3 || fail "-j 3 differs from -j 1"
    run "$SEARCHER" -d idx -n 2 --format tsv --batch queries.tsv
    columns out tab 5
    no_controls out tab
    ;;
json_query_utf8)
    hostile_input
    run "$SEARCHER" -d idx --format json -n 3 $'oilfield caf\xe9'
    expect_rc 0
    python3 - <<'PY' || fail "JSON lacks the query: $(head -c 600 out)"
import json
rows = [json.loads(l) for l in open("out", encoding="utf-8")]
assert len(rows) == 3 and all(r.get("query") == "oilfield caf\ufffd" for r in rows), rows[0]
assert all("score" in r for r in rows)
PY
    printf 'q\xff1\toilfield\n' >queries.tsv
    run "$SEARCHER" -d idx --format json -n 1 --batch queries.tsv
    expect_rc 0
    expect_out '"qid":"q�1"'
    ;;
stderr_controls)
    hostile_input
    # A query quoted in a message, a batch qid, a file name, an unknown format.
    run "$SEARCHER" -d idx $'\033[2J\033]52;c;aGk=\007 date:soon'
    expect_rc 2
    no_controls err
    expect_err "searcher: query '�[2J�]52;c;aGk=� date:soon': bad date 'soon'"
    printf '\033[2Jq\tdate:soon\n' >$'q\033[2J.tsv'
    run "$SEARCHER" -d idx --batch $'q\033[2J.tsv'
    expect_rc 2
    no_controls err
    expect_err "searcher: q�[2J.tsv:1: query �[2Jq: bad date 'soon'"
    run "$SEARCHER" -d idx --format $'x\033[2J' oilfield
    expect_rc 2
    no_controls err
    expect_err "searcher: unknown format 'x�[2J'"
    # A long query is quoted by whole characters.
    run "$SEARCHER" -d idx "x$(printf 'ء%.0s' $(seq 150)) date:soon"
    expect_rc 2
    no_controls err
    # The indexer: file names found in a folder, ids, values quoted.
    mkdir in
    : >in/$'e\033[2J.txt'
    ln -s nowhere in/$'l\033]52;c;aGk=\007.txt'
    printf '{"id": "d\\u202e1", "title": "t", "text": "oil"}\n{"id": "d\\u202e1", "title": "t", "text": "oil"}\n{"id": "x\\u009b2J", "title": "t", "text": "oil"}\n' >in/$'f\xc2\x9b.jsonl'
    run "$INDEXER" -q -d idx2 in
    expect_rc 1
    no_controls err
    expect_err "in/e�[2J.txt: empty file (article skipped)"
    expect_err "in/l�]52;c;aGk=�.txt: No such file or directory"
    expect_err "in/f�.jsonl:2: article id 'd1' was given before in this run"
    expect_err "in/f�.jsonl:3: bad id \"x�2J\": it contains a control character"
    run "$INDEXER" -q -d idx2 --delete $'x\033[2J'
    expect_rc 1
    no_controls err
    expect_err "indexer: 'x�[2J' is not in the index"
    ;;
dash_words)
    mkdir in
    printf 'title: Oil debate\n\nThe oil debate went on.\n' >in/a.txt
    printf 'title: Oil prices\n\nOil prices rose.\n' >in/b.txt
    printf 'title: السعودية\n\nالسعودية والرياض.\n\nالسعودية وحدها.\n' >in/c.txt
    printf 'title: الخبر\n\nالسعودية اليوم.\n' >in/d.txt
    run "$INDEXER" -q -d idx in
    expect_rc 0
    # Every word after the first query word is query text: -debate excludes.
    run "$SEARCHER" -d idx --format trec oil -debate
    expect_rc 0
    expect_out " b#"
    ! grep -q " a#" out || fail "-debate did not exclude: $(cat out)"
    [ ! -e ebate ] || fail "an index named 'ebate' was made"
    run "$SEARCHER" -d idx --format trec oil -n1
    expect_rc 0
    [ "$(wc -l <out)" -gt 1 ] || fail "-n1 after the query was taken as an option: $(cat out)"
    # An excluded word leaves out its whole article (issue 16): all of c.
    run "$SEARCHER" -d idx --format trec السعودية -الرياض
    expect_rc 0
    expect_out "d#1 "
    ! grep -q " c#" out || fail "-الرياض did not exclude: $(cat out)"
    # -- still ends the options; a query word first that looks like an option is refused whole.
    run "$SEARCHER" -d idx --format trec -- -debate oil
    expect_rc 0
    expect_out " b#"
    run "$SEARCHER" -d idx -الرياض السعودية
    expect_rc 2
    no_controls err
    expect_err "searcher: unknown option '-الرياض' (a query that starts with '-' goes after --: searcher -- -الرياض)"
    run "$SEARCHER" -d idx --formt json oil
    expect_rc 2
    expect_err "searcher: unknown option '--formt'"
    run "$SEARCHER" -d idx --prf oil
    expect_rc 2
    expect_err "searcher: option '--prf' is ambiguous: --prf-docs, --prf-terms, --prf-weight"
    run "$SEARCHER" -d idx -n
    expect_rc 2
    expect_err "searcher: option '-n' needs a value"
    ;;
number_options)
    mkdir in
    printf 'title: Oil prices\n\nOil prices rose.\n' >in/b.txt
    run "$INDEXER" -q -d idx in
    expect_rc 0
    while IFS='|' read -r option value message; do
        run "$SEARCHER" -d idx "$option" "$value" oil
        expect_rc 2
        expect_err "searcher: $message, not '$value'"
    done <<'ROWS'
--title-weight|nan|--title-weight wants a number from 0 to 1000
--title-weight|inf|--title-weight wants a number from 0 to 1000
--title-weight|-inf|--title-weight wants a number from 0 to 1000
--prf-weight|NaN|--prf-weight wants a number from 0 to 1000
--prf-weight|1e999|--prf-weight wants a number from 0 to 1000
--prf-weight|0.3x|--prf-weight wants a number from 0 to 1000
--prf-weight|1001|--prf-weight wants a number from 0 to 1000
-n|nan|-n wants a whole number from 1 to 1000000
-n|5.5|-n wants a whole number from 1 to 1000000
-n|0x10|-n wants a whole number from 1 to 1000000
--limit| 5|--limit wants a whole number from 1 to 1000000
--prf-docs|inf|--prf-docs wants a whole number from 0 to 64
--prf-terms||--prf-terms wants a whole number from 0 to 64
-j|nan|-j wants a whole number from 1 to 64
--jobs|2e0x|--jobs wants a whole number from 1 to 64
ROWS
    # Good values still work; JSON always has a score.
    run "$SEARCHER" -d idx --title-weight 0.75 --prf-weight 1e-1 -n 1e1 --format json oil
    expect_rc 0
    expect_out '"score":'
    ;;
date_filters)
    printf '{"id": "a", "title": "oil", "text": "oil", "date": "2016-02-29"}\n' >in.jsonl
    run "$INDEXER" -q -d idx in.jsonl
    expect_rc 0
    run "$SEARCHER" -d idx 'oil date:2023..2020'
    expect_rc 2
    expect_err "searcher: query 'oil date:2023..2020': bad date range '2023..2020': it ends before it starts"
    run "$SEARCHER" -d idx 'date:2015-02-30'
    expect_rc 2
    expect_err "searcher: query 'date:2015-02-30': bad date '2015-02-30': no such day"
    run "$SEARCHER" -d idx --format trec 'oil date:2016-02-29'
    expect_rc 0
    run "$SEARCHER" -d idx --format trec 'oil date:2016-02..2016'
    expect_rc 0
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok [$case_name]"
