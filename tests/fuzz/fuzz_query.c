/*
 * fuzz_query - libFuzzer target for the query parser: every clause must lie
 * inside the query, in order, and a date clause must have parsed; a
 * rejected query must say why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private copy without a terminating NUL: the parser must respect len. */
    char *query = malloc(size ? size : 1);
    if (!query)
        return 0;
    memcpy(query, data, size);
    kh_parsed_query_t parsed;
    kh_error_t err = {KH_OK, ""};
    kh_status_t st = kh_query_parse(query, size, &parsed, &err);
    if (st) {
        if (st != KH_ERR_QUERY && st != KH_ERR_NOMEM)
            abort();
        if (!err.message[0] || parsed.clauses || parsed.n)
            abort();
    } else {
        size_t last = 0;
        for (size_t i = 0; i < parsed.n; i++) {
            const kh_clause_t *c = &parsed.clauses[i];
            if (c->start > c->end || c->end > size || c->start < last)
                abort();
            last = c->end;
            if (c->field == KH_FIELD_DATE) {
                char lo[9], hi[9];
                if (kh_query_date_range(query + c->start, c->end - c->start, lo, hi, NULL))
                    abort();
                if (strlen(lo) > 8 || strlen(hi) > 8)
                    abort();
            }
        }
        kh_parsed_query_free(&parsed);
    }
    free(query);
    return 0;
}
