#include "analyze.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/analyzer.h"
#include "khabar/schema.h"
#include "khabar/stopwords.h"

typedef struct analysis {
    FILE *out;
    kh_output_format_t format;
    const kh_stopwords_t *stopwords;
    const char *text;
    size_t n_words;
} analysis_t;

static const char *script_name(kh_script_t script)
{
    switch (script) {
    case KH_SCRIPT_LATIN:
        return "latin";
    case KH_SCRIPT_ARABIC:
        return "arabic";
    case KH_SCRIPT_DIGIT:
        return "digit";
    default:
        return "other";
    }
}

/* A JSON string of s[0, len); invalid UTF-8 (a word of typed bytes) as U+FFFD. */
static json_t *json_text(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    return j ? j : json_string("\xEF\xBF\xBD");
}

static kh_status_t write_json(analysis_t *a, const kh_token_t *tok, const char *key, int stop,
                              kh_error_t *err)
{
    json_t *obj = json_object(), *terms = json_array();
    int complete = obj && terms;
    complete &=
        !json_object_set_new(obj, "word", json_text(a->text + tok->start, tok->end - tok->start));
    complete &= !json_object_set_new(obj, "start", json_integer((json_int_t)tok->start));
    complete &= !json_object_set_new(obj, "end", json_integer((json_int_t)tok->end));
    complete &= !json_object_set_new(obj, "norm", json_text(tok->norm, tok->norm_len));
    complete &= !json_array_append_new(terms, json_text(tok->term, tok->term_len));
    if (key[0])
        complete &= !json_array_append_new(terms, json_text(key, strlen(key)));
    complete &= !json_object_set(obj, "terms", terms);
    complete &=
        !json_object_set_new(obj, "key", key[0] ? json_text(key, strlen(key)) : json_null());
    complete &= !json_object_set_new(obj, "stop", json_boolean(stop));
    complete &= !json_object_set_new(obj, "script", json_string(script_name(tok->script)));
    char *json = complete ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(terms);
    json_decref(obj);
    if (!json)
        return kh_error_set(err, KH_ERR_NOMEM, "cannot build the JSON of a word");
    fprintf(a->out, "%s\n", json);
    free(json);
    return KH_OK;
}

static kh_status_t analyse_token(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    analysis_t *a = ctx;
    /* The name key as the index holds it: prefixed by the word's script (schema.h). */
    char key[KH_TOKEN_FORM_MAX + 8] = "";
    if (tok->key_len)
        snprintf(key, sizeof key, "%s%s",
                 tok->script == KH_SCRIPT_ARABIC ? KH_PREFIX_KEY_ARABIC : KH_PREFIX_KEY_LATIN,
                 tok->key);
    int stop = kh_stopwords_has(a->stopwords, tok->norm, tok->norm_len);
    const char *word = a->text + tok->start;
    int word_len = (int)(tok->end - tok->start);
    a->n_words++;
    switch (a->format) {
    case KH_OUTPUT_TEXT:
        fprintf(a->out, "%.*s  norm %s  term %s%s%s  %s%s\n", word_len, word, tok->norm, tok->term,
                key[0] ? "  key " : "", key, script_name(tok->script), stop ? "  stop word" : "");
        break;
    case KH_OUTPUT_JSON:
        return write_json(a, tok, key, stop, err);
    default:
        fprintf(a->out, "%.*s\t%s\t%s\t%s\t%s\t%s\n", word_len, word, tok->norm, tok->term, key,
                stop ? "stop" : "", script_name(tok->script));
    }
    return KH_OK;
}

kh_status_t kh_analyze_write(FILE *out, kh_output_format_t format, unsigned stop_lists,
                             const char *text, size_t len, size_t *n_words, kh_error_t *err)
{
    *n_words = 0;
    kh_analyzer_t *analyzer = NULL;
    kh_stopwords_t *stopwords = NULL;
    kh_status_t st = kh_analyzer_new(&analyzer, err);
    if (!st && stop_lists)
        st = kh_stopwords_new(analyzer, stop_lists, &stopwords, err);
    analysis_t a = {out, format, stopwords, text, 0};
    if (!st)
        st = kh_analyzer_run(analyzer, text, len, analyse_token, &a, err);
    kh_stopwords_free(stopwords);
    kh_analyzer_free(analyzer);
    *n_words = a.n_words;
    if (!st && ferror(out))
        st = kh_error_set(err, KH_ERR_IO, "cannot write the analysis");
    return st;
}
