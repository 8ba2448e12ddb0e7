#include "stdio-frame.h"

#include <errno.h>

void shim_frame_header(uint8_t hdr[static SHIM_FRAME_HEADER_SIZE], enum shim_stream s, uint32_t len) {
        hdr[0] = (uint8_t) s;
        hdr[1] = hdr[2] = hdr[3] = 0;
        hdr[4] = (uint8_t) (len >> 24);
        hdr[5] = (uint8_t) (len >> 16);
        hdr[6] = (uint8_t) (len >> 8);
        hdr[7] = (uint8_t) len;
}

int shim_frame_parse(const uint8_t hdr[static SHIM_FRAME_HEADER_SIZE], enum shim_stream *ret_stream,
                     uint32_t *ret_len) {
        /* Stream 3 is Docker's "system error" frame, which only the daemon sends. */
        if (hdr[0] > SHIM_STREAM_STDERR || hdr[1] || hdr[2] || hdr[3])
                return -EINVAL;
        *ret_stream = (enum shim_stream) hdr[0];
        *ret_len = (uint32_t) hdr[4] << 24 | (uint32_t) hdr[5] << 16 | (uint32_t) hdr[6] << 8 | hdr[7];
        return 0;
}
