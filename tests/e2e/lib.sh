# Shared by the end-to-end scripts (e2e.sh, reliability.sh, shards.sh):
# a fresh work folder per case, and assertions on what a user sees.
# Sourced after case_name is set; INDEXER, SEARCHER, WORK come from CTest.

# e2e_begin FOLDER: a fresh work folder under $WORK, made the current one.
e2e_begin() {
    dir="$WORK/$1"
    rm -rf "$dir" && mkdir -p "$dir" || exit 1
    cd "$dir" || exit 1
    export NO_COLOR=1
    unset KHABAR_INDEX
}

# A hang fails the test instead of blocking CI.
LIMIT=${KH_TEST_TIMEOUT:-120}

fail() {
    echo "FAIL [$case_name]: $*" >&2
    exit 1
}

# skip WHY: CTest reports the test as skipped (SKIP_RETURN_CODE 77).
skip() {
    echo "skipped: $* [$case_name]"
    exit 77
}

# run CMD...: runs it under timeout, keeping stdout in out, stderr in err,
# status in rc. A timeout (124) or a signal (>128: a crash) fails at once.
run() {
    timeout -k 5 "$LIMIT" "$@" >out 2>err
    rc=$?
    [ "$rc" -ne 124 ] || fail "timed out after $LIMIT s: $*"
    [ "$rc" -le 128 ] || fail "killed by signal $((rc - 128)): $*; stderr: $(tail -c 2000 err)"
}

expect_rc() {
    [ "$rc" -eq "$1" ] || fail "expected exit status $1, got $rc; stderr: $(tail -c 2000 err)"
}

expect_err() {
    grep -qF -- "$1" err || fail "stderr lacks '$1'; stderr was: $(tail -c 2000 err)"
}

expect_out() {
    grep -qF -- "$1" out || fail "stdout lacks '$1'; stdout was: $(tail -c 2000 out)"
}

# ranked FILE SEARCHER_ARGS...: the ranking of a search (passage id and
# score, a line per result, best first) into FILE. The search must succeed
# and find something: a comparison of two rankings then cannot pass because
# both searches failed or found nothing (empty equals empty). Not for
# $(...): a failure must end the test, not a subshell.
ranked() {
    local file=$1
    shift
    run "$SEARCHER" --format trec "$@"
    [ "$rc" -eq 0 ] || fail "searcher $*: status $rc, expected results; stderr: $(tail -c 2000 err)"
    [ -s out ] || fail "searcher $*: status 0 but no result"
    awk '{print $3, $5}' out >"$file"
}

# expect_same FILE_A FILE_B WHAT: the two files are identical, byte for byte.
expect_same() {
    cmp -s "$1" "$2" || fail "$3: $(diff "$1" "$2" | head -n 20)"
}

# Remote shards served by xapian-tcpsrv on loopback (shards.sh,
# safety_limits.sh; a script that uses them sets `trap stop_servers EXIT`).
# free_port: a TCP port nobody listens on now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve DB PORT: starts xapian-tcpsrv on 127.0.0.1:PORT and waits until it
# listens. In its own session: on SIGTERM, xapian-tcpsrv (forking mode) kills
# its whole process group, which would otherwise be the script and CTest.
servers=()
serve() {
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$2" "$1" >"tcpsrv-$2.log" 2>&1 &
    servers+=($!)
    for _ in $(seq 1 100); do
        grep -q "Listening" "tcpsrv-$2.log" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "xapian-tcpsrv on port $2 did not start: $(cat "tcpsrv-$2.log")"
}

# serve_shards STUB DB...: each DB served by xapian-tcpsrv on a free port
# (serve), and STUB written listing them in that order.
serve_shards() {
    local stub=$1 db port
    shift
    : >"$stub"
    for db in "$@"; do
        port=$(free_port)
        serve "$db" "$port"
        echo "remote 127.0.0.1:$port" >>"$stub"
    done
}

# stop_servers: ends every server serve() started with its forked children
# (a stopped one, SIGSTOP, is resumed first so that it can die).
stop_servers() {
    for pid in "${servers[@]}"; do
        kill -CONT -- "-$pid" 2>/dev/null
        kill -- "-$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    servers=()
}
