/*
 * Docker's detach keys: a key sequence typed on an attached terminal
 * (default ctrl-p ctrl-q) ends that client's attach, or its exec stream,
 * without stopping anything. The matcher sits on the client's input: bytes
 * that may begin the sequence are held back until it is complete (then
 * they are dropped and the client detaches) or broken (then they go on to
 * the process, as typed). As with dockerd, only a terminal's input is
 * watched: a pipe may carry those bytes as data.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SHIM_DETACH_MAX 16
#define SHIM_DETACH_DEFAULT "ctrl-p,ctrl-q"

struct shim_detach {
        uint8_t keys[SHIM_DETACH_MAX];
        size_t len;                     /* 0: no detach keys */
        size_t pos;                     /* how much of keys the input has matched so far */
};

/*
 * Parses Docker's --detach-keys syntax: a comma list of single characters
 * and "ctrl-X" (X in a-z, @, [, \, ], ^, _). NULL or "" is the default.
 */
int shim_detach_parse(const char *spec, struct shim_detach *ret, struct ctrd_error *err);

/*
 * Passes n bytes of input through d into out, which has room for
 * n + SHIM_DETACH_MAX bytes; returns how many bytes out holds. Sets
 * *ret_detach when the keys were completed (the input after them is dropped).
 */
size_t shim_detach_filter(struct shim_detach *d, const char *in, size_t n, char *out, bool *ret_detach);
