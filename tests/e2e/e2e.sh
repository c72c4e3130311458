#!/usr/bin/env bash
# End-to-end tests of indexer and searcher: one case per CTest entry.
# usage: e2e.sh CASE   (INDEXER, SEARCHER, CORPUS, DATA_DIR, WORK come from CTest)
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "$case_name"

# The number of passages in index $1 (every passage has a language).
passages() {
    "$SEARCHER" -d "$1" -n 100000 --format trec 'lang:ar' 'lang:en' | wc -l
}

index_corpus() {
    run "$INDEXER" -q -d idx "$CORPUS"
    expect_rc 0
}

# same_ranking QUERY_A QUERY_B WHAT: both queries find passages, the same
# ones with the same scores in the same order.
same_ranking() {
    ranked a.rank -d idx -n 100 "$1"
    ranked b.rank -d idx -n 100 "$2"
    expect_same a.rank b.rank "$3 ('$1' vs '$2')"
}

# jq-free JSON field access: the first result's field, through python3.
first_json_field() {
    python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$1" <out
}

case "$case_name" in
microsoft_quote)
    index_corpus
    run "$SEARCHER" -d idx --format json مايكروسوفت
    expect_rc 0
    text=$(first_json_field text)
    [[ "$text" == *"شركة مغلقة المصدر تسعى لتحقيق أقصى قدر من الأرباح وتسيطر عليها مايكروسوفت"* ]] ||
        fail "first passage does not quote the tweet: $text"
    [ "$(first_json_field kind)" = body ] || fail "first passage is not a body paragraph"
    ;;
diacritics_same_ranking)
    index_corpus
    same_ranking 'الذكاء الاصطناعي' 'الذَّكَاءُ الاصْطِنَاعِيُّ' "diacritics change the ranking"
    # Other spellings a user may type: alef forms, alef maqsura, tatweel.
    same_ranking 'الاصطناعى' 'الاصطناعي' "alef maqsura changes ranking"
    same_ranking 'ألتمان' 'التمان' "hamza on alef changes ranking"
    same_ranking 'الـذكـاء' 'الذكاء' "tatweel changes ranking"
    ;;
kara_swisher)
    index_corpus
    run "$SEARCHER" -d idx --format json Kara Swisher
    expect_rc 0
    [[ "$(first_json_field text)" == *"On With Kara Swisher"* ]] || fail "podcast passage not first"
    run "$SEARCHER" -d idx --format json 'kara SWISHER'
    [[ "$(first_json_field text)" == *"On With Kara Swisher"* ]] || fail "letter case changes result"
    ;;
exact_phrase)
    index_corpus
    run "$SEARCHER" -d idx --format trec '"أكبر تهديد"'
    expect_rc 0
    [ "$(wc -l <out)" -eq 1 ] || fail "expected exactly one passage, got: $(cat out)"
    run "$SEARCHER" -d idx --format json '"أكبر تهديد"'
    [[ "$(first_json_field text)" == *"هو “أكبر تهديد قائم على الوجود”"* ]] || fail "not the founding passage"
    # A phrase keeps its order: reversed, the words match only without quotes.
    run "$SEARCHER" -d idx --format trec '"تهديد أكبر"'
    expect_rc 1
    run "$SEARCHER" -d idx --format trec 'تهديد أكبر'
    expect_rc 0
    # Excluded: every passage about ماسك but the one with the phrase; the reversed phrase excludes none.
    run "$SEARCHER" -d idx --format trec -n 100 'ماسك'
    grep -q '#2 ' out || fail "the phrase's passage is not among ماسك's: $(cat out)"
    with_word=$(wc -l <out)
    run "$SEARCHER" -d idx --format trec -n 100 'ماسك -"أكبر تهديد"'
    expect_rc 0
    grep -q '#2 ' out && fail "-\"phrase\" kept its passage: $(cat out)"
    [ "$(wc -l <out)" -eq $((with_word - 1)) ] || fail "-\"phrase\" dropped more than its passage: $(cat out)"
    run "$SEARCHER" -d idx --format trec -n 100 'ماسك -"تهديد أكبر"'
    [ "$(wc -l <out)" -eq "$with_word" ] || fail "the reversed phrase excluded passages: $(cat out)"
    # Beside other words a phrase only ranks; alone with +, it is required.
    run "$SEARCHER" -d idx --format trec -n 100 '+"أكبر تهديد" ماسك'
    [ "$(wc -l <out)" -eq 1 ] || fail "+\"phrase\" word: expected one passage, got: $(cat out)"
    # The first results do not depend on how many are asked for (feedback reorders the first 50).
    run "$SEARCHER" -d idx --format trec -n 3 'ماسك ألتمان OpenAI'
    expect_rc 0
    cut -d' ' -f1-4 out >top3
    [ "$(wc -l <top3)" -eq 3 ] || fail "-n 3 gave $(wc -l <top3) results"
    run "$SEARCHER" -d idx --format trec -n 100 'ماسك ألتمان OpenAI'
    expect_rc 0
    head -n 3 out | cut -d' ' -f1-4 | cmp -s - top3 || fail "-n 3 and -n 100 start differently"
    ;;
batch_trec)
    index_corpus
    printf 'q1\tمايكروسوفت\nq2\tKara Swisher\nq3\t"أكبر تهديد"\n' >queries.tsv
    run "$SEARCHER" -d idx --batch queries.tsv --format trec -n 5
    expect_rc 0
    [ "$(awk '{print $1}' out | sort -u | tr '\n' ' ')" = "q1 q2 q3 " ] || fail "qids: $(cat out)"
    awk 'NF != 6 || $2 != "Q0" || $6 != "khabar" { bad = 1 } END { exit bad }' out ||
        fail "not TREC run lines: $(cat out)"
    # Ranks go 1, 2, ... within each query; scores never increase.
    awk '$1 != q { q = $1; r = 0; s = 1e300 } { r++; if ($4 != r || $5 > s) bad = 1; s = $5 } END { exit bad }' out ||
        fail "ranks or scores out of order: $(cat out)"
    # Queries from stdin, without qids: the line number is the qid.
    printf 'مايكروسوفت\n\nKara Swisher\n' | "$SEARCHER" -d idx --batch - --format trec -n 1 >out2
    [ "$(awk '{print $1}' out2 | tr '\n' ' ')" = "1 3 " ] || fail "line-number qids: $(cat out2)"
    ;;
batch_json)
    index_corpus
    printf 'q1\tمايكروسوفت\n' | "$SEARCHER" -d idx --batch - --format json -n 2 >out
    python3 - out <<'PY' || fail "bad JSON Lines: $(cat out)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 2, rows
for i, r in enumerate(rows, 1):
    assert r["qid"] == "q1" and r["rank"] == i
    for k in ("score", "passage_id", "article_id", "kind", "title", "text", "snippet", "highlights"):
        assert k in r, k
    assert r["article_id"] == "000_39aec0ce4e52fe5b"
    assert r["passage_id"].startswith("000_39aec0ce4e52fe5b#")
    text = r["text"].encode("utf-8")
    assert r["highlights"], "no highlight"
    for s, e in r["highlights"]:
        assert text[s:e].decode("utf-8") == "مايكروسوفت", text[s:e].decode("utf-8")
PY
    ;;
reindex_same_count)
    index_corpus
    before=$(passages idx)
    # The title, ten body paragraphs (none longer than a window), three related headlines.
    [ "$before" -eq 14 ] || fail "expected 14 passages, got $before"
    run "$INDEXER" -q -d idx "$CORPUS"
    expect_rc 0
    expect_err "0 added, 1 replaced"
    [ "$(passages idx)" -eq "$before" ] || fail "passages $before -> $(passages idx)"
    ;;
delete_article)
    index_corpus
    cp "$DATA_DIR/english.txt" .
    run "$INDEXER" -q -d idx english.txt
    expect_rc 0
    run "$INDEXER" -d idx --delete 000_39aec0ce4e52fe5b
    expect_rc 0
    expect_err "1 deleted"
    run "$SEARCHER" -d idx -n 1000 --format trec 'lang:ar'
    expect_rc 1
    [ ! -s out ] || fail "passages left: $(cat out)"
    run "$SEARCHER" -d idx --format trec ماسك
    expect_rc 1
    # The other article is untouched.
    run "$SEARCHER" -d idx --format trec newsroom
    expect_rc 0
    run "$INDEXER" -d idx --delete no-such-article
    expect_rc 1
    expect_err "'no-such-article' is not in the index"
    ;;
bad_input_txt)
    mkdir in
    cp "$DATA_DIR/english.txt" in/a_good.txt
    printf 'title: ok\nnonsense header line\n\nbody\n' >in/b_bad_header.txt
    printf 'title: caf\xe9 latin-1\n\nbody of the article\n' >in/c_bad_utf8.txt
    printf 'id: empty\n\n\n' >in/d_empty.txt
    printf 'title: Zanzibar ferry schedule\n\nThe ferry leaves at noon.\n' >in/e_good.txt
    run "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "in/b_bad_header.txt:2:"
    expect_err "in/c_bad_utf8.txt:1: invalid UTF-8"
    expect_err "in/d_empty.txt"
    expect_err "2 added, 0 replaced, 0 deleted, 3 skipped"
    run "$SEARCHER" -d idx --format trec Zanzibar
    expect_rc 0
    run "$SEARCHER" -d idx --format trec newsroom
    expect_rc 0
    ;;
bad_input_jsonl)
    {
        echo '{"id": "j1", "title": "Alpha story", "text": "first paragraph about alpacas"}'
        echo '{"id": "j2", "title": "broken", "text": '
        echo '{"id": "j3", "title": "Gamma story", "related": 5}'
        printf '{"id": "j4", "title": "bad \xff bytes", "text": "x"}\n'
        echo '{"id": "j5", "title": "", "text": ""}'
        echo '{"id": "j6", "title": "Omega story", "text": "last paragraph about okapis"}'
    } >in.jsonl
    run "$INDEXER" -q -d idx in.jsonl
    expect_rc 1
    expect_err "in.jsonl:2:"
    expect_err "in.jsonl:3:"
    expect_err "in.jsonl:4:"
    expect_err "in.jsonl:5:"
    expect_err "2 added, 0 replaced, 0 deleted, 4 skipped"
    run "$SEARCHER" -d idx --format trec alpacas
    expect_rc 0
    expect_out "j1#"
    run "$SEARCHER" -d idx --format trec okapis
    expect_rc 0
    expect_out "j6#"
    run "$SEARCHER" -d idx --format trec -n 100 'lang:en'
    ! grep -q 'j[2345]#' out || fail "a bad article got in: $(cat out)"
    ;;
strict_stops)
    {
        echo '{"id": "s1", "title": "first", "text": "alpacas"}'
        echo 'not json'
        echo '{"id": "s3", "title": "third", "text": "okapis"}'
    } >in.jsonl
    run "$INDEXER" -q --strict -d idx in.jsonl
    expect_rc 1
    expect_err "in.jsonl:2:"
    expect_err "stopped at the first bad article (--strict): the articles before it are in"
    run "$SEARCHER" -d idx --format trec alpacas
    expect_rc 0
    run "$SEARCHER" -d idx --format trec okapis
    expect_rc 1
    ;;
locked_index)
    index_corpus
    # A first indexer holds the index while it waits for its standard input.
    mkfifo feed
    "$INDEXER" -q -d idx - <feed >first.out 2>&1 &
    holder=$!
    exec 3>feed
    sleep 1
    run "$INDEXER" -q -d idx "$CORPUS"
    exec 3>&-
    wait $holder
    expect_rc 2
    expect_err "locked"
    # Searching is not blocked by a writer.
    run "$SEARCHER" -d idx --format trec ماسك
    expect_rc 0
    ;;
filters)
    index_corpus
    cp "$DATA_DIR/english.txt" .
    run "$INDEXER" -q -d idx english.txt
    run "$SEARCHER" -d idx --format trec -n 100 'section:أعمال'
    expect_rc 0
    ! grep -qv '^1 Q0 000_39aec0ce4e52fe5b#' out || fail "section filter let others in: $(cat out)"
    run "$SEARCHER" -d idx --format trec -n 100 'section:technology'
    expect_rc 0
    ! grep -q '000_39aec0ce4e52fe5b' out || fail "wrong section: $(cat out)"
    run "$SEARCHER" -d idx --format trec 'ماسك lang:en'
    expect_rc 1
    run "$SEARCHER" -d idx --format trec 'newsroom date:2024..2025'
    expect_rc 0
    run "$SEARCHER" -d idx --format trec 'newsroom date:..2023'
    expect_rc 1
    run "$SEARCHER" -d idx --format trec 'title:ماسك تويتر'
    expect_rc 0
    # +required and -excluded words. An excluded word leaves out its whole
    # article (issue 16): the bundled article holds تويتر, so nothing is left
    # of ماسك; newsroom, in the English sample only, stays.
    run "$SEARCHER" -d idx --format trec -n 100 'ماسك -تويتر'
    expect_rc 1
    run "$SEARCHER" -d idx --format trec -n 100 'ماسك newsroom -تويتر'
    expect_rc 0
    ! grep -q '000_39aec0ce4e52fe5b' out || fail "the article holding تويتر was returned: $(cat out)"
    ids=$(awk '{print $3}' out)
    run "$SEARCHER" -d idx --format json -n 100 'ماسك'
    expect_rc 0
    for id in $ids; do
        grep -F "\"passage_id\":\"$id\"" out | grep -q 'تويتر' && fail "$id contains the excluded word"
    done
    run "$SEARCHER" -d idx --format trec -n 100 --all 'ماسك تويتر'
    all=$(wc -l <out)
    run "$SEARCHER" -d idx --format trec -n 100 '+ماسك +تويتر'
    [ "$(wc -l <out)" -eq "$all" ] || fail "--all and +words disagree"
    run "$SEARCHER" -d idx --format trec -n 100 --per-article 'ماسك OR newsroom'
    [ "$(awk '{print $3}' out | sort -u | wc -l)" -eq "$(wc -l <out)" ] || fail "per-article repeats"
    ;;
formats)
    index_corpus
    run "$SEARCHER" -d idx -n 2 --format tsv مايكروسوفت
    expect_rc 0
    awk -F'\t' 'NF != 5 { bad = 1 } END { exit bad }' out || fail "TSV must have 5 fields: $(cat out)"
    run "$SEARCHER" -d idx -n 2 مايكروسوفت
    expect_rc 0
    expect_out "1. "
    expect_out "[body 000_39aec0ce4e52fe5b#"
    ! grep -q $'\033' out || fail "colour when not on a terminal"
    run "$SEARCHER" -d idx --format trec --per-article -n 5 ماسك
    [ "$(awk '{print $3}' out)" = "000_39aec0ce4e52fe5b" ] || fail "per-article DOCID: $(cat out)"
    run "$SEARCHER" -d idx --format xml ماسك
    expect_rc 2
    expect_err "unknown format 'xml'"
    ;;
default_index)
    export HOME="$dir/home"
    run "$INDEXER" -q "$CORPUS"
    expect_rc 0
    [ -d "$HOME/.local/share/khabar/index" ] || fail "default index not made"
    run "$SEARCHER" ماسك
    expect_rc 0
    KHABAR_INDEX="$dir/elsewhere" run "$INDEXER" -q "$CORPUS"
    [ -d "$dir/elsewhere" ] || fail "KHABAR_INDEX not used"
    ;;
bad_query)
    index_corpus
    # A quote left open runs to the end of the query.
    same_ranking '"أكبر تهديد' '"أكبر تهديد"' "open quote"
    run "$SEARCHER" -d idx 'date:soon'
    expect_rc 2
    expect_err "bad date 'soon'"
    run "$SEARCHER" -d idx '!!! ،،،'
    expect_rc 1
    ;;
missing_index)
    run "$SEARCHER" -d no-such-index ماسك
    expect_rc 2
    expect_err "no-such-index"
    mkdir not-an-index && echo hello >not-an-index/file
    run "$SEARCHER" -d not-an-index ماسك
    expect_rc 2
    expect_err "not-an-index"
    ;;
common_words)
    # Words in more than 5% of the passages only add weight beside rarer
    # words (plan.c, COMMON_FRACTION); what a user sees must not change.
    # 60 articles, 120 passages: "harbor" in 8 (common), "zebra" in 3. The
    # zebra paragraphs are long, so the short harbor paragraphs outweigh
    # them: they must still come first, found only because the searcher
    # checks what a common word alone could weigh.
    python3 - <<'PY' >docs.jsonl
import json
filler = " ".join("word%d" % k for k in range(140))
for i in range(60):
    body = "plain%d text of article %d" % (i, i)
    if i < 3:
        body = "zebra " + filler
    elif i == 3:
        body = "harbor harbor harbor harbor harbor"
    elif i < 11:
        body = "the harbor of article %d" % i
    print(json.dumps({"id": "a%02d" % i, "title": "note %d" % i, "text": body}))
PY
    run "$INDEXER" -q -d idx docs.jsonl
    expect_rc 0
    run "$SEARCHER" -d idx --format trec -n 3 --prf-weight 0 'zebra harbor'
    expect_rc 0
    [ "$(awk 'NR == 1 {print $3}' out)" = "a03#1" ] || fail "harbor said five times is not first: $(cat out)"
    [ "$(grep -c 'Q0 a\(0[4-9]\|10\)#1 ' out)" -eq 2 ] || fail "not two harbor paragraphs after it: $(cat out)"
    # Fewer zebra passages than asked for: all eleven with either word.
    run "$SEARCHER" -d idx --format trec -n 20 'zebra harbor'
    expect_rc 0
    [ "$(wc -l <out)" -eq 11 ] || fail "11 results expected: $(cat out)"
    [ "$(grep -c 'Q0 a0[0-2]#' out)" -eq 3 ] || fail "the three zebra paragraphs are missing: $(cat out)"
    # The same ranking whatever the output shows.
    ranked trec.txt -d idx -n 100 'zebra harbor'
    run "$SEARCHER" -d idx -n 100 --format tsv 'zebra harbor'
    expect_rc 0
    awk -F'\t' '{print $4, $3}' out >tsv.txt
    expect_same trec.txt tsv.txt "TREC and TSV rank differently"
    ;;
batch_parallel)
    index_corpus
    cp "$DATA_DIR/english.txt" . && run "$INDEXER" -q -d idx english.txt
    # Arabic, English, phrases, filters, lines without a qid, a blank line, a
    # query with no result (f1, f2) and a bad one (line 21: an error naming
    # FILE:LINE); 47 queries, so that the threads overtake one another.
    {
        for round in 1 2; do
            printf 'a%s\tماسك\n' "$round"
            printf 'b%s\t"أكبر تهديد"\n' "$round"
            printf 'c%s\tKara Swisher\n' "$round"
            printf 'الذكاء الاصطناعي\n'
            printf 'd%s\tnewsroom archive\n' "$round"
            printf '\n'
            printf 'e%s\tإيلون ماسك OpenAI\n' "$round"
            printf 'f%s\tzzqqxx\n' "$round"
            printf 'g%s\tsection:أعمال ألتمان\n' "$round"
            printf 'h%s\t"open formats"\n' "$round"
            printf 'i%s\t+ماسك -تويتر\n' "$round"
            printf 'j%s\ttitle:ماسك\n' "$round"
            printf 'k%s\tشركة مغلقة المصدر\n' "$round"
            printf 'l%s\tlang:en editors\n' "$round"
            printf 'm%s\tChatGPT\n' "$round"
            printf 'n%s\tالذَّكَاءُ الاصْطِنَاعِيُّ\n' "$round"
            printf 'o%s\tnewsroom date:2024..2025\n' "$round"
            printf 'p%s\tمايكروسوفت\n' "$round"
            printf 'q%s\tزوكربيرغ\n' "$round"
            printf 'r%s\tarchive search shell\n' "$round"
            [ "$round" = 1 ] && printf 's1\tdate:soon\n'
            printf 't%s\tتويتر شعار\n' "$round"
            printf 'u%s\tThe ferry Cairo\n' "$round"
            printf 'v%s\tسام ألتمان\n' "$round"
            printf 'w%s\tLinkedIn\n' "$round"
        done
    } >queries.tsv
    for format in text json trec tsv; do
        for jobs in 1 4; do
            run "$SEARCHER" -d idx --batch queries.tsv --format "$format" -n 5 -j "$jobs"
            expect_rc 2
            mv out "$format.$jobs.out" && mv err "$format.$jobs.err"
        done
        [ -s "$format.1.out" ] || fail "$format: no output"
        cmp -s "$format.1.out" "$format.4.out" || fail "$format: -j 4 stdout differs from -j 1"
        cmp -s "$format.1.err" "$format.4.err" || fail "$format: -j 4 stderr differs: $(cat "$format.4.err")"
    done
    grep -qF "queries.tsv:21: query s1: bad date 'soon'" trec.4.err || fail "stderr: $(cat trec.4.err)"
    [ "$(wc -l <trec.4.err)" -eq 1 ] || fail "stderr: $(cat trec.4.err)"
    # Standard input, --per-article and --timing: one timing line per query, in input order.
    untimed() { sed 's/^\(timing\t[^\t]*\)\t[0-9]*$/\1/' "$@"; }
    for jobs in 1 4; do
        run "$SEARCHER" -d idx --batch - --format trec --per-article --timing -j "$jobs" <queries.tsv
        expect_rc 2
        mv out "timed.$jobs.out" && untimed err >"timed.$jobs.err"
    done
    [ -s timed.1.out ] || fail "--timing: no output"
    cmp -s timed.1.out timed.4.out || fail "--timing: -j 4 stdout differs"
    cmp -s timed.1.err timed.4.err || fail "--timing: -j 4 stderr differs: $(cat timed.4.err)"
    [ "$(grep -c '^timing' timed.4.err)" -eq 46 ] || fail "timing lines: $(cat timed.4.err)"
    # Exit status without the bad query: 0 when some query matched, 1 when none did.
    grep -v 'date:soon' queries.tsv >good.tsv
    run "$SEARCHER" -d idx --batch good.tsv --format trec -j 4
    expect_rc 0
    [ ! -s err ] || fail "stderr: $(cat err)"
    printf 'x\tzzqqxx\ny\tqqzzyy\n' >none.tsv
    run "$SEARCHER" -d idx --batch none.tsv -j 3
    expect_rc 1
    run "$SEARCHER" -d idx --batch none.tsv -j 0
    expect_rc 2
    expect_err "-j wants a whole number from 1 to 64, not '0'"
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok [$case_name]"
