/*
 * Output as the docker CLI prints it: go-units sizes and durations, Go's
 * tabwriter alignment, and the subset of Go templates that --format needs.
 *
 * Template subset: literal text and actions {{.}}, {{.A.B}} (a walk through
 * JSON objects), {{json ARG}}, {{index ARG "key"}}, {{upper ARG}},
 * {{lower ARG}}. Values print as Go prints decoded JSON: strings raw, whole
 * numbers without a fraction, arrays as [a b], objects as map[k:v], a missing
 * key as <no value>.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"


/* go-units BytesSize: binary units, 4 significant digits ("1.5MiB"). */
void ctl_bytes_size(double bytes, char *buf, size_t len);

/* go-units HumanSizeWithPrecision: decimal units ("1.98MB", "0B"); HumanSize is precision 4. */
void ctl_human_size(double bytes, int precision, char *buf, size_t len);

/* docker's Ellipsis: at most max runes, the last one "…" when cut. Heap result. */
char *ctl_ellipsis(const char *s, size_t max);

/* Dumps v with jansson flags. Like docker's own printing, <, > and & stay unescaped. */
int ctl_print_json(json_t *v, size_t flags, FILE *out);

/* ps's PORTS text for a container's "Ports" array, as docker groups and orders it. Heap result. */
char *ctl_ports_text(json_t *ports);

/* Renders one template against ctx into out; -EINVAL with err on a bad template. */
int ctl_template_render(const char *tmpl, json_t *ctx, FILE *out, struct ctrd_error *err);

/*
 * A --format in progress: "table [TEMPLATE]" aligns the rows under a header
 * with tabwriter rules; "json" is {{json .}}; anything else is a template
 * printed once per row. "\t" and "\n" written in the format are unescaped,
 * as docker does.
 */
struct ctl_format {
        bool table;
        char *tmpl;
        char *buf;                      /* rendered rows, held until ctl_format_flush */
        size_t len;
        FILE *out;                      /* memstream over buf */
};

/* format: the user's --format (NULL or "" = default_table, which starts with "table"). */
int ctl_format_init(struct ctl_format *f, const char *format, const char *default_table,
                    struct ctrd_error *err);
/* Renders one row; for the header pass an object mapping each field to its title. */
int ctl_format_row(struct ctl_format *f, json_t *row, struct ctrd_error *err);
/* Writes everything rendered so far to out (tabwriter-aligned for tables) and resets. */
void ctl_format_flush(struct ctl_format *f, FILE *out, size_t minwidth);
void ctl_format_done(struct ctl_format *f);

/* Go's tabwriter with padding 3: columns are the '\t'-separated cells of text. */
void ctl_tabwrite(const char *text, FILE *out, size_t minwidth);
