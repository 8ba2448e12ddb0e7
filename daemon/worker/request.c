/* Reading the request's fields. */
#include "worker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

int worker_strv(json_t *a, char ***ret) {
        size_t i, n = json_array_size(a);
        json_t *v;
        if (a && !json_is_array(a))
                return -EINVAL;
        char **l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        json_array_foreach(a, i, v)
                if (!json_is_string(v) || !(l[i] = strdup(json_string_value(v)))) {
                        strv_free(l);
                        return json_is_string(v) ? -ENOMEM : -EINVAL;
                }
        *ret = l;
        return 0;
}
