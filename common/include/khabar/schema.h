/*
 * schema.h - the contract between the indexer and the searcher.
 *
 * Every term prefix, value slot, document-data field and metadata key of a
 * khabar index is defined here and nowhere else.
 *
 * One Xapian document per passage. A passage is an article's title, one of
 * its body paragraphs (or a window of a long paragraph), or one of the
 * related headlines printed under it.
 *
 * Terms
 *   (no prefix)  the stem of every word of the passage (analyzer.h decides
 *                what a stem is), its wdf the word's BM25 weight in the
 *                passage (kh_schema_impact() below), not its count.
 *                No positions: on the 99 MB Arabic news corpus they were
 *                136 of a compacted index's 308 MB and made indexing 1.7x
 *                slower, for the few queries with a phrase, which the
 *                searcher checks on the passage text (searcher/phrase.h).
 *   Q            unique passage id "Q<article-id>#<n>"; add/replace/delete.
 *   XA           article id "XA<article-id>" on each of its passages, so an
 *                article is replaced or deleted as one unit.
 *   K            passage kind: Ktitle, Kbody, Krelated.
 *   L            language code, lower case: Lar, Len.
 *   XS           section, as the normalised form of its words joined by '_'.
 *   D M Y        date as YYYYMMDD, YYYYMM, YYYY (omega's convention).
 *   S            stems of the article's title, without positions, on every
 *                passage of the article: what the title: filter searches;
 *                on the title passage boolean, elsewhere weighed as words
 *                are (kh_schema_impact()), the passage's length being its own.
 *   XNA XNL      the phonetic key (phonetic.h, in lower case) of each word
 *                of the passage that has one: XNA for Arabic-script words,
 *                XNL for Latin-script ones, so that a query word can look
 *                for the other script's spellings of a name. Weighed as
 *                words are (kh_schema_impact()), with the passage's length in
 *                words, which the keys do not change.
 *
 * Value slots
 *   KH_SLOT_ARTICLE_ID  the article id (collapse key for --per-article).
 *   KH_SLOT_DATE        YYYYMMDD, or empty; sorts as a string.
 *   KH_SLOT_ORDINAL     the passage number n, zero-padded to 6 digits.
 *
 * Document data: see kh_schema_article_data_encode() below.
 *
 * Metadata: KH_META_SCHEMA and KH_META_ANALYZER hold the versions below; the
 * searcher refuses an index whose versions differ (asks to re-index).
 */
#ifndef KHABAR_SCHEMA_H
#define KHABAR_SCHEMA_H

#include <stddef.h>

#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bump when the layout below changes. 3: wdf is a word's BM25 weight. 4: XNA, XNL. */
#define KH_SCHEMA_VERSION "4"

#define KH_PREFIX_PASSAGE "Q"
#define KH_PREFIX_ARTICLE "XA"
#define KH_PREFIX_KIND "K"
#define KH_PREFIX_LANG "L"
#define KH_PREFIX_SECTION "XS"
#define KH_PREFIX_DATE "D"
#define KH_PREFIX_MONTH "M"
#define KH_PREFIX_YEAR "Y"
#define KH_PREFIX_TITLE "S"
#define KH_PREFIX_KEY_ARABIC "XNA"
#define KH_PREFIX_KEY_LATIN "XNL"

enum {
    KH_SLOT_ARTICLE_ID = 0,
    KH_SLOT_DATE = 1,
    KH_SLOT_ORDINAL = 2,
};

#define KH_META_SCHEMA "khabar.schema"
#define KH_META_ANALYZER "khabar.analyzer"

/*
 * Term weights are computed when a passage is indexed ("impacts"): the wdf
 * of a term is BM25's term-frequency part for it,
 *
 *     KH_IMPACT_SCALE * (k1 + 1) tf / (k1 ((1 - b) + b max(len / avglen, 0.5)) + tf)
 *
 * rounded, at least 1, with tf the term's count in the passage and len the
 * passage's term count (its article's title stems included, but on the
 * title passage itself). The searcher multiplies it by the term's idf
 * (searcher/plan.c), which is what Xapian's BM25Weight(k1, b) computed at search
 * time, without reading every matching passage's length: on the 99 MB
 * Arabic news corpus that length lookup was a third of a search's
 * instructions (callgrind), and searches ran 1.3x faster without it.
 *
 * Because they are fixed at indexing, k1 and b are index-wide, and avglen
 * is a constant rather than the collection's average: a passage's weights
 * never change when other articles come and go, and every layout of the
 * same articles (shards, batches, order) holds the same weights. The
 * choices were measured on the quality sets (tests/bench/README.md): k1 0.6
 * and b 0.5 as BM25 had them at search time; avglen 50 words (the Arabic
 * news corpus's passages average 50.8; nDCG@10 arcd/kaiflematha/cranfield
 * 0.842/0.955/0.400, with 30 0.838/0.952/0.391, with 100 0.833/0.955/0.396);
 * a scale of 64, which keeps a posting's wdf one byte in Xapian's encoding
 * (at most 64 * 1.6 = 102 < 128) at 1.5% resolution.
 */
#define KH_IMPACT_K1 0.6
#define KH_IMPACT_B 0.5
#define KH_IMPACT_AVGLEN 50.0
#define KH_IMPACT_SCALE 64.0
/* More than kh_schema_impact() ever gives (KH_IMPACT_SCALE * (k1 + 1) = 102.4). */
#define KH_IMPACT_MAX 103

/* The wdf of a term that occurs tf times in a passage of len terms (>= 1). */
unsigned kh_schema_impact(unsigned tf, unsigned len);

/* Separates an article id from the passage number in a passage id. */
#define KH_PASSAGE_ID_SEP '#'

typedef enum {
    KH_KIND_TITLE = 0,
    KH_KIND_BODY = 1,
    KH_KIND_RELATED = 2,
} kh_kind_t;

/* "title", "body", "related"; NULL for an unknown kind. */
const char *kh_kind_name(kh_kind_t kind);

/* Parses a kind name; KH_ERR_ARG when it is none of the three. */
kh_status_t kh_kind_parse(const char *name, kh_kind_t *out);

/*
 * Whether a passage of this kind carries its article's title words as
 * weighed S terms, counted in its length (kh_schema_impact's len): every
 * passage but the title, which has them as words of its own (its S terms
 * are boolean; indexer/document.c says why). The indexer weighs a
 * passage's terms so; feedback, counting wdfs in a passage's stored text
 * (searcher/feedback.c), counts its length by the same rule.
 */
int kh_schema_carries_title(kh_kind_t kind);

/*
 * What the searcher shows for a passage. All strings are UTF-8; NULL is
 * stored as "".
 */
typedef struct kh_passage_data {
    kh_kind_t kind;
    const char *passage_id;
    const char *article_id;
    const char *title;   /* the article's title */
    const char *url;     /* the article's url, or the related headline's own */
    const char *date;    /* ISO 8601 date as given, or "" */
    const char *section; /* as given, or "" */
    const char *text;    /* the passage text exactly as indexed */
    /* Filled by kh_passage_data_decode only: */
    const char *record_id;       /* "" or the passage whose data holds the article's record */
    size_t text_start, text_len; /* the text's bytes in the record's text block */
} kh_passage_data_t;

/*
 * Document data layout (version 2). An article's text is stored once, in
 * the data of its first passage (the "record"), as one block that holds
 * every passage's text: a window that overlaps the one before it adds only
 * its new words. Xapian compresses each document's data with zlib, and a
 * whole article compresses better than its passages one by one (the 99 MB
 * Arabic news corpus, compacted: docdata 71 MB with every passage's own
 * text and title, 50 MB this way). The other passages point into the
 * record.
 *
 * Every passage, one line each: "khabar2", kind, passage_id, article_id,
 * its own url (a related headline's; "" means the article's), record_id
 * ("" on the record itself), and "START LEN" (its text in the block). The
 * record then has one line each for title, url, date, section, and the
 * block, which runs to the end and may hold newlines. Line breaks inside
 * the one-line fields are stored as spaces.
 *
 * Encodes the n >= 1 passages p[0..n) of one article; p[0] becomes the
 * record and gives the title, url, date and section. out[i] (NUL-terminated,
 * free() each) and out_len[i] receive passage i's data; on failure every
 * out[i] is NULL. Returns KH_OK or KH_ERR_NOMEM.
 */
kh_status_t kh_schema_article_data_encode(const kh_passage_data_t *p, size_t n, char **out,
                                          size_t *out_len, kh_error_t *err);

/*
 * Decodes one passage's data into *out. The strings of *out point into
 * *storage, a buffer that belongs to the caller (free()). On the record
 * every field is filled; on another passage title, url (unless its own),
 * date, section and text are NULL until kh_passage_data_attach() is given
 * the data of the passage named by out->record_id. Returns KH_ERR_FORMAT
 * when data is not version-2 passage data, KH_ERR_NOMEM.
 */
kh_status_t kh_passage_data_decode(const char *data, size_t len, kh_passage_data_t *out,
                                   char **storage, kh_error_t *err);

/*
 * Completes *p (decoded, not a record) from its record's data: *storage is
 * replaced by a new buffer that holds every string of *p. KH_ERR_FORMAT when
 * record is not the record of p's article, KH_ERR_NOMEM.
 */
kh_status_t kh_passage_data_attach(kh_passage_data_t *p, char **storage, const char *record,
                                   size_t record_len, kh_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
