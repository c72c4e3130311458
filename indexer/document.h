/*
 * document.h - an article into the Xapian documents of its passages.
 *
 * A builder cuts an article into passages (passage.h), analyses them and
 * builds one document per passage: the weighed terms (title stems, phonetic
 * keys), the boolean terms, the values and the stored data that schema.h
 * describes. It needs no database, so the pipeline runs one per analysis
 * thread (the analyzer inside is per thread) and hands the result to the
 * writer of the article's shard (writer.h).
 */
#ifndef KHABAR_DOCUMENT_H
#define KHABAR_DOCUMENT_H

#include <stddef.h>

#include "article.h"
#include "khabar/status.h"
#include "khabar/xdb.h"
#include "passage.h"

typedef struct kh_builder kh_builder_t;

/* An article's documents, one per passage in passage order, with its id. */
typedef struct kh_prepared kh_prepared_t;

/*
 * A builder cutting passages as opts says (NULL: kh_passage_opts_default()).
 * *out belongs to the caller (kh_builder_free()). Statuses: KH_OK,
 * KH_ERR_NOMEM, those of kh_analyzer_new().
 */
kh_status_t kh_builder_new(const kh_passage_opts_t *opts, kh_builder_t **out, kh_error_t *err);

/* Frees b; accepts NULL. */
void kh_builder_free(kh_builder_t *b);

/*
 * Cuts a into passages and builds their documents. *out belongs to the
 * caller (kh_prepared_free()) and does not borrow from a or b. Statuses:
 * KH_OK, KH_ERR_ARG (an id or value too long for a term: the message
 * names it), KH_ERR_NOMEM, those of kh_article_passages().
 */
kh_status_t kh_builder_build(kh_builder_t *b, const kh_article_t *a, kh_prepared_t **out,
                             kh_error_t *err);

/* The article's id; borrowed from p. */
const char *kh_prepared_id(const kh_prepared_t *p);
/* Passages of p (0 for NULL). */
size_t kh_prepared_passages(const kh_prepared_t *p);
/* The documents, kh_prepared_passages(p) of them; borrowed from p. */
kh_doc_t *const *kh_prepared_docs(const kh_prepared_t *p);
/* Frees p; accepts NULL. */
void kh_prepared_free(kh_prepared_t *p);

#endif
