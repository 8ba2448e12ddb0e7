/*
 * The log text is whatever bytes the container wrote, not necessarily UTF-8,
 * and jansson refuses strings that are not valid UTF-8. So this one encoder
 * is written by hand, escaping as Go's encoding/json (which dockerd uses)
 * does: invalid UTF-8 becomes U+FFFD, '<' '>' '&' U+2028 U+2029 are escaped
 * as \uXXXX, control characters as \n \r \t or \u00XX.
 */
#include "logfile-json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const char *shim_stream_to_string(enum shim_stream s) {
        static const char *const names[_SHIM_STREAM_MAX] = {
                [SHIM_STREAM_STDIN] = "stdin",
                [SHIM_STREAM_STDOUT] = "stdout",
                [SHIM_STREAM_STDERR] = "stderr",
        };
        return s >= 0 && s < _SHIM_STREAM_MAX ? names[s] : NULL;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is invalid or cut short. */
static size_t utf8_seq_len(const unsigned char *p, size_t n) {
        unsigned char c = p[0];
        size_t len;
        uint32_t cp, min;

        if (c < 0x80)
                return 1;
        if ((c & 0xe0) == 0xc0)
                len = 2, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
                len = 3, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
                len = 4, cp = c & 0x07, min = 0x10000;
        else
                return 0;
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (p[i] & 0x3f);
        }
        /* Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid. */
        if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                return 0;
        return len;
}

static int append_escape(struct shim_buf *out, unsigned char c) {
        char esc[8];
        switch (c) {
        case '"':  return shim_buf_append(out, "\\\"", 2);
        case '\\': return shim_buf_append(out, "\\\\", 2);
        case '\n': return shim_buf_append(out, "\\n", 2);
        case '\r': return shim_buf_append(out, "\\r", 2);
        case '\t': return shim_buf_append(out, "\\t", 2);
        default:
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                return shim_buf_append(out, esc, 6);
        }
}

static int append_string(struct shim_buf *out, const unsigned char *p, size_t n) {
        int r = shim_buf_append(out, "\"", 1);
        size_t i = 0;

        while (r >= 0 && i < n) {
                unsigned char c = p[i];
                size_t run = i;

                /* Copy the longest run of bytes that need no escaping in one go. */
                while (run < n && p[run] >= 0x20 && p[run] < 0x80 && !strchr("\"\\<>&", p[run]))
                        run++;
                if (run > i) {
                        r = shim_buf_append(out, p + i, run - i);
                        i = run;
                        continue;
                }
                if (c < 0x80) {
                        r = append_escape(out, c);
                        i++;
                        continue;
                }
                size_t len = utf8_seq_len(p + i, n - i);
                if (len == 0) {
                        r = shim_buf_append(out, "\\ufffd", 6);
                        i++;
                } else if (len == 3 && c == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] & 0xfe) == 0xa8) {
                        r = shim_buf_append(out, p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
                        i += 3;
                } else {
                        r = shim_buf_append(out, p + i, len);
                        i += len;
                }
        }
        return r < 0 ? r : shim_buf_append(out, "\"", 1);
}

int shim_logjson_encode(struct shim_buf *out, enum shim_stream s, const char *data, size_t len,
                        const char *time) {
        const char *name = shim_stream_to_string(s);
        size_t start = out->len;
        int r;

        if (!name)
                return -EINVAL;
        r = shim_buf_append(out, "{\"log\":", 7);
        if (r >= 0)
                r = append_string(out, (const unsigned char *) data, len);
        if (r >= 0)
                r = shim_buf_append(out, ",\"stream\":\"", 11);
        if (r >= 0)
                r = shim_buf_append(out, name, strlen(name));
        if (r >= 0)
                r = shim_buf_append(out, "\",\"time\":\"", 10);
        if (r >= 0)
                r = shim_buf_append(out, time, strlen(time));
        if (r >= 0)
                r = shim_buf_append(out, "\"}\n", 3);
        if (r < 0)
                out->len = start;       /* never leave half a record behind */
        return r;
}
