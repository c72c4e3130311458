/*
 * fuzz_query - libFuzzer target for the query parsers. Flat: every clause
 * must lie inside the query, in order, and a date clause must have parsed.
 * Tree: every word's span lies inside the query, in order, a node other than
 * a word has children, the depth stays bounded, the notes say something, and
 * the S-expression prints. Either: a rejected query must say why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* Checks node and what is below it; *last is the end of the previous word. */
static void check_node(const kh_query_node_t *node, size_t size, size_t depth, size_t *last)
{
    /* Each '(' adds at most an OR, an AND, a list and a list of one (-(-x)). */
    if (depth > 4 * (KH_QUERY_MAX_DEPTH + 1))
        abort();
    if (node->kind == KH_NODE_WORD) {
        if (node->start > node->end || node->end > size || node->start < *last || node->children)
            abort();
        if ((node->flags & KH_NODE_PREFIX) && node->start == node->end)
            abort();
        *last = node->end;
        return;
    }
    if (node->n_children == 0 || (node->n_children == 1 && node->kind != KH_NODE_LIST))
        abort();
    for (size_t k = 0; k < node->n_children; k++)
        check_node(node->children[k], size, depth + 1, last);
}

static void fuzz_tree(const char *query, size_t size)
{
    kh_query_tree_t tree;
    kh_error_t err = {KH_OK, ""};
    kh_status_t st = kh_query_parse_tree(query, size, &tree, &err);
    if (st) {
        if ((st != KH_ERR_QUERY && st != KH_ERR_NOMEM) || !err.message[0] || tree.root)
            abort();
        return;
    }
    size_t last = 0;
    if (tree.root)
        check_node(tree.root, size, 0, &last);
    if (tree.n_notes > KH_QUERY_MAX_NOTES ||
        (tree.notes_dropped && tree.n_notes < KH_QUERY_MAX_NOTES))
        abort();
    for (size_t k = 0; k < tree.n_notes; k++)
        if (!tree.notes[k][0])
            abort();
    char *printed = NULL;
    if (kh_query_tree_sexpr(query, tree.root, &printed, NULL) == KH_OK && !printed)
        abort();
    free(printed);
    kh_query_tree_free(&tree);
}

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
    fuzz_tree(query, size);
    free(query);
    return 0;
}
