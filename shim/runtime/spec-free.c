#include <stdlib.h>

#include "cleanup.h"
#include "spec.h"

static void seccomp_free(struct rt_seccomp *sc) {
        if (!sc)
                return;
        for (size_t i = 0; i < sc->n_rules; i++) {
                strv_free(sc->rules[i].names);
                free(sc->rules[i].args);
        }
        free(sc->rules);
        free(sc->arches);
        free(sc);
}

void rt_spec_free(struct rt_spec *s) {
        if (!s)
                return;
        strv_free(s->args);
        strv_free(s->env);
        free(s->cwd);
        free(s->additional_gids);
        free(s->rlimits);
        free(s->root_path);
        free(s->hostname);
        free(s->domainname);
        for (size_t i = 0; i < s->n_mounts; i++) {
                free(s->mounts[i].destination);
                free(s->mounts[i].type);
                free(s->mounts[i].source);
                free(s->mounts[i].data);
        }
        free(s->mounts);
        for (size_t i = 0; i < s->n_namespaces; i++)
                free(s->namespaces[i].path);
        free(s->namespaces);
        free(s->uid_mappings);
        free(s->gid_mappings);
        free(s->cgroups_path);
        free((char *) s->resources.cpuset_cpus);
        free((char *) s->resources.cpuset_mems);
        free((void *) s->resources.device_rules);
        strv_free(s->masked_paths);
        strv_free(s->readonly_paths);
        seccomp_free(s->seccomp);
        for (size_t i = 0; i < s->n_devices; i++)
                free(s->devices[i].path);
        free(s->devices);
        for (size_t i = 0; i < s->n_sysctls; i++) {
                free(s->sysctls[i].key);
                free(s->sysctls[i].value);
        }
        free(s->sysctls);
        free(s);
}
