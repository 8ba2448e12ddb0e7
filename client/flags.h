/*
 * Parsers for the values of ctrctl's container flags, spelled and checked as
 * the docker CLI does (its go-units and opts packages). Each returns 0 or
 * -EINVAL and, on failure, fills err with the one-line reason the verb
 * prints. None of them talks to the daemon, so they are unit-tested alone.
 */
#pragma once

#include <jansson.h>
#include <stdint.h>

#include "error.h"

/* "32m", "1.5g", "512", "64MiB": binary units as go-units RAMInBytes. */
int ctl_parse_ram(const char *s, int64_t *ret, struct ctrd_error *err);

/* --memory-swap: ctl_parse_ram, or "-1" for unlimited swap. */
int ctl_parse_swap(const char *s, int64_t *ret, struct ctrd_error *err);

/* --cpus "0.5" → NanoCpus 500000000; at most nine decimals (the range is the daemon's check). */
int ctl_parse_cpus(const char *s, int64_t *ret, struct ctrd_error *err);

/* A whole number in [min, max], named in the error as the flag. */
int ctl_parse_int_flag(const char *flag, const char *s, int64_t min, int64_t max, int64_t *ret,
                       struct ctrd_error *err);

/* -e K=V appended to the array; -e K takes K from our environment (dropped when unset). */
int ctl_add_env(json_t *env, const char *s, struct ctrd_error *err);

/* --env-file: KEY=VALUE lines, '#' comments and blank lines skipped. */
int ctl_add_env_file(json_t *env, const char *path, struct ctrd_error *err);

/* -l k=v (or -l k, value "") into the Labels object. */
int ctl_add_label(json_t *labels, const char *s, struct ctrd_error *err);

/* -v src:dst[:opts] → Binds; -v /dst alone → an anonymous volume in Volumes. */
int ctl_add_volume(json_t *binds, json_t *volumes, const char *s, struct ctrd_error *err);

/* --mount type=bind,source=/a,target=/b,readonly → one Mounts entry. */
int ctl_add_mount(json_t *mounts, const char *s, struct ctrd_error *err);

/* --tmpfs /x[:opts] → Tmpfs {"/x": "opts"}. */
int ctl_add_tmpfs(json_t *tmpfs, const char *s, struct ctrd_error *err);

/* --ulimit nofile=1024[:2048] → {"Name","Soft","Hard"}. */
int ctl_add_ulimit(json_t *ulimits, const char *s, struct ctrd_error *err);

/* --cap-add/--cap-drop: uppercased with the CAP_ prefix docker adds ("ALL" stays). Heap result. */
char *ctl_normalize_capability(const char *s);

/* --restart no|always|unless-stopped|on-failure[:N] → {"Name","MaximumRetryCount"}. */
int ctl_parse_restart(const char *s, json_t **ret, struct ctrd_error *err);

/*
 * --security-opt: no-new-privileges[=bool], seccomp=unconfined|PROFILE,
 * apparmor=, label=. As the docker CLI does, a seccomp profile path is read
 * here and sent as its compact JSON text.
 */
int ctl_add_security_opt(json_t *opts, const char *s, struct ctrd_error *err);

/* --filter k=v, repeated → Docker's filters JSON {"k":{"v":true}}. */
int ctl_add_filter(json_t *filters, const char *s, struct ctrd_error *err);

/*
 * --since/--until for logs and events: a Go duration ("2s", "1h30m") counted
 * back from now, an RFC 3339 time, or a Unix time passed through, as the
 * value the API expects ("1795911497" or "1795911497.000000000").
 */
int ctl_parse_timestamp(const char *s, int64_t now, char **ret, struct ctrd_error *err);

/* A Go duration ("1.5s", "2h45m", "300ms") in nanoseconds. */
int ctl_parse_duration(const char *s, int64_t *ret_ns, struct ctrd_error *err);
