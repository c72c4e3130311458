/*
 * snippet.h - which part of a passage to show: the stretch of at most N
 * characters that holds the most matched words, cut at spaces.
 */
#ifndef KHABAR_SNIPPET_H
#define KHABAR_SNIPPET_H

#include <stddef.h>

#include "search.h"

/* Characters (code points) a snippet shows by default: about two lines. */
#define KH_SNIPPET_CHARS 240

typedef struct kh_snippet {
    size_t start, end;         /* bytes of the passage text to show */
    int cut_before, cut_after; /* text was left out there: show an ellipsis */
} kh_snippet_t;

/*
 * Picks the snippet of text[0..len) given the matched spans (sorted, inside
 * the text). The whole text when it has at most max_chars characters.
 */
kh_snippet_t kh_snippet_pick(const char *text, size_t len, const kh_span_t *spans, size_t n,
                             size_t max_chars);

#endif
