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

skip() {
    echo "SKIP [$case_name]: $*" >&2
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
