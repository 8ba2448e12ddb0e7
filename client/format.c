/* Sizes, durations, ellipsis, tabwriter alignment and the --format driver. */
#include "format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "string-util.h"

/* go-units CustomSize: scale by base until below it, then printf with the given precision. */
static void custom_size(int precision, double size, double base, const char *const *units,
                        size_t n_units, char *buf, size_t len) {
        size_t i = 0;
        while (size >= base && i + 1 < n_units) {
                size /= base;
                i++;
        }
        snprintf(buf, len, "%.*g%s", precision, size, units[i]);
}

void ctl_bytes_size(double bytes, char *buf, size_t len) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        custom_size(4, bytes, 1024.0, units, sizeof(units) / sizeof(units[0]), buf, len);
}

void ctl_human_size(double bytes, int precision, char *buf, size_t len) {
        static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
        custom_size(precision, bytes, 1000.0, units, sizeof(units) / sizeof(units[0]), buf, len);
}

int ctl_print_json(json_t *v, size_t flags, FILE *out) {
        _cleanup_free_ char *s = json_dumps(v, flags | JSON_ENCODE_ANY);
        if (!s)
                return -ENOMEM;
        fputs(s, out);
        return 0;
}

/* Runes, as Go's tabwriter and docker's Ellipsis count them (UTF-8 continuation bytes skipped). */
static size_t rune_count(const char *s, size_t n) {
        size_t runes = 0;
        for (size_t i = 0; i < n; i++)
                if (((unsigned char) s[i] & 0xC0) != 0x80)
                        runes++;
        return runes;
}

char *ctl_ellipsis(const char *s, size_t max) {
        size_t n = strlen(s);
        if (rune_count(s, n) <= max)
                return strdup(s);
        if (max == 0)
                return strdup("");
        size_t i = 0, runes = 0;
        while (i < n) {
                if (((unsigned char) s[i] & 0xC0) != 0x80 && ++runes == max)
                        break;
                i++;
        }
        char *r = NULL;
        return asprintf(&r, "%.*s\xe2\x80\xa6", (int) i, s) < 0 ? NULL : r;
}

/* The width of column col: its widest cell plus padding 3, at least minwidth. */
static void column_widths(const char *text, size_t *widths, size_t n_cols, size_t minwidth) {
        for (size_t c = 0; c < n_cols; c++)
                widths[c] = minwidth;
        for (const char *line = text; *line;) {
                size_t llen = strcspn(line, "\n");
                size_t col = 0;
                for (const char *cell = line; col < n_cols;) {
                        size_t clen = strcspn(cell, "\t\n");
                        if (cell[clen] != '\t')
                                break;  /* the last cell of a line is not a column */
                        size_t w = rune_count(cell, clen) + 3;
                        if (w > widths[col])
                                widths[col] = w;
                        cell += clen + 1;
                        col++;
                }
                line += llen + (line[llen] == '\n');
        }
}

void ctl_tabwrite(const char *text, FILE *out, size_t minwidth) {
        size_t n_cols = 0;
        for (const char *line = text; *line;) {
                size_t llen = strcspn(line, "\n"), tabs = 0;
                for (size_t i = 0; i < llen; i++)
                        tabs += line[i] == '\t';
                if (tabs > n_cols)
                        n_cols = tabs;
                line += llen + (line[llen] == '\n');
        }
        size_t widths[n_cols + 1];
        column_widths(text, widths, n_cols, minwidth);
        for (const char *p = text; *p;) {
                size_t col = 0;
                for (;;) {
                        size_t clen = strcspn(p, "\t\n");
                        fwrite(p, 1, clen, out);
                        if (p[clen] != '\t') {
                                p += clen;
                                break;
                        }
                        fprintf(out, "%*s", (int) (widths[col] - rune_count(p, clen)), "");
                        p += clen + 1;
                        col++;
                }
                if (*p == '\n') {
                        fputc('\n', out);
                        p++;
                }
        }
}

/* Replaces the two escapes docker honours in --format, "\t" and "\n". */
static void unescape_format(char *s) {
        char *w = s;
        for (const char *r = s; *r; r++) {
                if (r[0] == '\\' && (r[1] == 't' || r[1] == 'n')) {
                        *w++ = r[1] == 't' ? '\t' : '\n';
                        r++;
                } else {
                        *w++ = *r;
                }
        }
        *w = '\0';
}

int ctl_format_init(struct ctl_format *f, const char *format, const char *default_table,
                    struct ctrd_error *err) {
        *f = (struct ctl_format) { 0 };
        if (!format || !*format || strcmp(format, "table") == 0)
                format = default_table;
        else if (strcmp(format, "json") == 0)
                format = "{{json .}}";
        f->table = ctrd_startswith(format, "table");
        const char *body = format + (f->table ? strlen("table") : 0);
        while (*body == ' ')
                body++;
        f->tmpl = strdup(body);
        if (!f->tmpl)
                return -ENOMEM;
        size_t n = strlen(f->tmpl);
        while (n > 0 && f->tmpl[n - 1] == ' ')
                f->tmpl[--n] = '\0';
        unescape_format(f->tmpl);
        f->out = open_memstream(&f->buf, &f->len);
        if (!f->out)
                return ctrd_error_sys(err, errno, "open_memstream");
        return 0;
}

int ctl_format_row(struct ctl_format *f, json_t *row, struct ctrd_error *err) {
        if (!f->out)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = ctl_template_render(f->tmpl, row, f->out, err);
        if (r < 0)
                return r;
        fputc('\n', f->out);
        return 0;
}

void ctl_format_flush(struct ctl_format *f, FILE *out, size_t minwidth) {
        /* Closing the memstream is what makes buf final and NUL-terminated. */
        fclose(f->out);
        if (f->table)
                ctl_tabwrite(f->buf, out, minwidth);
        else
                fwrite(f->buf, 1, f->len, out);
        fflush(out);
        free(f->buf);
        f->buf = NULL;
        f->len = 0;
        f->out = open_memstream(&f->buf, &f->len);
}

void ctl_format_done(struct ctl_format *f) {
        if (f->out)
                fclose(f->out);
        free(f->buf);
        free(f->tmpl);
        *f = (struct ctl_format) { 0 };
}
