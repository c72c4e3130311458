#include "khabar/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

kh_status_t kh_default_index_path(char *out, size_t size, kh_error_t *err)
{
    const char *explicit_path = getenv("KHABAR_INDEX");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;
    if (explicit_path && explicit_path[0])
        n = snprintf(out, size, "%s", explicit_path);
    else if (xdg && xdg[0] == '/')
        n = snprintf(out, size, "%s/khabar/index", xdg);
    else if (home && home[0])
        n = snprintf(out, size, "%s/.local/share/khabar/index", home);
    else
        return kh_error_set(err, KH_ERR_ARG,
                            "no default index: set KHABAR_INDEX or HOME, or give -d INDEX");
    if (n < 0 || (size_t)n >= size)
        return kh_error_set(err, KH_ERR_ARG, "default index path is too long");
    return KH_OK;
}

kh_status_t kh_make_parent_dirs(const char *path, kh_error_t *err)
{
    char *dir = strdup(path);
    if (!dir)
        return kh_error_set(err, KH_ERR_NOMEM, NULL);
    char *slash = strrchr(dir, '/');
    kh_status_t st = KH_OK;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; !st; p++) {
            int last = *p == '\0';
            if (*p != '/' && !last)
                continue;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                st = kh_error_set(err, KH_ERR_IO, "%s: cannot create folder: %s", dir,
                                  strerror(errno));
            if (last)
                break;
            *p = '/';
        }
    }
    free(dir);
    return st;
}
