/*
 * fuzz_analyzer - libFuzzer target for kh_analyzer_run: any bytes, valid
 * UTF-8 or not, must come out as tokens whose spans lie inside the input,
 * in order, with consecutive positions.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/analyzer.h"

static kh_analyzer_t *analyzer;

typedef struct check {
    size_t len, last_end;
    unsigned last_position;
} check_t;

static kh_status_t check_token(void *ctx, const kh_token_t *tok, kh_error_t *err)
{
    (void)err;
    check_t *c = ctx;
    /* abort() rather than assert(): the checks must hold in release builds too. */
    if (tok->start >= tok->end || tok->end > c->len || tok->start < c->last_end)
        abort();
    if (tok->position != c->last_position + 1)
        abort();
    if (!tok->term || !tok->term[0])
        abort();
    c->last_end = tok->end;
    c->last_position = tok->position;
    return KH_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!analyzer && kh_analyzer_new(&analyzer, NULL))
        abort();
    /* A private copy, so that a read past the end is caught by ASan. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    check_t c = {size, 0, 0};
    if (kh_analyzer_run(analyzer, text, size, check_token, &c, NULL))
        abort();
    free(text);
    return 0;
}
