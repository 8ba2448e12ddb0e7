/*
 * HostConfig.Dns, DnsSearch, DnsOptions and ExtraHosts: the daemon writes
 * them into the container's resolv.conf and hosts, so each one must be a
 * single well-formed token; a newline or a space in one would add lines or
 * fields of the user's choosing to those files.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ctr-config-internal.h"
#include "ctr-json.h"

static bool is_ip(const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];
        return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Printable, no blanks: one token of a resolv.conf or hosts line. */
static bool is_token(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s <= ' ' || *s == 0x7f || *s == '#')
                        return false;
        return true;
}

static int check_extra_host(const char *e, struct ctrd_error *err) {
        /* "name:address"; the address may itself contain ':' (IPv6). */
        const char *colon = strchr(e, ':');
        char name[256];

        if (!colon || colon == e || (size_t) (colon - e) >= sizeof(name))
                return ctrd_error_set(err, EINVAL, "bad format for add-host: \"%s\"", e);
        memcpy(name, e, (size_t) (colon - e));
        name[colon - e] = '\0';
        if (!is_token(name))
                return ctrd_error_set(err, EINVAL, "bad format for add-host: \"%s\"", e);
        if (!is_ip(colon + 1))
                return ctrd_error_set(err, EINVAL, "invalid IP address in add-host: \"%s\"",
                                      colon + 1);
        return 0;
}

int ctr_dns_check(json_t *host, struct ctrd_error *err) {
        json_t *v;
        size_t i;
        int r;

        json_array_foreach(ctr_jget(host, "Dns"), i, v)
                if (!is_ip(json_string_value(v)))
                        return ctrd_error_set(err, EINVAL, "%s is not an ip address",
                                              json_string_value(v));
        json_array_foreach(ctr_jget(host, "DnsSearch"), i, v)
                if (!is_token(json_string_value(v)))
                        return ctrd_error_set(err, EINVAL, "invalid DNS search domain: \"%s\"",
                                              json_string_value(v));
        json_array_foreach(ctr_jget(host, "DnsOptions"), i, v)
                if (!is_token(json_string_value(v)))
                        return ctrd_error_set(err, EINVAL, "invalid DNS option: \"%s\"",
                                              json_string_value(v));
        json_array_foreach(ctr_jget(host, "ExtraHosts"), i, v)
                if ((r = check_extra_host(json_string_value(v), err)) < 0)
                        return r;
        return 0;
}
