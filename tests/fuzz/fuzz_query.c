/*
 * fuzz_query - libFuzzer target for the query parser (the tree): every
 * word's span lies inside the query, in order, a date word's value parses,
 * a node other than a word has children, the depth stays bounded, the notes
 * say something, and the S-expression prints; a rejected query must say why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* Checks node and what is below it; *last is the end of the previous word. */
static void check_node(const char *query, const kh_query_node_t *node, size_t size, size_t depth,
                       size_t *last)
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
        char lo[9], hi[9];
        if (node->field == KH_FIELD_DATE &&
            (kh_query_date_range(query + node->start, node->end - node->start, lo, hi, NULL) ||
             strlen(lo) > 8 || strlen(hi) > 8))
            abort();
        return;
    }
    if (node->n_children == 0 || (node->n_children == 1 && node->kind != KH_NODE_LIST))
        abort();
    for (size_t k = 0; k < node->n_children; k++)
        check_node(query, node->children[k], size, depth + 1, last);
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
        check_node(query, tree.root, size, 0, &last);
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
    fuzz_tree(query, size);
    free(query);
    return 0;
}
