/*
 * Whiteouts: how a layer says "this path from the layers below is gone".
 * Archives use AUFS names (".wh.NAME" deletes NAME, ".wh..wh..opq" makes its
 * directory opaque); overlayfs wants a 0/0 character device named NAME and the
 * xattr trusted.overlay.opaque=y on the directory. Layers are kept on disk in
 * the overlay form whatever the storage driver: the copy driver applies them
 * itself, and save turns them back into AUFS names.
 */
#pragma once

#define LAYER_WHITEOUT_PREFIX ".wh."
#define LAYER_WHITEOUT_OPAQUE ".wh..wh..opq"
#define LAYER_WHITEOUT_META_PREFIX ".wh..wh."
#define LAYER_OPAQUE_XATTR "trusted.overlay.opaque"

enum layer_whiteout_kind {
        LAYER_ENTRY_PLAIN,      /* an ordinary entry */
        LAYER_ENTRY_WHITEOUT,   /* ".wh.NAME": NAME is deleted */
        LAYER_ENTRY_OPAQUE,     /* ".wh..wh..opq": the directory hides everything below */
        LAYER_ENTRY_META,       /* other ".wh..wh.*" (AUFS bookkeeping): skipped */
        LAYER_ENTRY_INVALID,    /* ".wh." with no usable name after it */
};

/*
 * Classifies the last component of a cleaned archive path. For a whiteout,
 * *ret_target points into base at the name being deleted.
 */
enum layer_whiteout_kind layer_whiteout_classify(const char *base, const char **ret_target);
