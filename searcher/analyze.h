/*
 * analyze.h - searcher --analyze: each word of a text as the index sees
 * it (its normalised form, its term, its name key term, stop word or not,
 * its script), as text lines or JSON Lines. It needs no index: analysis is
 * the analyzer's and the stop lists', both built into the program, so the
 * same words analyse alike whatever index is searched (an index written by
 * another analyzer version is refused when searched: kh_searcher_open()).
 */
#ifndef KHABAR_ANALYZE_H
#define KHABAR_ANALYZE_H

#include <stdio.h>

#include "khabar/status.h"
#include "output.h"

/*
 * Writes the words of text[0, len) to out in format (text: one line a
 * word, "WORD  norm NORM  term TERM  key KEY  SCRIPT[  stop word]"; json:
 * one object a word, {"word", "start", "end", "norm", "terms", "key",
 * "stop", "script"}; trec and tsv: tab-separated columns word, norm,
 * term, key, stop, script). stop_lists: the KH_STOP_* lists whose words the
 * search sets aside (0: none). *n_words gets the number of words. Returns
 * KH_OK, KH_ERR_NOMEM, KH_ERR_IO (out failed), the analyzer's errors.
 */
kh_status_t kh_analyze_write(FILE *out, kh_output_format_t format, unsigned stop_lists,
                             const char *text, size_t len, size_t *n_words, kh_error_t *err);

#endif
