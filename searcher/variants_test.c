/*
 * Unit tests for the keys one letter away (variants.h): a key, then every
 * key expected, in order (letters left out first, then l m n r put in).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "variants.h"

static const struct {
    const char *key;
    const char *near; /* space-separated */
} rows[] = {
    /* زوكبيرغ and زوكربيرغ: each finds the other. */
    {"skbrk", "kbrk sbrk skrk skbk skbr lskbrk mskbrk nskbrk rskbrk slkbrk smkbrk snkbrk "
              "srkbrk sklbrk skmbrk sknbrk skrbrk skblrk skbmrk skbnrk skbrlk skbrmk skbrnk "
              "skbrkl skbrkm skbrkn skbrkr"},
    /* skrrk is no key: two r in a row are written once. */
    {"skrbrk", "krbrk srbrk skbrk skrbk skrbr lskrbrk mskrbrk nskrbrk rskrbrk slkrbrk smkrbrk "
               "snkrbrk srkrbrk sklrbrk skmrbrk sknrbrk skrlbrk skrmbrk skrnbrk skrblrk skrbmrk "
               "skrbnrk skrbrlk skrbrmk skrbrnk skrbrkl skrbrkm skrbrkn skrbrkr"},
    /* Three letters: none shorter; l put in beside l is written once. */
    {"klm", "lklm mklm nklm rklm kmlm knlm krlm klnm klrm klml klmn klmr"},
};

static void near_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char near[KH_VARIANTS_MAX][KH_PHONETIC_MAX + 1];
        size_t n = kh_variants_near_keys(rows[i].key, near, KH_VARIANTS_MAX);
        char got[4096] = "";
        for (size_t j = 0; j < n; j++) {
            if (j)
                strcat(got, " ");
            strcat(got, near[j]);
        }
        if (strcmp(got, rows[i].near) != 0)
            fail_msg("%s: got\n%s\nexpected\n%s", rows[i].key, got, rows[i].near);
    }
}

/* The list stops at max. */
static void stops_at_max(void **state)
{
    (void)state;
    char near[3][KH_PHONETIC_MAX + 1];
    assert_int_equal(kh_variants_near_keys("skbrk", near, 3), 3);
    assert_string_equal(near[2], "skrk");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(near_keys),
        cmocka_unit_test(stops_at_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
