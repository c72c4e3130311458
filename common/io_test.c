/* io_test.c - the line reader: plain, gzip, CRLF, limits, truncation, errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "khabar/io.h"

#ifndef KH_TEST_TMPDIR
#error "KH_TEST_TMPDIR must name a scratch directory"
#endif

static char *tmp_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/io_test.%s", KH_TEST_TMPDIR, name);
    return path;
}

static char *write_file(const char *name, const char *data, size_t len)
{
    char *path = tmp_path(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static char *write_gz(const char *name, const char *data, size_t len)
{
    char *path = tmp_path(name);
    gzFile gz = gzopen(path, "wb9");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
    return path;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)n + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return data;
}

/* Reads every line and checks it against the expected ones, then the end. */
static void expect_lines(kh_reader_t *r, const char *const *want, size_t n)
{
    const char *line;
    size_t len;
    kh_error_t err = {0};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(kh_reader_next_line(r, &line, &len, &err), KH_OK);
        assert_non_null(line);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(line, want[i], len);
        assert_int_equal(kh_reader_line_number(r), i + 1);
    }
    for (int twice = 0; twice < 2; twice++) {
        assert_int_equal(kh_reader_next_line(r, &line, &len, &err), KH_OK);
        assert_null(line);
        assert_int_equal(len, 0);
    }
}

typedef struct line_case {
    const char *name;
    const char *data;
    size_t len;
    const char *want[6];
    size_t n;
} line_case_t;

#define BYTES(s) s, sizeof(s) - 1

static const line_case_t line_cases[] = {
    {"lf", BYTES("one\ntwo\nthree\n"), {"one", "two", "three"}, 3},
    {"crlf", BYTES("one\r\ntwo\r\n"), {"one", "two"}, 2},
    {"no-final-newline", BYTES("one\ntwo"), {"one", "two"}, 2},
    {"crlf-no-final-newline", BYTES("one\r\nlast\r"), {"one", "last"}, 2},
    {"blank-lines", BYTES("\n\r\n \nx\n"), {"", "", " ", "x"}, 4},
    {"lone-cr-kept", BYTES("a\rb\n"), {"a\rb"}, 1},
    {"arabic", BYTES("سطر أول\nسطر ثان\n"), {"سطر أول", "سطر ثان"}, 2},
    {"nul-bytes-pass-through", BYTES("a\0b\n"), {"a\0b"}, 1},
    {"empty", BYTES(""), {NULL}, 0},
};

static void test_line_cases(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof line_cases / sizeof *line_cases; c++) {
        const line_case_t *lc = &line_cases[c];
        for (int gz = 0; gz < 2; gz++) {
            char name[64];
            snprintf(name, sizeof name, "%s%s", lc->name, gz ? ".gz" : ".txt");
            char *path =
                gz ? write_gz(name, lc->data, lc->len) : write_file(name, lc->data, lc->len);
            kh_reader_t *r;
            kh_error_t err = {0};
            assert_int_equal(kh_reader_open(path, &r, &err), KH_OK);
            assert_string_equal(kh_reader_path(r), path);
            assert_int_equal(kh_reader_line_number(r), 0);
            if (lc->n == 1 && memchr(lc->data, '\0', lc->len)) {
                const char *line;
                size_t len;
                assert_int_equal(kh_reader_next_line(r, &line, &len, &err), KH_OK);
                assert_int_equal(len, 3);
                assert_memory_equal(line, "a\0b", 3);
                expect_lines(r, NULL, 0);
            } else {
                expect_lines(r, lc->want, lc->n);
            }
            kh_reader_close(r);
        }
    }
}

/* Lines of every length around the buffer size, so that many cross a read
 * boundary; the gzip size and bytes_in agree at the end. */
static void test_many_lines_gzip(void **state)
{
    (void)state;
    size_t cap = 8u << 20, len = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    unsigned n = 0;
    while (len < 6u << 20) {
        unsigned width = (n * 7919u) % 3000u;
        len += (size_t)sprintf(data + len, "%u:", n);
        for (unsigned i = 0; i < width; i++)
            data[len++] = (char)('a' + (n + i) % 26);
        data[len++] = '\n';
        n++;
    }
    char *path = write_gz("many.gz", data, len);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);

    kh_reader_t *r;
    assert_int_equal(kh_reader_open(path, &r, NULL), KH_OK);
    assert_int_equal(kh_reader_size(r), sb.st_size);
    const char *line;
    size_t got, pos = 0;
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(kh_reader_next_line(r, &line, &got, NULL), KH_OK);
        assert_non_null(line);
        const char *nl = memchr(data + pos, '\n', len - pos);
        assert_int_equal(got, (size_t)(nl - (data + pos)));
        assert_memory_equal(line, data + pos, got);
        pos += got + 1;
    }
    assert_int_equal(kh_reader_next_line(r, &line, &got, NULL), KH_OK);
    assert_null(line);
    assert_int_equal(kh_reader_line_number(r), n);
    assert_int_equal(kh_reader_bytes_in(r), (uint64_t)sb.st_size);
    kh_reader_close(r);
    free(data);
}

typedef struct limit_case {
    const char *name;
    const char *data;
    size_t len;
    size_t max;
    /* per call: the line, or NULL for "line longer than max" */
    const char *want[6];
    unsigned long line_no[6];
    size_t n;
} limit_case_t;

static const limit_case_t limit_cases[] = {
    {"too-long-then-next",
     BYTES("short\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nnext\n"),
     10,
     {"short", NULL, "next"},
     {1, 2, 3},
     3},
    {"exactly-the-limit-with-crlf",
     BYTES("0123456789\r\n01234567890\r\nok"),
     10,
     {"0123456789", NULL, "ok"},
     {1, 2, 3},
     3},
    {"too-long-last-line", BYTES("ok\nxxxxxxxxxxxxxxxxxxxx"), 10, {"ok", NULL}, {1, 2}, 2},
    {"two-too-long-in-a-row",
     BYTES("xxxxxxxxxxxx\nyyyyyyyyyyyyy\nz\n"),
     5,
     {NULL, NULL, "z"},
     {1, 2, 3},
     3},
};

static void test_line_limit(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof limit_cases / sizeof *limit_cases; c++) {
        const limit_case_t *lc = &limit_cases[c];
        char *path = write_file(lc->name, lc->data, lc->len);
        kh_reader_t *r;
        assert_int_equal(kh_reader_open(path, &r, NULL), KH_OK);
        kh_reader_set_max_line(r, lc->max);
        assert_int_equal(kh_reader_max_line(r), lc->max);
        for (size_t i = 0; i < lc->n; i++) {
            const char *line;
            size_t len;
            kh_error_t err = {0};
            kh_status_t st = kh_reader_next_line(r, &line, &len, &err);
            assert_int_equal(kh_reader_line_number(r), lc->line_no[i]);
            if (lc->want[i]) {
                assert_int_equal(st, KH_OK);
                assert_int_equal(len, strlen(lc->want[i]));
                assert_memory_equal(line, lc->want[i], len);
            } else {
                char msg[4200];
                snprintf(msg, sizeof msg, "%s:%lu: line longer than %zu bytes", path,
                         lc->line_no[i], lc->max);
                assert_int_equal(st, KH_ERR_LINE_TOO_LONG);
                assert_int_equal(err.status, KH_ERR_LINE_TOO_LONG);
                assert_string_equal(err.message, msg);
                assert_null(line);
            }
        }
        expect_lines(r, NULL, 0);
        kh_reader_close(r);
    }
}

/* A 3 MB line under a 1000-byte limit is skipped across many reads, without
 * the buffer growing; a 600 KB line under the default limit comes whole. */
static void test_huge_lines(void **state)
{
    (void)state;
    size_t huge = 3u << 20, big = 600u << 10;
    size_t len = huge + 1 + 5 + big + 1 + 4;
    char *data = malloc(len);
    assert_non_null(data);
    memset(data, 'h', huge);
    memcpy(data + huge, "\nnext\n", 6);
    memset(data + huge + 6, 'b', big);
    memcpy(data + huge + 6 + big, "\nend", 4);
    for (int gz = 0; gz < 2; gz++) {
        char *path = gz ? write_gz("huge.gz", data, len) : write_file("huge.txt", data, len);
        kh_reader_t *r;
        kh_error_t err;
        const char *line;
        size_t got;
        assert_int_equal(kh_reader_open(path, &r, NULL), KH_OK);
        kh_reader_set_max_line(r, 1000);
        assert_int_equal(kh_reader_next_line(r, &line, &got, &err), KH_ERR_LINE_TOO_LONG);
        assert_int_equal(kh_reader_next_line(r, &line, &got, &err), KH_OK);
        assert_int_equal(got, 4);
        assert_memory_equal(line, "next", 4);
        assert_int_equal(kh_reader_line_number(r), 2);
        kh_reader_set_max_line(r, 0); /* back to the default */
        assert_int_equal(kh_reader_max_line(r), KH_READER_DEFAULT_MAX_LINE);
        assert_int_equal(kh_reader_next_line(r, &line, &got, &err), KH_OK);
        assert_int_equal(got, big);
        assert_memory_equal(line, data + huge + 6, big);
        const char *const rest[] = {"end"};
        assert_int_equal(kh_reader_next_line(r, &line, &got, &err), KH_OK);
        assert_memory_equal(line, rest[0], 3);
        assert_int_equal(kh_reader_line_number(r), 4);
        expect_lines(r, NULL, 0);
        kh_reader_close(r);
    }
    free(data);
}

/* What an independent inflate makes of a cut gzip file: its complete lines. */
static unsigned complete_lines_of(const char *gz, size_t len)
{
    z_stream zs = {0};
    assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
    unsigned lines = 0;
    unsigned char out[65536];
    zs.next_in = (unsigned char *)gz;
    zs.avail_in = (unsigned)len;
    int ret;
    do {
        zs.next_out = out;
        zs.avail_out = sizeof out;
        ret = inflate(&zs, Z_NO_FLUSH);
        for (unsigned char *p = out; p < zs.next_out; p++)
            lines += *p == '\n';
    } while (ret == Z_OK && zs.avail_in > 0);
    inflateEnd(&zs);
    return lines;
}

static void test_truncated_gzip(void **state)
{
    (void)state;
    /* Text that does not compress to nothing, so the cut falls mid-stream. */
    size_t len = 0;
    char *data = malloc(600000);
    assert_non_null(data);
    uint32_t x = 12345;
    for (int i = 0; i < 5000; i++) {
        len += (size_t)sprintf(data + len, "line %d", i);
        for (int k = 0; k < 8; k++) {
            x = x * 1103515245u + 12345u;
            len += (size_t)sprintf(data + len, " %08x", x);
        }
        data[len++] = '\n';
    }
    char *path = write_gz("cut.gz", data, len);
    size_t gzlen;
    char *gz = slurp(path, &gzlen);
    size_t cut = gzlen / 2;
    path = write_file("cut.gz", gz, cut);
    unsigned expect = complete_lines_of(gz, cut);
    assert_true(expect > 100 && expect < 4900);

    kh_reader_t *r;
    kh_error_t err = {0};
    const char *line;
    size_t got;
    unsigned n = 0;
    kh_status_t st;
    assert_int_equal(kh_reader_open(path, &r, NULL), KH_OK);
    while ((st = kh_reader_next_line(r, &line, &got, &err)) == KH_OK && line) {
        char want[16];
        snprintf(want, sizeof want, "line %u ", n);
        assert_memory_equal(line, want, strlen(want));
        n++;
    }
    assert_int_equal(st, KH_ERR_TRUNCATED);
    assert_int_equal(n, expect);
    char msg[4200];
    snprintf(msg, sizeof msg, "%s: truncated gzip input after line %u", path, expect);
    assert_string_equal(err.message, msg);
    expect_lines(r, NULL, 0); /* then the end, not the error again */
    kh_reader_close(r);

    /* Cut inside the trailer: every line is there, the stream is still cut. */
    path = write_file("cut-trailer.gz", gz, gzlen - 3);
    assert_int_equal(kh_reader_open(path, &r, NULL), KH_OK);
    n = 0;
    while ((st = kh_reader_next_line(r, &line, &got, &err)) == KH_OK && line)
        n++;
    assert_int_equal(st, KH_ERR_TRUNCATED);
    assert_int_equal(n, 5000);
    snprintf(msg, sizeof msg, "%s: truncated gzip input after line 5000", path);
    assert_string_equal(err.message, msg);
    kh_reader_close(r);

    /* A wrong checksum: the data is all there but not what was written. */
    gz[gzlen - 8] ^= 0x55;
    path = write_file("bad-crc.gz", gz, gzlen);
    assert_int_equal(kh_reader_open(path, &r, NULL), KH_OK);
    while ((st = kh_reader_next_line(r, &line, &got, &err)) == KH_OK && line)
        ;
    assert_int_equal(st, KH_ERR_TRUNCATED);
    snprintf(msg, sizeof msg, "%s: corrupt gzip input after line %lu: incorrect data check", path,
             kh_reader_line_number(r));
    assert_string_equal(err.message, msg);
    kh_reader_close(r);
    free(gz);
    free(data);
}

static void test_open_errors(void **state)
{
    (void)state;
    kh_reader_t *r = (kh_reader_t *)&r;
    kh_error_t err = {0};
    char msg[4200];
    char *path = tmp_path("does-not-exist");
    unlink(path);
    assert_int_equal(kh_reader_open(path, &r, &err), KH_ERR_NOT_FOUND);
    assert_null(r);
    snprintf(msg, sizeof msg, "%s: cannot open: No such file or directory", path);
    assert_string_equal(err.message, msg);

    path = tmp_path("a-directory");
    mkdir(path, 0700);
    assert_int_equal(kh_reader_open(path, &r, &err), KH_ERR_IO);
    assert_null(r);
    snprintf(msg, sizeof msg, "%s: is a directory", path);
    assert_string_equal(err.message, msg);

    write_file("not-a-dir", "x", 1);
    path = tmp_path("not-a-dir/child");
    assert_int_equal(kh_reader_open(path, &r, &err), KH_ERR_NOT_FOUND);
    snprintf(msg, sizeof msg, "%s: cannot open: Not a directory", path);
    assert_string_equal(err.message, msg);

    assert_int_equal(kh_reader_open("", &r, &err), KH_ERR_ARG);
    assert_string_equal(err.message, "no input path given");

    /* Root reads anything; the permission case only means something otherwise. */
    if (geteuid() != 0) {
        path = write_file("unreadable", "x\n", 2);
        chmod(path, 0);
        assert_int_equal(kh_reader_open(path, &r, &err), KH_ERR_IO);
        snprintf(msg, sizeof msg, "%s: cannot open: Permission denied", path);
        assert_string_equal(err.message, msg);
        chmod(path, 0600);
    }
    kh_reader_close(NULL);
}

/* Standard input: a file on fd 0 (size known), then a pipe (size unknown,
 * bytes_in counts text), gzip through the pipe too. */
static void test_stdin(void **state)
{
    (void)state;
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);

    char *path = write_gz("stdin.gz", BYTES("first\nsecond\n"));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    int fd = open(path, O_RDONLY);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    kh_reader_t *r;
    assert_int_equal(kh_reader_open("-", &r, NULL), KH_OK);
    assert_string_equal(kh_reader_path(r), "<stdin>");
    assert_int_equal(kh_reader_size(r), sb.st_size);
    const char *const two[] = {"first", "second"};
    expect_lines(r, two, 2);
    kh_reader_close(r);

    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "a\nbc\n", 5), 5);
    close(p[1]);
    assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
    close(p[0]);
    assert_int_equal(kh_reader_open("-", &r, NULL), KH_OK);
    assert_int_equal(kh_reader_size(r), -1);
    const char *const ab[] = {"a", "bc"};
    expect_lines(r, ab, 2);
    assert_int_equal(kh_reader_bytes_in(r), 5);
    kh_reader_close(r);
    /* Closing the reader left fd 0 itself open. */
    assert_int_equal(fcntl(STDIN_FILENO, F_GETFD), 0);

    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
}

static void test_peek(void **state)
{
    (void)state;
    char *path = write_gz("peek.gz", BYTES("{\"id\": 1}\nsecond\n"));
    kh_reader_t *r;
    const char *data;
    size_t len;
    assert_int_equal(kh_reader_open(path, &r, NULL), KH_OK);
    assert_int_equal(kh_reader_peek(r, 4, &data, &len, NULL), KH_OK);
    assert_int_equal(len, 17);
    assert_memory_equal(data, "{\"id\": 1}\nsecond\n", 17);
    assert_int_equal(kh_reader_line_number(r), 0);
    const char *const lines[] = {"{\"id\": 1}", "second"};
    expect_lines(r, lines, 2);
    assert_int_equal(kh_reader_peek(r, 4, &data, &len, NULL), KH_OK);
    assert_null(data);
    assert_int_equal(len, 0);
    kh_reader_close(r);

    path = write_file("peek-empty", "", 0);
    assert_int_equal(kh_reader_open(path, &r, NULL), KH_OK);
    assert_int_equal(kh_reader_peek(r, 4, &data, &len, NULL), KH_OK);
    assert_int_equal(len, 0);
    kh_reader_close(r);
}

/* The same reader over memory: lines, CRLF, a last line without "\n", the
 * line limit, peek, and an input bigger than the first buffer. */
static void test_memory(void **state)
{
    (void)state;
    kh_reader_t *r;
    kh_error_t err;
    static const char text[] = "one\r\ntwo\n\nthree";
    assert_int_equal(kh_reader_open_memory("feed", text, sizeof text - 1, &r, NULL), KH_OK);
    assert_int_equal(kh_reader_size(r), (int64_t)(sizeof text - 1));
    const char *data;
    size_t len;
    assert_int_equal(kh_reader_peek(r, 4, &data, &len, NULL), KH_OK);
    assert_int_equal(len, sizeof text - 1);
    const char *const lines[] = {"one", "two", "", "three"};
    expect_lines(r, lines, 4);
    assert_int_equal(kh_reader_bytes_in(r), sizeof text - 1);
    kh_reader_close(r);

    static const char longer[] = "short\nthis line is too long\nok\n";
    assert_int_equal(kh_reader_open_memory("feed", longer, sizeof longer - 1, &r, NULL), KH_OK);
    kh_reader_set_max_line(r, 8);
    const char *line;
    assert_int_equal(kh_reader_next_line(r, &line, &len, &err), KH_OK);
    assert_int_equal(kh_reader_next_line(r, &line, &len, &err), KH_ERR_LINE_TOO_LONG);
    assert_string_equal(err.message, "feed:2: line longer than 8 bytes");
    assert_int_equal(kh_reader_next_line(r, &line, &len, &err), KH_OK);
    assert_int_equal(len, 2);
    assert_memory_equal(line, "ok", 2);
    kh_reader_close(r);

    /* A megabyte of 100-byte lines: the buffer grows from the input's size. */
    size_t n = 10000, big_len = n * 100;
    char *big = malloc(big_len);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++) {
        memset(big + i * 100, 'a' + (int)(i % 26), 99);
        big[i * 100 + 99] = '\n';
    }
    assert_int_equal(kh_reader_open_memory("big", big, big_len, &r, NULL), KH_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(kh_reader_next_line(r, &line, &len, NULL), KH_OK);
        assert_int_equal(len, 99);
        assert_int_equal(line[0], 'a' + (int)(i % 26));
    }
    assert_int_equal(kh_reader_next_line(r, &line, &len, NULL), KH_OK);
    assert_null(line);
    kh_reader_close(r);
    free(big);

    assert_int_equal(kh_reader_open_memory("empty", NULL, 0, &r, NULL), KH_OK);
    assert_int_equal(kh_reader_next_line(r, &line, &len, NULL), KH_OK);
    assert_null(line);
    kh_reader_close(r);
    assert_int_equal(kh_reader_open_memory("", "x", 1, &r, &err), KH_ERR_ARG);
    assert_null(r);
    assert_int_equal(kh_reader_open_memory("x", NULL, 1, &r, &err), KH_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_cases),     cmocka_unit_test(test_many_lines_gzip),
        cmocka_unit_test(test_line_limit),     cmocka_unit_test(test_huge_lines),
        cmocka_unit_test(test_truncated_gzip), cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_stdin),          cmocka_unit_test(test_peek),
        cmocka_unit_test(test_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
