/*
 * highlight.h - the words of a result's text that matched the query: those
 * whose term the query looked for, or whose phonetic key it looked for
 * (a name in another script or spelling), as byte spans for snippet.h and
 * the output.
 */
#ifndef KHABAR_HIGHLIGHT_H
#define KHABAR_HIGHLIGHT_H

#include <stddef.h>

#include "khabar/analyzer.h"
#include "khabar/status.h"
#include "search.h"

/*
 * Sets the highlights of each result of out (r->highlights, owned by the
 * results: kh_results_free()) to the spans of the tokens of r->data.text,
 * and r->title_highlights to those of r->data.title, as analyzer a makes
 * them, whose term is one of terms[0..n_terms) or whose key, prefixed as
 * the index holds it (KH_PREFIX_KEY_ARABIC or _LATIN by the
 * token's script), is one of keys[0..n_keys); both lists sorted (strcmp).
 * KH_OK, KH_ERR_NOMEM (the spans set so far stay, to be freed with out).
 */
kh_status_t kh_highlight_results(kh_analyzer_t *a, char *const *terms, size_t n_terms,
                                 char *const *keys, size_t n_keys, kh_results_t *out,
                                 kh_error_t *err);

#endif
