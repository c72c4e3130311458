#!/usr/bin/env bash
# A lone proclitic ل ب ك the stemmer leaves on a word (issue 15, item 4),
# resolved against the index's vocabulary at search time, on the bundled
# article (corpus/), which writes ماسك (Musk) in 13 of its passages, plus
# articles written here.
# usage: proclitics.sh CASE   (INDEXER, SEARCHER, CORPUS, WORK come from CTest)
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "proclitics/$case_name"

# article ID TEXT: one JSONL article.
article() {
    printf '{"id": "%s", "title": "خبر", "text": "%s"}\n' "$1" "$2"
}

# results: article and highlighted words of each JSON result in out, "ID: W W" a line.
results() {
    python3 -c 'import json,sys
for line in sys.stdin:
    r = json.loads(line)
    if "rank" not in r:
        continue
    t = r["text"].encode()
    print("%s: %s" % (r["article_id"], " ".join(t[s:e].decode() for s, e in r["highlights"])))' <out
}

case "$case_name" in
word_after_proclitic)
    # An article names Musk only after ل (Snowball keeps لماسك whole);
    # typed ماسك, a word the index holds 13 times as often, finds it too,
    # its لماسك highlighted. 300 short articles more, so that ماسك is not
    # a common word (in more than 5% of the passages), which is left alone.
    article critic 'وجه الرئيس التنفيذي انتقادا لماسك في مقابلة.' >extra.jsonl
    for i in $(seq 300); do article "w$i" "الطقس معتدل اليوم $i"; done >>extra.jsonl
    run "$INDEXER" -q -d idx "$CORPUS" extra.jsonl
    expect_rc 0
    run "$SEARCHER" -d idx --format json -n 50 ماسك
    expect_rc 0
    results | grep -qxF 'critic: لماسك' ||
        fail "ماسك does not find the article that says لماسك: $(results | tr '\n' ';')"
    ;;
common_form_left_alone)
    # بشركة stems to بشر ("human"), a word of its own: the index holds it in
    # as many passages as شركة, so شركة does not look for it.
    for i in 1 2 3; do
        article "c$i" "أعلنت شركة النفط نتائجها $i"
        article "h$i" "قال إن البشر يحتاجون إلى الماء $i"
    done >extra.jsonl
    run "$INDEXER" -q -d idx extra.jsonl
    expect_rc 0
    run "$SEARCHER" -d idx --format json -n 50 شركة
    expect_rc 0
    [ "$(results | cut -d: -f1 | sort | tr '\n' ' ')" = "c1 c2 c3 " ] ||
        fail "شركة finds other articles: $(results | tr '\n' ';')"
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok $case_name"
