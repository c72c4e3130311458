#!/usr/bin/env bash
# End-to-end tests of the bounds on what one query may cost (issue 12, items
# 5 and 11): the phrase check's bound, and a remote shard that stops
# answering. One case per CTest entry.
# usage: safety_limits.sh CASE   (INDEXER, SEARCHER and WORK come from CTest)
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "safety-$case_name"

# A corpus where "alpha beta" is a phrase of common words: 1,000 passages
# hold both words apart ("alpha gamma beta", short, so they rank first) and
# 5 longer ones hold the phrase, ranked below them all.
phrase_corpus() {
    python3 - <<'PY' >in.jsonl || fail "cannot make the input"
import json
for i in range(1000):
    print(json.dumps({"id": "apart%04d" % i, "title": "item %d" % i,
                      "text": "alpha gamma beta delta%d" % i}))
for i in range(5):
    filler = " ".join("word%d" % k for k in range(40))
    print(json.dumps({"id": "phrase%d" % i, "title": "story %d" % i,
                      "text": "%s alpha beta %s" % (filler, filler)}))
PY
    run "$INDEXER" -q -d idx in.jsonl
    expect_rc 0
}

trap stop_servers EXIT # lib.sh: free_port, serve, stop_servers

# stalled_batch N [OPTIONS...]: two shards, one read locally and one served
# on 127.0.0.1:$port; the searcher (-j 2, --remote-timeout 1) opens both, the
# server is then stopped with SIGSTOP (it and its forked children: the whole
# host stalls) and a batch of N queries follows. Sets rc, out, err and
# elapsed (seconds, whole).
stalled_batch() {
    local n=$1
    shift
    command -v xapian-tcpsrv >/dev/null || skip "xapian-tcpsrv missing"
    python3 - <<'PY' >in.jsonl || fail "cannot make the input"
import json
for i in range(200):
    print(json.dumps({"id": "a%03d" % i, "title": "item %d" % i,
                      "text": "harbor cargo crane%d ship%d" % (i, i % 7)}))
PY
    run "$INDEXER" -q -d idx --shards 2 in.jsonl
    expect_rc 0
    port=$(free_port)
    serve idx/shard-1 "$port"
    printf 'auto %s/idx/shard-0\nremote 127.0.0.1:%s\n' "$PWD" "$port" >cluster
    mkfifo feed || fail "mkfifo failed"
    local start=$SECONDS
    timeout -k 5 "$LIMIT" "$SEARCHER" -d cluster --remote-timeout 1 -j 2 --format trec -n 3 "$@" \
        --batch feed >out 2>err &
    local searcher=$!
    # Not a blocking open: a searcher that fails at once must not hang the test.
    exec 3<>feed
    # Once it reads its batch, its searchers are open, each connected to the
    # server (a process other than this shell holds the FIFO): stop it.
    local reading=0
    for _ in $(seq 1 300); do
        reading=$(exec 3>&- && find /proc/[0-9]*/fd -lname "$PWD/feed" 2>/dev/null |
            grep -cv "^/proc/$$/")
        [ "$reading" -gt 0 ] && break
        kill -0 "$searcher" 2>/dev/null || break
        sleep 0.1
    done
    [ "$reading" -gt 0 ] || fail "the searcher did not read its batch: $(cat err)"
    kill -STOP -- "-${servers[0]}"
    for i in $(seq 1 "$n"); do
        printf 'q%d\tharbor ship%d\n' "$i" $((i % 7))
    done >&3
    exec 3>&-
    wait "$searcher"
    rc=$?
    elapsed=$((SECONDS - start))
    [ "$rc" -ne 124 ] || fail "timed out after $LIMIT s; stderr: $(tail -c 2000 err)"
}

case "$case_name" in
phrase_bound)
    # 1,000 passages hold the words apart and rank above the 5 that hold the
    # phrase: the check stops at its bound (200 passages), says so, and
    # shows none of the passages past it.
    phrase_corpus
    run "$SEARCHER" -d idx --format trec -n 10 '"alpha beta"'
    expect_rc 1
    expect_err "searcher: note: the phrase check stopped after 200 candidate passages (its bound)"
    [ ! -s out ] || fail "results past the bound: $(head -3 out)"
    # Required beside another word: the same bound, the same note.
    run "$SEARCHER" -d idx --format trec '+"alpha beta"' gamma
    expect_rc 1
    expect_err "the phrase check stopped after 200 candidate passages"
    # A batch line says which query the note is about.
    printf 'q7\t"alpha beta"\n' >q.tsv
    run "$SEARCHER" -d idx --format trec --batch q.tsv
    expect_rc 1
    expect_err "searcher: q.tsv:1: query q7: note: the phrase check stopped after 200"
    ;;
phrase_within_bound)
    # A phrase that passes within the bound: every passage that holds it,
    # in rank order, and no note.
    phrase_corpus
    run "$SEARCHER" -d idx --format trec -n 10 '"gamma beta"'
    expect_rc 0
    [ "$(wc -l <out)" -eq 10 ] || fail "expected 10 results, got: $(cat out)"
    [ ! -s err ] || fail "unexpected stderr: $(cat err)"
    # Fewer candidates than the bound: all checked, an honest "none".
    run "$SEARCHER" -d idx --format trec -n 10 '"word4 word3"'
    expect_rc 1
    [ ! -s err ] || fail "unexpected stderr: $(cat err)"
    ;;
phrase_count)
    # The first 3 phrases of a query are looked for, the others ignored
    # (each phrase of common words costs Xapian milliseconds); the same
    # phrase given again is one phrase.
    phrase_corpus
    run "$SEARCHER" -d idx --format trec '"word1 word2"' '"word3 word4"' '"word5 word6"' \
        '"word7 word8"' '"word9 word10"' '"word11 word12"' '"word1 word2"'
    expect_rc 0
    expect_err "searcher: note: 3 phrases after the first 3 ignored"
    [ "$(wc -l <out)" -eq 5 ] || fail "expected the 5 passages, got: $(cat out)"
    ;;
remote_stalled)
    # A stalled shard (SIGSTOP) costs the batch one timeout, not one a
    # query: the queries in flight wait --remote-timeout, every later one
    # fails at once with a message naming the shard; exit status 2.
    stalled_batch 100
    expect_rc 2
    [ "$elapsed" -le 30 ] || fail "100 queries took $elapsed s (one timeout is 1 s)"
    expect_err "searcher: feed:1: query q1: cluster: shard 'remote 127.0.0.1:$port' (cluster line 2)"
    expect_err "no reply within 1 s"
    expect_err "searcher: feed:100: query q100: cluster: shard 'remote 127.0.0.1:$port' (cluster line 2): remote database unreachable: it stopped answering earlier in this run (no reply within 1 s); not asked again"
    [ "$(grep -c "shard 'remote 127.0.0.1:$port'" err)" -eq 100 ] ||
        fail "expected one error a query: $(head -5 err)"
    [ ! -s out ] || fail "results from a stalled cluster: $(head -3 out)"
    ;;
remote_stalled_partial)
    # With --allow-partial the stalled shard is left out once: one warning,
    # every query answered by the other shard, exit status 3.
    stalled_batch 100 --allow-partial
    expect_rc 3
    [ "$elapsed" -le 30 ] || fail "100 queries took $elapsed s (one timeout is 1 s)"
    expect_err "searcher: warning: shard 'remote 127.0.0.1:$port' (cluster line 2): no reply within 1 s; searching the other shards"
    [ "$(grep -c warning err)" -eq 1 ] || fail "expected one warning: $(head -5 err)"
    [ "$(cut -d' ' -f1 out | sort -u | wc -l)" -eq 100 ] || fail "not every query answered"
    # What the shard that is up answers alone, query by query.
    printf 'auto %s/idx/shard-0\n' "$PWD" >up
    for i in $(seq 1 100); do printf 'q%d\tharbor ship%d\n' "$i" $((i % 7)); done >q.tsv
    "$SEARCHER" -d up --format trec -n 3 --batch q.tsv >up.trec 2>/dev/null
    cmp -s out up.trec || fail "the partial results differ from the shard that is up"
    ;;
remote_timeout_option)
    run "$SEARCHER" -d nowhere --remote-timeout 0 x
    expect_rc 2
    expect_err "searcher: --remote-timeout wants a number from 0.001 to 86400, not '0'"
    run "$SEARCHER" -d nowhere --remote-timeout soon x
    expect_rc 2
    expect_err "not 'soon'"
    ;;
*)
    fail "unknown case"
    ;;
esac
exit 0
