#!/usr/bin/env bash
# Reliability tests (issue 6): bad input, crashes mid-write, searches during
# writes, and what must never happen (a shell, a write by the searcher, a
# related-headline id used as a path). One case per CTest entry.
# usage: reliability.sh CASE   (INDEXER, SEARCHER, CORPUS, DATA_DIR, WORK come
# from CTest; SHARED_DATA, the ../shared/data folder, is used when present)
#
# Every case checks what a user would see: the message (file and line, or
# the query), the exit status README documents (indexer: 0 all in, 1 some
# input skipped, 2 fatal; searcher: 0 match, 1 none, 2 error), that the
# good articles next to the bad one are in and searchable, that nothing of
# the bad one is, and that the programs end (every run is under `timeout`).
# Exit 77 means skipped (CTest SKIP_RETURN_CODE).
set -u
case_name=$1
source "$(dirname "$0")/lib.sh"
e2e_begin "reliability/$case_name"
export LC_COLLATE=C # sort and join agree on the order of ids

no_err() {
    [ ! -s err ] || fail "unexpected stderr: $(tail -c 2000 err)"
}

# found INDEX QUERY: the query matches something.
found() {
    run "$SEARCHER" -d "$1" --format trec -n 1000 "$2"
    [ "$rc" -eq 0 ] || fail "'$2' not found in $1 (status $rc): $(cat err)"
}

# not_found INDEX QUERY: the query matches nothing (and is not an error).
not_found() {
    run "$SEARCHER" -d "$1" --format trec -n 1000 "$2"
    [ "$rc" -eq 1 ] || fail "'$2' should match nothing in $1 (status $rc): $(cat out err)"
}

# Every passage id of an index, sorted (every passage has a language term).
# Not for $(...): a failure must end the test, not a subshell.
all_passages() {
    timeout "$LIMIT" "$SEARCHER" -d "$1" -n 1000000 --format trec 'lang:ar lang:en' >all.trec 2>all.err
    local st=$?
    [ "$st" -le 1 ] || fail "cannot list the passages of $1 (status $st): $(cat all.err)"
    awk '{print $3}' all.trec | sort
}

# Passages per article: "ARTICLE_ID COUNT" lines, sorted.
passages_per_article() {
    all_passages "$1" | sed 's/#[0-9]*$//' | sort | uniq -c | awk '{print $2, $1}'
}

# peak_rss_kb CMD...: runs CMD as run() does and sets rss to its peak
# resident set in KiB (GNU time, Debian package "time"), or "" without it.
peak_rss_kb() {
    rss=""
    if [ -x /usr/bin/time ]; then
        run /usr/bin/time -o rss.txt -f '%M' "$@"
        rss=$(tail -n 1 rss.txt)
    else
        run "$@"
        echo "note [$case_name]: /usr/bin/time missing (apt-get install time): memory not checked" >&2
    fi
}

expect_rss_below_mb() {
    [ -z "${KH_UNDER_VALGRIND:-}" ] || return 0 # valgrind's own memory would count
    [ -z "$rss" ] || [ "$rss" -lt $(($1 * 1024)) ] ||
        fail "peak memory $((rss / 1024)) MB, expected under $1 MB"
}

# A sanitizer build or valgrind runs 5 to 50 times slower: long cases scale down.
slow_build() {
    [ -n "${KH_UNDER_VALGRIND:-}" ] || ldd "$SEARCHER" 2>/dev/null | grep -q 'libasan'
}

# compact_input: in.jsonl, 300 articles of saudinewsnet (or 300 made of
# the bundled texts' paragraphs, one to three each: compact_existing splits
# them at 100), and compact_queries for them.
compact_input() {
    if [ -r "${SHARED_DATA:-}/saudinewsnet/docs.jsonl.gz" ]; then
        zcat "$SHARED_DATA/saudinewsnet/docs.jsonl.gz" | head -n 300 >in.jsonl
        compact_queries=("السعودية" "وزارة الصحة" '"مجلس الوزراء"' "النفط -الأسعار" "title:الهلال")
    else
        echo "note [$case_name]: no shared data (${SHARED_DATA:-unset}): articles of the bundled texts" >&2
        python3 - "$CORPUS" "$DATA_DIR" <<'PY' || fail "cannot make the input"
import glob, json, os, sys
paragraphs = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.txt")) + glob.glob(os.path.join(sys.argv[2], "*.txt"))):
    body = open(path, encoding="utf-8").read().split("\n\n", 1)[-1]
    paragraphs += [p.replace("\n", " ").strip() for p in body.split("\n\n") if p.strip()]
n = len(paragraphs)
with open("in.jsonl", "w", encoding="utf-8") as f:
    for i in range(300):
        chosen = [paragraphs[(i * 7 + k * 11) % n] for k in range(1 + i % 3)]
        f.write(json.dumps({"id": "p%03d" % i, "title": chosen[0][:60], "text": "\n".join(chosen)},
                           ensure_ascii=False) + "\n")
PY
        compact_queries=("ماسك" "الذكاء الاصطناعي" '"سام ألتمان"' "OpenAI -تويتر" "the")
    fi
}

# same_searches A B: every query of compact_queries gives the same output
# (JSON: passages, scores, snippets) on both indexes, byte for byte.
same_searches() {
    for q in "${compact_queries[@]}"; do
        run "$SEARCHER" -d "$1" --format json -n 50 "$q"
        [ "$rc" -eq 0 ] && [ -s out ] || fail "'$q' found nothing in $1 (status $rc): $(cat err)"
        mv out a.json
        run "$SEARCHER" -d "$2" --format json -n 50 "$q"
        [ "$rc" -eq 0 ] && [ -s out ] || fail "'$q' found nothing in $2 (status $rc): $(cat err)"
        cmp -s a.json out || fail "'$q' differs between $1 and $2: $(diff a.json out | head -n 6)"
    done
}

# xapian_check DB: Xapian's own consistency check, when xapian-tools is there.
xapian_check() {
    command -v xapian-check >/dev/null || return 0
    xapian-check "$1" >check.out 2>&1 || fail "xapian-check $1: $(tail -n 5 check.out)"
}

# leftovers: no temporary folder of a compaction is left anywhere here.
leftovers() {
    local left
    left=$(find . -name '*.compacting-*')
    [ -z "$left" ] || fail "left behind: $left"
}

good_article() { # good_article FILE WORD: a small English article about WORD
    printf 'title: A story about %s\nlang: en\n\nThe %s was seen near the harbour.\n\nA second paragraph on %s.\n' \
        "$2" "$2" "$2" >"$1"
}

case "$case_name" in
invalid_utf8)
    mkdir in
    good_article in/a.txt aardvark
    printf 'title: Latin-1 inside\n\nA good first paragraph about badgers.\n\nThen caf\xe9 in Latin-1.\n' >in/b.txt
    good_article in/c.txt capybara
    {
        echo '{"id": "j1", "title": "first", "text": "dingo paragraph"}'
        printf '{"id": "j2", "title": "second", "text": "emu and caf\xe9"}\n'
        echo '{"id": "j3", "title": "third", "text": "ferret paragraph"}'
    } >in/d.jsonl
    run "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "in/b.txt:5: invalid UTF-8 at column 9 (article skipped)"
    expect_err "in/d.jsonl:2: invalid UTF-8 at column"
    expect_err "4 added, 0 replaced, 0 deleted, 2 skipped"
    for w in aardvark capybara dingo ferret; do found idx "$w"; done
    # Nothing of a bad article: not even its good first paragraph.
    not_found idx badgers
    not_found idx emu
    ;;
nul_bytes)
    mkdir in
    good_article in/a.txt aardvark
    printf 'title: NUL inside\n\nA paragraph about badgers.\nand a \0 byte\n' >in/b.txt
    {
        echo '{"id": "j1", "title": "first", "text": "dingo paragraph"}'
        printf '{"id": "j2", "title": "raw NUL", "text": "emu \0 here"}\n'
        echo '{"id": "j3", "title": "escaped NUL", "text": "gecko \u0000 here"}'
        echo '{"id": "j4", "title": "fourth", "text": "ferret paragraph"}'
    } >in/d.jsonl
    run "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "in/b.txt:4: NUL byte at column 7 (article skipped)"
    expect_err "in/d.jsonl:2: NUL byte at column 47 (article skipped)"
    expect_err "in/d.jsonl:3: a \\u0000 (NUL) escape at column 53: article text cannot hold NUL"
    expect_err "3 added, 0 replaced, 0 deleted, 3 skipped"
    for w in aardvark dingo ferret; do found idx "$w"; done
    for w in badgers emu gecko; do not_found idx "$w"; done
    ;;
utf16_bom)
    mkdir in
    good_article in/a.txt aardvark
    # "title: x" in UTF-16, as Notepad saves it, little- and big-endian.
    printf '\xff\xfet\0i\0t\0l\0e\0:\0 \0x\0\n\0' >in/le.txt
    printf '\xfe\xff\0t\0i\0t\0l\0e\0:\0 \0x\0\n' >in/be.txt
    printf '\xff\xfe{\0"\0i\0d\0"\0}\0\n\0' >in/le.jsonl
    run "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "in/le.txt: UTF-16 text (byte-order mark FF FE); convert it to UTF-8 (article skipped)"
    expect_err "in/be.txt: UTF-16 text (byte-order mark FE FF); convert it to UTF-8 (article skipped)"
    expect_err "in/le.jsonl: UTF-16 text (byte-order mark FF FE)"
    expect_err "1 added, 0 replaced, 0 deleted, 3 skipped"
    found idx aardvark
    # A UTF-8 byte-order mark is fine.
    printf '\xef\xbb\xbftitle: With a UTF-8 BOM\n\nA paragraph about jackals.\n' >bom8.txt
    run "$INDEXER" -q -d idx bom8.txt
    expect_rc 0
    found idx jackals
    ;;
binary_in_folder)
    mkdir in
    good_article in/a.txt aardvark
    # An image with an image's name is not an article: passed over in silence.
    { printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR'; head -c 4000 /dev/urandom; } >in/photo.png
    # An image NAMED as an article is reported: the user meant it as one.
    { printf '\xff\xd8\xff\xe0\0\x10JFIF\0'; head -c 4000 /dev/urandom; } >in/photo.txt
    { printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR'; head -c 4000 /dev/urandom; } >in/feed.jsonl
    good_article in/z.txt zebra
    run "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "in/photo.txt: looks like a binary file, not UTF-8 text (article skipped)"
    expect_err "in/feed.jsonl: looks like a binary file, not UTF-8 text (article skipped)"
    ! grep -q photo.png err || fail "the .png was not passed over: $(cat err)"
    expect_err "2 added, 0 replaced, 0 deleted, 2 skipped"
    found idx aardvark
    found idx zebra
    # Binary data given by name, whatever its name, is reported the same way.
    cp in/photo.png photo.jsonl
    run "$INDEXER" -q -d idx --format jsonl photo.jsonl
    expect_rc 1
    expect_err "photo.jsonl: looks like a binary file"
    ;;
empty_file)
    mkdir in
    good_article in/a.txt aardvark
    : >in/empty.txt
    : >in/empty.jsonl
    printf '\n  \n\t\n' >in/blank.txt
    printf '\n\n' >in/blank.jsonl
    run "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "in/empty.txt: empty file (article skipped)"
    expect_err "in/empty.jsonl: empty file (article skipped)"
    expect_err "in/blank.txt: no title and no body (only blank lines) (article skipped)"
    # A .jsonl of blank lines holds no article and nothing wrong.
    ! grep -q blank.jsonl err || fail "blank lines of a .jsonl reported: $(cat err)"
    expect_err "1 added, 0 replaced, 0 deleted, 3 skipped"
    found idx aardvark
    ;;
header_no_body)
    mkdir in
    good_article in/a.txt aardvark
    printf 'id: lonely\ntitle: Only a header about badgers\nlang: en\n' >in/b.txt
    printf 'id: lonely2\ntitle: Header and blank line about capybaras\n\n\n' >in/c.txt
    run "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "in/b.txt:3: header with no body (expected a blank line, then the paragraphs) (article skipped)"
    expect_err "in/c.txt:2: header with no body"
    found idx aardvark
    not_found idx badgers
    not_found idx capybaras
    ;;
ten_mb_line)
    # A 10 MB paragraph inside a .jsonl and inside a .txt: indexed whole, in
    # windows; then a line over the 64 MiB limit, skipped without being held
    # in memory. Memory stays bounded throughout.
    python3 - <<'PY' || fail "cannot generate the input"
import random
random.seed(6)
words = ["harbour", "ferry", "tide", "quay", "mooring", "ميناء", "سفينة", "بحر"]
def para(nbytes):
    out, n = [], 0
    while n < nbytes:
        w = random.choice(words)
        out.append(w)
        n += len(w.encode()) + 1
    return " ".join(out)
big = para(10 * 1000 * 1000)
with open("in.jsonl", "w") as f:
    f.write('{"id": "before", "title": "Before", "text": "aardvark paragraph"}\n')
    f.write('{"id": "big", "title": "Ten megabytes", "text": "' + big + ' zeppelin"}\n')
    f.write('{"id": "after", "title": "After", "text": "capybara paragraph"}\n')
with open("ten_mb.txt", "w") as f:
    f.write("title: A ten MB paragraph\n\n" + big + " walrus\n")
with open("huge.jsonl", "w") as f:
    f.write('{"id": "h1", "title": "first", "text": "dingo"}\n')
    f.write('{"id": "huge", "title": "over the limit", "text": "')
    chunk = "ferret " * 100000
    for _ in range(100):  # 70 MB, over the 64 MiB line limit
        f.write(chunk)
    f.write('"}\n')
    f.write('{"id": "h3", "title": "third", "text": "emu"}\n')
PY
    peak_rss_kb "$INDEXER" -q -d idx in.jsonl ten_mb.txt
    expect_rc 0
    expect_rss_below_mb 600
    found idx aardvark
    found idx capybara
    found idx zeppelin
    found idx walrus
    # Windows of at most 150 words: the 10 MB paragraph is ~1.4 M words.
    all_passages idx >passages
    n=$(grep -c '^big#' passages)
    [ "$n" -gt 5000 ] || fail "the 10 MB paragraph became only $n passages"
    peak_rss_kb "$INDEXER" -q -d idx huge.jsonl
    expect_rc 1
    expect_err "huge.jsonl:2: line longer than 67108864 bytes (article skipped)"
    expect_rss_below_mb 600
    found idx dingo
    found idx emu
    not_found idx ferret
    ;;
million_words)
    python3 - <<'PY' || fail "cannot generate the input"
import random
random.seed(7)
words = ["harbour", "ferry", "tide", "quay", "mooring", "ميناء", "سفينة", "بحر", "the", "of"]
with open("million.txt", "w") as f:
    f.write("id: million\ntitle: A million words\n\n")
    n = 0
    while n < 1000000:
        # paragraphs of 1,000 words in sentences of 20
        f.write(". ".join(" ".join(random.choice(words) for _ in range(20)) for _ in range(50)) + ".\n\n")
        n += 1000
    f.write("Last paragraph about zeppelins.\n")
PY
    good_article other.txt aardvark
    peak_rss_kb "$INDEXER" -q -d idx million.txt other.txt
    expect_rc 0
    expect_rss_below_mb 600
    found idx zeppelins
    found idx aardvark
    all_passages idx >passages
    n=$(grep -c '^million#' passages)
    [ "$n" -gt 6000 ] || fail "a million words became only $n passages"
    # Searching it stays quick and bounded too.
    peak_rss_kb "$SEARCHER" -d idx -n 5 'ميناء سفينة'
    expect_rc 0
    expect_rss_below_mb 300
    ;;
malformed_json_line)
    {
        echo '{"id": "j1", "title": "first", "text": "aardvark paragraph"}'
        echo '{"id": "j2", "title": "second", "text": "badger paragraph"'
        echo '{"id": "j3", "title": "third", "text": "capybara paragraph"} trailing'
        echo '{"id": "j4", "title": "fourth", "text": "dingo paragraph"}'
        echo '["not", "an", "object"]'
        echo '{"id": "j6", "title": "sixth", "text": "emu paragraph", "id": "j6b"}'
        echo '{"id": "j7", "title": "seventh", "text": "ferret paragraph"}'
    } >in.jsonl
    run "$INDEXER" -q -d idx in.jsonl
    expect_rc 1
    expect_err "in.jsonl:2: invalid JSON at column"
    expect_err "in.jsonl:3: invalid JSON at column"
    expect_err "in.jsonl:5: expected a JSON object, found a list (article skipped)"
    expect_err "in.jsonl:6: invalid JSON"
    expect_err "3 added, 0 replaced, 0 deleted, 4 skipped"
    for w in aardvark dingo ferret; do found idx "$w"; done
    for w in badger capybara emu; do not_found idx "$w"; done
    # --strict stops at the first bad line; what came before it is in.
    run "$INDEXER" -q --strict -d strict in.jsonl
    expect_rc 1
    expect_err "in.jsonl:2:"
    found strict aardvark
    not_found strict dingo
    ;;
wrong_types)
    {
        echo '{"id": "w1", "title": "Related is a number", "text": "badger", "related": 5}'
        echo '{"id": "w2", "title": 7, "text": "capybara"}'
        echo '{"id": 1.5, "title": "float id", "text": "dingo"}'
        echo '{"id": "w4", "title": "text is a list", "text": ["emu"]}'
        echo '{"id": "w5", "title": "date is a number", "date": 2023, "text": "ferret"}'
        echo '{"id": "w6", "title": "related item", "related": [true], "text": "gecko"}'
        echo '{"id": "w7", "title": "related title", "related": [{"title": ["x"]}], "text": "heron"}'
        echo '{"id": "w8", "title": "All good", "text": "aardvark", "related": [{"title": "r", "id": 12}]}'
        echo '{"id": 9, "title": "Integer id", "text": "jackal"}'
    } >in.jsonl
    run "$INDEXER" -q -d idx in.jsonl
    expect_rc 1
    expect_err 'in.jsonl:1: "related" must be a list of strings or objects, not a number (article skipped)'
    expect_err 'in.jsonl:2: "title" must be a string, not a number'
    expect_err 'in.jsonl:3: "id" must be a string or an integer, not a number'
    expect_err 'in.jsonl:4: "text" must be a string, not a list'
    expect_err 'in.jsonl:5: "date" must be a string, not a number'
    expect_err 'in.jsonl:6: "related"[0] must be a string or an object, not a boolean'
    expect_err 'in.jsonl:7: "related"[0].title must be a string, not a list'
    expect_err "2 added, 0 replaced, 0 deleted, 7 skipped"
    found idx aardvark
    found idx jackal
    for w in badger capybara dingo emu ferret gecko heron; do not_found idx "$w"; done
    ;;
duplicate_ids)
    {
        echo '{"id": "d1", "title": "First version", "text": "aardvark one\nsecond paragraph\nthird paragraph"}'
        echo '{"id": "d2", "title": "Other", "text": "capybara"}'
        echo '{"id": "d1", "title": "Second version", "text": "badger two"}'
    } >in.jsonl
    run "$INDEXER" -q -d idx in.jsonl
    expect_rc 0
    expect_err "in.jsonl:3: article id 'd1' was given before in this run; the last one wins"
    [ "$(grep -c "was given before" err)" -eq 1 ] || fail "said more than once: $(cat err)"
    # The last one wins, whole: its two passages, nothing of the first.
    found idx badger
    not_found idx aardvark
    all_passages idx >passages
    [ "$(grep -c '^d1#' passages)" -eq 2 ] || fail "d1 passages: $(cat passages)"
    # In two files of one run, the same.
    echo '{"id": "d2", "title": "Other again", "text": "dingo"}' >more.jsonl
    run "$INDEXER" -q -d idx2 in.jsonl more.jsonl
    expect_err "more.jsonl:1: article id 'd2' was given before in this run; the last one wins"
    found idx2 dingo
    not_found idx2 capybara
    ;;
unreadable_file)
    mkdir in
    good_article in/a.txt aardvark
    good_article in/b.txt badger
    chmod 000 in/b.txt
    if [ "$(id -u)" -eq 0 ]; then
        # Root reads any file whatever its mode: run the indexer as nobody.
        command -v setpriv >/dev/null || skip "running as root without setpriv: permissions cannot be tested"
        chmod 755 "$dir" "$WORK/reliability" "$WORK" 2>/dev/null
        chmod 755 in && chmod 644 in/a.txt && mkdir idx && chmod 777 idx
        as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
        echo "note [$case_name]: running as root; the indexer runs as nobody to meet a permission error" >&2
        # nobody must be able to reach the files at all.
        $as_user test -r in/a.txt || skip "nobody cannot reach $dir: permissions cannot be tested"
    else
        as_user=""
    fi
    run $as_user "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "in/b.txt: cannot open: Permission denied"
    expect_err "1 added, 0 replaced, 0 deleted, 0 skipped"
    found idx aardvark
    chmod 644 in/b.txt
    not_found idx badger
    ;;
missing_path)
    good_article a.txt aardvark
    run "$INDEXER" -q -d idx no-such-file.txt a.txt no-such-folder
    expect_rc 1
    expect_err "indexer: no-such-file.txt: No such file or directory"
    expect_err "indexer: no-such-folder: No such file or directory"
    expect_err "1 added"
    found idx aardvark
    # A path through a file is not a folder.
    run "$INDEXER" -q -d idx a.txt/b.txt
    expect_rc 1
    expect_err "a.txt/b.txt: Not a directory"
    ;;
symlink_loop)
    mkdir -p in/sub
    good_article in/a.txt aardvark
    good_article in/sub/b.txt badger
    ln -s .. in/sub/up        # a folder link back to its parent
    ln -s self.txt in/self.txt # a link to itself
    ln -s loop2.txt in/loop1.txt
    ln -s loop1.txt in/loop2.txt
    run "$INDEXER" -q -d idx in
    expect_rc 1
    expect_err "in/sub/up: symbolic link loop, not followed"
    expect_err "in/self.txt: Too many levels of symbolic links"
    expect_err "in/loop1.txt: Too many levels of symbolic links"
    # Each article once, however many ways lead to it.
    expect_err "2 added, 0 replaced"
    found idx aardvark
    found idx badger
    ;;
truncated_gz)
    python3 - <<'PY' || fail "cannot generate the input"
import gzip, random
random.seed(8)
with gzip.open("full.jsonl.gz", "wt") as f:
    for i in range(1, 20001):
        words = " ".join(random.choice(["harbour", "ferry", "tide", "quay"]) for _ in range(30))
        f.write('{"id": "g%d", "title": "Story %d", "text": "%s\\nwombat %d"}\n' % (i, i, words, i))
PY
    size=$(stat -c %s full.jsonl.gz)
    head -c $((size / 2)) full.jsonl.gz >cut.jsonl.gz
    good_article after.txt aardvark
    run "$INDEXER" -q -d idx cut.jsonl.gz after.txt
    expect_rc 1
    expect_err "cut.jsonl.gz: truncated gzip input after line"
    last=$(sed -n 's/.*truncated gzip input after line \([0-9]*\).*/\1/p' err)
    [ "$last" -gt 1000 ] || fail "too few lines before the cut: $last"
    # Every article up to the cut, each whole (a title and two paragraphs),
    # nothing after; the next input is read.
    expect_err "$((last + 1)) added"
    passages_per_article idx >counts
    [ "$(grep -c '^g' counts)" -eq "$last" ] || fail "articles in: $(grep -c '^g' counts), expected $last"
    ! grep '^g' counts | grep -qv ' 3$' || fail "a partial article: $(grep '^g' counts | grep -v ' 3$' | head)"
    found idx aardvark
    # A .txt.gz cut short yields no article at all.
    printf 'title: Cut\n\nA paragraph about badgers that goes on and on.\n' | gzip >cut.txt.gz
    head -c $(($(stat -c %s cut.txt.gz) - 6)) cut.txt.gz >cut2.txt.gz
    run "$INDEXER" -q -d idx cut2.txt.gz
    expect_rc 1
    expect_err "cut2.txt.gz: truncated gzip input"
    not_found idx badgers
    # A plain file named .gz is read as it is.
    good_article plain.txt.gz capybara
    run "$INDEXER" -q -d idx plain.txt.gz
    expect_rc 0
    found idx capybara
    ;;
long_query)
    "$INDEXER" -q -d idx "$CORPUS" "$DATA_DIR/english.txt" 2>/dev/null
    # 100,000 characters: words, one endless word, quotes, fields.
    words=$(python3 -c 'print(" ".join(["newsroom", "ماسك", "archive"] * 12000)[:100000])')
    # About 3 s in a release build; a sanitizer or valgrind slows it 30-fold.
    if slow_build; then
        LIMIT=900
    else
        LIMIT=60
    fi
    peak_rss_kb "$SEARCHER" -d idx -n 3 "$words"
    expect_rc 0
    expect_rss_below_mb 300
    one=$(python3 -c 'print("x" * 100000)')
    run "$SEARCHER" -d idx "$one"
    expect_rc 1
    # Why no results (issue 16), the word quoted by its start only.
    expect_err "searcher: no results: the index does not know 'xxxxxxxxxx"
    [ "$(wc -c <err)" -lt 200 ] || fail "message of $(wc -c <err) bytes"
    quotes=$(python3 -c 'print("\"" * 100000)')
    run "$SEARCHER" -d idx "$quotes"
    expect_rc 1
    dates=$(python3 -c 'print("date:" * 20000)')
    run "$SEARCHER" -d idx "$dates"
    expect_rc 2
    expect_err "searcher: query 'date:date:"
    expect_err "bad date"
    # The message quotes the query, cut short: not 100,000 characters.
    [ "$(wc -c <err)" -lt 2000 ] || fail "message of $(wc -c <err) bytes"
    # The same in a batch file.
    printf 'q1\t%s\nq2\tnewsroom\n' "$words" >queries.tsv
    run "$SEARCHER" -d idx --batch queries.tsv --format trec -n 2
    expect_rc 0
    [ "$(awk '{print $1}' out | sort -u | tr '\n' ' ')" = "q1 q2 " ] || fail "batch: $(cat out)"
    ;;
punctuation_query)
    "$INDEXER" -q -d idx "$CORPUS" 2>/dev/null
    for q in '!!! ،،، ...' '؟' '“”' '-' '+' '+-+-' '()[]{}' '"' '""' ':' '*' '#' '\\'; do
        run "$SEARCHER" -d idx "$q"
        [ "$rc" -eq 1 ] || fail "query '$q': status $rc, expected 1 (no match); $(cat out err)"
        [ ! -s out ] || fail "query '$q' printed results: $(cat out)"
        # Only why there are no results (issue 16).
        ! grep -v "^searcher: no results: " err | grep -q . || fail "query '$q': $(cat err)"
    done
    # A field with nothing after it is a syntax error, which names the query.
    run "$SEARCHER" -d idx 'title:"'
    expect_rc 2
    expect_err "searcher: query 'title:\"': 'title:' at byte 0 needs a value"
    ;;
stop_word_query)
    "$INDEXER" -q -d idx "$CORPUS" "$DATA_DIR/english.txt" 2>/dev/null
    # A query of only stop words still finds the passages holding them.
    for q in 'the of and' 'في من على' 'the في'; do
        run "$SEARCHER" -d idx --format trec -n 5 "$q"
        expect_rc 0
        no_err
    done
    ;;
unbalanced_quotes)
    "$INDEXER" -q -d idx "$CORPUS" "$DATA_DIR/english.txt" 2>/dev/null
    # same_ranking A B WHAT: both find passages, the same, in the same order.
    same_ranking() {
        ranked a.rank -d idx -n 50 "$1"
        ranked b.rank -d idx -n 50 "$2"
        expect_same a.rank b.rank "$3"
    }
    # An open quote runs to the end of the query (README, Query language).
    same_ranking '"أكبر تهديد' '"أكبر تهديد"' "open quote at the start"
    same_ranking 'ماسك "أكبر تهديد' 'ماسك "أكبر تهديد"' "open quote after a word"
    # A quote at the very end opens an empty phrase, which adds nothing.
    same_ranking 'newsroom"' 'newsroom' "a trailing quote changes the ranking"
    # Three quotes: a phrase, then an open one.
    run "$SEARCHER" -d idx --format trec '"open formats" "archive'
    expect_rc 0
    no_err
    ;;
index_missing)
    run "$SEARCHER" -d no-such-index ماسك
    expect_rc 2
    expect_err "searcher: no-such-index: no database at this path"
    # The indexer creates a missing index, folders included...
    good_article a.txt aardvark
    run "$INDEXER" -q -d deep/new/idx a.txt
    expect_rc 0
    found deep/new/idx aardvark
    # ...but not through a file.
    run "$INDEXER" -q -d a.txt/idx a.txt
    expect_rc 2
    expect_err "a.txt/idx"
    ;;
index_not_xapian)
    good_article a.txt aardvark
    mkdir folder && echo "my notes" >folder/notes.md
    run "$SEARCHER" -d folder ماسك
    expect_rc 2
    expect_err "searcher: folder: no database at this path: the folder holds no Xapian database"
    echo "not an index" >file
    run "$SEARCHER" -d file ماسك
    expect_rc 2
    expect_err "searcher: file: cannot open database"
    run "$INDEXER" -q -d file a.txt
    expect_rc 2
    expect_err "indexer: file: cannot open database"
    [ "$(cat file)" = "not an index" ] || fail "the indexer changed a file that is not an index"
    # Garbage where Xapian's tables are: an error, not a crash.
    "$INDEXER" -q -d broken a.txt 2>/dev/null
    for table in broken/*.glass; do head -c 8192 /dev/urandom >"$table"; done
    run "$SEARCHER" -d broken aardvark
    expect_rc 2
    expect_err "searcher: broken"
    run "$INDEXER" -q -d broken a.txt
    expect_rc 2
    expect_err "indexer: broken"
    [ "$(cat folder/notes.md)" = "my notes" ] || fail "the user's file was changed"
    ;;
index_newer_schema)
    command -v xapian-metadata >/dev/null || skip "xapian-metadata (xapian-tools) not installed"
    good_article a.txt aardvark
    "$INDEXER" -q -d idx a.txt 2>/dev/null
    # A later khabar that changed the schema stamped it "99".
    now=$(xapian-metadata get idx khabar.schema)
    [ -n "$now" ] || fail "the index has no schema stamp"
    xapian-metadata set idx khabar.schema 99 || fail "cannot stamp the index"
    before=$(xapian-delve idx | grep -i 'number of documents')
    run "$SEARCHER" -d idx aardvark
    expect_rc 2
    expect_err "searcher: idx: index has khabar.schema '99' but this searcher reads '$now': re-index it"
    good_article b.txt badger
    run "$INDEXER" -q -d idx b.txt
    expect_rc 2
    expect_err "indexer: idx: index was built with schema version '99', this indexer writes version '$now': re-index into a new folder"
    # Refused means untouched.
    [ "$(xapian-metadata get idx khabar.schema)" = 99 ] || fail "the stamp was changed"
    [ "$(xapian-delve idx | grep -i 'number of documents')" = "$before" ] || fail "documents changed"
    # The same for the analyzer's stamp.
    xapian-metadata set idx khabar.schema "$now"
    xapian-metadata set idx khabar.analyzer future-analyzer
    run "$SEARCHER" -d idx aardvark
    expect_rc 2
    expect_err "future-analyzer"
    ;;
related_id_not_a_path)
    # Ids and urls of related headlines (and article ids) are data. Were one
    # opened, the FIFO would block the reader and the timeout would catch it;
    # were one written, a file would appear.
    mkfifo fifo
    mkdir in
    cat >in/a.jsonl <<EOF
{"id": "../../../fifo", "title": "Dots in the id", "text": "aardvark", "related": [{"title": "Points at a pipe", "id": "../../fifo", "url": "file://$dir/fifo"}, {"title": "Absolute", "id": "$dir/fifo"}, {"title": "Traversal", "id": "../../../../../../etc/passwd"}, {"title": "Written?", "id": "../created-by-related-id"}]}
EOF
    printf 'id: ../fifo\ntitle: Text article\nrelated: ../../fifo\n\nbadger paragraph\n' >in/b.txt
    run "$INDEXER" -q -d idx in
    expect_rc 0
    run "$SEARCHER" -d idx --format json -n 20 'aardvark pipe absolute traversal written badger'
    expect_rc 0
    grep -qF '"article_id":"../../../fifo"' out || fail "article id not kept as data: $(cat out)"
    grep -qF '"url":"file://' out || fail "related url not shown as data: $(cat out)"
    ! grep -q root: out || fail "/etc/passwd was read: $(cat out)"
    [ ! -e created-by-related-id ] && [ ! -e "$WORK/created-by-related-id" ] || fail "a file was created"
    [ "$(find . -mindepth 1 -not -path './idx*' | sort | tr '\n' ' ')" = "./err ./fifo ./in ./in/a.jsonl ./in/b.txt ./out " ] ||
        fail "files appeared: $(find . -mindepth 1 -not -path './idx*')"
    ;;
umask)
    # Index files are created with the user's umask, as any file the user makes.
    good_article a.txt aardvark
    for mask in 022 027 077; do
        (umask $mask && timeout "$LIMIT" "$INDEXER" -q -d "idx$mask/sub/idx" a.txt 2>/dev/null) ||
            fail "indexer failed under umask $mask"
        want_file=$(printf '%o' $((0666 & ~8#$mask)))
        want_dir=$(printf '%o' $((0777 & ~8#$mask)))
        find "idx$mask" -type f -printf '%m %p\n' | awk -v w="$want_file" '$1 != w { print; bad = 1 } END { exit bad }' ||
            fail "umask $mask: files not mode $want_file: $(find "idx$mask" -type f -printf '%m %p\n')"
        find "idx$mask" -type d -printf '%m %p\n' | awk -v w="$want_dir" '$1 != w { print; bad = 1 } END { exit bad }' ||
            fail "umask $mask: folders not mode $want_dir: $(find "idx$mask" -type d -printf '%m %p\n')"
    done
    ;;
searcher_read_only)
    "$INDEXER" -q -d idx "$CORPUS" 2>/dev/null
    snapshot() { find idx -printf '%p %s %T@ %m\n' | sort; find idx -type f -exec md5sum {} + | sort; }
    snapshot >before
    sleep 1 # a changed file would show a later time
    run "$SEARCHER" -d idx ماسك
    expect_rc 0
    printf 'ماسك\nOpenAI\n' | "$SEARCHER" -d idx --batch - --format trec >/dev/null
    snapshot >after
    cmp -s before after || fail "searching changed the index: $(diff before after)"
    # A read-only index is searchable.
    chmod -R a-w idx
    if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
        chmod 755 "$dir" "$WORK/reliability" "$WORK" 2>/dev/null
        run setpriv --reuid=nobody --regid=nogroup --clear-groups "$SEARCHER" -d idx ماسك
    else
        run "$SEARCHER" -d idx ماسك
    fi
    chmod -R u+w idx
    expect_rc 0
    # No user input reaches a shell: neither a query nor a file name.
    for q in '$(touch pwned1)' '`touch pwned2`' '; touch pwned3' '| touch pwned4' "'; touch pwned5 #"; do
        run "$SEARCHER" -d idx "$q"
        run "$SEARCHER" -d "$q" ماسك
    done
    good_article 'x;touch pwned6;.txt' aardvark
    good_article '$(touch pwned7).txt' badger
    run "$INDEXER" -q -d idx2 'x;touch pwned6;.txt' '$(touch pwned7).txt'
    expect_rc 0
    ls pwned* >/dev/null 2>&1 && fail "a shell ran: $(ls pwned*)"
    ;;
second_indexer_locked)
    good_article a.txt aardvark
    "$INDEXER" -q -d idx a.txt 2>/dev/null
    # A first indexer holds the index while it waits for its standard input.
    mkfifo feed
    "$INDEXER" -q -d idx - <feed >first.out 2>&1 &
    holder=$!
    exec 3>feed
    sleep 1
    good_article b.txt badger
    run "$INDEXER" -q -d idx b.txt
    expect_rc 2
    expect_err "locked"
    # Searching is not blocked by a writer.
    found idx aardvark
    if "$INDEXER" --help | grep -q -- '--wait'; then
        # --wait=1 gives up after about a second, with the same message.
        start=$(date +%s)
        run "$INDEXER" -q --wait=1 -d idx b.txt
        expect_rc 2
        expect_err "locked"
        [ $(($(date +%s) - start)) -lt 20 ] || fail "--wait=1 waited too long"
        # --wait goes in once the first indexer is done.
        # (Without fd 3: a copy of the pipe's write end would keep the first
        # indexer waiting for the end of its input, and both would wait.)
        ( timeout "$LIMIT" "$INDEXER" -q --wait=60 -d idx b.txt >second.out 2>&1; echo $? >second.rc ) 3>&- &
        waiter=$!
        sleep 2
        [ ! -e second.rc ] || fail "--wait did not wait: $(cat second.out)"
    fi
    good_article c.txt capybara
    { echo "id: from-stdin"; cat c.txt; } >&3
    exec 3>&-
    wait $holder || fail "the first indexer failed: $(cat first.out)"
    found idx capybara
    if [ -n "${waiter:-}" ]; then
        wait "$waiter"
        [ "$(cat second.rc)" -eq 0 ] || fail "--wait then index: $(cat second.out)"
        found idx badger
    fi
    ;;
crash_kill)
    # SIGKILL the indexer at TRIALS moments spread over a run. After each
    # kill: the index opens, every article in it has all its passages (as
    # many as in an uninterrupted run), and running the same command again
    # gives the same index as an uninterrupted run: the same passages with
    # the same text, the same ranking for a set of queries.
    trials=${KH_CRASH_TRIALS:-10}
    articles=${KH_CRASH_ARTICLES:-1500}
    batch=${KH_CRASH_BATCH:-50}
    if slow_build; then
        articles=${KH_CRASH_ARTICLES:-250} # about 5 minutes under ASan
        batch=${KH_CRASH_BATCH:-10}
    fi
    if [ -r "${SHARED_DATA:-}/saudinewsnet/docs.jsonl.gz" ]; then
        zcat "$SHARED_DATA/saudinewsnet/docs.jsonl.gz" | head -n "$articles" >in.jsonl
        queries=("السعودية" "وزارة الصحة" "الملك سلمان" '"مجلس الوزراء"' "النفط" "كرة القدم")
    else
        echo "note [$case_name]: ../shared/data absent: generated articles" >&2
        python3 - "$articles" <<'PY' || fail "cannot generate the input"
import json, random, sys
random.seed(9)
words = "harbour ferry tide quay mooring anchor crane cargo pilot dock ميناء سفينة بحر رصيف".split()
with open("in.jsonl", "w") as f:
    for i in range(int(sys.argv[1])):
        paras = [" ".join(random.choice(words) for _ in range(random.randint(10, 200)))
                 for _ in range(random.randint(1, 8))]
        f.write(json.dumps({"id": "a%05d" % i, "title": "Story %d %s" % (i, random.choice(words)),
                            "text": "\n".join(paras)}, ensure_ascii=False) + "\n")
PY
        queries=("harbour" "ferry cargo" '"tide quay"' "ميناء" "anchor -crane")
    fi
    # fingerprint INDEX: the passages with their text, and the rankings in
    # order (equal scores are ordered by passage id, which a re-run keeps).
    # Every search must succeed: a failed one would print nothing on both sides.
    fingerprint() {
        timeout "$LIMIT" "$SEARCHER" -d "$1" -n 1000000 --format json 'lang:ar lang:en' >fp.json 2>fp.err ||
            fail "cannot list the passages of $1: $(cat fp.err)"
        python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(r["passage_id"], hash(r["text"]) & 0xffffffff, r["kind"])' <fp.json | sort
        for q in "${queries[@]}"; do
            timeout "$LIMIT" "$SEARCHER" -d "$1" -n 200 --format trec "$q" >fp.trec 2>fp.err ||
                fail "'$q' found nothing in $1: $(cat fp.err)"
            awk '{printf "%s %.6f\n", $3, $5}' fp.trec
        done
    }
    start=$(date +%s.%N)
    run "$INDEXER" -q -d ref --batch-size "$batch" in.jsonl
    expect_rc 0
    duration=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
    PYTHONHASHSEED=0 fingerprint ref >ref.print
    passages_per_article ref >ref.counts
    total=$(wc -l <ref.counts)
    [ "$total" -ge 100 ] || fail "only $total articles in the reference index"
    seed=${KH_CRASH_SEED:-$RANDOM}
    echo "note [$case_name]: $total articles, uninterrupted run ${duration}s, seed $seed" >&2
    RANDOM=$seed
    for trial in $(seq 1 "$trials"); do
        rm -rf idx
        # Moments spread over the whole run: trial k in the k-th slice.
        delay=$(python3 -c "import random; random.seed($seed + $trial); print(f'{($trial - 1 + random.random()) * $duration / $trials:.3f}')")
        "$INDEXER" -q -d idx --batch-size "$batch" in.jsonl >/dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        if [ -d idx ] && [ -n "$(ls idx)" ]; then
            timeout "$LIMIT" "$SEARCHER" -d idx -n 1 --format trec 'lang:ar lang:en' >/dev/null 2>err
            rc=$?
            [ "$rc" -le 1 ] || fail "trial $trial (killed at ${delay}s): the index does not open: $(cat err)"
            passages_per_article idx >counts
            # Every article in the index: as many passages as uninterrupted.
            join counts ref.counts | awk '$2 != $3 { print; bad = 1 } END { exit bad }' >partial ||
                fail "trial $trial (killed at ${delay}s): partial articles: $(head partial)"
            [ "$(join -v1 counts ref.counts | wc -l)" -eq 0 ] || fail "trial $trial: unknown articles"
            n=$(wc -l <counts)
        else
            n=0
        fi
        # Batches are whole: a multiple of the batch size went in.
        [ $((n % batch)) -eq 0 ] || [ "$n" -eq "$total" ] ||
            fail "trial $trial: $n articles, not whole batches of $batch"
        echo "note [$case_name]: trial $trial killed at ${delay}s: $n of $total articles in, all whole" >&2
        # Resume: the same command again.
        run "$INDEXER" -q -d idx --batch-size "$batch" in.jsonl
        expect_rc 0
        PYTHONHASHSEED=0 fingerprint idx >idx.print
        cmp -s ref.print idx.print ||
            fail "trial $trial: re-run differs from the uninterrupted run: $(diff ref.print idx.print | head)"
    done
    ;;
concurrent_search | compact_search)
    # Searches run while an indexer replaces every article, twice, in small
    # batches (many commits): no search fails, and every search sees each
    # article whole, one version of it, never a mix. compact_search: every
    # run also compacts the index and swaps the copy in (--compact).
    compact=--no-compact
    [ "$case_name" = compact_search ] && compact=--compact
    articles=${KH_CONCURRENT_ARTICLES:-600}
    python3 - "$articles" <<'PY' || fail "cannot generate the input"
import json, sys
n = int(sys.argv[1])
# Version 1 has 3 paragraphs, version 2 has 5: a title passage and the
# paragraphs, each carrying its version's word and the shared "harbour".
for version, paragraphs in ((1, 3), (2, 5)):
    with open("v%d.jsonl" % version, "w") as f:
        for i in range(n):
            word = "versionone" if version == 1 else "versiontwo"
            text = "\n".join("harbour %s paragraph %d of story %d" % (word, k, i) for k in range(paragraphs))
            f.write(json.dumps({"id": "s%04d" % i, "title": "harbour %s story %d" % (word, i),
                                "lang": "en", "text": text}) + "\n")
PY
    run "$INDEXER" -q -d idx "$compact" v1.jsonl
    expect_rc 0
    passes=${KH_CONCURRENT_PASSES:-6}
    # At least $passes passes, and on until three full searches have run
    # during the writes (a loaded machine runs fewer searches per pass).
    rm -f enough
    (
        pass=0
        while [ "$pass" -lt "$passes" ] || { [ ! -e enough ] && [ "$pass" -lt 60 ]; }; do
            pass=$((pass + 1))
            input=v$((pass % 2 + 1)).jsonl
            timeout "$LIMIT" "$INDEXER" -q -d idx --batch-size 10 "$compact" "$input" || exit 1
        done
    ) >writer.out 2>&1 &
    writer=$!
    printf 'harbour\nversionone\nversiontwo\n"harbour versiontwo"\nstory\n' >queries.txt
    # Short searches without pause, on a batch that keeps the index open
    # across the writer's commits; each failure is kept.
    (
        n=0
        while kill -0 "$writer" 2>/dev/null; do
            timeout "$LIMIT" "$SEARCHER" -d idx --batch queries.txt --format trec -n 50 >/dev/null 2>batch.err ||
                { echo "batch search $n failed (status $?): $(cat batch.err)" >>failures; }
            n=$((n + 1))
        done
        echo "$n" >batch.count
    ) &
    batcher=$!
    searches=0
    while kill -0 "$writer" 2>/dev/null; do
        # One search that reads every passage (long: the likeliest to meet
        # commits), checked: every article whole, one version.
        timeout "$LIMIT" "$SEARCHER" -d idx -n 100000 --format json harbour >all.json 2>err
        rc=$?
        [ "$rc" -eq 0 ] || echo "full search $searches failed (status $rc): $(cat err)" >>failures
        if [ "$rc" -eq 0 ]; then
            python3 - "$articles" all.json <<'PY' || fail "search $searches saw a mixed or missing article"
import json, sys, collections
n, seen = int(sys.argv[1]), collections.defaultdict(list)
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    seen[r["article_id"]].append("versiontwo" in r["text"])
assert len(seen) == n, "%d articles of %d" % (len(seen), n)
for a, versions in seen.items():
    v2 = all(versions)
    assert v2 or not any(versions), "%s mixes versions" % a
    assert len(versions) == (6 if v2 else 4), "%s: %d passages" % (a, len(versions))
PY
        fi
        searches=$((searches + 1))
        [ "$searches" -lt 3 ] || touch enough
    done
    wait "$writer" || fail "the indexer failed: $(cat writer.out)"
    wait "$batcher"
    [ ! -s failures ] || fail "$(wc -l <failures) searches failed during the writes: $(head -n 5 failures)"
    [ "$searches" -ge 3 ] || fail "only $searches full searches ran during the writes"
    echo "note [$case_name]: $searches full and $(cat batch.count) batch searches during $(grep -c '^indexer: ' writer.out) passes of writes, none failed" >&2
    if [ "$compact" = --compact ]; then
        [ "$(grep -c '; compacted ' writer.out)" -eq "$(grep -c '^indexer: ' writer.out)" ] ||
            fail "not every run compacted: $(cat writer.out)"
        leftovers
    fi
    ;;
compact_fresh)
    # A run that creates the index compacts it: smaller than the same run
    # with --no-compact, the same search output byte for byte, a sound
    # Xapian database, no temporary folder left.
    compact_input
    run "$INDEXER" -q -d plain --no-compact in.jsonl
    expect_rc 0
    ! grep -q compacted err || fail "--no-compact compacted: $(cat err)"
    run "$INDEXER" -q -d idx in.jsonl
    expect_rc 0
    expect_err "; compacted "
    grep -qE '[0-9.]+ s; compacted [0-9.]+ [KM]B -> [0-9.]+ [KM]B in [0-9.]+ s$' err ||
        fail "summary line: $(cat err)"
    small=$(du -sk idx | cut -f1) big=$(du -sk plain | cut -f1)
    [ "$small" -lt "$big" ] || fail "compacted index ${small} KB, not smaller than ${big} KB"
    same_searches plain idx
    xapian_check idx
    leftovers
    echo "note [$case_name]: ${big} KB -> ${small} KB" >&2
    ;;
compact_existing)
    # Adding to an index that has articles does not compact it, unless
    # --compact; --compact alone compacts without indexing; --no-compact
    # leaves even a new index as written.
    compact_input
    [ "$(wc -l <in.jsonl)" -gt 100 ] || fail "the input has $(wc -l <in.jsonl) articles: 101 or more wanted"
    head -n 100 in.jsonl >first.jsonl
    tail -n +101 in.jsonl >rest.jsonl
    run "$INDEXER" -q -d idx --no-compact first.jsonl
    expect_rc 0
    ! grep -q compacted err || fail "--no-compact compacted: $(cat err)"
    run "$INDEXER" -q -d idx rest.jsonl
    expect_rc 0
    ! grep -q compacted err || fail "adding to an index compacted it: $(cat err)"
    run "$INDEXER" -q -d plain --no-compact in.jsonl
    expect_rc 0
    # The same articles as one run: the searches agree with it.
    same_searches plain idx
    before=$(du -sk idx | cut -f1)
    run "$INDEXER" -q -d idx --compact
    expect_rc 0
    expect_err "0 added, 0 replaced, 0 deleted, 0 skipped; 0 passages;"
    expect_err "; compacted "
    after=$(du -sk idx | cut -f1)
    [ "$after" -lt "$before" ] || fail "--compact: ${after} KB, not smaller than ${before} KB"
    same_searches plain idx
    xapian_check idx
    # --compact while adding.
    good_article a.txt aardvark
    run "$INDEXER" -q -d idx --compact a.txt
    expect_rc 0
    expect_err "1 added"
    expect_err "; compacted "
    found idx aardvark
    # An index that exists but is empty (its first run added nothing) is new.
    printf '\n' >blank.jsonl
    run "$INDEXER" -q -d empty --no-compact blank.jsonl
    expect_rc 0
    run "$INDEXER" -q -d empty a.txt
    expect_rc 0
    expect_err "; compacted "
    found empty aardvark
    # Deleting from an index does not compact it either.
    run "$INDEXER" -q -d idx --delete a
    expect_rc 0
    ! grep -q compacted err || fail "--delete compacted: $(cat err)"
    leftovers
    ;;
compact_leftover)
    # What a crash during a compaction leaves is cleared by the next run and
    # the index is whole: only folders of the pattern INDEX.compacting-PID of
    # processes that are gone are touched.
    compact_input
    run "$INDEXER" -q -d idx --no-compact in.jsonl
    expect_rc 0
    run "$SEARCHER" -d idx --format json -n 50 "${compact_queries[0]}"
    expect_rc 0
    cp out ref.json
    dead=2000000000 # above any pid_max: no such process
    mkdir idx.compacting-$dead && cp -r idx/* idx.compacting-$dead/
    mkdir idx.compacting-$$ idx.compacting-x idx.backup # ours (alive), not the pattern
    touch idx.compacting-$((dead + 1)) # a file, not a folder
    printf '\n' >blank.jsonl # a run that adds nothing: the index must stay as it is
    run "$INDEXER" -q -d idx blank.jsonl
    expect_rc 0
    expect_err "removed 1 leftover folder"
    ! grep -q compacted err || fail "an existing index was compacted: $(cat err)"
    [ ! -e idx.compacting-$dead ] || fail "leftover not removed"
    [ -d idx.compacting-$$ ] && [ -d idx.compacting-x ] && [ -d idx.backup ] &&
        [ -f idx.compacting-$((dead + 1)) ] || fail "removed what is not a leftover: $(ls)"
    rmdir idx.compacting-$$ idx.compacting-x idx.backup && rm idx.compacting-$((dead + 1))
    run "$SEARCHER" -d idx --format json -n 50 "${compact_queries[0]}"
    cmp -s out ref.json || fail "the index changed: $(diff out ref.json | head -c 2000)"
    good_article a.txt aardvark
    run "$INDEXER" -q -d idx a.txt
    expect_rc 0
    found idx aardvark
    # A crash between the two renames of the fallback swap (filesystems
    # without RENAME_EXCHANGE): no index, the old one aside as .old. The
    # next run puts it back rather than making a new index.
    mv idx idx.compacting-$dead.old
    mkdir idx.compacting-$dead
    good_article b.txt badger
    run "$INDEXER" -q -d idx b.txt
    expect_rc 0
    expect_err "removed 2 leftover folders"
    found idx aardvark
    found idx badger
    leftovers
    # A real crash: SIGKILL while the indexer compacts (caught when its
    # temporary folder shows up beside the index), then the index opens and
    # the next run clears the leftover. A new index is first created under
    # the same temporary name and renamed into place: a kill then is not
    # during a compaction (crash does not exist yet), and the trial goes on.
    compacting() { [ -d crash ] && [ -e crash.compacting-$pid ]; }
    for trial in 1 2 3 4 5; do
        rm -rf crash crash.compacting-*
        "$INDEXER" -q -d crash in.jsonl 2>/dev/null &
        pid=$!
        while ! compacting && kill -0 $pid 2>/dev/null; do :; done
        kill -KILL $pid 2>/dev/null
        wait $pid 2>/dev/null
        compacting && break
    done
    if compacting; then
        run "$SEARCHER" -d crash --format json -n 50 "${compact_queries[0]}"
        expect_rc 0
        xapian_check crash
        run "$INDEXER" -q -d crash a.txt
        expect_rc 0
        expect_err "removed 1 leftover folder"
        [ ! -e crash.compacting-$pid ] || fail "leftover of the killed indexer not removed"
        found crash aardvark
    else
        echo "note [$case_name]: the kill never landed during a compaction" >&2
    fi
    ;;
compact_shards)
    # Each shard is compacted in place; a shard's leftover is cleared.
    compact_input
    run "$INDEXER" -q -d plain --shards 3 --no-compact in.jsonl
    expect_rc 0
    run "$INDEXER" -q -d idx --shards 3 in.jsonl
    expect_rc 0
    expect_err "; compacted "
    for k in 0 1 2; do
        small=$(du -sk idx/shard-$k | cut -f1) big=$(du -sk plain/shard-$k | cut -f1)
        [ "$small" -lt "$big" ] || fail "shard-$k: ${small} KB, not smaller than ${big} KB"
        xapian_check idx/shard-$k
    done
    [ "$(cat idx/XAPIANDB)" = "$(printf 'auto shard-0\nauto shard-1\nauto shard-2')" ] ||
        fail "stub changed: $(cat idx/XAPIANDB)"
    same_searches plain idx
    leftovers
    mkdir idx/shard-1.compacting-2000000000
    good_article a.txt aardvark
    run "$INDEXER" -q -d idx --compact a.txt
    expect_rc 0
    expect_err "removed 1 leftover folder"
    expect_err "; compacted "
    found idx aardvark
    [ "$(ls idx | tr '\n' ' ')" = "XAPIANDB shard-0 shard-1 shard-2 " ] || fail "left in idx: $(ls idx)"
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok [$case_name]"
