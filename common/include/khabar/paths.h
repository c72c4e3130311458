/*
 * paths.h - where the index lives when the user names none.
 */
#ifndef KHABAR_PATHS_H
#define KHABAR_PATHS_H

#include <stddef.h>

#include "khabar/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The default index, the same for the indexer and the searcher:
 * $KHABAR_INDEX when set and not empty, else $XDG_DATA_HOME/khabar/index,
 * else $HOME/.local/share/khabar/index (the XDG base-directory rule, so the
 * index is found from any working directory). Writes it to out; KH_ERR_ARG
 * when it does not fit or neither HOME nor XDG_DATA_HOME is set.
 */
kh_status_t kh_default_index_path(char *out, size_t size, kh_error_t *err);

/*
 * Creates the folders above path (like mkdir -p of its parent), so a new
 * index can be made at a fresh location. KH_ERR_IO with the folder's name
 * when one cannot be made.
 */
kh_status_t kh_make_parent_dirs(const char *path, kh_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
