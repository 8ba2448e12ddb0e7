/* The "Mounts" list of inspect, in Docker's shape; see ctr-mounts.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "ctr-mounts.h"
#include "ctr-spec.h"

static json_t *volume_entry(const struct ctr_mount *m, const char *id, const char *root) {
        _cleanup_free_ char *src = NULL;
        char anon[65];

        if (!m->source && ctr_spec_anonymous_volume(id, m->target, anon) < 0)
                return NULL;
        const char *name = m->source ?: anon;
        if (root && asprintf(&src, "%s/%s/_data", root, name) < 0)
                return NULL;
        return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "Type", "volume", "Name", name,
                         "Source", src ?: "", "Destination", m->target, "Driver", "local",
                         "Mode", m->mode ?: "", "RW", !m->readonly, "Propagation", "");
}

static json_t *entry(const struct ctr_mount *m, const char *id, const char *root) {
        switch (m->type) {
        case CTR_MOUNT_BIND:
                return json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "Type", "bind", "Source", m->source,
                                 "Destination", m->target, "Mode", m->mode ?: "", "RW",
                                 !m->readonly, "Propagation", m->propagation ?: "rprivate");
        case CTR_MOUNT_VOLUME:
                return volume_entry(m, id, root);
        default:
                return json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "Type", "tmpfs", "Source", "",
                                 "Destination", m->target, "Mode", "", "RW", !m->readonly,
                                 "Propagation", "");
        }
}

int ctr_mounts_inspect(json_t *config, json_t *host, const char *id, const char *volumes_root,
                       json_t **ret, struct ctrd_error *err) {
        _cleanup_(ctr_mounts_free) struct ctr_mounts m = { 0 };
        json_t *list = json_array();
        int r;

        if (!list)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if ((r = ctr_mounts_parse(config, host, &m, err)) < 0) {
                json_decref(list);
                return r;
        }
        for (size_t i = 0; i < m.n; i++) {
                if (m.v[i].origin == CTR_FROM_TMPFS)
                        continue;
                if (json_array_append_new(list, entry(&m.v[i], id, volumes_root)) < 0) {
                        json_decref(list);
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                }
        }
        *ret = list;
        return 0;
}
