/*
 * Docker's multiplexed stream framing (docker-api.md 3.2), used on attach
 * streams of containers without a TTY: an 8-byte header (stream number, three
 * zero bytes, big-endian payload length) before each chunk of output.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "logfile-json.h"

#define SHIM_FRAME_HEADER_SIZE 8

void shim_frame_header(uint8_t hdr[static SHIM_FRAME_HEADER_SIZE], enum shim_stream s, uint32_t len);

/* Decodes a header; -EINVAL when the stream byte is unknown or the padding is not zero. */
int shim_frame_parse(const uint8_t hdr[static SHIM_FRAME_HEADER_SIZE], enum shim_stream *ret_stream,
                     uint32_t *ret_len);
