/*
 * Docker's hijacked connections (attach, exec start): a 101 answer with
 * "Upgrade: tcp", after which the socket carries raw bytes. ctrd does not
 * relay them: the owner gets its own copy of the client socket (to hand to
 * the container's shim with SCM_RIGHTS, so bytes flow shim <-> client
 * without passing through the daemon), and libmicrohttpd lets go of its copy
 * when the owner calls api_hijack_release().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

/*
 * docker-py reads the stream from the raw socket behind its buffered HTTP
 * reader and loses bytes that arrive together with the 101 (docker-api.md
 * 0.4): whoever may write at once gets the socket this long after the switch.
 */
#define API_HIJACK_FIRST_WRITE_DELAY_MS 5

struct api_hijack;

/*
 * Called delay_ms after the 101 has been handed to the kernel. client_fd is
 * the owner's (close-on-exec, blocking) copy of the client socket, -1 if it
 * could not be made; extra_len counts bytes the client sent after its headers
 * (early stdin, which MHD has consumed). The owner must call
 * api_hijack_release(h) once, after which h is gone.
 */
typedef void (*api_hijack_fn)(struct api_hijack *h, int client_fd, size_t extra_len,
                              void *userdata);

/* Answers 101 with the stream's Content-Type; fn runs delay_ms after the switch. */
int api_reply_upgrade(struct api_request *req, const char *content_type, unsigned delay_ms,
                      api_hijack_fn fn, void *userdata);

/* Whether the client asked for the upgrade (Connection: Upgrade, Upgrade: tcp). */
bool api_request_wants_upgrade(struct api_request *req);

/* Lets libmicrohttpd close its side; the owner's copy stays open. */
void api_hijack_release(struct api_hijack *h);
