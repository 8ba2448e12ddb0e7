/*
 * HostConfig.SecurityOpt as the docker CLI sends it: "no-new-privileges"
 * (optionally ":true"/"=false"), "seccomp=unconfined", "seccomp=<profile
 * JSON>" (the CLI inlines the file's content). "apparmor=" and "label="
 * options are accepted and have no effect: this engine has no LSM support,
 * so there is nothing they could relax.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "error.h"

struct ctr_secopt {
        bool no_new_privileges;
        bool seccomp_unconfined;
        json_t *seccomp_profile;        /* a custom profile (Docker's format), or NULL */
};

int ctr_secopt_parse(json_t *list, struct ctr_secopt *ret, struct ctrd_error *err);
void ctr_secopt_done(struct ctr_secopt *so);
