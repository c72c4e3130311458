#!/usr/bin/env bash
# Safety of the indexer (issue 12): it never touches a folder of the user's,
# never creates an index from a mistyped path, never waits for a lock that
# no indexer holds, never blocks on a FIFO in a folder, counts only what the
# index holds, and its messages say what happened (a full disk, a read-only
# file system, too many open files) naming the user's path. One case per
# CTest entry.
# usage: safety.sh CASE   (INDEXER, SEARCHER, CORPUS, DATA_DIR, WORK come from CTest)
#
# The full-disk and read-only cases mount a small tmpfs in the case's work
# folder (they need root, as CI runs); without it they exit 77 (skipped).
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "safety/$case_name"
export LC_ALL=C

good_article() { # good_article FILE WORD: a small English article about WORD
    printf 'title: A story about %s\nlang: en\n\nThe %s was seen near the harbour.\n\nA second paragraph on %s.\n' \
        "$2" "$2" "$2" >"$1"
}

found() { # found INDEX QUERY: the query matches something
    run "$SEARCHER" -d "$1" --format trec -n 1000 "$2"
    [ "$rc" -eq 0 ] || fail "'$2' not found in $1 (status $rc): $(cat err)"
}

# articles_in INDEX: how many articles the index holds (every passage has a
# language term). Sets count.
articles_in() {
    timeout "$LIMIT" "$SEARCHER" -d "$1" -n 1000000 --format trec 'lang:ar lang:en' >all.trec 2>all.err
    local st=$?
    [ "$st" -le 1 ] || fail "cannot list the passages of $1 (status $st): $(cat all.err)"
    count=$(awk '{print $3}' all.trec | sed 's/#[0-9]*$//' | sort -u | grep -c .)
}

# snapshot DIR: every entry under DIR with its type, mode, size, times and
# the checksum of every file, so that "not one byte changed" can be checked.
snapshot() {
    (cd "$1" && find . -printf '%y %m %s %T@ %C@ %p\n' | sort && find . -type f -exec sha256sum {} + | sort)
}

# user_folder DIR: a folder of the user's: files (an article among them)
# and a subfolder.
user_folder() {
    mkdir -p "$1/sub"
    good_article "$1/story.txt" walrus
    echo '{"id": "u1", "title": "mine", "text": "a jsonl article about otters"}' >"$1/in.jsonl"
    echo "my notes" >"$1/notes.md"
    head -c 5000 /dev/urandom >"$1/photo.png"
    echo "deeper" >"$1/sub/kept.txt"
}

# untouched DIR BEFORE: DIR is as BEFORE (a snapshot) says.
untouched() {
    snapshot "$1" >after.snap
    cmp -s "$2" after.snap || fail "$1 changed: $(diff "$2" after.snap | head -n 10)"
}

# refused DIR: the last run stopped with status 2 and a message naming DIR
# as a folder that is not an index, and printed no summary of work done.
refused() {
    expect_rc 2
    expect_err "indexer: $1: holds '"
    expect_err "which is not part of a khabar index"
    expect_err "nothing in this one was changed"
}

# mount_tmpfs DIR OPTIONS: a tmpfs at DIR (unmounted when the case ends), or skip.
mount_tmpfs() {
    mkdir -p "$1"
    mount -t tmpfs -o "$2" tmpfs "$1" 2>mount.err || skip "cannot mount a tmpfs (not root?): $(cat mount.err)"
    mounts+=("$PWD/$1")
}
mounts=()
unmount_all() {
    local m
    for m in "${mounts[@]+"${mounts[@]}"}"; do umount -l "$m" 2>/dev/null; done
}
trap unmount_all EXIT

# many_articles FILE N: N articles of made-up words (every one new to the
# index, so that it grows), the same every time.
many_articles() {
    python3 - "$1" "$2" <<'PY' || fail "cannot make the input"
import random, sys
rng = random.Random(12)
letters = "abcdefghijklmnopqrstuvwxyz"
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(120)]
        f.write('{"id": "m%05d", "title": "%s", "lang": "en", "text": "%s"}\n' % (i, " ".join(words[:6]), " ".join(words)))
PY
}

case "$case_name" in
foreign_folder)
    # An existing folder of the user's is never made an index, compacted,
    # deleted from or sharded: exit 2, the folder named, not a byte changed.
    user_folder mine
    snapshot mine >before.snap
    good_article a.txt aardvark
    for args in "a.txt" "--shards 2 a.txt" "--compact" "--compact a.txt" "--delete u1" "--no-compact a.txt"; do
        # shellcheck disable=SC2086 # the arguments are words
        run "$INDEXER" -q -d mine $args
        refused mine
        untouched mine before.snap
    done
    # The same through a symbolic link, and with a trailing slash.
    ln -s mine link
    run "$INDEXER" -q -d link a.txt
    refused link
    run "$INDEXER" -q -d mine/ a.txt
    refused mine/
    untouched mine before.snap
    # A folder holding only a subfolder, or only a hidden file, is not empty.
    mkdir only-sub only-sub/x hidden && touch hidden/.keep
    run "$INDEXER" -q -d only-sub a.txt
    refused only-sub
    run "$INDEXER" -q -d hidden a.txt
    refused hidden
    [ -d only-sub/x ] && [ -f hidden/.keep ] && [ "$(ls -A hidden)" = .keep ] || fail "changed: $(ls -AR only-sub hidden)"
    ;;
foreign_dot)
    # cd dir && indexer -d . in.jsonl: the folder holds the input.
    user_folder mine
    snapshot mine >before.snap
    # (run() would write its out and err files into the folder.)
    (cd mine && exec timeout -k 5 "$LIMIT" "$INDEXER" -q -d . in.jsonl) >out 2>err
    rc=$?
    refused .
    untouched mine before.snap
    (cd mine/sub && exec timeout -k 5 "$LIMIT" "$INDEXER" -q -d .. ../in.jsonl) >out 2>err
    rc=$?
    refused ..
    untouched mine before.snap
    # An empty folder is fine, from inside too, and gets the index.
    mkdir empty
    (cd empty && exec timeout -k 5 "$LIMIT" "$INDEXER" -q -d . ../mine/in.jsonl) >out 2>err
    rc=$?
    expect_rc 0
    found empty otters
    [ -f empty/iamglass ] || fail "no index in the empty folder: $(ls -A empty)"
    ;;
foreign_corpus)
    # indexer -d mycorpus mycorpus: the index would be made among the articles.
    mkdir mycorpus
    cp "$CORPUS"/*.txt mycorpus/
    good_article mycorpus/second.txt narwhal
    snapshot mycorpus >before.snap
    run "$INDEXER" -q -d mycorpus mycorpus
    refused mycorpus
    untouched mycorpus before.snap
    run "$INDEXER" -q -d mycorpus --shards 3 mycorpus
    refused mycorpus
    untouched mycorpus before.snap
    # Into a new folder it is indexed, and the corpus is as it was.
    run "$INDEXER" -q -d idx mycorpus
    expect_rc 0
    found idx narwhal
    untouched mycorpus before.snap
    ;;
index_with_strangers)
    # An index the user put a file into (or a shard folder holding one) is
    # no longer only an index: refused, the file kept, the index whole.
    good_article a.txt aardvark
    good_article b.txt badger
    run "$INDEXER" -q -d idx a.txt
    expect_rc 0
    echo "my notes" >idx/notes.md
    snapshot idx >before.snap
    for args in "b.txt" "--compact" "--delete a" "--compact b.txt"; do
        # shellcheck disable=SC2086
        run "$INDEXER" -q -d idx $args
        refused idx
        untouched idx before.snap
    done
    rm idx/notes.md
    run "$INDEXER" -q -d idx --compact b.txt
    expect_rc 0
    expect_err "; compacted "
    found idx badger
    # Sharded: a file beside the shards, or inside one.
    run "$INDEXER" -q -d sh --shards 2 a.txt b.txt
    expect_rc 0
    mkdir sh/backup && echo "keep me" >sh/backup/old.txt
    snapshot sh >before.snap
    run "$INDEXER" -q -d sh --compact b.txt
    refused sh
    untouched sh before.snap
    rm -r sh/backup
    echo "keep me" >sh/shard-1/readme.txt
    snapshot sh >before.snap
    run "$INDEXER" -q -d sh --compact
    expect_rc 2
    expect_err "indexer: sh: holds 'shard-1/readme.txt', which is not part of a khabar index"
    untouched sh before.snap
    rm sh/shard-1/readme.txt
    run "$INDEXER" -q -d sh --compact a.txt
    expect_rc 0
    expect_err "; compacted "
    found sh aardvark
    [ "$(ls sh | tr '\n' ' ')" = "XAPIANDB shard-0 shard-1 " ] || fail "left in sh: $(ls sh)"
    ;;
leftover_not_ours)
    # Only a leftover that holds a database and nothing else is removed: a
    # folder of the same pattern holding a file of the user's is kept whole.
    good_article a.txt aardvark
    run "$INDEXER" -q -d idx a.txt
    expect_rc 0
    dead=2000000000 # above any pid_max: no such process
    mkdir idx.compacting-$dead && cp idx/* idx.compacting-$dead/ && echo "mine" >idx.compacting-$dead/notes.md
    mkdir -p idx.compacting-$((dead + 1))/sub && echo "mine" >idx.compacting-$((dead + 1))/sub/f
    mkdir idx.compacting-$((dead + 2)) && cp idx/* idx.compacting-$((dead + 2))/ # ours: removed
    snapshot idx.compacting-$dead >before.snap
    good_article b.txt badger
    run "$INDEXER" -q -d idx b.txt
    expect_rc 0
    expect_err "removed 1 leftover folder"
    expect_err "warning: 2 folders named like a compaction's leftover (*.compacting-*) hold files that are not an index's: left as they are"
    [ ! -e idx.compacting-$((dead + 2)) ] || fail "our leftover was not removed"
    untouched idx.compacting-$dead before.snap
    [ "$(cat idx.compacting-$((dead + 1))/sub/f)" = mine ] || fail "a folder with the user's files was changed"
    # The .old of a cut swap holding a file of the user's is not put back as the index.
    rm -rf idx
    mv idx.compacting-$dead idx.compacting-$dead.old
    run "$INDEXER" -q -d idx b.txt
    expect_rc 0
    [ "$(cat idx.compacting-$dead.old/notes.md)" = mine ] || fail "the .old folder was changed"
    [ ! -e idx/notes.md ] || fail "a folder with the user's file was made the index"
    ;;
typo_input)
    # A run that reads no article creates nothing, and says so.
    run "$INDEXER" -q -d typo corpsu
    expect_rc 1
    expect_err "indexer: corpsu: No such file or directory"
    expect_err "indexer: no article was read: typo was not created"
    [ ! -e typo ] || fail "typo was created: $(ls -A typo)"
    run "$INDEXER" -q -d typo --shard 2 corpsu # abbreviated --shards
    expect_rc 1
    [ ! -e typo ] || fail "typo was created with shards: $(ls -A typo)"
    run "$INDEXER" -q -d deep/new/typo corpsu
    expect_rc 1
    [ ! -e deep ] || fail "the folders above the index were created"
    printf '\n\n' >blank.jsonl
    run "$INDEXER" -q -d blank blank.jsonl
    expect_rc 0
    expect_err "indexer: no article was read: blank was not created"
    [ ! -e blank ] || fail "an index was created from no article"
    printf '{"id": "b1", "title": 5}\n' >bad.jsonl
    run "$INDEXER" -q -d blank bad.jsonl
    expect_rc 1
    expect_err "indexer: no article could be indexed: blank was not created"
    [ ! -e blank ] || fail "an index was created from a bad article"
    # Nothing to delete from or compact where there is no index.
    run "$INDEXER" -q -d typo --delete a1
    expect_rc 2
    expect_err "indexer: typo: no index at this path (nothing to delete)"
    run "$INDEXER" -q -d typo --compact
    expect_rc 2
    expect_err "indexer: typo: no index at this path (nothing to compact)"
    [ ! -e typo ] || fail "typo was created by --delete or --compact"
    # The next run with a real article makes a plain index, not shards.
    good_article a.txt aardvark
    run "$INDEXER" -q -d typo a.txt
    expect_rc 0
    [ -f typo/iamglass ] || fail "not a plain database: $(ls -A typo)"
    found typo aardvark
    ;;
wait_read_only)
    # A lock that cannot be taken for another reason than another writer is
    # an error at once, named, even with --wait.
    good_article a.txt aardvark
    run "$INDEXER" -q -d idx a.txt
    expect_rc 0
    mount_tmpfs ro "ro,size=1m"
    run "$INDEXER" -q --wait -d ro/new a.txt
    expect_rc 2
    expect_err "indexer: ro/new: cannot create the index: the file system is read-only"
    ! grep -q -e "compacting-" -e "does not exist" -e "another" err || fail "misleading: $(cat err)"
    run "$INDEXER" -q --wait=600 -d ro a.txt # an empty folder on a read-only file system
    expect_rc 2
    expect_err "indexer: ro: the file system is read-only"
    ! grep -q -e "locked by another" -e "--wait waits" err || fail "blames another writer: $(cat err)"
    # An existing index on a read-only mount.
    mkdir ro-idx
    mount --bind idx ro-idx 2>mount.err && mounts+=("$PWD/ro-idx") &&
        mount -o remount,bind,ro ro-idx 2>>mount.err || skip "cannot bind-mount read-only: $(cat mount.err)"
    run "$INDEXER" -q --wait -d ro-idx a.txt
    expect_rc 2
    expect_err "indexer: ro-idx: the file system is read-only"
    ! grep -q -e "locked by another" -e "--wait waits" err || fail "blames another writer: $(cat err)"
    run "$INDEXER" -q -d ro-idx --compact
    expect_rc 2
    expect_err "ro-idx: the file system is read-only"
    ;;
fifo_in_folder)
    # A FIFO in a folder is passed over, named; on the command line it is read.
    mkdir in
    good_article in/a.txt aardvark
    mkfifo in/feed.jsonl in/other.txt
    good_article in/z.txt zebra
    run "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "indexer: in/feed.jsonl: a FIFO, not a regular file: passed over (name it on the command line to read it)"
    expect_err "indexer: in/other.txt: a FIFO, not a regular file: passed over"
    expect_err "2 added, 0 replaced, 0 deleted, 0 skipped"
    found idx aardvark
    found idx zebra
    # A writer that gives up, should the indexer never open the FIFO.
    timeout 60 sh -c 'echo "{\"id\": \"f1\", \"title\": \"piped\", \"text\": \"a platypus came through the pipe\"}" >in/feed.jsonl' 2>/dev/null &
    run "$INDEXER" -q -d idx in/feed.jsonl
    expect_rc 0
    found idx platypus
    ;;
number_options)
    # Garbage, NaN, infinities, signs, spaces and hex are refused, named.
    good_article a.txt aardvark
    for opt in batch-size window overlap shards jobs wait; do
        for value in nan inf -1 " 5" +5 1e3 0x10 "" 5x; do
            run "$INDEXER" -q -d idx "--$opt=$value" a.txt
            expect_rc 2
            expect_err "indexer: --$opt wants a whole number from "
            expect_err ", not '$value'"
        done
    done
    run "$INDEXER" -q -d idx -j nan a.txt
    expect_rc 2
    expect_err "indexer: --jobs wants a whole number from 1 to 64, not 'nan'"
    [ ! -e idx ] || fail "an index was created"
    run "$INDEXER" -q -d idx --window=20 --overlap=0 --batch-size=1 --shards=1 -j 1 --wait=0 a.txt
    expect_rc 0
    ;;
count_committed)
    # After a fatal error the summary counts what the index holds.
    mount_tmpfs small "size=2m"
    many_articles in.jsonl 3000
    run "$INDEXER" -q -d small/idx --batch-size 100 in.jsonl
    expect_rc 2
    expect_err "(last batch not committed)"
    added=$(sed -n 's/^indexer: \([0-9]*\) added.*/\1/p' err)
    [ -n "$added" ] || fail "no summary: $(cat err)"
    articles_in small/idx
    [ "$added" -eq "$count" ] || fail "the summary says $added added, the index holds $count"
    [ "$count" -gt 0 ] || fail "nothing was committed before the disk filled"
    # A delete that cannot be committed deleted nothing.
    run "$INDEXER" -q -d small/idx --delete m00000
    expect_rc 2
    expect_err "0 deleted"
    expect_err "(last batch not committed)"
    ! grep -q "1 deleted" err || fail "counted a delete that was not committed: $(cat err)"
    found small/idx "$(head -n 1 in.jsonl | sed 's/.*"title": "\([a-z]*\) .*/\1/')"
    ;;
disk_full_messages)
    # A full disk is named as one, with the user's path once.
    mount_tmpfs small "size=1m"
    many_articles in.jsonl 3000
    run "$INDEXER" -q -d small/idx --batch-size 100 in.jsonl
    expect_rc 2
    expect_err "indexer: small/idx: "
    expect_err "the disk is full"
    ! grep -q -e "corrupt" -e "small/idx: small/idx" -e "compacting-" err || fail "misleading: $(cat err)"
    ;;
compact_disk_full)
    # Compaction on a disk with room for the index, not for its copy: alone,
    # its failure is the run's (exit 2); with articles added, a warning.
    # Xapian 1.4's compactor leaks the tables it had open when a write fails
    # (in libxapian: nothing the indexer holds), which valgrind reports.
    # LeakSanitizer likewise: its leak check is off for those runs.
    [ -z "${KH_UNDER_VALGRIND:-}" ] || skip "Xapian's compactor leaks when a write fails"
    export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
    many_articles some.jsonl 400
    run "$INDEXER" -q -d big --no-compact some.jsonl
    expect_rc 0
    kb=$(du -sk big | cut -f1)
    # Room for a commit (a few blocks), not for a copy (about 60% of it).
    mount_tmpfs tight "size=$((kb + kb / 4))k"
    cp -a big tight/idx
    run "$INDEXER" -q -d tight/idx --compact
    expect_rc 2
    expect_err "indexer: compaction failed, the index is left as it was: tight/idx"
    ! grep -q "not committed" err || fail "nothing was left uncommitted: $(cat err)"
    expect_err "the disk is full"
    ! grep -q -e "compacting-" -e "corrupt" err || fail "misleading: $(cat err)"
    [ -z "$(ls -A tight | grep -v '^idx$')" ] || fail "left in tight: $(ls -A tight)"
    articles_in tight/idx
    [ "$count" -eq 400 ] || fail "the index holds $count articles, not 400"
    good_article a.txt aardvark
    run "$INDEXER" -q -d tight/idx --compact a.txt
    expect_rc 0
    expect_err "indexer: warning: compaction failed, the index is left as it was: tight/idx"
    found tight/idx aardvark
    ;;
too_many_files)
    # ulimit -n: whatever the limit, the message says so, never a missing
    # database, a corrupt one or another writer, and names no temporary folder.
    [ -z "${KH_UNDER_VALGRIND:-}" ] || skip "valgrind needs descriptors of its own"
    good_article a.txt aardvark
    said=0
    for n in 4 5 6 7 8 9 10 11 12 14 16; do
        for what in new existing; do
            [ "$what" = new ] && rm -rf idx idx.compacting-*
            timeout -k 5 "$LIMIT" sh -c 'ulimit -n "$1" && exec "$2" -q -d idx a.txt' sh $n "$INDEXER" >out 2>err
            rc=$?
            # Too few for the dynamic loader itself: not the indexer's to say.
            [ "$rc" -eq 127 ] && grep -q "error while loading shared libraries" err && continue
            [ "$rc" -le 2 ] || fail "ulimit -n $n, $what index: status $rc: $(cat err)"
            # (A leftover a run could not remove for want of descriptors is
            # removed by the next, which says so: not a message to judge.)
            ! grep -v "leftover folder" err | grep -q -e "no Xapian database" -e "corrupt" -e "another writer" -e "compacting-" -e "does not exist" ||
                fail "ulimit -n $n, $what index: misleading: $(cat err)"
            if grep -q "too many open files" err; then
                said=1
            elif [ "$rc" -eq 2 ]; then
                fail "ulimit -n $n, $what index: status 2 without saying why: $(cat err)"
            fi
        done
    done
    [ "$said" = 1 ] || fail "no limit gave the message 'too many open files'"
    run "$INDEXER" -q -d idx a.txt
    expect_rc 0
    found idx aardvark
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok [$case_name]"
