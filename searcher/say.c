/* The searcher's message line (say.h). */
#include "say.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "khabar/display.h"

void kh_say(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kh_vsay(f, fmt, ap);
    va_end(ap);
}

void kh_vsay(FILE *f, const char *fmt, va_list ap)
{
    char small[1024], *message = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(again);
        return;
    }
    if ((size_t)n >= sizeof small && (message = malloc((size_t)n + 1)))
        vsnprintf(message, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!message) /* out of memory: the start of it, cleaned all the same */
        message = small, n = (int)strlen(small);
    char shown[2048];
    size_t need = kh_display_clean(message, (size_t)n, shown, sizeof shown);
    char *big = need < sizeof shown ? NULL : malloc(need + 1);
    if (big)
        kh_display_clean(message, (size_t)n, big, need + 1);
    fprintf(f, "searcher: %s\n", big ? big : shown);
    free(big);
    if (message != small)
        free(message);
}
