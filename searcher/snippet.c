#include "snippet.h"

/* UTF-8 continuation bytes are 10xxxxxx: never a character start. */
static int is_char_start(unsigned char c)
{
    return (c & 0xC0) != 0x80;
}

/* Byte offset max_chars characters after from (or len). */
static size_t advance_chars(const char *text, size_t len, size_t from, size_t max_chars)
{
    size_t i = from, chars = 0;
    while (i < len) {
        if (is_char_start((unsigned char)text[i]) && chars++ == max_chars)
            break;
        i++;
    }
    return i;
}

/* Byte offset back_chars characters before from (or 0). */
static size_t retreat_chars(const char *text, size_t from, size_t back_chars)
{
    size_t i = from, chars = 0;
    while (i > 0 && chars < back_chars) {
        i--;
        if (is_char_start((unsigned char)text[i]))
            chars++;
    }
    return i;
}

static int is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

kh_snippet_t kh_snippet_pick(const char *text, size_t len, const kh_span_t *spans, size_t n,
                             size_t max_chars)
{
    kh_snippet_t s = {0, len, 0, 0};
    if (advance_chars(text, len, 0, max_chars) >= len)
        return s;

    /* Lead in a little before a matched word, so it is read in context. */
    size_t lead = max_chars / 6;
    size_t best_start = 0, best_count = 0;
    for (size_t i = 0; i < n; i++) {
        size_t start = retreat_chars(text, spans[i].start, lead);
        size_t end = advance_chars(text, len, start, max_chars);
        size_t count = 0;
        for (size_t j = i; j < n && spans[j].end <= end; j++)
            count++;
        if (count > best_count) {
            best_count = count;
            best_start = start;
        }
    }
    size_t start = best_start, end = advance_chars(text, len, best_start, max_chars);
    /* Near the end of the text, show a full window that ends with it. */
    if (end == len)
        start = retreat_chars(text, len, max_chars);

    /* Cut at spaces so no word is shown in part. */
    if (start > 0) {
        size_t k = start;
        while (k < end && !is_space(text[k]))
            k++;
        if (k < end)
            start = k + 1;
    }
    if (end < len) {
        size_t k = end;
        while (k > start && !is_space(text[k - 1]))
            k--;
        if (k > start)
            end = k - 1;
    }
    while (end > start && is_space(text[end - 1]))
        end--;
    s.start = start;
    s.end = end;
    s.cut_before = start > 0;
    s.cut_after = end < len;
    return s;
}
