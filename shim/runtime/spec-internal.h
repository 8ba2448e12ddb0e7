/* Shared between spec.c and spec-linux.c only. */
#pragma once

#include <jansson.h>

#include "spec.h"

int rt_spec_parse_linux(json_t *root, struct rt_spec *s, struct ctrd_error *err);

static inline void rt_spec_freep(struct rt_spec **s) {
        rt_spec_free(*s);
}

static inline void rt_json_decrefp(json_t **j) {
        json_decref(*j);
}

int rt_spec_parse_seccomp(json_t *lx, struct rt_spec *s, struct ctrd_error *err);
