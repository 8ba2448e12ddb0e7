/*
 * The containment rules for names inside a layer archive. Names are cleaned
 * lexically (as Go's filepath.Clean does for Docker): a leading "/" or "./"
 * is dropped, "." and empty components vanish, ".." removes the component
 * before it. A name whose ".." climbs above the layer root is refused rather
 * than clamped, because an archive that tries it is hostile, not sloppy.
 *
 * Cleaning alone does not stop a name from walking through a symlink made by
 * an earlier entry; the extractor resolves every parent directory inside the
 * layer root (layer-extract.c), so this module only decides what a name means.
 */
#pragma once

#include <stdbool.h>

/*
 * Cleans name into *ret (heap; "" is the layer root itself). Returns
 * -EXDEV when the name escapes the root, -EINVAL when it is empty.
 */
int layer_path_clean(const char *name, char **ret);

/*
 * true when a symlink stored at the cleaned path entry with the given target
 * stays inside the root when read lexically from the entry's directory (an
 * absolute target counts from the root, as it will inside the container).
 */
bool layer_path_symlink_contained(const char *entry, const char *target);
