#include "layer-whiteout.h"

#include <string.h>

enum layer_whiteout_kind layer_whiteout_classify(const char *base, const char **ret_target) {
        if (ret_target)
                *ret_target = NULL;
        if (strncmp(base, LAYER_WHITEOUT_PREFIX, strlen(LAYER_WHITEOUT_PREFIX)) != 0)
                return LAYER_ENTRY_PLAIN;
        if (strcmp(base, LAYER_WHITEOUT_OPAQUE) == 0)
                return LAYER_ENTRY_OPAQUE;
        if (strncmp(base, LAYER_WHITEOUT_META_PREFIX, strlen(LAYER_WHITEOUT_META_PREFIX)) == 0)
                return LAYER_ENTRY_META;
        const char *target = base + strlen(LAYER_WHITEOUT_PREFIX);
        if (!*target || strcmp(target, ".") == 0 || strcmp(target, "..") == 0 ||
            strchr(target, '/'))
                return LAYER_ENTRY_INVALID;
        if (ret_target)
                *ret_target = target;
        return LAYER_ENTRY_WHITEOUT;
}
